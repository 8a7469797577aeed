/* The patroller's phone app: sign in once, today's segment, the walk, the log form, the outbox, my month.
   Every word comes from the page (#msgs, rendered through gettext); everything sent goes through the REST API. */
(function () {
  "use strict";
  var O = self.RiverOutbox, T = self.RiverTrack, P = self.RiverPhotos;
  var body = document.body;
  var API = body.dataset.api;
  var MAX_POINTS = parseInt(body.dataset.trackMaxPoints, 10) || 20000;
  var MAX_ACC = parseFloat(body.dataset.trackMaxAccuracy) || 50;
  var LANGUAGE = body.dataset.language || "";
  var MSG = {};
  Array.prototype.forEach.call(document.querySelectorAll("#msgs li"), function (li) { MSG[li.dataset.k] = li.textContent; });

  var state = {
    token: null, me: null, month: null, duty: null, segment: null, checklist: null,
    patrol: null, points: [], watch: null, lastFix: null, timer: null,
    answers: {}, actions: [], photos: []
  };

  function $(id) { return document.getElementById(id); }
  function t(key, params) {
    var text = MSG[key] || key;
    return text.replace(/%\((\w+)\)s/g, function (all, name) { return params && name in params ? String(params[name]) : all; });
  }
  function show(node, on) { node.hidden = !on; }
  function text(node, value) { node.textContent = value; return node; }
  function make(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }
  function today() { return P.shanghai(Date.now()).slice(0, 10); }
  function clock(iso) { return iso ? iso.slice(11, 16) : ""; }
  var bannerTimer = null;
  /* A line across the top; `seconds` hides it again (for news, not for problems that last). */
  function banner(message, seconds) {
    clearTimeout(bannerTimer);
    text($("banner"), message || "");
    show($("banner"), !!message);
    if (message && seconds) bannerTimer = setTimeout(function () { banner(""); }, seconds * 1000);
  }
  function csrf() {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // --- screens ---------------------------------------------------------------------------------------------------

  var SCREENS = ["loading", "login", "today", "patrol", "form", "outbox", "month"];
  var current = "loading";

  /* Switching the language reloads the page from the server: not while offline (the switch would fail) and not
     during a walk or while its log is being filled in. */
  function languageSwitch() {
    show($("language-form"), navigator.onLine && current !== "patrol" && current !== "form");
  }
  function screen(name) {
    current = name;
    SCREENS.forEach(function (s) { show($("screen-" + s), s === name); });
    languageSwitch();
    show($("tabs"), ["today", "outbox", "month"].indexOf(name) !== -1);
    Array.prototype.forEach.call(document.querySelectorAll("#tabs a"), function (a) {
      a.classList.toggle("active", a.dataset.screen === name);
    });
    window.scrollTo(0, 0);
  }

  function route() {
    if (!state.token) return screen("login");
    if (state.patrol && !state.patrol.endedAt) return showPatrol();
    if (state.patrol && state.patrol.endedAt) return showForm();
    var name = (location.hash || "#today").slice(1);
    if (name === "outbox") { screen("outbox"); return renderOutbox(); }
    if (name === "month") { screen("month"); return loadMonth(); }
    screen("today");
    return loadToday();
  }

  // --- the API ---------------------------------------------------------------------------------------------------

  function api(path, options) {
    options = options || {};
    var headers = { "Accept": "application/json" };
    if (LANGUAGE) headers["Accept-Language"] = LANGUAGE;
    if (state.token) headers["Authorization"] = "Token " + state.token;
    if (options.json !== undefined) headers["Content-Type"] = "application/json";
    return fetch(API + path, {
      method: options.method || "GET", headers: headers,
      body: options.json !== undefined ? JSON.stringify(options.json) : undefined, credentials: "omit"
    }).then(function (response) {
      return response.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        if (response.status === 401 && state.token && !options.noAuthRedirect) {
          return O.kv.set("authNeeded", true).then(function () { signInAgain(); return { status: 401, data: data }; });
        }
        return { status: response.status, data: data };
      });
    });
  }

  /* Read from the API and keep a copy for offline; the copy (or null) when the network fails. */
  function cached(key, path) {
    return api(path).then(function (answer) {
      if (answer.status === 200) return O.kv.set(key, answer.data).then(function () { return { data: answer.data, fresh: true, status: 200 }; });
      return O.kv.get(key).then(function (copy) { return { data: answer.status === 404 ? null : copy, fresh: false, status: answer.status }; });
    }, function () {
      return O.kv.get(key).then(function (copy) { return { data: copy, fresh: false, status: 0 }; });
    });
  }

  // --- signing in ------------------------------------------------------------------------------------------------

  function signInAgain() {
    state.token = null;
    show($("login-expired"), true);
    screen("login");
  }

  function acceptToken(token) {
    state.token = token;
    return api("me/", { noAuthRedirect: true }).then(function (answer) {
      if (answer.status !== 200) throw new Error(O.errorText(answer.data, answer.status));
      if (answer.data.role !== "patroller") {
        return api("auth/logout/", { method: "POST", noAuthRedirect: true }).then(function () {
          state.token = null;
          throw new Error(t("login.not_patroller"));
        });
      }
      state.me = answer.data;
      return O.kv.get("lastUser").then(function (last) {
        return last && last !== answer.data.username ? forgetLastUser() : null;
      }).then(function () { return O.setSession(token, answer.data); });
    });
  }

  /* Someone else signs in on this phone: the walk, the answers and the copies kept for offline were the previous
     patroller's and go; their outbox stays, to be sent when they sign in again (never with this token). */
  function forgetLastUser() {
    stopWatching();
    state.photos.forEach(function (ph) { if (ph.url) URL.revokeObjectURL(ph.url); });
    state.patrol = null; state.points = []; state.answers = {}; state.actions = []; state.photos = [];
    state.month = null; state.duty = null; state.segment = null; state.checklist = null;
    $("notes").value = "";
    // The previous patroller's segment and Start button go until the new one's duty is read.
    show($("duty-on"), false);
    show($("duty-none"), false);
    return Promise.all(["patrol", "draft", "month", "segment", "checklist"].map(function (key) { return O.kv.del(key); })
      .concat([O.clear("points")]));
  }

  function username() { return state.me ? state.me.username : null; }

  function sessionToken() {
    return fetch(body.dataset.tokenUrl, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.status === 403 && data && data.errors) banner(O.errorText(data, 403));
        return response.status === 200 ? data.token : null;
      });
    }).catch(function () { return null; });
  }

  $("login-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    show($("login-error"), false);
    fetch(API + "auth/token/", {
      method: "POST", credentials: "omit",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "Accept-Language": LANGUAGE },
      body: JSON.stringify({ username: form.username.value.trim(), password: form.password.value })
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.status !== 200) throw new Error(t("login.failed", { message: O.errorText(data, response.status) }));
        return acceptToken(data.token);
      });
    }, function () { throw new Error(t("login.network")); }).then(function () {
      form.password.value = "";
      show($("login-expired"), false);
      started();
      flushNow();
    }).catch(function (error) {
      text($("login-error"), error.message);
      show($("login-error"), true);
    });
  });

  $("logout").addEventListener("click", function () {
    O.unsentCount(username()).then(function (n) {
      if (n && !window.confirm(t("logout.confirm", { n: n }))) return;
      var revoke = state.token ? api("auth/logout/", { method: "POST", noAuthRedirect: true }).catch(function () {}) : Promise.resolve();
      return revoke.then(function () {
        state.token = null; state.me = null;
        text($("who"), "");
        return Promise.all([O.setSession(null), O.kv.del("month"), O.kv.del("segment")]);
      }).then(function () { screen("login"); });
    });
  });

  // --- today ------------------------------------------------------------------------------------------------------

  function loadToday() {
    text($("today-date"), t("today.date", { date: today() }));
    return Promise.all([cached("month", "me/month/"), O.kv.get("me")]).then(function (got) {
      var month = got[0].data;
      show($("today-offline"), !got[0].fresh);
      if (!month) return;
      state.month = month;
      state.duty = month.duty;
      var duty = month.duty;
      show($("duty-on"), duty.status === "on_duty");
      show($("duty-none"), duty.status !== "on_duty");
      if (duty.status !== "on_duty") {
        text($("duty-message"), duty.message);
        text($("duty-contacts"), duty.office.contacts.length ? t("today.contacts", { names: duty.office.contacts.join(t("list.sep")) }) : "");
        // One tap calls the office (older cached answers have no phone).
        var call = $("duty-call");
        show(call, !!duty.office.phone);
        if (duty.office.phone) {
          call.href = "tel:" + duty.office.phone.replace(/[^0-9+]/g, "");
          text(call, t("today.call", { office: duty.office.name, phone: duty.office.phone }));
        }
        return;
      }
      text($("segment-name"), duty.segment.water_body + " · " + duty.segment.name);
      return Promise.all([
        cached("segment", "segments/" + duty.segment.id + "/"), loadChecklist(), O.list(username())
      ]).then(function (more) {
        state.segment = more[0].data;
        if (!T.draw($("today-map"), state.segment && state.segment.geometry, [])) text($("today-map"), t("map.none"));
        var day = (month.days || []).filter(function (d) { return d.date === today(); })[0];
        var logsToday = (month.logs || []).filter(function (l) { return l.date === today(); }).length;
        var todays = more[2].filter(function (item) { return item.mine && item.log.body.date === today(); });
        var refused = todays.filter(function (item) { return item.state === "failed"; })[0];
        var queued = todays.some(function (item) { return item.state === "pending" || item.state === "sending"; });
        var status = $("today-status");
        if (day && day.status === "patrolled") {
          status.className = "status good";
          text(status, t("today.done", { n: logsToday }));
        } else if (refused) {
          // The server said no: that is not "waiting", and the patroller needs its words to act on it.
          status.className = "status bad";
          text(status, t("today.refused", { message: refused.message }));
        } else {
          status.className = "status " + (queued ? "wait" : "bad");
          text(status, queued ? t("today.queued") : t("today.not_done"));
        }
      });
    });
  }

  function builtinChecklist() {
    var checks = Array.prototype.map.call(document.querySelectorAll("#builtin-checks > div"), function (div) {
      return {
        code: div.dataset.code, name: div.dataset.name, local: false,
        values: Array.prototype.map.call(div.querySelectorAll("span"), function (span) {
          return { value: span.dataset.value, label: span.textContent, problem: span.dataset.problem === "1" };
        })
      };
    });
    var actions = Array.prototype.map.call(document.querySelectorAll("#builtin-actions span"), function (span) {
      return { value: span.dataset.value, label: span.textContent };
    });
    return { checks: checks, actions: actions };
  }

  /* GET /api/v1/checklist/ (the checks of the caller's area, local items included) or, where the server has none
     (404) and nothing is cached, the built-in seven checks of 第七条. */
  function loadChecklist() {
    return cached("checklist", "checklist/").then(function (got) {
      state.checklist = got.data && got.data.checks ? got.data : builtinChecklist();
      return state.checklist;
    });
  }

  $("start").addEventListener("click", function () {
    if (state.patrol) return showPatrol();
    if (!state.duty || !state.duty.segment) return;  // today's duty not read yet (the button shows once it is)
    state.patrol = { uuid: O.uuid4(), owner: username(), startedAt: Date.now(), endedAt: null, segment: state.duty.segment, hidden: [], hiddenSince: null };
    state.points = [];
    O.clear("points").then(function () { return O.kv.set("patrol", state.patrol); }).then(showPatrol);
  });

  // --- the walk ----------------------------------------------------------------------------------------------------

  function savePatrol() { return O.kv.set("patrol", state.patrol); }

  function showPatrol() {
    screen("patrol");
    if (state.watch === null && navigator.geolocation) {
      text($("gps-status"), t("gps.waiting"));
      state.watch = navigator.geolocation.watchPosition(onFix, onFixError, { enableHighAccuracy: true, maximumAge: 0, timeout: 30000 });
    }
    T.wake(true).then(function (on) { text($("wake-note"), on ? t("wake.on") : t("wake.off")); });
    clearInterval(state.timer);
    state.timer = setInterval(renderPatrol, 1000);
    renderPatrol();
  }

  function onFix(position) {
    var c = position.coords;
    var point = { t: P.shanghai(position.timestamp || Date.now(), true), lat: c.latitude, lng: c.longitude, acc: Math.round(c.accuracy * 10) / 10 };
    state.lastFix = { lat: c.latitude, lng: c.longitude, acc: c.accuracy, time: Date.now() };
    var status = $("gps-status");
    status.className = "status " + (c.accuracy <= MAX_ACC ? "good" : "wait");
    text(status, c.accuracy <= MAX_ACC ? t("gps.ok", { acc: Math.round(c.accuracy) }) : t("gps.poor", { acc: Math.round(c.accuracy) }));
    if (!state.patrol || state.patrol.endedAt) return;
    var last = state.points[state.points.length - 1];
    if (!T.keep(last, point)) return;
    state.points.push(point);
    O.put("points", point);
    renderPatrol();
  }

  function onFixError(error) {
    var status = $("gps-status");
    status.className = "status bad";
    text(status, error.code === 1 ? t("gps.denied") : t("gps.unavailable"));
  }

  function stopWatching() {
    if (state.watch !== null && navigator.geolocation) navigator.geolocation.clearWatch(state.watch);
    state.watch = null;
    clearInterval(state.timer);
    T.wake(false);
  }

  function formatDistance(m) {
    return m < 1000 ? t("distance.m", { n: Math.round(m) }) : t("distance.km", { n: (m / 1000).toFixed(2) });
  }

  function formatElapsed(ms) {
    var s = Math.max(0, Math.floor(ms / 1000)), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    return (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + ((s % 60) < 10 ? "0" : "") + (s % 60);
  }

  function renderPatrol() {
    if (!state.patrol) return;
    var end = state.patrol.endedAt || Date.now();
    text($("distance"), formatDistance(T.distance(state.points, MAX_ACC)));
    text($("elapsed"), formatElapsed(end - state.patrol.startedAt));
    text($("points"), String(state.points.length));
    var gaps = T.gaps(state.points, state.patrol.hidden);
    show($("gaps"), gaps.count > 0);
    text($("gaps"), t("gaps", { n: gaps.count, minutes: gaps.minutes }));
    if (!$("screen-patrol").hidden) T.draw($("patrol-map"), state.segment && state.segment.geometry, state.points);
  }

  function pageHidden() {
    if (state.patrol && !state.patrol.endedAt && !state.patrol.hiddenSince) {
      state.patrol.hiddenSince = Date.now();
      savePatrol();
    }
  }

  function pageVisible() {
    if (state.patrol && state.patrol.hiddenSince) {
      var away = Date.now() - state.patrol.hiddenSince;
      if (!state.patrol.endedAt && away > 10000) state.patrol.hidden.push({ from: state.patrol.hiddenSince, to: Date.now() });
      state.patrol.hiddenSince = null;
      savePatrol();
      if (!state.patrol.endedAt) T.wake(true);
      renderPatrol();
    }
    flushNow();
  }

  document.addEventListener("visibilitychange", function () { if (document.hidden) pageHidden(); else pageVisible(); });
  window.addEventListener("pagehide", pageHidden);

  $("end").addEventListener("click", function () {
    if (!window.confirm(t("confirm.end"))) return;
    stopWatching();
    state.patrol.endedAt = Date.now();
    savePatrol().then(showForm);
  });

  /* A patrol started by mistake: its track and answers are deleted on the patroller's confirmation. */
  function discardPatrol() {
    if (!window.confirm(t("confirm.discard"))) return;
    stopWatching();
    state.photos.forEach(function (ph) { if (ph.url) URL.revokeObjectURL(ph.url); });
    state.patrol = null; state.points = []; state.answers = {}; state.actions = []; state.photos = [];
    $("notes").value = "";
    Promise.all([O.kv.del("patrol"), O.kv.del("draft"), O.clear("points")]).then(function () {
      location.hash = "#today";
      route();
    });
  }
  $("discard-patrol").addEventListener("click", discardPatrol);
  $("discard-form").addEventListener("click", discardPatrol);

  // --- the log form ------------------------------------------------------------------------------------------------

  function showForm() {
    screen("form");
    stopWatching();
    var p = state.patrol;
    text($("form-summary"), t("form.summary", {
      start: clock(P.shanghai(p.startedAt)), end: clock(P.shanghai(p.endedAt)),
      distance: formatDistance(T.distance(state.points, MAX_ACC)), points: state.points.length
    }));
    return Promise.all([state.checklist ? Promise.resolve(state.checklist) : loadChecklist(), O.kv.get("draft")]).then(function (got) {
      // Answers given before a reload or a phone call come back (the photos are chosen again).
      var draft = got[1];
      if (draft && draft.uuid === p.uuid) {
        state.answers = draft.answers || {};
        state.actions = draft.actions || [];
        $("notes").value = draft.notes || "";
      }
      renderForm(got[0]);
    });
  }

  function saveDraft() {
    if (!state.patrol) return;
    O.kv.set("draft", { uuid: state.patrol.uuid, answers: state.answers, actions: state.actions, notes: $("notes").value });
  }
  $("notes").addEventListener("input", saveDraft);

  function renderForm(checklist) {
    var holder = $("checks");
    holder.textContent = "";
    var localShown = false;
    checklist.checks.forEach(function (check) {
      if (check.local && !localShown) { holder.appendChild(make("h2", "", t("form.local"))); localShown = true; }
      var set = make("fieldset", "check");
      set.dataset.code = check.code;
      set.appendChild(make("legend", "", check.name));
      var row = make("div", "choices");
      check.values.forEach(function (value) {
        var label = make("label", "choice" + (value.problem ? " problem" : ""));
        var input = document.createElement("input");
        input.type = "radio";
        input.name = "check-" + check.code;
        input.value = value.value;
        input.checked = state.answers[check.code] === value.value;
        input.addEventListener("change", function () { state.answers[check.code] = value.value; refreshForm(); });
        label.appendChild(input);
        label.appendChild(make("span", "", value.label + (value.problem ? " ⚠" : "")));
        row.appendChild(label);
      });
      set.appendChild(row);
      // Every check, fixed or local (第八条), can carry its own photo: the server accepts a local item's code as the
      // photo's `check` when the log answered that item.
      var camera = make("label", "button camera photo-for");
      camera.hidden = true;
      camera.appendChild(document.createTextNode(t("form.photo_for", { name: check.name })));
      var input = document.createElement("input");
      input.type = "file";
      input.accept = "image/*";
      input.setAttribute("capture", "environment");
      input.addEventListener("change", function () { addPhotos(input, check.code); });
      camera.appendChild(input);
      set.appendChild(camera);
      holder.appendChild(set);
    });
    var actions = $("actions");
    actions.textContent = "";
    checklist.actions.forEach(function (action) {
      var label = make("label", "toggle");
      var input = document.createElement("input");
      input.type = "checkbox";
      input.value = action.value;
      input.checked = state.actions.indexOf(action.value) !== -1;
      input.addEventListener("change", function () {
        state.actions = Array.prototype.filter.call(actions.querySelectorAll("input"), function (i) { return i.checked; })
          .map(function (i) { return i.value; });
        refreshForm();
      });
      label.appendChild(input);
      label.appendChild(make("span", "", action.label));
      actions.appendChild(label);
    });
    refreshForm();
  }

  function problemCodes() {
    return state.checklist.checks.filter(function (check) {
      var answer = state.answers[check.code];
      return check.values.some(function (v) { return v.value === answer && v.problem; });
    }).map(function (check) { return check.code; });
  }

  function refreshForm() {
    saveDraft();
    var problems = problemCodes();
    Array.prototype.forEach.call(document.querySelectorAll("#checks fieldset"), function (set) {
      var bad = problems.indexOf(set.dataset.code) !== -1;
      set.classList.toggle("has-problem", bad);
      var camera = set.querySelector(".photo-for");
      if (camera) camera.hidden = !bad;
    });
    var escalate = $("actions").querySelector("input[value=escalated]");
    if (escalate) {
      escalate.disabled = problems.length === 0;
      if (escalate.disabled && escalate.checked) { escalate.checked = false; state.actions = state.actions.filter(function (a) { return a !== "escalated"; }); }
    }
    show($("escalate-note"), problems.length === 0);
    show($("photo-needed"), problems.length > 0 && state.photos.length === 0);
    renderPhotos();
  }

  function addPhotos(input, check) {
    var files = Array.prototype.slice.call(input.files || []);
    input.value = "";
    files.forEach(function (file) {
      var item = { uuid: O.uuid4(), check: check || "", busy: true, url: null };
      state.photos.push(item);
      renderPhotos();
      P.prepare(file, state.lastFix).then(function (ready) {
        item.blob = ready.blob;
        item.name = ready.name;
        item.evidence = ready.evidence;
        item.url = URL.createObjectURL(ready.blob);
        item.busy = false;
        refreshForm();
      }, function () {
        item.busy = false;
        item.error = true;
        renderPhotos();
      });
    });
  }

  function renderPhotos() {
    var list = $("photo-list");
    list.textContent = "";
    var names = {};
    (state.checklist ? state.checklist.checks : []).forEach(function (c) { names[c.code] = c.name; });
    state.photos.forEach(function (photo, index) {
      var li = make("li", "photo");
      if (photo.url) {
        var img = document.createElement("img");
        img.src = photo.url;
        img.alt = names[photo.check] || "";
        li.appendChild(img);
      }
      var info = make("div", "info");
      if (photo.busy) info.appendChild(make("p", "", t("form.photo_working")));
      else if (photo.error) info.appendChild(make("p", "error", t("form.photo_failed")));
      else {
        if (photo.check) info.appendChild(make("p", "tag", names[photo.check] || photo.check));
        info.appendChild(make("p", "", photo.evidence.taken_at ? t("form.photo_time", { time: photo.evidence.taken_at.slice(5, 16).replace("T", " ") }) : t("form.photo_no_time")));
        if (photo.evidence.latitude !== null) info.appendChild(make("p", "", t("form.photo_place")));
      }
      var remove = make("button", "secondary small", t("form.photo_remove"));
      remove.type = "button";
      remove.addEventListener("click", function () {
        if (photo.url) URL.revokeObjectURL(photo.url);
        state.photos.splice(index, 1);
        refreshForm();
      });
      info.appendChild(remove);
      li.appendChild(info);
      list.appendChild(li);
    });
  }

  $("camera").addEventListener("change", function (event) { addPhotos(event.target, ""); });
  $("gallery").addEventListener("change", function (event) { addPhotos(event.target, ""); });

  $("log-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var error = $("form-error");
    var missing = state.checklist.checks.filter(function (c) { return !state.answers[c.code]; });
    if (missing.length) {
      text(error, t("form.missing", { n: missing.length, names: missing.map(function (c) { return c.name; }).join(t("list.sep")) }));
      show(error, true);
      return;
    }
    if (state.photos.some(function (p) { return p.busy; })) { text(error, t("form.photo_working")); show(error, true); return; }
    show(error, false);
    var p = state.patrol;
    var checks = {}, local = {};
    state.checklist.checks.forEach(function (c) { (c.local ? local : checks)[c.code] = state.answers[c.code]; });
    var started = P.shanghai(p.startedAt), ended = P.shanghai(Math.max(p.endedAt, p.startedAt));
    var slack = 15 * 60 * 1000;
    var track = T.thin(state.points.filter(function (pt) {
      var at = Date.parse(pt.t);
      return at >= p.startedAt - slack && at <= p.endedAt + slack;
    }), MAX_POINTS);
    var log = {
      client_uuid: p.uuid, date: started.slice(0, 10), started_at: started, ended_at: ended,
      segment: p.segment.id, checks: checks, actions: state.actions.slice(), notes: $("notes").value.trim(), track: track
    };
    if (Object.keys(local).length) log.local_checks = local;
    var photos = state.photos.filter(function (ph) { return ph.blob; }).map(function (ph) {
      return { uuid: ph.uuid, blob: ph.blob, name: ph.name, check: ph.check, evidence: ph.evidence };
    });
    $("submit").disabled = true;
    var owner = { username: state.me.username, name: state.me.display_name || state.me.username };
    O.enqueue({ uuid: p.uuid, owner: owner, body: log, summary: { date: log.date, segment: p.segment.name, start: clock(started), end: clock(ended) } }, photos)
      .then(function () { return Promise.all([O.kv.del("patrol"), O.kv.del("draft"), O.clear("points")]); })
      .then(function () {
        state.photos.forEach(function (ph) { if (ph.url) URL.revokeObjectURL(ph.url); });
        state.patrol = null; state.points = []; state.answers = {}; state.actions = []; state.photos = [];
        $("notes").value = "";
        $("submit").disabled = false;
        location.hash = "#outbox";
        route();
        banner(t("outbox.saved"), 6);
        requestSync();
        flushNow();
      }, function (err) {
        $("submit").disabled = false;
        text(error, t("error.generic", { message: err && err.message }));
        show(error, true);
      });
  });

  // --- the outbox ----------------------------------------------------------------------------------------------------

  // One flush at a time; asked again while one runs (the phone came back online during an attempt that had
  // already failed offline), it runs once more when that one ends instead of waiting for the next round.
  var flushing = null;
  var flushAgain = false;
  function flushNow() {
    if (!state.token) return Promise.resolve();
    if (flushing) { flushAgain = true; return flushing; }
    flushing = O.flush({ api: API, language: LANGUAGE, onChange: renderOutbox }).then(function (result) {
      flushing = null;
      if (result.auth) signInAgain();
      renderOutbox();
      if (flushAgain) { flushAgain = false; return flushNow().then(function (next) { return next || result; }); }
      return result;
    }, function () { flushing = null; flushAgain = false; });
    return flushing;
  }

  function requestSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register(O.SYNC_TAG);
    }).catch(function () {});
  }

  function renderOutbox() {
    return O.list(username()).then(function (items) {
      // On a shared phone, someone else's logs are listed only while they wait (never sent with this token).
      items = items.filter(function (i) { return i.mine || i.state !== "sent"; });
      var unsent = items.filter(function (i) { return i.mine && i.state !== "sent"; }).length;
      text($("outbox-count"), unsent ? String(unsent) : "");
      var list = $("outbox-list");
      list.textContent = "";
      show($("outbox-empty"), items.length === 0);
      items.forEach(function (item) {
        var li = make("li", "item state-" + item.state);
        li.dataset.uuid = item.log.uuid;
        var head = make("div", "head");
        head.appendChild(make("strong", "", t("outbox.log", { date: item.log.summary.date }) + " " + item.log.summary.start + "–" + item.log.summary.end));
        head.appendChild(make("span", "badge state", t("state." + item.state)));
        li.appendChild(head);
        li.appendChild(make("p", "", item.log.summary.segment));
        if (item.photos.length) {
          var sent = item.photos.filter(function (p) { return p.state === "sent"; }).length;
          li.appendChild(make("p", "", t("outbox.photos", { sent: sent, total: item.photos.length })));
        }
        if (!item.mine) {
          // Someone else's log: sent (or retried, or deleted) only by them, once they sign in again.
          var owner = item.log.owner;
          li.classList.add("other-owner");
          li.appendChild(make("p", "notice", owner ? t("outbox.waiting_owner", { name: owner.name || owner.username }) : t("outbox.waiting_unknown")));
          list.appendChild(li);
          return;
        }
        if (item.message) li.appendChild(make("p", "message", item.message));
        if (item.state === "failed") {
          // A refusal for good (a validation error, a conflict) would only be refused again: no retry then.
          if (item.permanent) li.appendChild(make("p", "hint", t("outbox.permanent")));
          else {
            var retry = make("button", "secondary small retry", t("outbox.retry"));
            retry.type = "button";
            retry.addEventListener("click", function () { O.retry(item.log.uuid).then(flushNow); });
            li.appendChild(retry);
          }
          var drop = make("button", "link small", t("outbox.delete"));
          drop.type = "button";
          drop.addEventListener("click", function () {
            if (window.confirm(t("outbox.confirm_delete"))) O.discard(item.log.uuid).then(renderOutbox);
          });
          li.appendChild(drop);
        } else if (item.state !== "sent" && !navigator.onLine) {
          li.appendChild(make("p", "hint", t("outbox.offline")));
        } else if (item.state === "pending" && item.lastStatus) {
          // The server failed (5xx) or asked to wait (429): tried again by itself, or now on request.
          li.appendChild(make("p", "hint", t("outbox.http", { status: item.lastStatus })));
          var again = make("button", "secondary small retry", t("outbox.retry"));
          again.type = "button";
          again.addEventListener("click", flushNow);
          li.appendChild(again);
        }
        list.appendChild(li);
      });
    });
  }

  $("send-now").addEventListener("click", function () { O.recover().then(flushNow); });

  // --- my month ----------------------------------------------------------------------------------------------------

  function loadMonth() {
    return cached("month", "me/month/").then(function (got) {
      show($("month-offline"), !got.fresh);
      if (got.data) renderMonth(got.data);
    });
  }

  function renderMonth(month) {
    text($("month-title"), t("month.title", { month: month.month }));
    var flag = month.dismissal_flag;
    show($("dismissal"), !!flag);
    if (flag) text($("dismissal"), flag.message);
    text($("month-counts"), t("month.counts", { patrolled: month.days_patrolled, missing: month.days_missing }));
    var calendar = $("calendar");
    calendar.textContent = "";
    t("weekdays").split(",").forEach(function (w) { calendar.appendChild(make("span", "weekday", w)); });
    if (month.days.length) {
      var first = new Date(month.days[0].date + "T00:00:00Z").getUTCDay();
      for (var i = 0; i < (first + 6) % 7; i++) calendar.appendChild(make("span", "blank"));
    }
    month.days.forEach(function (day) {
      var cell = make("span", "day " + day.status);
      cell.appendChild(make("b", "", String(parseInt(day.date.slice(8), 10))));
      cell.appendChild(make("small", "", t("month.day." + day.status)));
      calendar.appendChild(cell);
    });
    var logs = $("month-logs");
    logs.textContent = "";
    if (!month.logs.length) logs.appendChild(make("li", "hint", t("month.no_logs")));
    month.logs.forEach(function (log) {
      var li = make("li", "card" + (log.flags.length ? " flagged" : ""));
      li.appendChild(make("strong", "", t("month.log", { date: log.date.slice(5), time: clock(P.shanghai(Date.parse(log.started_at))), segment: log.segment_name })));
      if (log.coverage !== null) li.appendChild(make("p", "", t("month.coverage", { pct: Math.round(log.coverage * 100) + "%" })));
      var flags = make("ul", "flags");
      if (!log.flags.length) flags.appendChild(make("li", "ok", t("month.no_flags")));
      log.flags.forEach(function (f) {
        flags.appendChild(make("li", "flag", f.photos ? t("month.flag_photos", { text: f.text, n: f.photos }) : f.text));
      });
      li.appendChild(flags);
      logs.appendChild(li);
    });
    var problems = $("month-problems");
    problems.textContent = "";
    if (!month.problems.length) problems.appendChild(make("li", "hint", t("month.no_problems")));
    month.problems.forEach(function (p) {
      var li = make("li", "card");
      li.appendChild(make("strong", "", t("month.problem", { date: p.date.slice(5), category: p.category_label, status: p.status_label })));
      if (p.deadline) li.appendChild(make("p", "", t("month.deadline", { date: p.deadline })));
      if (p.resolution_note) li.appendChild(make("p", "", p.resolution_note));
      problems.appendChild(li);
    });
    var scores = $("month-scores");
    scores.textContent = "";
    if (!month.scores.length) scores.appendChild(make("li", "hint", t("month.no_scores")));
    month.scores.forEach(function (s) {
      var li = make("li", "card" + (s.passed ? "" : " flagged"));
      li.appendChild(make("strong", "", t("month.score", { month: s.month, level: s.level_label, total: s.total, grade: s.grade_label })));
      li.appendChild(make("p", "", t("month.parts", { a: s.appearance, d: s.daily_work, r: s.records })));
      scores.appendChild(li);
    });
  }

  // --- start --------------------------------------------------------------------------------------------------------

  function network() {
    var net = $("net");
    net.className = "net " + (navigator.onLine ? "online" : "offline");
    text(net, navigator.onLine ? t("net.online") : t("net.offline"));
    languageSwitch();
  }

  function started() {
    return O.kv.get("me").then(function (me) {
      state.me = me || state.me;
      text($("who"), state.me ? state.me.display_name : "");
      return Promise.all([O.kv.get("patrol"), O.getAll("points")]);
    }).then(function (got) {
      state.patrol = got[0] || null;
      state.points = got[1] || [];
      // A walk is its walker's: never shown to (or sent by) whoever signs in next.
      if (state.patrol && state.patrol.owner !== username()) return forgetLastUser().then(route);
      if (state.patrol && state.patrol.hiddenSince && !state.patrol.endedAt) pageVisible();
      return route();
    }).then(renderOutbox);
  }

  window.addEventListener("hashchange", route);
  window.addEventListener("online", function () { network(); flushNow().then(function () { if (!$("screen-today").hidden) loadToday(); }); });
  window.addEventListener("offline", function () { network(); renderOutbox(); });
  $("language-form").addEventListener("submit", function (event) {
    // The shell may come from the cache: take the CSRF token from the cookie, not from the cached page.
    var field = event.target.querySelector("input[name=csrfmiddlewaretoken]");
    if (field && csrf()) field.value = csrf();
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.scope }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (!event.data || event.data.type !== "outbox-changed") return;
      renderOutbox();
      // The service worker's Background Sync may be the one the server told that the token is no longer valid.
      O.kv.get("authNeeded").then(function (needed) { if (needed && state.token) signInAgain(); });
    });
  }
  setInterval(function () { if (navigator.onLine) flushNow(); }, 30000);
  network();

  // Ask the browser not to evict the outbox under storage pressure (granted silently to installed apps).
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});

  O.kv.set("language", LANGUAGE).then(O.recover).then(function () {
    return Promise.all([O.session(), O.kv.get("authNeeded")]);
  }).then(function (got) {
    state.token = got[0].token;
    state.me = got[0].me;
    if (state.token && got[1]) { signInAgain(); return; }
    if (state.token) return started().then(flushNow);
    // Signed in on the ordinary login page? Turn that session into this phone's token.
    return sessionToken().then(function (token) {
      if (!token) { screen("login"); return; }
      return acceptToken(token).then(started).then(flushNow);
    });
  }).catch(function (error) {
    banner(t("error.generic", { message: error && error.message }));
    screen("login");
  });
})();

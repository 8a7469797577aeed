/* The phone's outbox: patrol logs and photos kept in IndexedDB under the API's client_uuid, then sent.
   Loaded by the page and by the service worker (Background Sync), so it touches no DOM and holds no words.

   Stores (database "river-m"):
   - kv:     token and me (the signed-in patroller, written and read together: `session`), lastUser (the username
             of the last one signed in on this phone), duty, segment, checklist, month, patrol (the walk in progress),
             draft, authNeeded, language
   - points: GPS points of the walk in progress (appended one by one, so a reload loses nothing)
   - logs:   outbox logs   {uuid, owner: {username, name}, createdAt, state, message, permanent, lastStatus,
             serverId, body, summary, photos: [photo uuids]}
   - photos: outbox photos {uuid, logUuid, blob, check, evidence, state, message, permanent, lastStatus, serverId}
   States: "pending" (待发送), "sending" (发送中), "sent" (已发送), "failed" (需处理, with the server's message).

   Every log belongs to the patroller who wrote it (`owner`) and is only ever sent with that patroller's token: when
   several people share a phone, someone else's logs stay waiting until their owner signs in again.
   Sending never duplicates: the API answers a replay of the same client_uuid with 200 and the stored record.
   A refusal (400/403/404/409/413) is kept with the API's message and never dropped; 400/409/413 are `permanent`
   (the same request always gets the same answer: no retry offered), 403/404 not (the office may set them right); 401 keeps everything waiting
   until the patroller signs in again; no network or a server error leaves items waiting for the next try. */
(function (root) {
  "use strict";
  var DB_NAME = "river-m";
  var DB_VERSION = 1;
  var SYNC_TAG = "river-outbox";
  var dbPromise = null;

  function open() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
        if (!db.objectStoreNames.contains("points")) db.createObjectStore("points", { autoIncrement: true });
        if (!db.objectStoreNames.contains("logs")) db.createObjectStore("logs", { keyPath: "uuid" });
        if (!db.objectStoreNames.contains("photos")) {
          db.createObjectStore("photos", { keyPath: "uuid" }).createIndex("log", "logUuid");
        }
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { db.close(); dbPromise = null; };
        resolve(db);
      };
      request.onerror = function () { dbPromise = null; reject(request.error); };
    });
    return dbPromise;
  }

  function done(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function finished(tx) {
    return new Promise(function (resolve, reject) {
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error || new Error("transaction aborted")); };
    });
  }

  function run(stores, mode, work) {
    return open().then(function (db) {
      var tx = db.transaction(stores, mode);
      var result = work(tx);
      return finished(tx).then(function () { return result; });
    });
  }

  function get(store, key) {
    return open().then(function (db) { return done(db.transaction(store).objectStore(store).get(key)); });
  }

  function getAll(store) {
    return open().then(function (db) { return done(db.transaction(store).objectStore(store).getAll()); });
  }

  function put(store, value, key) {
    return run([store], "readwrite", function (tx) {
      if (key === undefined) tx.objectStore(store).put(value);
      else tx.objectStore(store).put(value, key);
    });
  }

  function remove(store, key) {
    return run([store], "readwrite", function (tx) { tx.objectStore(store).delete(key); });
  }

  function clear(store) {
    return run([store], "readwrite", function (tx) { tx.objectStore(store).clear(); });
  }

  var kv = {
    get: function (key) { return get("kv", key); },
    set: function (key, value) { return put("kv", value, key); },
    del: function (key) { return remove("kv", key); }
  };

  /* The signed-in patroller's token and profile, read in one transaction so that they always belong together. */
  function session() {
    return open().then(function (db) {
      var store = db.transaction("kv").objectStore("kv");
      return Promise.all([done(store.get("token")), done(store.get("me"))]);
    }).then(function (got) { return { token: got[0] || null, me: got[1] || null }; });
  }

  /* Sign in (`token` and `me` written together, the last user remembered) or out (`token` null). */
  function setSession(token, me) {
    return run(["kv"], "readwrite", function (tx) {
      var store = tx.objectStore("kv");
      if (token) {
        store.put(token, "token");
        store.put(me, "me");
        store.put(me.username, "lastUser");
        store.delete("authNeeded");
      } else {
        store.delete("token");
        store.delete("me");
      }
    });
  }

  function ownerOf(log) { return log.owner && log.owner.username ? log.owner.username : null; }

  /* Put a log and its photos into the outbox in one transaction: all of it or nothing. `log.owner` ({username,
     name}) is the patroller who wrote it: the only one whose token may send it. */
  function enqueue(log, photos) {
    if (!ownerOf(log)) return Promise.reject(new Error("a log without its owner"));
    var now = new Date().toISOString();
    log.createdAt = log.createdAt || now;
    log.state = "pending";
    log.message = "";
    log.serverId = null;
    log.photos = photos.map(function (p) { return p.uuid; });
    return run(["logs", "photos"], "readwrite", function (tx) {
      tx.objectStore("logs").put(log);
      photos.forEach(function (photo) {
        photo.logUuid = log.uuid;
        photo.state = "pending";
        photo.message = "";
        photo.serverId = null;
        tx.objectStore("photos").put(photo);
      });
    });
  }

  function photosOf(logUuid) {
    return open().then(function (db) {
      return done(db.transaction("photos").objectStore("photos").index("log").getAll(logUuid));
    });
  }

  /* Every log with its photos, newest first, the state the patroller sees for it and whether it is `mine` (written
     by `username`, the patroller signed in now). */
  function list(username) {
    return Promise.all([getAll("logs"), getAll("photos")]).then(function (all) {
      var byLog = {};
      all[1].forEach(function (photo) { (byLog[photo.logUuid] = byLog[photo.logUuid] || []).push(photo); });
      return all[0].map(function (log) {
        var photos = byLog[log.uuid] || [];
        return {
          log: log, photos: photos, state: overall(log, photos), message: messageOf(log, photos),
          permanent: permanentOf(log, photos), lastStatus: lastStatusOf(log, photos),
          mine: !!username && ownerOf(log) === username
        };
      }).sort(function (a, b) { return a.log.createdAt < b.log.createdAt ? 1 : -1; });
    });
  }

  function overall(log, photos) {
    if (log.state === "failed") return "failed";
    if (log.state !== "sent") return log.state;
    var states = photos.map(function (p) { return p.state; });
    if (states.indexOf("failed") !== -1) return "failed";
    if (states.indexOf("sending") !== -1) return "sending";
    if (states.indexOf("pending") !== -1) return "pending";
    return "sent";
  }

  function messageOf(log, photos) {
    if (log.state === "failed") return log.message;
    var failed = photos.filter(function (p) { return p.state === "failed"; });
    return failed.length ? failed[0].message : log.message || "";
  }

  /* Refused for good: every refusal of the item is one a retry cannot change. */
  function permanentOf(log, photos) {
    if (log.state === "failed") return !!log.permanent;
    var failed = photos.filter(function (p) { return p.state === "failed"; });
    return failed.length > 0 && failed.every(function (p) { return !!p.permanent; });
  }

  /* The HTTP status of the last failed attempt of a waiting item (429, 5xx; 0 without network), or null. */
  function lastStatusOf(log, photos) {
    if (log.state !== "sent") return log.lastStatus === undefined ? null : log.lastStatus;
    var waiting = photos.filter(function (p) { return p.state === "pending" && p.lastStatus !== undefined && p.lastStatus !== null; });
    return waiting.length ? waiting[0].lastStatus : null;
  }

  /* The logs of `username` not sent yet. */
  function unsentCount(username) {
    return list(username).then(function (items) {
      return items.filter(function (item) { return item.mine && item.state !== "sent"; }).length;
    });
  }

  /* The API's error answer as one line of text: {"errors": {field: [messages]}} or DRF's {"detail": …}. */
  function errorText(body, status) {
    var parts = [];
    if (body && body.errors && typeof body.errors === "object") {
      Object.keys(body.errors).forEach(function (field) {
        var value = body.errors[field];
        (Array.isArray(value) ? value : [value]).forEach(function (message) {
          parts.push(typeof message === "string" ? message : JSON.stringify(message));
        });
      });
    } else if (body && body.detail) {
      parts.push(String(body.detail));
    }
    return parts.length ? parts.join(" ") : "HTTP " + status;
  }

  function withLock(work) {
    if (root.navigator && root.navigator.locks && root.navigator.locks.request) {
      return root.navigator.locks.request("river-outbox", work);
    }
    return work();
  }

  function send(url, init) {
    return fetch(url, init).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        return { status: response.status, body: body };
      });
    }, function () {
      return { status: 0, body: null };  // no network
    });
  }

  /* What an answer means for the item: "sent", "failed" (kept with the message), "auth" or "retry". */
  function outcome(status) {
    if (status === 200 || status === 201) return "sent";
    if (status === 401) return "auth";
    if (status === 400 || status === 403 || status === 404 || status === 409 || status === 413) return "failed";
    return "retry";  // 0 (no network), 429, 5xx, anything unexpected
  }

  /* A refusal the same request will always get (validation, other content under the same uuid, too large). */
  function permanent(status) {
    return status === 400 || status === 409 || status === 413;
  }

  function headers(token, language, json) {
    var h = { "Authorization": "Token " + token, "Accept": "application/json" };
    if (language) h["Accept-Language"] = language;
    if (json) h["Content-Type"] = "application/json";
    return h;
  }

  /* Send everything the signed-in patroller wrote that is waiting, with their token; other people's logs stay.
     Resolves {sent, failed, auth, retry}; `onChange` is called after each change. */
  function flush(options) {
    options = options || {};
    var api = options.api || "/api/v1/";
    var onChange = options.onChange || function () {};
    return withLock(function () {
      return Promise.all([session(), kv.get("language"), getAll("logs"), getAll("photos")]).then(function (got) {
        var token = got[0].token, me = got[0].me, language = options.language || got[1] || "";
        var username = me && me.username;
        var logs = got[2].filter(function (log) { return !!username && ownerOf(log) === username; })
          .sort(function (a, b) { return a.createdAt < b.createdAt ? -1 : 1; });
        var ids = {};
        logs.forEach(function (log) { ids[log.uuid] = true; });
        var photos = got[3].filter(function (p) { return ids[p.logUuid]; });
        var result = { sent: 0, failed: 0, auth: false, retry: false };
        var waiting = logs.some(function (log) { return log.state !== "sent" && log.state !== "failed"; }) ||
          photos.some(function (p) { return p.state === "pending" || p.state === "sending"; });
        if (!waiting) return result;
        if (!token || !username) { result.auth = true; return result; }

        function save(store, item) { return put(store, item).then(function () { return onChange(); }); }

        function sendPhoto(log, photo) {
          if (photo.state === "sent" || photo.state === "failed") return Promise.resolve(true);
          photo.state = "sending";
          return save("photos", photo).then(function () {
            var form = new FormData();
            form.append("client_uuid", photo.uuid);
            form.append("file", photo.blob, photo.name || "photo.jpg");
            if (photo.check) form.append("check", photo.check);
            var evidence = photo.evidence || {};
            ["taken_at", "latitude", "longitude", "accuracy"].forEach(function (key) {
              if (evidence[key] !== null && evidence[key] !== undefined) form.append(key, String(evidence[key]));
            });
            return send(api + "patrol-logs/" + log.serverId + "/photos/", {
              method: "POST", headers: headers(token, language, false), body: form
            });
          }).then(function (answer) {
            var what = outcome(answer.status);
            // A sent photo is on the server: its picture no longer takes room on the phone.
            if (what === "sent") { photo.state = "sent"; photo.serverId = answer.body && answer.body.id; photo.message = ""; photo.blob = null; }
            else if (what === "failed") {
              photo.state = "failed"; photo.message = errorText(answer.body, answer.status);
              photo.permanent = permanent(answer.status); result.failed++;
            }
            else { photo.state = "pending"; }
            photo.lastStatus = what === "retry" ? answer.status : null;
            if (what === "auth") result.auth = true;
            if (what === "retry") result.retry = true;
            return save("photos", photo).then(function () { return what === "sent" || what === "failed"; });
          });
        }

        function sendLog(log) {
          var mine = photos.filter(function (p) { return p.logUuid === log.uuid; });
          var step = Promise.resolve(true);
          if (log.state !== "sent") {
            if (log.state === "failed") return Promise.resolve(true);
            log.state = "sending";
            step = save("logs", log).then(function () {
              return send(api + "patrol-logs/", {
                method: "POST", headers: headers(token, language, true), body: JSON.stringify(log.body)
              });
            }).then(function (answer) {
              var what = outcome(answer.status);
              if (what === "sent") { log.state = "sent"; log.serverId = answer.body && answer.body.id; log.message = ""; result.sent++; }
              else if (what === "failed") {
                log.state = "failed"; log.message = errorText(answer.body, answer.status);
                log.permanent = permanent(answer.status); result.failed++;
              }
              else { log.state = "pending"; }
              log.lastStatus = what === "retry" ? answer.status : null;
              if (what === "auth") result.auth = true;
              if (what === "retry") result.retry = true;
              return save("logs", log).then(function () { return what === "sent" || what === "failed"; });
            });
          }
          // Photos wait for their log's server id.
          return step.then(function (goOn) {
            if (!goOn || log.state !== "sent" || !log.serverId) return goOn;
            return mine.reduce(function (chain, photo) {
              return chain.then(function (ok) { return ok ? sendPhoto(log, photo) : false; });
            }, Promise.resolve(true));
          });
        }

        return logs.reduce(function (chain, log) {
          // Stop at the first "no network" or "sign in again": the rest would fail the same way.
          return chain.then(function (goOn) { return goOn ? sendLog(log) : false; });
        }, Promise.resolve(true)).then(function () {
          if (!result.auth) return result;
          // Only if the refused token is still the signed-in one (the patroller may have signed in again meanwhile);
          // then say so once more: the pages ask to sign in when they see it.
          return session().then(function (now) {
            if (now.token !== token) return result;
            return kv.set("authNeeded", true).then(function () { return onChange(); }).then(function () { return result; });
          });
        });
      });
    });
  }

  // Sent logs (all their photos sent too) are listed this long, then forgotten by the phone.
  var KEEP_SENT_MS = 14 * 24 * 3600 * 1000;

  /* Items left "sending" by a page closed mid-request go back to "pending" (the replay makes a resend safe);
     logs sent more than two weeks ago leave the list. Nothing unsent is ever removed here. */
  function recover() {
    return withLock(function () {
      return Promise.all([getAll("logs"), getAll("photos")]).then(function (all) {
        var cutoff = new Date(Date.now() - KEEP_SENT_MS).toISOString();
        return run(["logs", "photos"], "readwrite", function (tx) {
          all[0].forEach(function (log) {
            var photos = all[1].filter(function (p) { return p.logUuid === log.uuid; });
            var allSent = log.state === "sent" && photos.every(function (p) { return p.state === "sent"; });
            if (allSent && log.createdAt < cutoff) {
              tx.objectStore("logs").delete(log.uuid);
              photos.forEach(function (p) { tx.objectStore("photos").delete(p.uuid); });
            } else if (log.state === "sending") { log.state = "pending"; tx.objectStore("logs").put(log); }
          });
          all[1].forEach(function (p) { if (p.state === "sending") { p.state = "pending"; tx.objectStore("photos").put(p); } });
        });
      });
    });
  }

  /* A refused item sent again on the patroller's request (e.g. after the office fixed the contract). */
  function retry(logUuid) {
    return Promise.all([get("logs", logUuid), photosOf(logUuid)]).then(function (got) {
      var log = got[0];
      if (!log) return;
      return run(["logs", "photos"], "readwrite", function (tx) {
        if (log.state === "failed") { log.state = "pending"; log.message = ""; log.permanent = false; tx.objectStore("logs").put(log); }
        got[1].forEach(function (p) {
          if (p.state === "failed") { p.state = "pending"; p.message = ""; p.permanent = false; tx.objectStore("photos").put(p); }
        });
      });
    });
  }

  /* Only on the patroller's explicit request, after a confirmation. */
  function discard(logUuid) {
    return photosOf(logUuid).then(function (photos) {
      return run(["logs", "photos"], "readwrite", function (tx) {
        tx.objectStore("logs").delete(logUuid);
        photos.forEach(function (p) { tx.objectStore("photos").delete(p.uuid); });
      });
    });
  }

  function uuid4() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    root.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  root.RiverOutbox = {
    SYNC_TAG: SYNC_TAG,
    open: open, kv: kv, session: session, setSession: setSession, getAll: getAll, put: put, remove: remove, clear: clear,
    enqueue: enqueue, list: list, unsentCount: unsentCount, flush: flush, recover: recover,
    retry: retry, discard: discard, errorText: errorText, uuid4: uuid4
  };
})(self);

/* The walk: GPS points recorded while the page is open, the gaps when it was not, the distance, and a drawing of
   the segment's line with the walked part over it (SVG, no map tiles). No words here: the page passes them in. */
(function (root) {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  // Fixes worse than this are GPS noise (cell towers, first fixes): never kept. The server ignores points over its
  // own limit (50 m by default) for coverage, so those in between are kept and sent as they are.
  var WORST_ACCURACY_M = 200;
  // A fix at the very same place is kept again only after this long (a patroller standing still).
  var SAME_PLACE_KEEP_MS = 30000;
  // No fix for this long while the page was visible counts as a gap too.
  var GAP_MS = 60000;

  function metres(a, b) {
    var r = 6371008.8, rad = Math.PI / 180;
    var dLat = (b.lat - a.lat) * rad, dLng = (b.lng - a.lng) * rad;
    var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
    return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /* Whether a new fix is worth keeping after `last` (poor accuracy, duplicates and clock steps back are not). */
  function keep(last, point) {
    if (!(point.acc >= 0) || point.acc > WORST_ACCURACY_M) return false;
    if (!last) return true;
    var dt = Date.parse(point.t) - Date.parse(last.t);
    if (dt <= 0) return false;
    if (point.lat === last.lat && point.lng === last.lng) return dt >= SAME_PLACE_KEEP_MS;
    return true;
  }

  function distance(points, maxAccuracy) {
    var total = 0, previous = null;
    points.forEach(function (p) {
      if (p.acc > maxAccuracy) return;
      if (previous) total += metres(previous, p);
      previous = p;
    });
    return total;
  }

  /* Gaps: times the page was hidden (recorded by the app) and long silences between fixes. */
  function gaps(points, hidden) {
    var list = (hidden || []).slice();
    for (var i = 1; i < points.length; i++) {
      var from = Date.parse(points[i - 1].t), to = Date.parse(points[i].t);
      if (to - from > GAP_MS) {
        var covered = list.some(function (g) { return g.from <= from + 1000 && g.to >= to - 1000; });
        if (!covered) list.push({ from: from, to: to });
      }
    }
    var ms = list.reduce(function (sum, g) { return sum + Math.max(0, g.to - g.from); }, 0);
    return { count: list.length, minutes: Math.round(ms / 60000) };
  }

  /* At most `max` points (the server's limit): every other point is dropped until it fits, ends kept. */
  function thin(points, max) {
    var out = points;
    while (out.length > max) {
      out = out.filter(function (p, i) { return i % 2 === 0 || i === out.length - 1; });
    }
    return out;
  }

  function lines(geometry) {
    if (!geometry || !geometry.type) return [];
    var c = geometry.coordinates;
    switch (geometry.type) {
      case "LineString": return [c];
      case "MultiLineString": return c;
      case "Polygon": return c;
      case "MultiPolygon": return c.reduce(function (all, polygon) { return all.concat(polygon); }, []);
      case "Point": return [[c]];
      default: return [];
    }
  }

  function el(name, attrs) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  /* Draw the segment (and the walk) into `container`; returns false when there is nothing to draw. */
  function draw(container, geometry, points) {
    container.textContent = "";
    var segment = lines(geometry);
    var walked = (points || []).map(function (p) { return [p.lng, p.lat]; });
    var all = segment.reduce(function (a, line) { return a.concat(line); }, []).concat(walked);
    if (!all.length) return false;
    var lat0 = all.reduce(function (s, p) { return s + p[1]; }, 0) / all.length;
    var kx = Math.cos(lat0 * Math.PI / 180);
    var xs = all.map(function (p) { return p[0] * kx; }), ys = all.map(function (p) { return -p[1]; });
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var width = 320, height = 200, pad = 14;
    var span = Math.max(maxX - minX, (maxY - minY) * width / height, 1e-6);
    var scale = (width - 2 * pad) / span;
    var offX = pad + ((width - 2 * pad) - (maxX - minX) * scale) / 2;
    var offY = pad + ((height - 2 * pad) - (maxY - minY) * scale) / 2;
    function xy(p) {
      return ((p[0] * kx - minX) * scale + offX).toFixed(1) + "," + ((-p[1] - minY) * scale + offY).toFixed(1);
    }
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "class": "drawing" });
    segment.forEach(function (line) {
      if (line.length === 1) {
        var at = xy(line[0]).split(",");
        svg.appendChild(el("circle", { cx: at[0], cy: at[1], r: 8, "class": "seg-point" }));
      } else {
        svg.appendChild(el("polyline", { points: line.map(xy).join(" "), "class": "seg" }));
      }
    });
    if (walked.length > 1) svg.appendChild(el("polyline", { points: walked.map(xy).join(" "), "class": "walked" }));
    if (walked.length) {
      var here = xy(walked[walked.length - 1]).split(",");
      svg.appendChild(el("circle", { cx: here[0], cy: here[1], r: 7, "class": "here" }));
    }
    container.appendChild(svg);
    return true;
  }

  /* Keeps the screen on during the walk where the phone can (Wake Lock API); re-taken when the page is back. */
  var wakeLock = null;
  function wake(on) {
    if (!("wakeLock" in navigator)) return Promise.resolve(false);
    if (!on) {
      var lock = wakeLock;
      wakeLock = null;
      return lock ? lock.release().then(function () { return false; }, function () { return false; }) : Promise.resolve(false);
    }
    return navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      return true;
    }, function () { return false; });
  }

  root.RiverTrack = { metres: metres, keep: keep, distance: distance, gaps: gaps, thin: thin, draw: draw, wake: wake };
})(self);

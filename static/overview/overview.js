/* The overview page: three ECharts charts from the JSON the page carries, and a map of the scope's segments drawn
   as SVG from their GeoJSON (no tiles, no internet). No inline script: data comes through json_script elements and
   the segments API. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var BRAND = "#0b5f8a", BAD = "#b42318", WARN = "#b54708", OK = "#067647", UNK = "#98a2b3";
  var STATUS_COLOURS = { below_floor: BAD, below_standard: WARN, meets_standard: OK, undetermined: UNK };

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  var charts = [];

  function chart(id, option) {
    var element = document.getElementById(id);
    if (!element || typeof echarts === "undefined") { return; }
    var instance = echarts.init(element, null, { renderer: "canvas" });
    instance.setOption(option);
    element.setAttribute("data-rendered", "true");
    charts.push(instance);
  }

  function drawCharts(data) {
    var labels = data.labels;
    var months = data.trend.map(function (p) { return p.month; });
    chart("chart-trend", {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [labels.patrol_rate, labels.average_score, labels.failed] },
      grid: { left: 44, right: 44, top: 36, bottom: 28 },
      xAxis: { type: "category", data: months, axisLabel: { hideOverlap: true } },
      yAxis: [
        { type: "value", min: 0, max: 100, name: "%" },
        { type: "value", min: 0, minInterval: 1, splitLine: { show: false } }
      ],
      series: [
        { name: labels.patrol_rate, type: "line", yAxisIndex: 0, color: BRAND, connectNulls: false,
          data: data.trend.map(function (p) { return p.patrol_rate === null ? null : Math.round(p.patrol_rate * 1000) / 10; }) },
        { name: labels.average_score, type: "line", yAxisIndex: 0, color: OK,
          data: data.trend.map(function (p) { return p.average_score; }) },
        { name: labels.failed, type: "bar", yAxisIndex: 1, color: BAD, barMaxWidth: 14,
          data: data.trend.map(function (p) { return p.failed; }) }
      ]
    });
    var ranked = data.ranked;
    var rank = document.getElementById("chart-rank");
    if (rank) {
      // One bar per row: tall enough to read on a phone, however many rows.
      rank.classList.toggle("chart-many", ranked.length > 12);
    }
    chart("chart-rank", {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 40, top: 8, bottom: 20, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100, name: "%" },
      yAxis: { type: "category", data: ranked.map(function (r) { return r.name; }), axisLabel: { width: 96, overflow: "truncate" } },
      series: [{ name: labels.patrol_rate, type: "bar", color: BRAND, barMaxWidth: 18,
                 // A place with patroller-days but no log at all says so instead of a bare 0 %.
                 label: { show: true, position: "right", formatter: function (p) {
                   return ranked[p.dataIndex].no_logs ? labels.no_logs : p.value + "%";
                 } },
                 data: ranked.map(function (r) { return r.rate; }) }]
    });
    chart("chart-scores", {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 36, right: 12, top: 40, bottom: 28 },
      xAxis: { type: "category", data: ["0–9", "10–19", "20–29", "30–39", "40–49", "50–59", "60–69", "70–79", "80–89", "90–100"],
               axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1, name: labels.people },
      // Two stacked series so that the legend says what the red bars are: the failing bands (below 60 points).
      legend: { top: 0, right: 0, data: [labels.fail_band, labels.pass_band] },
      series: [
        { name: labels.fail_band, type: "bar", stack: "scores", color: BAD, barMaxWidth: 28,
          data: data.scores.map(function (n, i) { return i < 6 ? n : 0; }) },
        { name: labels.pass_band, type: "bar", stack: "scores", color: BRAND, barMaxWidth: 28,
          data: data.scores.map(function (n, i) { return i < 6 ? 0 : n; }) }
      ]
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  // --- the map ------------------------------------------------------------------------------------------------

  function rateColour(rate) {
    if (rate === null || rate === undefined) { return UNK; }
    if (rate < 0.6) { return BAD; }
    if (rate < 0.9) { return WARN; }
    return OK;
  }

  function eachPosition(geometry, visit) {
    var c = geometry.coordinates;
    switch (geometry.type) {
      case "Point": visit(c); break;
      case "LineString": case "MultiPoint": c.forEach(visit); break;
      case "Polygon": case "MultiLineString": c.forEach(function (ring) { ring.forEach(visit); }); break;
      case "MultiPolygon": c.forEach(function (poly) { poly.forEach(function (ring) { ring.forEach(visit); }); }); break;
      default: break;
    }
  }

  function projector(features, width) {
    // Equirectangular around the scope's middle latitude: at a county's size the distortion is far below a pixel.
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    features.forEach(function (f) {
      eachPosition(f.geometry, function (p) {
        minX = Math.min(minX, p[0]); maxX = Math.max(maxX, p[0]);
        minY = Math.min(minY, p[1]); maxY = Math.max(maxY, p[1]);
      });
    });
    var k = Math.cos((minY + maxY) / 2 * Math.PI / 180);
    var spanX = Math.max((maxX - minX) * k, 1e-4), spanY = Math.max(maxY - minY, 1e-4);
    var pad = 16, scale = (width - 2 * pad) / Math.max(spanX, spanY * 0.5);
    var height = Math.round(Math.min(Math.max(spanY * scale + 2 * pad, 240), width));
    scale = Math.min(scale, (height - 2 * pad) / spanY);
    return {
      width: width,
      height: height,
      point: function (p) {
        return [pad + (p[0] - minX) * k * scale, height - pad - (p[1] - minY) * scale];
      }
    };
  }

  function pathOf(lines, project, close) {
    return lines.map(function (line) {
      return line.map(function (p, i) {
        var xy = project.point(p);
        return (i ? "L" : "M") + xy[0].toFixed(1) + " " + xy[1].toFixed(1);
      }).join("") + (close ? "Z" : "");
    }).join("");
  }

  function shapeOf(geometry, project) {
    var g = geometry, el;
    if (g.type === "Point" || g.type === "MultiPoint") {
      var points = g.type === "Point" ? [g.coordinates] : g.coordinates;
      el = document.createElementNS(SVG, "g");
      points.forEach(function (p) {
        var xy = project.point(p), dot = document.createElementNS(SVG, "circle");
        dot.setAttribute("cx", xy[0].toFixed(1)); dot.setAttribute("cy", xy[1].toFixed(1)); dot.setAttribute("r", "6");
        el.appendChild(dot);
      });
      el.setAttribute("class", "seg seg-point");
      return el;
    }
    el = document.createElementNS(SVG, "path");
    if (g.type === "LineString") { el.setAttribute("d", pathOf([g.coordinates], project, false)); el.setAttribute("class", "seg seg-line"); }
    else if (g.type === "MultiLineString") { el.setAttribute("d", pathOf(g.coordinates, project, false)); el.setAttribute("class", "seg seg-line"); }
    else if (g.type === "Polygon") { el.setAttribute("d", pathOf(g.coordinates, project, true)); el.setAttribute("class", "seg seg-area"); }
    else if (g.type === "MultiPolygon") {
      el.setAttribute("d", g.coordinates.map(function (poly) { return pathOf(poly, project, true); }).join(""));
      el.setAttribute("class", "seg seg-area");
    } else { return null; }
    return el;
  }

  function colour(shape, feature, mode) {
    var value = mode === "status" ? STATUS_COLOURS[feature.properties.status] || UNK : rateColour(feature.properties.patrol_rate);
    shape.setAttribute("stroke", value);
    shape.setAttribute("fill", shape.getAttribute("class").indexOf("seg-line") >= 0 ? "none" : value);
  }

  function legend(element, mode, labels, features) {
    element.textContent = "";
    var entries;
    if (mode === "status") {
      var seen = {};
      entries = [];
      features.forEach(function (f) {
        if (!seen[f.properties.status]) {
          seen[f.properties.status] = true;
          entries.push([STATUS_COLOURS[f.properties.status] || UNK, f.properties.status_label]);
        }
      });
    } else {
      entries = [[OK, "≥ 90%"], [WARN, "60–90%"], [BAD, "< 60%"], [UNK, labels.no_rate]];
    }
    entries.forEach(function (entry) {
      var li = document.createElement("li"), swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.setAttribute("data-colour", entry[0]);
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(entry[1]));
      element.appendChild(li);
    });
    // Colours without a style attribute (CSP): the swatch is a tiny SVG.
    Array.prototype.forEach.call(element.querySelectorAll(".swatch"), function (span) {
      var svg = document.createElementNS(SVG, "svg"), rect = document.createElementNS(SVG, "rect");
      svg.setAttribute("width", "14"); svg.setAttribute("height", "14"); svg.setAttribute("aria-hidden", "true");
      rect.setAttribute("width", "14"); rect.setAttribute("height", "14"); rect.setAttribute("rx", "3");
      rect.setAttribute("fill", span.getAttribute("data-colour"));
      svg.appendChild(rect);
      span.appendChild(svg);
    });
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : Math.round(value * 1000) / 10 + "%";
  }

  function drawMap(config, collection) {
    var holder = document.getElementById("overview-map");
    var legendElement = document.getElementById("map-legend");
    var features = collection.features.filter(function (f) { return f.geometry && f.geometry.coordinates; });
    holder.textContent = "";
    if (!features.length) {
      var empty = document.createElement("p");
      empty.className = "muted";
      empty.textContent = config.labels.empty;
      holder.appendChild(empty);
      return;
    }
    var project = projector(features, 1000);
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + project.width + " " + project.height);
    svg.setAttribute("class", "map-svg");
    svg.setAttribute("role", "img");
    var shapes = [];
    // Areas first, then lines, then points: small things stay clickable on top.
    var order = { "seg seg-area": 0, "seg seg-line": 1, "seg seg-point": 2 };
    features.map(function (f) { return [f, shapeOf(f.geometry, project)]; })
      .filter(function (pair) { return pair[1]; })
      .sort(function (a, b) { return order[a[1].getAttribute("class")] - order[b[1].getAttribute("class")]; })
      .forEach(function (pair) {
        var f = pair[0], shape = pair[1], p = f.properties;
        var link = document.createElementNS(SVG, "a");
        link.setAttribute("href", config.review + "?township=" + p.township + "&month=" + config.month);
        link.setAttribute("class", "seg-link");
        link.setAttribute("data-segment", String(p.id));
        link.setAttribute("data-township", String(p.township));
        var title = document.createElementNS(SVG, "title");
        title.textContent = p.name + " · " + p.township_name + "\n" + config.labels.rate + " " + percent(p.patrol_rate) +
          " · " + config.labels.coverage + " " + percent(p.coverage) + "\n" + config.labels.status + " " + p.status_label;
        link.appendChild(title);
        link.appendChild(shape);
        svg.appendChild(link);
        shapes.push([shape, f]);
      });
    holder.appendChild(svg);
    holder.setAttribute("data-rendered", "true");
    holder.setAttribute("data-segments", String(shapes.length));

    function paint(mode) {
      shapes.forEach(function (pair) { colour(pair[0], pair[1], mode); });
      legend(legendElement, mode, config.labels, features);
      Array.prototype.forEach.call(document.querySelectorAll(".map-modes button"), function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-mode") === mode));
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll(".map-modes button"), function (button) {
      button.addEventListener("click", function () { paint(button.getAttribute("data-mode")); });
    });
    paint("rate");
  }

  function loadMap(config) {
    var holder = document.getElementById("overview-map");
    fetch(config.segments, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (collection) { drawMap(config, collection); })
      .catch(function () {
        holder.textContent = "";
        var p = document.createElement("p");
        p.className = "error";
        p.textContent = config.labels.failed;
        holder.appendChild(p);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = readJson("overview-data");
    if (data) { drawCharts(data); }
    var mapConfig = readJson("overview-map-data");
    if (mapConfig) { loadMap(mapConfig); }
  });
}());

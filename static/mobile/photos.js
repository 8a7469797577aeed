/* Photos on the phone: downscaled before upload (long side ≤ 1600 px, ≤ 500 KB) while keeping their evidence —
   the capture time and place read from the original's EXIF (vendored exifr), or, for a photo just taken whose
   original has none, the phone's clock and GPS fix at capture. They go with the upload as taken_at, latitude,
   longitude, accuracy; the server keeps them marked "reported by the phone" where the file has no EXIF. */
(function (root) {
  "use strict";
  var MAX_SIDE = 1600;
  var MAX_BYTES = 500 * 1024;
  var QUALITIES = [0.85, 0.75, 0.65, 0.55, 0.45];
  // A file this fresh was taken just now (a camera capture): the phone's clock and GPS fix describe it.
  var FRESH_MS = 5 * 60 * 1000;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* "2026:12:06 08:12:30" + "+08:00" (or none: Zhengzhou time) → ISO 8601 with offset. */
  function exifTime(text, offset) {
    var m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(String(text || "").trim());
    if (!m) return null;
    var off = /^[+-]\d{2}:\d{2}$/.test(String(offset || "").trim()) ? String(offset).trim() : "+08:00";
    return m[1] + "-" + m[2] + "-" + m[3] + "T" + m[4] + ":" + m[5] + ":" + m[6] + off;
  }

  /* A moment as ISO 8601 in Zhengzhou time (+08:00; China keeps no daylight saving time); `millis` keeps the
     milliseconds (GPS fixes a second apart must never share one time). */
  function shanghai(ms, millis) {
    var d = new Date(ms + 8 * 3600 * 1000);
    var fraction = millis ? "." + String(d.getUTCMilliseconds() + 1000).slice(1) : "";
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + "T" +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds()) + fraction + "+08:00";
  }

  // EXIF tags by number (exifr's "mini" build, vendored for its size, has no tag names).
  var DATE_TIME_ORIGINAL = 0x9003, DATE_TIME_DIGITIZED = 0x9004, OFFSET_ORIGINAL = 0x9011, OFFSET_DIGITIZED = 0x9012;

  function readExif(file) {
    if (!root.exifr) return Promise.resolve({});
    return root.exifr.parse(file, { reviveValues: false }).catch(function () { return null; }).then(function (t) {
      t = t || {};
      var takenAt = exifTime(t[DATE_TIME_ORIGINAL] || t.DateTimeOriginal, t[OFFSET_ORIGINAL] || t.OffsetTimeOriginal) ||
        exifTime(t[DATE_TIME_DIGITIZED] || t.CreateDate, t[OFFSET_DIGITIZED] || t.OffsetTimeDigitized);
      var lat = t.latitude, lng = t.longitude;
      var hasPlace = typeof lat === "number" && typeof lng === "number" && isFinite(lat) && isFinite(lng) && !(lat === 0 && lng === 0);
      return { taken_at: takenAt, latitude: hasPlace ? lat : null, longitude: hasPlace ? lng : null };
    });
  }

  /* The evidence sent with a photo. `fix`: the latest GPS fix {lat, lng, acc, time} or null. */
  function evidence(file, fix, now) {
    return readExif(file).then(function (exif) {
      var fresh = file.lastModified && Math.abs(now - file.lastModified) <= FRESH_MS;
      var out = { taken_at: exif.taken_at, latitude: exif.latitude, longitude: exif.longitude, accuracy: null };
      if (!out.taken_at && fresh) out.taken_at = shanghai(file.lastModified);
      // A position from the phone only for a photo taken just now, and only from a recent fix.
      var taken = out.taken_at ? Date.parse(out.taken_at) : NaN;
      var recent = fix && Math.abs(now - fix.time) <= FRESH_MS;
      if (out.latitude === null && recent && isFinite(taken) && Math.abs(now - taken) <= FRESH_MS) {
        out.latitude = Math.round(fix.lat * 1e7) / 1e7;
        out.longitude = Math.round(fix.lng * 1e7) / 1e7;
        out.accuracy = Math.round(fix.acc * 10) / 10;
      }
      return out;
    });
  }

  function decode(file) {
    if (root.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () { return viaImage(file); });
    }
    return viaImage(file);
  }

  function viaImage(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { URL.revokeObjectURL(url); resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("not an image")); };
      img.src = url;
    });
  }

  function toBlob(canvas, quality) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); });
  }

  /* The photo to upload: the original when it is already a small JPEG (its EXIF then travels in the file), else a
     JPEG re-encoded at most MAX_SIDE on the long side and MAX_BYTES, smaller and plainer until it fits. */
  function shrink(file) {
    return decode(file).then(function (image) {
      var width = image.width, height = image.height;
      if (file.type === "image/jpeg" && file.size <= MAX_BYTES && Math.max(width, height) <= MAX_SIDE) {
        if (image.close) image.close();
        return { blob: file, width: width, height: height };
      }
      var side = MAX_SIDE;
      function attempt(level) {
        var scale = Math.min(1, side / Math.max(width, height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(width * scale));
        canvas.height = Math.max(1, Math.round(height * scale));
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        return toBlob(canvas, QUALITIES[level]).then(function (blob) {
          if (blob && blob.size <= MAX_BYTES) return { blob: blob, width: canvas.width, height: canvas.height };
          if (level + 1 < QUALITIES.length) return attempt(level + 1);
          side = Math.round(side * 0.75);
          return attempt(0);
        });
      }
      return attempt(0).then(function (out) { if (image.close) image.close(); return out; });
    });
  }

  /* Everything the form keeps about one chosen photo. */
  function prepare(file, fix) {
    var now = Date.now();
    return Promise.all([evidence(file, fix, now), shrink(file)]).then(function (got) {
      return { evidence: got[0], blob: got[1].blob, width: got[1].width, height: got[1].height, name: "photo.jpg" };
    });
  }

  root.RiverPhotos = { prepare: prepare, exifTime: exifTime, shanghai: shanghai, MAX_SIDE: MAX_SIDE, MAX_BYTES: MAX_BYTES };
})(self);

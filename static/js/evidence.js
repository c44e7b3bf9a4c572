/* Location and evidence in a call, each by the caller's consent.
   The caller's page: agree or withdraw, share the phone's position while agreed, send a photo.
   The specialist's page: the live location and the pictures, refreshed from the server when
   the session record says something changed (window.Evidence.onEvent, called by staff.js) and
   after every socket (re)connect (window.Evidence.refresh). */
(function () {
  "use strict";
  var panel = document.getElementById("evidence");
  if (!panel) return;
  var $ = function (id) { return document.getElementById(id); };
  var data = function (el, key) { return el.getAttribute("data-" + key); };
  var say = function (el, key) { if (el) el.textContent = data(el, key) || ""; };
  var show = function (id, on) { var el = $(id); if (el) el.hidden = !on; };

  function post(url, body, headers) {
    return fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: headers || {} })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (json) {
          if (!r.ok) { var err = new Error(json.error || "HTTP " + r.status); err.body = json; throw err; }
          return json;
        });
      });
  }

  if (data(panel, "side") === "caller") caller(); else staff();

  // --- the caller ---------------------------------------------------------------------------
  function caller() {
    var watch = null, last = null, lastSent = 0;
    // A new position is sent when the phone has moved, its fix got much better, or a while has passed.
    var MIN_GAP_MS = 15000, MOVED_M = 50, REFRESH_MS = 120000;

    function consent(scope, granted) {
      var form = new FormData();
      form.append("scope", scope);
      form.append("decision", granted ? "granted" : "withdrawn");
      form.append("notice_version", data(panel, "notice-version"));
      form.append("language", data(panel, "language"));  // the notice's hash is of the words shown
      return post(data(panel, "consent-url"), form);
    }

    function metres(a, b) {
      var rad = Math.PI / 180, dLat = (b.latitude - a.latitude) * rad, dLon = (b.longitude - a.longitude) * rad;
      var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
        Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
      return 12742000 * Math.asin(Math.sqrt(h));
    }
    function worthSending(c) {
      if (!last) return true;
      var gap = Date.now() - lastSent;
      if (gap < MIN_GAP_MS) return false;
      return metres(last, c) > MOVED_M || c.accuracy < last.accuracy / 2 || gap > REFRESH_MS;
    }
    function send(pos) {
      if (watch === null || !worthSending(pos.coords)) return;
      last = pos.coords; lastSent = Date.now();
      var form = new FormData();
      form.append("lat", pos.coords.latitude);
      form.append("lon", pos.coords.longitude);
      form.append("accuracy", pos.coords.accuracy);
      form.append("captured_at", pos.timestamp);
      post(data(panel, "location-url"), form).catch(function (err) {
        if (err.message === "no_consent") stopWatching();
      });
    }
    function startWatching() {
      if (watch !== null) return;
      if (!navigator.geolocation) { say($("location-state"), "failed"); return; }
      var failed = function () { say($("location-state"), "failed"); };
      var options = { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 };
      watch = navigator.geolocation.watchPosition(send, failed, options);
      navigator.geolocation.getCurrentPosition(send, failed, options);  // the first fix at once
    }
    function stopWatching() {
      if (watch !== null) navigator.geolocation.clearWatch(watch);
      watch = null; last = null;
    }
    function locationOn(on) {
      show("location-notice", false); show("location-start", !on); show("location-stop", on);
      say($("location-state"), on ? "on" : "off");
    }
    function picturesOn(on) {
      show("pictures-notice", false); show("pictures-start", !on); show("pictures-stop", on); show("photo", on);
      say($("pictures-state"), on ? "on" : "off");
    }

    $("location-start").addEventListener("click", function () { show("location-notice", true); show("location-start", false); $("location-agree").focus(); });
    $("location-cancel").addEventListener("click", function () { locationOn(false); });
    $("location-agree").addEventListener("click", function () {
      consent("location", true).then(function () { locationOn(true); startWatching(); })
        .catch(function (err) { if (err.message === "notice_changed") location.reload(); else say($("location-state"), "error"); });
    });
    // Withdrawing acts on this phone first: the position stops at once, whatever the network does.
    $("location-stop").addEventListener("click", function () {
      stopWatching(); locationOn(false);
      consent("location", false).catch(function () { say($("location-state"), "error"); show("location-stop", true); });
    });
    $("pictures-start").addEventListener("click", function () { show("pictures-notice", true); show("pictures-start", false); $("pictures-agree").focus(); });
    $("pictures-cancel").addEventListener("click", function () { picturesOn(false); });
    $("pictures-agree").addEventListener("click", function () {
      consent("snapshots", true).then(function () { picturesOn(true); })
        .catch(function (err) { if (err.message === "notice_changed") location.reload(); else say($("pictures-state"), "error"); });
    });
    $("pictures-stop").addEventListener("click", function () {
      picturesOn(false);
      consent("snapshots", false).catch(function () { say($("pictures-state"), "error"); show("pictures-stop", true); });
    });

    // A photo from the phone's camera, made small on the phone: a weak connection must still carry it.
    var MAX_SIDE = 1600;
    $("photo-input").addEventListener("change", function () {
      var file = this.files && this.files[0];
      var status = $("photo-status");
      this.value = "";
      if (!file) return;
      say(status, "sending");
      shrink(file).then(function (blob) {
        var form = new FormData();
        form.append("photo", blob, "photo.jpg");
        return post(data(panel, "photo-url"), form);
      }).then(function () { say(status, "sent"); }).catch(function (err) {
        var key = { too_large: "too-large", not_an_image: "not-an-image" }[err.message] || "failed";
        say(status, key);
      });
    });
    function shrink(file) {
      return new Promise(function (resolve) {
        var url = URL.createObjectURL(file);
        var img = new Image();
        img.onload = function () {
          var scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(img.naturalWidth * scale);
          canvas.height = Math.round(img.naturalHeight * scale);
          canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
          URL.revokeObjectURL(url);
          canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", 0.85);
        };
        // Not a picture the browser can draw: send it as it is and let the server say why not.
        img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
        img.src = url;
      });
    }

    if (data(panel, "location") === "1") startWatching();
    window.Evidence = { onEvent: function () {}, stop: stopWatching };
  }

  // --- the specialist -------------------------------------------------------------------------
  function staff() {
    var RELEVANT = ["consent_granted", "consent_refused", "consent_withdrawn", "location_shared", "snapshot_taken", "photo_received"];
    var live = data(panel, "live") === "1";
    var locationStatus = $("location-status"), consentStatus = $("snapshot-consent");
    var button = $("take-snapshot"), form = $("snapshot-form"), status = $("snapshot-status");
    var pending = null;

    function dropLocation(key) {
      show("location", false);
      say(locationStatus, key);
    }
    function snapshotsAllowed(on, key) {
      if (form) form.hidden = !on;
      say(consentStatus, key);
    }

    function render(s) {
      if (!live) return;
      if (s.location) {
        $("location-coords").textContent = s.location.lat.toFixed(6) + ", " + s.location.lon.toFixed(6);
        $("location-accuracy").textContent = "± " + Math.round(s.location.accuracy) + " " + data($("location-accuracy"), "unit");
        $("location-time").textContent = s.location.time;
        $("location-map").href = s.location.map_url;
        show("location", true);
        say(locationStatus, "live");
      } else {
        dropLocation({ granted: "waiting", withdrawn: "withdrawn", refused: "refused" }[s.location_consent] || "none");
      }
      snapshotsAllowed(s.can_take_snapshot, s.snapshot_consent === "granted" ? "granted" : s.snapshot_consent === "withdrawn" ? "withdrawn" : "none");
      var list = $("snapshots");
      if (list) s.snapshots.forEach(function (row) { addSnapshot(list, row); });
    }
    function addSnapshot(list, row) {
      if (list.querySelector('tr[data-id="' + row.id + '"]')) return;
      var tr = document.createElement("tr");
      tr.setAttribute("data-id", row.id);
      var time = document.createElement("td"); time.textContent = row.time;
      var link = document.createElement("a");
      link.href = row.url; link.target = "_blank"; link.rel = "noopener"; link.textContent = row.label;
      var pic = document.createElement("td"); pic.appendChild(link);
      var code = document.createElement("code"); code.textContent = row.sha256;
      var hash = document.createElement("td"); hash.appendChild(code);
      [time, pic, hash].forEach(function (td) { tr.appendChild(td); });
      list.appendChild(tr);
    }
    // Only the answer to the latest request is shown: an older one overtaken on the way is stale.
    var asked = 0;
    function refresh() {
      var mine = ++asked;
      fetch(data(panel, "state-url"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { if (!r.ok) throw new Error(); return r.json(); })
        .then(function (s) { if (mine === asked) render(s); })
        .catch(function () { /* the next event or reconnect tries again */ });
    }
    function refreshSoon() { clearTimeout(pending); pending = setTimeout(refresh, 150); }

    // The caller's page drives what is shown; a withdrawal is acted on before the server is asked again.
    function onEvent(e) {
      if (!live || RELEVANT.indexOf(e.kind) < 0) return;
      if (e.kind === "consent_withdrawn" && e.detail === "location") dropLocation("withdrawn");
      if (e.kind === "consent_withdrawn" && e.detail === "snapshots") snapshotsAllowed(false, "withdrawn");
      refreshSoon();
    }

    // The caller's video: the tile marked as theirs, or the tile of the peer the call knows as
    // the caller; else the first remote video (the caller's, in a one-to-one call).
    function callerVideo() {
      var tagged = document.querySelector('video[data-role="victim"]');
      if (tagged) return tagged;
      var call = window.currentCall, info = (call && call.info) || {};
      for (var id in info) {
        var tile = info[id] && info[id].role === "victim" && document.querySelector('video[data-peer="' + id + '"]');
        if (tile) return tile;
      }
      return $("remote");
    }
    function takeSnapshot() {
      var video = callerVideo();
      if (!video || !video.videoWidth) { say(status, "no-video"); return; }
      var canvas = document.createElement("canvas");
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      button.disabled = true;
      canvas.toBlob(function (blob) {
        var body = new FormData();
        body.append("image", blob, "snapshot.jpg");
        var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
        post(data(panel, "snapshot-url"), body, { "X-CSRFToken": token })
          .then(function () { say(status, "taken"); refresh(); })
          .catch(function (err) {
            status.textContent = data(status, "failed") + " " + ((err.body && err.body.message) || err.message);
            refresh();
          })
          .then(function () { button.disabled = false; });
      }, "image/jpeg", 0.9);
    }
    if (button) button.addEventListener("click", takeSnapshot);

    window.Evidence = { onEvent: onEvent, refresh: refresh, stop: function () {} };
    if (live) refresh();
  }
})();

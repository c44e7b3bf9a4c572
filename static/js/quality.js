/* Connection quality and the call's step-down ladder, for both call pages.

   Every 2 s each peer connection's getStats() gives round-trip time, packet loss and
   bitrate. A poor link steps what THIS page sends down one rung at a time:
   video → low (smaller, slower, capped video) → audio (no video) → text (no sound either),
   and back up one rung once it has stayed good for a while (hysteresis, so a call on a
   flaky link does not flap). The caller may also choose sound only or text only; that
   choice is a floor the automatic step-up never goes above. Each change is announced to
   the others ({"type":"mode"}), recorded in the session record, and shown on both pages.
   Nothing here is stored on the device. */
(function () {
  "use strict";

  var LADDER = ["video", "low", "audio", "text"];
  var tuning = window.rpQualityTuning || {};
  var INTERVAL_MS = tuning.intervalMs || 2000;
  var DOWN_AFTER = tuning.downAfter || 2; // poor samples in a row before stepping down a rung
  var UP_AFTER = tuning.upAfter || 5; // good samples in a row before stepping up a rung
  // Below these (kbit/s) a link cannot carry the rung above: full video needs a few hundred,
  // sound alone about 30–40.
  var LOW_KBPS = 350;
  var AUDIO_KBPS = 150;
  var TEXT_KBPS = 40;
  // Video the other side sends at full quality that arrives this thin means the link is
  // narrow in this direction too (a phone on poor mobile data loses both ways).
  var STARVED_VIDEO_LOW_KBPS = 150;
  var STARVED_VIDEO_AUDIO_KBPS = 80;

  function Quality(call, opts) {
    this.call = call;
    this.opts = opts || {};
    this.auto = 0; // rung the measurements ask for
    this.chosen = 0; // rung the caller chose (a floor)
    this.cameraOff = false;
    this.announced = null;
    this.poor = 0;
    this.good = 0;
    this.remote = {}; // peer id → the mode that peer announced
    this.stats = {}; // peer id → the last sample
    var self = this;
    call.hooks.push(function (m) { self.onFrame(m); });
    setInterval(function () { self.tick(); }, INTERVAL_MS);
  }

  Quality.LADDER = LADDER;

  Quality.prototype.onFrame = function (m) {
    if (m.type === "mode") {
      this.remote[m.from] = m.mode;
      this.emit("onRemoteMode", m);
    } else if (m.type === "joined") {
      this.announced = null; // the server forgot us with the old socket: say it again
      this.announce();
    } else if (m.type === "peer-joined" && m.peer.replaces && this.remote[m.peer.replaces]) {
      this.remote[m.peer.id] = this.remote[m.peer.replaces];
    }
  };

  Quality.prototype.emit = function (name, a, b) {
    if (this.opts[name]) this.opts[name](a, b);
  };

  Quality.prototype.level = function () {
    return Math.max(this.auto, this.chosen);
  };

  /* What the others are told: the caller's own choice (or camera off) wins over the automatic reason. */
  Quality.prototype.current = function () {
    var sending = this.level();
    // No camera at all (a desk with a headset, an observer) or the camera turned off: the others
    // must not read the missing video as a starved link.
    var local = this.call.local;
    var noCamera = !local || !local.getVideoTracks().some(function (t) { return t.readyState === "live"; });
    var shown = Math.max(sending, this.cameraOff || noCamera ? 2 : 0);
    var chosen = shown > this.auto;
    return { mode: LADDER[shown], reason: chosen ? "chosen" : "auto", auto: LADDER[this.auto] };
  };

  Quality.prototype.choose = function (mode) {
    this.chosen = Math.max(0, LADDER.indexOf(mode));
    this.applyAll();
  };

  Quality.prototype.setCameraOff = function (off) {
    this.cameraOff = off;
    this.announce();
  };

  Quality.prototype.announce = function () {
    var now = this.current();
    var key = now.mode + "/" + now.reason;
    // Listening in sends nothing, and says nothing about it: the caller is told of the colleague elsewhere.
    if (key === this.announced || !this.call.inCall || this.call.mode === "observe") return;
    this.announced = key;
    this.call.send({ type: "mode", mode: now.mode, reason: now.reason });
    this.emit("onMode", now);
  };

  Quality.prototype.tick = function () {
    var self = this;
    var ids = Object.keys(this.call.peers);
    var pending = ids.map(function (id) { return self.sample(id); });
    Promise.all(pending).then(function (samples) {
      var wanted = 0;
      var measured = false;
      samples.forEach(function (s) {
        if (!s) return;
        measured = true;
        wanted = Math.max(wanted, self.rungFor(s));
      });
      if (measured) self.step(wanted);
      self.applyAll();
    });
  };

  /* One peer's numbers since the last tick, or null before the connection carries media. */
  Quality.prototype.sample = function (id) {
    var self = this;
    var p = this.call.peers[id];
    if (!p || p.pc.connectionState !== "connected") return Promise.resolve(null);
    return p.pc.getStats().then(function (report) {
      var now = { at: Date.now(), bytesIn: 0, bytesOut: 0, videoBytesIn: 0, lost: 0, received: 0, rtt: null, available: null };
      report.forEach(function (r) {
        if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded") {
          if (r.currentRoundTripTime !== undefined) now.rtt = r.currentRoundTripTime * 1000;
          if (r.availableOutgoingBitrate !== undefined) now.available = r.availableOutgoingBitrate / 1000;
        } else if (r.type === "inbound-rtp") {
          now.bytesIn += r.bytesReceived || 0;
          now.lost += r.packetsLost || 0;
          now.received += r.packetsReceived || 0;
          if (r.kind === "video") now.videoBytesIn += r.bytesReceived || 0;
        } else if (r.type === "outbound-rtp") {
          now.bytesOut += r.bytesSent || 0;
        }
      });
      var before = p.quality;
      p.quality = now;
      p.samples = (p.samples || 0) + 1;
      if (!before) return null;
      var seconds = Math.max(0.001, (now.at - before.at) / 1000);
      var lost = now.lost - before.lost;
      var got = now.received - before.received;
      var s = {
        rtt: now.rtt,
        loss: lost + got > 0 ? (100 * Math.max(0, lost)) / (lost + got) : 0,
        kbpsIn: (8 * (now.bytesIn - before.bytesIn)) / 1000 / seconds,
        kbpsOut: (8 * (now.bytesOut - before.bytesOut)) / 1000 / seconds,
        videoKbpsIn: (8 * (now.videoBytesIn - before.videoBytesIn)) / 1000 / seconds,
        available: now.available,
        remoteMode: self.remote[id] || "video",
        // The first seconds of a call ramp up from a low bitrate: not yet a sign of a narrow link.
        settled: p.samples > 3
      };
      self.stats[id] = s;
      self.emit("onStats", id, s);
      return s;
    }).catch(function () { return null; });
  };

  /* The rung one sample asks for: the worst of what leaves this page and what reaches it. */
  Quality.prototype.rungFor = function (s) {
    var rung = 0;
    // The estimate measures the link only while full video is sent: below that rung it stays
    // near what this page now sends (nothing at all on text only), so it would hold the call
    // down after the link recovered. Below full video, loss and round-trip time decide.
    var available = this.level() > 0 || s.available === null ? Infinity : s.available;
    if (s.loss > 30 || s.rtt > 2000 || available < TEXT_KBPS) return 3;
    if (s.loss > 12 || s.rtt > 900 || available < AUDIO_KBPS) rung = 2;
    else if (s.loss > 5 || s.rtt > 450 || available < LOW_KBPS) rung = 1;
    // Only full-quality video from the other side says anything about the link's width.
    if (s.remoteMode === "video" && s.settled) {
      if (s.videoKbpsIn < STARVED_VIDEO_AUDIO_KBPS) rung = Math.max(rung, 2);
      else if (s.videoKbpsIn < STARVED_VIDEO_LOW_KBPS) rung = Math.max(rung, 1);
    }
    return rung;
  };

  /* Hysteresis: down one rung after DOWN_AFTER poor samples, up one after UP_AFTER good ones. */
  Quality.prototype.step = function (wanted) {
    if (wanted > this.auto) {
      this.good = 0;
      if (++this.poor >= DOWN_AFTER) { this.auto += 1; this.poor = 0; }
    } else if (wanted < this.auto) {
      this.poor = 0;
      if (++this.good >= UP_AFTER) { this.auto -= 1; this.good = 0; }
    } else {
      this.poor = 0;
      this.good = 0;
    }
  };

  /* Make every connection send what the current rung allows; a new connection gets it on the next tick. */
  Quality.prototype.applyAll = function () {
    var rung = this.level();
    for (var id in this.call.peers) this.apply(this.call.peers[id], rung);
    this.announce();
  };

  Quality.prototype.apply = function (p, rung) {
    if (p.rung === rung) return;
    var senders = p.pc.getSenders().filter(function (s) { return s.track; });
    if (!senders.length) return;
    var done = senders.map(function (sender) {
      var params = sender.getParameters();
      if (!params.encodings || !params.encodings.length) return Promise.reject(new Error("not negotiated yet"));
      params.encodings.forEach(function (e) {
        if (sender.track.kind === "video") {
          e.active = rung <= 1;
          if (rung === 1) {
            e.scaleResolutionDownBy = 2;
            e.maxFramerate = 10;
            e.maxBitrate = 150000;
          } else {
            e.scaleResolutionDownBy = 1;
            delete e.maxFramerate;
            delete e.maxBitrate;
          }
        } else {
          e.active = rung <= 2;
        }
      });
      return sender.setParameters(params);
    });
    Promise.all(done).then(function () { p.rung = rung; }).catch(function () { p.rung = undefined; });
    p.rung = rung; // set at once so the next tick does not repeat it; cleared again if it failed
  };

  /* "RTT 12 ms · loss 0.0 % · 850 kbit/s" for the specialist's quality line. */
  Quality.describe = function (s) {
    var rtt = s.rtt === null ? "–" : Math.round(s.rtt) + " ms";
    return "RTT " + rtt + " · loss " + s.loss.toFixed(1) + " % · " + Math.round(s.kbpsIn) + " kbit/s in · " +
      Math.round(s.kbpsOut) + " kbit/s out";
  };

  window.Quality = Quality;
})();

/* Signaling and WebRTC for one session, shared by the caller's and the specialist's pages.
   Perfect negotiation: whoever joins the call later is the polite peer (the server says so).
   The socket reconnects with backoff; after a reconnect the page rejoins the call and the
   peers negotiate afresh. Nothing is stored on the device. */
(function () {
  "use strict";

  function Call(opts) {
    this.opts = opts;
    this.peers = {};
    this.local = null;
    this.inCall = false;
    this.media = "video";
    this.ice = [];
    this.retry = 0;
    this.stopped = false;
    this.connect();
  }

  Call.prototype.emit = function (name, a, b) {
    if (this.opts[name]) this.opts[name](a, b);
  };

  Call.prototype.connect = function () {
    var self = this;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + "/ws/sessions/" + this.opts.session + "/");
    this.ws = ws;
    ws.onmessage = function (e) {
      var m;
      try { m = JSON.parse(e.data); } catch (err) { return; }
      self.handle(m);
    };
    ws.onclose = function (e) {
      self.closePeers();
      if (self.stopped) return;
      if (e.code === 4000 || e.code === 4403) {
        self.stopped = true;
        self.emit("onClosed", e.code);
        return;
      }
      self.emit("onStatus", "reconnecting");
      var delay = Math.min(15000, 500 * Math.pow(2, self.retry++)) * (0.5 + Math.random() / 2);
      setTimeout(function () { self.connect(); }, delay);
    };
  };

  Call.prototype.send = function (m) {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(m));
  };

  Call.prototype.handle = function (m) {
    var self = this;
    if (m.type === "hello") {
      // Only a socket the server accepted resets the backoff; one closed at once keeps backing off.
      this.retry = 0;
      this.me = m.you;
      this.emit("onHello", m);
      if (this.inCall) this.send({ type: "join", media: this.media });
    } else if (m.type === "joined") {
      this.ice = m.ice_servers || [];
      this.emit("onJoined", m.peers);
      m.peers.forEach(function (p) { self.peer(p.id, true, true); });
    } else if (m.type === "peer-joined") {
      this.emit("onPeerJoined", m.peer);
    } else if (m.type === "peer-left") {
      this.dropPeer(m.peer.id);
      this.emit("onPeerLeft", m.peer);
    } else if (m.type === "signal") {
      this.signal(m);
    } else if (m.type === "chat") {
      this.emit("onChat", m);
    } else if (m.type === "event") {
      this.emit("onEvent", m.event);
    } else if (m.type === "closed") {
      this.stopped = true;
      this.leave(true);
      this.emit("onClosed", m.reason);
    } else if (m.type === "error") {
      this.emit("onError", m);
    }
  };

  Call.prototype.join = function (stream, media) {
    this.local = stream;
    this.media = media;
    this.inCall = true;
    this.send({ type: "join", media: media });
  };

  Call.prototype.leave = function (quiet) {
    if (!quiet) this.send({ type: "leave" });
    this.inCall = false;
    this.closePeers();
    if (this.local) this.local.getTracks().forEach(function (t) { t.stop(); });
    this.local = null;
  };

  Call.prototype.stop = function () {
    this.stopped = true;
    this.leave(false);
    if (this.ws) this.ws.close();
  };

  Call.prototype.chat = function (text) {
    this.send({ type: "chat", text: text });
  };

  /* offerer: this side makes the first offer, so it asks to receive audio and video
     even when it has no camera or microphone of its own to send. */
  Call.prototype.peer = function (id, polite, offerer) {
    var existing = this.peers[id];
    if (existing) return existing;
    var self = this;
    var pc = new RTCPeerConnection({ iceServers: this.ice });
    var p = { id: id, pc: pc, polite: polite, makingOffer: false, ignoreOffer: false };
    this.peers[id] = p;
    var tracks = this.local ? this.local.getTracks() : [];
    tracks.forEach(function (t) { pc.addTrack(t, self.local); });
    if (offerer) {
      ["audio", "video"].forEach(function (kind) {
        var sending = tracks.some(function (t) { return t.kind === kind; });
        if (!sending) pc.addTransceiver(kind, { direction: "recvonly" });
      });
    }
    pc.onnegotiationneeded = function () {
      p.makingOffer = true;
      pc.setLocalDescription().then(function () {
        self.send({ type: "signal", to: id, description: pc.localDescription });
      }).catch(function () {}).then(function () { p.makingOffer = false; });
    };
    pc.onicecandidate = function (e) {
      self.send({ type: "signal", to: id, candidate: e.candidate ? e.candidate.toJSON() : null });
    };
    pc.ontrack = function (e) {
      self.emit("onRemoteStream", id, e.streams[0] || new MediaStream([e.track]));
    };
    pc.oniceconnectionstatechange = function () {
      if (pc.iceConnectionState === "failed") pc.restartIce();
    };
    pc.onconnectionstatechange = function () {
      if (pc.connectionState === "connected") self.send({ type: "media", state: "connected" });
      self.emit("onPeerState", id, pc.connectionState);
    };
    return p;
  };

  Call.prototype.signal = function (m) {
    if (!this.inCall) return;
    var self = this;
    var p = this.peer(m.from, false);
    var pc = p.pc;
    if (m.description) {
      var d = m.description;
      var collision = d.type === "offer" && (p.makingOffer || pc.signalingState !== "stable");
      p.ignoreOffer = !p.polite && collision;
      if (p.ignoreOffer) return;
      pc.setRemoteDescription(d).then(function () {
        if (d.type !== "offer") return;
        return pc.setLocalDescription().then(function () {
          self.send({ type: "signal", to: m.from, description: pc.localDescription });
        });
      }).catch(function () {});
    } else if (m.candidate) {
      pc.addIceCandidate(m.candidate).catch(function () {});
    }
  };

  Call.prototype.dropPeer = function (id) {
    var p = this.peers[id];
    if (!p) return;
    p.pc.close();
    delete this.peers[id];
    this.emit("onRemoteStream", id, null);
  };

  Call.prototype.closePeers = function () {
    for (var id in this.peers) this.dropPeer(id);
  };

  Call.prototype.setEnabled = function (kind, on) {
    if (!this.local) return;
    this.local.getTracks().forEach(function (t) { if (t.kind === kind) t.enabled = on; });
  };

  /* Shared page helpers: the chat list and form. */
  Call.bindChat = function (call, labels) {
    var list = document.getElementById("chat");
    var form = document.getElementById("chat-form");
    var input = document.getElementById("chat-text");
    var seen = {};
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      call.chat(text);
      input.value = "";
    });
    return function (m) {
      if (seen[m.id]) return;
      seen[m.id] = true;
      var li = document.createElement("li");
      li.className = "chat-" + m.role;
      var who = document.createElement("strong");
      who.textContent = (labels[m.role] || m.role) + ": ";
      li.appendChild(who);
      li.appendChild(document.createTextNode(m.text));
      list.appendChild(li);
    };
  };

  window.Call = Call;
})();

/* Signaling and WebRTC for one session, shared by the caller's and the specialist's pages.
   Perfect negotiation: whoever joins the call later is the polite peer (the server says so).
   The socket reconnects with backoff. Media flows directly between the browsers, so the peer
   connections outlive a dropped socket: after a reconnect the page rejoins the call naming
   its old participant id, the others move their connection to the new id, and this page
   restarts ICE (the network may have changed under it). Nothing is stored on the device. */
(function () {
  "use strict";

  function Call(opts) {
    this.opts = opts;
    this.peers = {};
    this.local = null;
    this.inCall = false;
    this.media = "video";
    // "observe": listening in, receiving only; "participate": the usual call.
    this.mode = "participate";
    this.info = {};
    this.ice = [];
    this.retry = 0;
    this.stopped = false;
    // Extra listeners for every frame (the quality monitor); called after the page's own handlers.
    this.hooks = [];
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
      // The peer connections stay up: the call keeps going while the socket reconnects.
      if (self.stopped) { self.closePeers(); return; }
      if (e.code === 4000 || e.code === 4403) {
        self.closePeers();
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
      var previous = this.me;
      this.me = m.you;
      this.emit("onHello", m);
      if (this.inCall) this.send({ type: "join", media: this.media, mode: this.mode, previous: previous });
    } else if (m.type === "joined") {
      this.ice = m.ice_servers || [];
      this.emit("onJoined", m.peers);
      m.peers.forEach(function (p) { self.info[p.id] = p; self.rejoinPeer(p.id) || self.peer(p.id, true, true); });
      this.expectBack(m.peers);
    } else if (m.type === "peer-joined") {
      this.info[m.peer.id] = m.peer;
      if (m.peer.replaces) this.movePeer(m.peer.replaces, m.peer.id);
      this.emit("onPeerJoined", m.peer);
    } else if (m.type === "peer-stepped-in") {
      this.info[m.peer.id] = m.peer;
      this.emit("onPeerSteppedIn", m.peer);
    } else if (m.type === "stepped-in") {
      this.sendLocal();
      this.emit("onSteppedIn");
    } else if (m.type === "coach") {
      this.emit("onCoach", m);
    } else if (m.type === "peer-left") {
      if (m.peer.dropped) this.holdPeer(m.peer.id);
      else this.dropPeer(m.peer.id);
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
    this.hooks.forEach(function (hook) { hook(m); });
  };

  Call.prototype.join = function (stream, media, mode) {
    this.local = stream;
    this.media = media;
    this.mode = mode || "participate";
    this.inCall = true;
    this.send({ type: "join", media: media, mode: this.mode });
  };

  /* Listening in: no camera or microphone is asked for, and every connection only receives. */
  Call.prototype.observe = function () {
    this.join(null, "none", "observe");
  };

  /* An observer steps in: the server records it and tells everyone, then (on "stepped-in")
     the tracks are added and each connection renegotiates to send them. */
  Call.prototype.stepIn = function (stream, media) {
    this.local = stream;
    this.media = media;
    this.mode = "participate";
    this.send({ type: "step_in" });
  };

  Call.prototype.sendLocal = function () {
    var self = this;
    if (!this.local) return;
    for (var id in this.peers) {
      var pc = this.peers[id].pc;
      this.local.getTracks().forEach(function (t) {
        var sending = pc.getSenders().some(function (s) { return s.track === t; });
        if (!sending) pc.addTrack(t, self.local);
      });
    }
  };

  Call.prototype.coach = function (text) {
    this.send({ type: "coach", text: text });
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
        self.send({ type: "signal", to: p.id, description: pc.localDescription });
      }).catch(function () {}).then(function () { p.makingOffer = false; });
    };
    pc.onicecandidate = function (e) {
      self.send({ type: "signal", to: p.id, candidate: e.candidate ? e.candidate.toJSON() : null });
    };
    pc.ontrack = function (e) {
      p.stream = e.streams[0] || new MediaStream([e.track]);
      self.emit("onRemoteStream", p.id, p.stream);
    };
    pc.oniceconnectionstatechange = function () {
      if (pc.iceConnectionState === "failed") pc.restartIce();
    };
    pc.onconnectionstatechange = function () {
      if (pc.connectionState === "connected") self.send({ type: "media", state: "connected" });
      // A peer whose socket dropped is kept only while its media still flows.
      if (p.held && pc.connectionState !== "connected" && pc.connectionState !== "connecting") self.dropPeer(p.id);
      else self.emit("onPeerState", p.id, pc.connectionState);
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

  /* The server says a peer's socket dropped: keep its connection for a while, since the
     media may still be flowing and the page will rejoin under a new id (movePeer). */
  Call.prototype.holdPeer = function (id) {
    var p = this.peers[id];
    if (!p || p.held) return;
    var self = this;
    if (p.pc.connectionState !== "connected") { this.dropPeer(id); return; }
    p.held = setTimeout(function () { if (self.peers[p.id] === p) self.dropPeer(p.id); }, Call.HOLD_MS);
  };

  Call.HOLD_MS = 30000;

  /* Held peers the server no longer lists (they dropped while this page's own socket was down). */
  Call.prototype.expectBack = function (listed) {
    var ids = listed.map(function (p) { return p.id; });
    for (var id in this.peers) if (ids.indexOf(id) < 0) this.holdPeer(id);
  };

  /* A peer rejoined under a new id after its socket dropped: same connection, new name. */
  Call.prototype.movePeer = function (from, to) {
    var p = this.peers[from];
    if (!p || this.peers[to]) return;
    clearTimeout(p.held);
    p.held = null;
    delete this.peers[from];
    p.id = to;
    this.peers[to] = p;
    this.emit("onRemoteStream", from, null);
    if (p.stream) this.emit("onRemoteStream", to, p.stream);
    this.emit("onPeerState", to, p.pc.connectionState);
  };

  /* After this page's own socket came back: a connection that survived is restarted
     (new ICE credentials and candidates for whatever network the device is on now). */
  Call.prototype.rejoinPeer = function (id) {
    var p = this.peers[id];
    if (!p) return null;
    clearTimeout(p.held);
    p.held = null;
    p.restarts = (p.restarts || 0) + 1;
    p.pc.restartIce();
    this.emit("onPeerState", id, p.pc.connectionState);
    return p;
  };

  Call.prototype.dropPeer = function (id) {
    var p = this.peers[id];
    if (!p) return;
    clearTimeout(p.held);
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

  /* One video tile per remote peer: the first stream fills `primary`, later ones get their own tile. */
  Call.tiles = function (call, primary, container) {
    var tiles = {};
    var primaryId = null;
    return function (id, stream) {
      if (!stream) {
        if (id === primaryId) { primary.srcObject = null; primaryId = null; }
        if (tiles[id]) { tiles[id].remove(); delete tiles[id]; }
        return;
      }
      var video = id === primaryId ? primary : tiles[id];
      if (!video && primaryId === null) { primaryId = id; video = primary; }
      if (!video) {
        video = document.createElement("video");
        video.autoplay = true;
        video.playsInline = true;
        video.className = "tile";
        video.setAttribute("data-peer", id);
        container.appendChild(video);
        tiles[id] = video;
      }
      var info = call.info[id];
      if (info && video !== primary) video.setAttribute("aria-label", info.label);
      if (video.srcObject !== stream) video.srcObject = stream;
    };
  };

  window.Call = Call;
})();

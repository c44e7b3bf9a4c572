/* The caller's call page: camera check, waiting room, call, text chat. */
(function () {
  "use strict";
  var root = document.getElementById("call");
  var session = root.getAttribute("data-session");
  var chatList = document.getElementById("chat");
  var status = document.getElementById("call-status");
  var remote = document.getElementById("remote");
  var say = function (key) { if (status) status.textContent = status.getAttribute("data-" + key); };
  var show = function (id, on) { var el = document.getElementById(id); if (el) el.hidden = !on; };
  var stream = null;

  var call = new Call({
    session: session,
    onHello: function (m) { m.chat.forEach(addChat); },
    onChat: function (m) { addChat(m); },
    onJoined: function (peers) {
      peers.forEach(arrived);
      say(peers.some(talking) ? "joining" : "waiting");
    },
    onPeerJoined: function (p) { arrived(p); if (p.role === "staff" && talking(p)) say("joining"); },
    onPeerSteppedIn: function (p) { delete observers[p.id]; colleague("stepped-in"); },
    onPeerLeft: function (p) {
      delete observers[p.id];
      if (p.role === "staff" && !Object.keys(call.peers).some(function (id) { return !observers[id]; })) say("waiting");
    },
    onPeerState: function (id, state) { if (state === "connected" && !observers[id]) say("connected"); },
    onRemoteStream: function (id, s) { if (tiles) tiles(id, s); },
    onStatus: function () { say("reconnecting"); },
    onClosed: function () {
      if (window.Evidence) window.Evidence.stop();
      show("step-call", false); show("step-preview", false); show("chat-form", false); show("ended", true);
      try { sessionStorage.clear(); } catch (err) { /* ignore */ }
    }
  });
  window.currentCall = call;
  Questions.victim(call, chatList);
  var tiles = remote ? Call.tiles(call, remote, document.getElementById("remotes")) : null;
  // The caller is always told who else is there: a colleague listening in, or stepping in, or a guest.
  var observers = {};
  function talking(p) { return !p.observing; }
  function arrived(p) {
    if (p.observing) { observers[p.id] = true; colleague("observer"); }
    else if (p.role === "guest") colleague("guest");
  }
  function colleague(key) {
    var note = document.getElementById("colleague-notice");
    if (!note) return;
    note.textContent = note.getAttribute("data-" + key);
    note.hidden = false;
  }
  var addChat = Call.bindChat(call, { victim: chatList.getAttribute("data-you"), staff: chatList.getAttribute("data-staff") });

  if (root.getAttribute("data-video") !== "1") return;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.RTCPeerConnection) {
    show("in-app-help", true); show("step-preview", false);
    return;
  }

  // Poor connections: the call steps down by itself, and the caller may choose sound or text only.
  var quality = new Quality(call, { onMode: showMode, onRemoteMode: showMode });
  window.currentQuality = quality;
  var remoteModes = {};
  function showMode(m) {
    if (m.from && m.role === "staff") remoteModes[m.from] = m.mode;
    var own = quality.current();
    var el = document.getElementById("call-mode");
    var key = own.mode === "video" ? "" : own.reason === "chosen" ? "chosen-" + own.mode : own.mode;
    if (own.reason === "chosen" && own.mode === "audio" && !quality.chosen) key = ""; // camera off: the button says so
    if (!key) {
      for (var id in remoteModes) {
        if (call.peers[id] && (remoteModes[id] === "audio" || remoteModes[id] === "text")) key = "remote-" + remoteModes[id];
      }
    }
    el.textContent = key ? el.getAttribute("data-" + key) : "";
    el.hidden = !key;
    el.setAttribute("data-mode", own.mode);
  }
  function choose(mode) {
    quality.choose(mode);
    ["video", "audio", "text"].forEach(function (m) {
      document.getElementById("mode-" + m).setAttribute("aria-pressed", m === mode ? "true" : "false");
    });
    // Text only: no sound from the other side either, in case someone nearby could hear it.
    document.querySelectorAll("#step-call video").forEach(function (v) { if (v.id !== "self-view") v.muted = mode === "text"; });
    if (choices) { choices.mode = mode; remember(); }
    showMode({});
  }
  ["video", "audio", "text"].forEach(function (m) {
    document.getElementById("mode-" + m).addEventListener("click", function () { choose(m); });
  });

  var preview = document.getElementById("preview-status");
  // What the caller chose (sound only, muted, camera off) outlives a reload: a page that
  // came back with the camera on would break their trust, and could put them at risk.
  // Kept for this tab only, with no personal data, and cleared on exit.
  var KEY = "rp.call";
  var choices = remembered();
  function remembered() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
      return saved && saved.session === session ? saved : null;
    } catch (err) { return null; }
  }
  function remember() {
    try { sessionStorage.setItem(KEY, JSON.stringify(choices)); } catch (err) { /* ignore */ }
  }

  function start(constraints) {
    return navigator.mediaDevices.getUserMedia(constraints).then(function (s) {
      stream = s;
      document.getElementById("local").srcObject = s;
      return s;
    });
  }
  function enter(media) {
    if (media === "audio" && stream) {
      stream.getVideoTracks().forEach(function (t) { t.stop(); stream.removeTrack(t); });
    }
    show("step-preview", false); show("step-call", true);
    document.getElementById("self-view").srcObject = stream;
    if (status) status.focus();
    choices = choices || { session: session, media: media, audio: true, video: true };
    remember();
    call.join(stream, media);
    document.getElementById("camera").hidden = media !== "video";
    press("mute", "audio", !choices.audio);
    press("camera", "video", !choices.video);
    document.getElementById("mode-video").hidden = media !== "video";
    choose(choices.mode || (media === "video" ? "video" : "audio"));
  }
  function bestMedia() { return stream.getVideoTracks().length ? "video" : "audio"; }

  var rejoin = choices !== null;
  var wantsVideo = !rejoin || choices.media === "video";
  start({ audio: true, video: wantsVideo ? { facingMode: "user" } : false }).catch(function () {
    preview.textContent = preview.getAttribute("data-no-camera");
    return start({ audio: true, video: false });
  }).then(function () {
    document.getElementById("ready").disabled = false;
    document.getElementById("audio-only").disabled = !stream.getVideoTracks().length;
    if (rejoin) enter(bestMedia());
  }).catch(function () {
    preview.textContent = preview.getAttribute("data-no-media");
  });

  document.getElementById("ready").addEventListener("click", function () {
    if (stream) enter(bestMedia());
  });
  document.getElementById("audio-only").addEventListener("click", function () { if (stream) enter("audio"); });
  ["mute", "camera"].forEach(function (id) {
    var button = document.getElementById(id);
    var kind = id === "mute" ? "audio" : "video";
    button.addEventListener("click", function () {
      press(id, kind, button.getAttribute("aria-pressed") !== "true");
      choices[kind] = button.getAttribute("aria-pressed") !== "true";
      remember();
    });
  });
  document.getElementById("hangup").addEventListener("click", function () {
    call.leave(false);
    try { sessionStorage.removeItem(KEY); } catch (err) { /* ignore */ }
    show("step-call", false); show("ended", true);
  });

  function press(id, kind, off) {
    document.getElementById(id).setAttribute("aria-pressed", off ? "true" : "false");
    call.setEnabled(kind, !off);
    if (kind === "video") quality.setCameraOff(off);
  }
})();

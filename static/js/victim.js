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
    onJoined: function (peers) { say(peers.length ? "joining" : "waiting"); },
    onPeerJoined: function () { say("joining"); },
    onPeerLeft: function (p) { if (p.role === "staff") say("waiting"); },
    onPeerState: function (id, state) { if (state === "connected") say("connected"); },
    onRemoteStream: function (id, s) { if (remote) remote.srcObject = s; },
    onStatus: function () { say("reconnecting"); },
    onClosed: function () {
      show("step-call", false); show("step-preview", false); show("chat-form", false); show("ended", true);
      try { sessionStorage.clear(); } catch (err) { /* ignore */ }
    }
  });
  window.currentCall = call;
  var addChat = Call.bindChat(call, { victim: chatList.getAttribute("data-you"), staff: chatList.getAttribute("data-staff") });

  if (root.getAttribute("data-video") !== "1") return;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.RTCPeerConnection) {
    show("in-app-help", true); show("step-preview", false);
    return;
  }

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
  }
})();

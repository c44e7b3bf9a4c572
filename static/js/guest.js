/* An invited interpreter's or advocate's page: the call, and nothing else. */
(function () {
  "use strict";
  var root = document.getElementById("guest");
  var status = document.getElementById("call-status");
  var el = function (id) { return document.getElementById(id); };
  var say = function (key) { status.textContent = status.getAttribute("data-" + key); };
  var removed = false;

  var call = new Call({
    session: root.getAttribute("data-session"),
    onPeerState: function (id, state) { if (state === "connected") say("connected"); },
    onRemoteStream: function (id, s) { tiles(id, s); },
    onStatus: function () { say("reconnecting"); },
    onError: function (m) { if (m.code === "call_full") { say("full"); el("join").hidden = false; el("hangup").hidden = true; } },
    onClosed: function (reason) {
      if (reason === "removed") removed = true;
      ["join", "mute", "hangup"].forEach(function (id) { el(id).hidden = true; });
      var ended = el("ended");
      ended.textContent = ended.getAttribute(removed || reason === 4403 ? "data-removed" : "data-ended");
      ended.hidden = false;
    }
  });
  window.currentCall = call;
  var tiles = Call.tiles(call, el("remote"), el("remotes"));

  function localMedia() {
    var gum = function (c) { return navigator.mediaDevices.getUserMedia(c); };
    return gum({ audio: true, video: true })
      .catch(function () { return gum({ audio: true }); })
      .catch(function () { return null; });
  }
  el("join").addEventListener("click", function () {
    localMedia().then(function (stream) {
      el("local").srcObject = stream;
      var media = !stream ? "none" : stream.getVideoTracks().length ? "video" : "audio";
      call.join(stream, media);
      el("join").hidden = true;
      el("mute").hidden = !stream;
      el("hangup").hidden = false;
      say(stream ? "joined" : "no-media");
    });
  });
  el("mute").addEventListener("click", function () {
    var off = el("mute").getAttribute("aria-pressed") !== "true";
    el("mute").setAttribute("aria-pressed", off ? "true" : "false");
    call.setEnabled("audio", !off);
  });
  el("hangup").addEventListener("click", function () {
    call.leave(false);
    el("hangup").hidden = true; el("mute").hidden = true; el("join").hidden = false;
    say("ready");
  });
})();

/* The specialist's session page: live record, caller presence, call and chat. */
(function () {
  "use strict";
  var root = document.getElementById("session");
  var session = root.getAttribute("data-session");
  var status = document.getElementById("call-status");
  var presenceEl = document.getElementById("caller-presence");
  var timeline = document.getElementById("timeline");
  var chatList = document.getElementById("chat");
  var text = function (el, key) { return el.getAttribute("data-" + key); };
  var say = function (key) { status.textContent = text(status, key); };
  var baseTitle = document.title;
  // The specialist may be on another tab or window: the tab's title says the caller is waiting.
  var callerIs = function (key) {
    presenceEl.textContent = text(presenceEl, key);
    presenceEl.setAttribute("data-state", key);
    document.title = key === "waiting" ? "● " + presenceEl.textContent + " · " + baseTitle : baseTitle;
  };
  var button = function (id) { return document.getElementById(id); };
  var lastEvent = 0;
  timeline.querySelectorAll("tr").forEach(function (tr) { lastEvent = Math.max(lastEvent, +tr.getAttribute("data-id")); });

  var call = new Call({
    session: session,
    onHello: function (m) {
      m.chat.forEach(addChat);
      var caller = m.peers.some(function (p) { return p.role === "victim"; });
      callerIs(caller ? "waiting" : "absent");
      catchUp();
    },
    onChat: function (m) { addChat(m); },
    onEvent: function (e) { addEvent(e); catchUpSoon(); },
    onJoined: function () { say("joined"); },
    onPeerJoined: function (p) { if (p.role === "victim") callerIs(call.inCall ? "in-call" : "waiting"); },
    onPeerLeft: function (p) { if (p.role === "victim") { callerIs("left"); say("caller-left"); } },
    onPeerState: function (id, state) { if (state === "connected") { say("connected"); callerIs("in-call"); } },
    onRemoteStream: function (id, s) { button("remote").srcObject = s; },
    onStatus: function () { say("reconnecting"); },
    onClosed: function () { location.reload(); }
  });
  window.currentCall = call;
  var addChat = Call.bindChat(call, { victim: text(chatList, "victim"), staff: text(chatList, "you") });

  // Pushes are at-most-once (and, on the embedded defaults, the worker cannot push
  // to this process at all), so the page also catches up from the database.
  setInterval(function () { if (!document.hidden) catchUp(); }, 10000);

  // A pushed event may change the session's state: fetch it once the burst is over.
  var soon = null;
  function catchUpSoon() {
    clearTimeout(soon);
    soon = setTimeout(catchUp, 300);
  }

  function catchUp() {
    fetch(root.getAttribute("data-events-url") + "?after=" + lastEvent, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        body.events.forEach(addEvent);
        document.getElementById("state").textContent = body.state_label;
      })
      .catch(function () { /* the next reconnect tries again */ });
  }

  function addEvent(e) {
    if (e.id <= lastEvent) return;
    lastEvent = e.id;
    var at = new Date(e.at);
    var rows = timeline.querySelectorAll("tr");
    var first = rows.length ? new Date(rows[0].getAttribute("data-at")) : at;
    var prev = rows.length ? new Date(rows[rows.length - 1].getAttribute("data-at")) : null;
    var tr = document.createElement("tr");
    tr.setAttribute("data-id", e.id);
    tr.setAttribute("data-at", e.at);
    [at.toTimeString().slice(0, 8), e.label + (e.detail ? " · " + e.detail : ""),
     prev ? Math.round((at - prev) / 1000) + " s" : "", Math.round((at - first) / 1000) + " s"].forEach(function (v) {
      var td = document.createElement("td");
      td.textContent = v;
      tr.appendChild(td);
    });
    timeline.appendChild(tr);
    if (e.kind.indexOf("sms_") === 0) document.getElementById("sms-status").textContent = e.label + (e.detail ? " · " + e.detail : "");
  }

  button("join").addEventListener("click", join);
  // Control-room desks often have a headset but no camera: join with what there is,
  // and with nothing at all the specialist still sees, hears and types to the caller.
  function localMedia() {
    var gum = function (c) { return navigator.mediaDevices.getUserMedia(c); };
    return gum({ audio: true, video: true })
      .catch(function () { return gum({ audio: true }); })
      .catch(function () { return null; });
  }
  function join() {
    localMedia().then(function (stream) {
      button("local").srcObject = stream;
      var media = !stream ? "none" : stream.getVideoTracks().length ? "video" : "audio";
      call.join(stream, media);
      try { sessionStorage.setItem("rp.joined", session); } catch (err) { /* ignore */ }
      button("join").hidden = true;
      button("mute").hidden = !stream;
      button("camera").hidden = media !== "video";
      button("leave").hidden = false;
      var note = button("media-note");
      note.hidden = media === "video";
      note.textContent = media === "video" ? "" : text(note, media);
    });
  }
  button("leave").addEventListener("click", function () {
    call.leave(false);
    try { sessionStorage.removeItem("rp.joined"); } catch (err) { /* ignore */ }
    button("join").hidden = false;
    ["mute", "camera", "leave"].forEach(function (id) { button(id).hidden = true; });
    say("left");
  });
  ["mute", "camera"].forEach(function (id) {
    button(id).addEventListener("click", function () {
      var off = button(id).getAttribute("aria-pressed") !== "true";
      button(id).setAttribute("aria-pressed", off ? "true" : "false");
      call.setEnabled(id === "mute" ? "audio" : "video", !off);
    });
  });
  try { if (sessionStorage.getItem("rp.joined") === session) join(); } catch (err) { /* ignore */ }
})();

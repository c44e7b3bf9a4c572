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
  var leaving = false;
  window.addEventListener("beforeunload", function () { leaving = true; });
  timeline.querySelectorAll("tr").forEach(function (tr) { lastEvent = Math.max(lastEvent, +tr.getAttribute("data-id")); });

  var call = new Call({
    session: session,
    onHello: function (m) {
      m.chat.forEach(addChat);
      button("observe").setAttribute("data-allowed", m.may_observe ? "1" : "0");
      if (m.may_observe && !call.inCall) button("observe").hidden = false;
      var caller = m.peers.some(function (p) { return p.role === "victim"; });
      callerIs(caller ? "waiting" : "absent");
      catchUp();
      // A push sent while the socket was away is lost: the evidence panel asks again too.
      if (window.Evidence) window.Evidence.refresh();
    },
    onChat: function (m) { addChat(m); },
    onEvent: function (e) { addEvent(e); catchUpSoon(); },
    // A listener's status keeps saying so: the status is how they know the caller cannot hear them.
    onJoined: function () { say(call.mode === "observe" ? "observing" : "joined"); },
    onPeerJoined: function (p) {
      if (p.role === "victim") callerIs(call.inCall ? "in-call" : "waiting");
      if (p.observing) note("observer");
    },
    onPeerSteppedIn: function () { note("stepped-in"); },
    onCoach: function (m) { addCoaching(m); },
    onError: function (m) { if (m.code === "call_full") { say("full"); showJoin(); } },
    onPeerLeft: function (p) { if (p.role === "victim") { callerIs("left"); say("caller-left"); } },
    onPeerState: function (id, state) {
      if (state === "connected") { say(call.mode === "observe" ? "observing" : "connected"); callerIs("in-call"); }
    },
    onRemoteStream: function (id, s) { tiles(id, s); },
    onStatus: function () { say("reconnecting"); },
    // The session ended elsewhere: reload to show the record. Not while this page is already
    // leaving (a form such as "End session" was sent): a reload would cancel the page it goes to.
    onClosed: function () { if (!leaving) location.reload(); }
  });
  window.currentCall = call;
  Questions.staff(call, chatList);
  // Connection quality per peer (RTT, loss, bitrate) and the mode each side is in.
  var quality = new Quality(call, { onStats: showQuality, onMode: showModes, onRemoteMode: showModes });
  window.currentQuality = quality;
  var modes = {};
  function showQuality(id, s) {
    var list = button("quality");
    var li = list.querySelector('[data-peer="' + id + '"]');
    if (!li) {
      li = document.createElement("li");
      li.setAttribute("data-peer", id);
      list.appendChild(li);
    }
    var info = call.info[id] || {};
    var mode = modes[id] ? " · " + text(list, "mode-" + modes[id]) : "";
    if (info.role === "victim") showModes({});
    li.textContent = (info.label || "") + ": " + Quality.describe(s) + mode;
    list.querySelectorAll("li").forEach(function (row) { if (!call.peers[row.getAttribute("data-peer")]) row.remove(); });
  }
  function showModes(m) {
    if (m.from) modes[m.from] = m.mode;
    if (m.from) reasons[m.from] = m.reason;
    var el = button("caller-mode");
    var key = "";
    for (var id in modes) {
      var info = call.info[id] || {};
      if (info.role !== "victim" || !call.peers[id] || modes[id] === "video") continue;
      key = (reasons[id] === "chosen" ? "chosen-" : "") + modes[id];
    }
    var own = quality.current();
    if (!key && own.reason === "auto" && own.mode !== "video") key = "own-" + own.mode;
    el.textContent = key && el.hasAttribute("data-" + key) ? text(el, key) : "";
    el.hidden = !el.textContent;
  }
  var reasons = {};
  var tiles = Call.tiles(call, button("remote"), button("remotes"));
  var note = function (key) { var el = button("colleague-note"); el.textContent = text(el, key); el.hidden = false; };
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
    if (window.Evidence) window.Evidence.onEvent(e);
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
  // Listening in asks for no camera or microphone: the page only receives.
  button("observe").addEventListener("click", observe);
  function observe() {
    call.observe();
    try { sessionStorage.setItem("rp.observing", session); } catch (err) { /* ignore */ }
    ["join", "observe"].forEach(function (id) { button(id).hidden = true; });
    button("step-in").hidden = false;
    button("leave").hidden = false;
    say("observing");
  }
  button("step-in").addEventListener("click", function () {
    localMedia().then(function (stream) {
      button("local").srcObject = stream;
      var media = !stream ? "none" : stream.getVideoTracks().length ? "video" : "audio";
      call.stepIn(stream, media);
      try { sessionStorage.removeItem("rp.observing"); sessionStorage.setItem("rp.joined", session); } catch (err) { /* ignore */ }
      button("step-in").hidden = true;
      button("mute").hidden = !stream;
      button("camera").hidden = media !== "video";
      say("joined");
    });
  });
  var coachForm = button("coach-form");
  if (coachForm) {
    coachForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var input = button("coach-text");
      var value = input.value.trim();
      if (!value) return;
      call.coach(value);
      input.value = "";
    });
  }
  function addCoaching(m) {
    var list = button("coaching");
    if (!list) return;
    var li = document.createElement("li");
    var who = document.createElement("strong");
    who.textContent = (m.from === call.me ? text(list, "you") : m.label) + ": ";
    li.appendChild(who);
    li.appendChild(document.createTextNode(m.text));
    list.appendChild(li);
  }
  function showJoin() {
    button("join").hidden = false;
    ["mute", "camera", "leave", "step-in"].forEach(function (id) { button(id).hidden = true; });
  }
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
      button("observe").hidden = true;
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
    try { sessionStorage.removeItem("rp.joined"); sessionStorage.removeItem("rp.observing"); } catch (err) { /* ignore */ }
    showJoin();
    if (call.me) button("observe").hidden = button("observe").getAttribute("data-allowed") !== "1";
    say("left");
  });
  ["mute", "camera"].forEach(function (id) {
    button(id).addEventListener("click", function () {
      var off = button(id).getAttribute("aria-pressed") !== "true";
      button(id).setAttribute("aria-pressed", off ? "true" : "false");
      call.setEnabled(id === "mute" ? "audio" : "video", !off);
      if (id === "camera") quality.setCameraOff(off);
    });
  });
  try {
    if (sessionStorage.getItem("rp.joined") === session) join();
    else if (sessionStorage.getItem("rp.observing") === session) observe();
  } catch (err) { /* ignore */ }
})();

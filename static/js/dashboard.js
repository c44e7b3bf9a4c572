/* The control-room dashboard: rows reload when the server says they changed (/ws/dashboard/),
   after every reconnect, and every 15 s while visible (the socket is only a hint).
   A caller newly waiting raises a banner (role=alert), changes the tab title and, once
   "Enable sound" has been pressed, plays a short tone. Browsers only let a page make sound
   after the user has interacted with it, so the tone is set up by that button's click. */
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root) return;
  var board = root.querySelector("[data-board]");
  var alertBox = document.getElementById("waiting-alert");
  var soundButton = document.getElementById("enable-sound");
  var rowsUrl = root.getAttribute("data-rows-url");
  var baseTitle = document.title;
  var seenWaiting = null; // ids of sessions already waiting at the last look
  var audio = null;
  var tones = 0;
  var loading = false;
  var again = false;

  function waitingRows() {
    return Array.prototype.slice.call(board.querySelectorAll('tr[data-state="victim_waiting"]'));
  }

  function minutesSince(iso) {
    return Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
  }

  function showDurations() {
    board.querySelectorAll("[data-waiting-since]").forEach(function (el) {
      var m = minutesSince(el.getAttribute("data-waiting-since"));
      el.textContent = m < 1 ? "waiting for less than a minute" : "waiting for " + m + " min";
    });
  }

  function tone() {
    if (!audio) return;
    var now = audio.currentTime;
    [0, 0.25].forEach(function (offset) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, now + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.18);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + offset);
      osc.stop(now + offset + 0.2);
    });
    tones += 1;
    root.setAttribute("data-tones", String(tones));
  }

  function checkWaiting() {
    var rows = waitingRows();
    var ids = rows.map(function (tr) { return tr.getAttribute("data-session"); });
    var fresh = rows.filter(function (tr) { return !seenWaiting || seenWaiting.indexOf(tr.getAttribute("data-session")) < 0; });
    seenWaiting = ids;
    document.title = rows.length ? "(" + rows.length + ") Caller waiting · " + baseTitle : baseTitle;
    if (!rows.length) {
      alertBox.hidden = true;
      alertBox.textContent = "";
      return;
    }
    if (fresh.length) {
      var refs = fresh.map(function (tr) { return tr.querySelector("a").textContent; }).join(", ");
      alertBox.textContent = "A caller is waiting: " + refs;
      alertBox.hidden = false;
      tone();
    }
  }

  function reload() {
    if (loading) { again = true; return; }
    loading = true;
    fetch(rowsUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html !== null && html !== board.getAttribute("data-html")) {
          board.innerHTML = html;
          board.setAttribute("data-html", html);
          showDurations();
          checkWaiting();
        }
      })
      .catch(function () { /* the next push, poll or reconnect tries again */ })
      .then(function () {
        loading = false;
        if (again) { again = false; reload(); }
      });
  }

  soundButton.addEventListener("click", function () {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { soundButton.textContent = "Sound not available in this browser"; return; }
    if (!audio) audio = new Ctx();
    audio.resume();
    soundButton.setAttribute("aria-pressed", "true");
    soundButton.textContent = "Sound on";
    tone(); // the same click lets the browser play it: proof the speakers work
  });

  var delay = 1000;
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + root.getAttribute("data-watch-socket"));
    socket.onopen = function () { delay = 1000; root.setAttribute("data-live", "on"); reload(); };
    socket.onmessage = function (e) {
      try {
        if (JSON.parse(e.data).type === "changed") reload();
      } catch (err) { /* not ours */ }
    };
    socket.onclose = function (e) {
      root.setAttribute("data-live", "off");
      if (e.code === 4403) return; // refused: polling carries on, reconnecting would not help
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  board.setAttribute("data-html", board.innerHTML);
  showDurations();
  checkWaiting();
  connect();
  setInterval(function () { if (!document.hidden) reload(); }, 15000);
  setInterval(showDurations, 20000);
})();

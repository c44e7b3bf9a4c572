/* Live panels: a page with data-watch-socket reloads a [data-panel] section when the
   server says it changed, after every reconnect, and every 15 s while visible
   (the socket is a hint: pushes can be lost, and on the embedded defaults the
   worker cannot push at all). Panels hold state and buttons, never a half-filled form. */
(function () {
  "use strict";
  var root = document.querySelector("[data-watch-socket]");
  if (!root) return;
  var panelUrl = root.getAttribute("data-panel-url"); // ends in "__panel__/"
  var loading = {};

  function reload(name) {
    var el = document.querySelector('[data-panel="' + name + '"]');
    if (!el || loading[name]) return;
    loading[name] = true;
    fetch(panelUrl.replace("__panel__", name), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html !== null && html !== el.getAttribute("data-html")) {
          el.innerHTML = html;
          el.setAttribute("data-html", html);
          el.dispatchEvent(new CustomEvent("panel:updated", { bubbles: true, detail: { panel: name } }));
        }
      })
      .catch(function () { /* the next poll or reconnect tries again */ })
      .then(function () { loading[name] = false; });
  }

  function reloadAll() {
    document.querySelectorAll("[data-panel]").forEach(function (el) { reload(el.getAttribute("data-panel")); });
  }

  var delay = 1000;
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + root.getAttribute("data-watch-socket"));
    socket.onopen = function () { delay = 1000; root.setAttribute("data-live", "on"); reloadAll(); };
    socket.onmessage = function (e) {
      try {
        var m = JSON.parse(e.data);
        if (m.type === "changed") reload(m.panel);
      } catch (err) { /* not ours */ }
    };
    socket.onclose = function (e) {
      root.setAttribute("data-live", "off");
      if (e.code === 4403) return; // refused: polling carries on, reconnecting would not help
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  document.querySelectorAll("[data-panel]").forEach(function (el) { el.setAttribute("data-html", el.innerHTML); });
  connect();
  setInterval(function () { if (!document.hidden) reloadAll(); }, 15000);
})();

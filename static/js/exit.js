/* Leave quickly: the Exit button, or Shift pressed 3 times within 5 seconds.
   Hide the page at once, stop camera and call, then replace this page in the
   history with the safe site so Back does not return here. */
(function () {
  "use strict";
  var safe = document.body.getAttribute("data-safe-url") || "https://www.bbc.co.uk/weather";
  var presses = [];

  function exit(e) {
    if (e) e.preventDefault();
    document.body.style.display = "none";
    document.title = "";
    try { if (window.currentCall) window.currentCall.stop(); } catch (err) { /* leave regardless */ }
    try { sessionStorage.clear(); } catch (err) { /* storage may be blocked */ }
    location.replace(safe);
  }

  document.getElementById("exit").addEventListener("click", exit);
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Shift" || e.repeat) return;
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 5000; });
    presses.push(now);
    if (presses.length >= 3) exit();
  });
})();

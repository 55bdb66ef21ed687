// Ticks the team's clock between two polls of the server, which stays the authority:
// every poll replaces the element with the server's figure.
(function () {
  "use strict";
  function format(total) {
    total = Math.max(0, Math.floor(total));
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var ss = (s < 10 ? "0" : "") + s;
    if (h) return h + ":" + (m < 10 ? "0" : "") + m + ":" + ss;
    return m + ":" + ss;
  }
  var started = Date.now();
  document.addEventListener("htmx:afterSwap", function () { started = Date.now(); });
  setInterval(function () {
    var elapsed = (Date.now() - started) / 1000;
    document.querySelectorAll("[data-clock][data-running]").forEach(function (el) {
      el.textContent = format(Number(el.dataset.seconds) + elapsed);
    });
  }, 1000);
})();

// Progressive enhancement only: every page works without this file.
document.addEventListener("htmx:afterSwap", function (event) {
  // Move focus to swapped results so keyboard and screen-reader users land on them.
  var target = event.detail.target;
  if (target && target.hasAttribute("data-focus-on-swap")) {
    target.focus();
  }
});
document.addEventListener("change", function (event) {
  // Filter forms marked data-autosubmit submit when a select changes (the button stays for no-JS use).
  var form = event.target.form;
  if (form && form.hasAttribute("data-autosubmit") && event.target.tagName === "SELECT") {
    if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.requestSubmit(); }
  }
});
(function () {
  // The header's menu button (below 768 px). Without this script the button stays hidden
  // and the menu stays open, so every link is still reachable.
  function setUp() {
    var toggle = document.querySelector("[data-menu-toggle]");
    var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!toggle || !menu) { return; }
    var header = toggle.closest(".site-header");
    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }
    toggle.hidden = false;
    header.classList.add("has-menu-toggle");
    setOpen(false);
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
(function () {
  // Workshop times are shown on their own clock and, when it differs, on the reader's:
  // tell the server the browser's zone (workshops/timeplace.py reads this cookie).
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + zone) === -1) {
      document.cookie = "tz=" + zone + ";path=/;max-age=31536000;SameSite=Lax";
    }
  } catch (error) { /* no Intl: times stay on the workshop's clock only */ }
})();
document.addEventListener("keydown", function (event) {
  // In a people search box (hosts, invitees), Enter searches instead of saving the whole form.
  var target = event.target;
  if (event.key === "Enter" && target.hasAttribute && target.hasAttribute("data-picker-search")) {
    event.preventDefault();
    if (window.htmx) { window.htmx.trigger(target, "search"); }
  }
});
(function () {
  // Filter panels (<details data-open-wide>) stay folded on phones and open on wider screens.
  if (!window.matchMedia || !window.matchMedia("(min-width: 768px)").matches) { return; }
  function openAll() {
    document.querySelectorAll("details[data-open-wide]").forEach(function (panel) { panel.open = true; });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openAll);
  } else {
    openAll();
  }
})();
(function () {
  // A table wider than the screen scrolls inside its `.table-scroll` frame. A frame that
  // scrolls takes keyboard focus (arrow keys scroll it) and is named after its table's
  // caption; one that fits stays out of the tab order.
  function frame(el) {
    var scrolls = el.scrollWidth > el.clientWidth + 1;
    if (scrolls && !el.hasAttribute("tabindex")) {
      el.tabIndex = 0;
      el.setAttribute("role", "region");
      var caption = el.querySelector("caption");
      if (caption && !el.hasAttribute("aria-label")) {
        el.setAttribute("aria-label", caption.textContent.trim());
      }
      el.setAttribute("data-scroll-frame", "");
    } else if (!scrolls && el.hasAttribute("data-scroll-frame")) {
      el.removeAttribute("tabindex");
      el.removeAttribute("role");
      el.removeAttribute("data-scroll-frame");
    }
  }
  function all() { document.querySelectorAll(".table-scroll").forEach(frame); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", all);
  } else {
    all();
  }
  window.addEventListener("resize", all);
  document.addEventListener("htmx:afterSettle", all);
})();

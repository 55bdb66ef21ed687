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

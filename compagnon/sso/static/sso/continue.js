// The company-login step hands over to the organisation's sign-in page. A form cannot
// redirect there (the policy allows forms to post to this site only), so the page
// carries a link; with JavaScript on, it is followed at once.
(function () {
  "use strict";
  var link = document.querySelector("[data-sso-continue]");
  if (link) {
    window.location.assign(link.href);
  }
})();

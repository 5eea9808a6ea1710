// Behaviour shared by every page; inline scripts are forbidden by the Content Security Policy.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.classList.contains("js-autosubmit")) {
      target.form.submit();
    }
  });
  // htmx requests carry the CSRF token like ordinary forms do.
  document.body.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = document.body.dataset.csrf;
  });
})();

// The workers' forms with an employer search (/m/join, /m/transfer): picking an employer from
// the suggestions fills the hidden id and the name.
(function () {
  "use strict";
  document.querySelectorAll("form[data-employer-pick]").forEach(function (form) {
    var hidden = form.querySelector("input[name=employer]");
    var name = form.querySelector("input[name=employer_name]");
    var results = form.querySelector("#employer-results");
    if (!hidden || !name || !results) return;
    name.addEventListener("input", function () {
      hidden.value = "";  // typing again forgets an earlier pick
    });
    results.addEventListener("click", function (event) {
      var button = event.target.closest(".js-pick-employer");
      if (!button) return;
      hidden.value = button.dataset.employerId;
      name.value = button.dataset.employerName;
      results.innerHTML = "";
    });
  });
})();

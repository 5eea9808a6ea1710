// The join form: picking an employer from the suggestions fills the hidden id and the name.
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=join-form]");
  if (!form) return;
  var hidden = form.querySelector("input[name=employer]");
  var name = form.querySelector("input[name=employer_name]");
  var results = document.getElementById("employer-results");
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
})();

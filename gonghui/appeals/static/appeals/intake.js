// Staff intake (hotline and walk-in): the earlier appeals, the subject suggestion and the
// employer search come through htmx attributes on the fields; this file takes the suggested
// subject into the select (unless the operator chose one), picks an employer from the search,
// shows the new-employer fields only while "register as a new employer" is ticked, and saves
// with Ctrl+Enter. No inline scripts (CSP).
(function () {
  "use strict";
  const form = document.getElementById("intake-form");
  if (!form) return;
  const subject = form.querySelector("[name=subject]");
  if (subject) subject.addEventListener("change", () => { subject.dataset.touched = "1"; });
  // Walk-in: an ID card reader types the number and Enter; Enter there moves on instead of
  // saving, and a member's name from the register fills an empty name field.
  const idNumber = form.querySelector("input[name=id_number]");
  const callerName = form.querySelector("input[name=caller_name]");
  if (idNumber && document.getElementById("visitor")) {
    idNumber.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        if (callerName) callerName.focus();
      }
    });
  }
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id === "visitor") {
      const card = event.detail.target.querySelector("[data-name]");
      if (card && card.dataset.name && callerName && !callerName.value) {
        callerName.value = card.dataset.name;
      }
      return;
    }
    if (event.detail.target.id !== "suggestion" || !subject || subject.dataset.touched) return;
    const chosen = event.detail.target.querySelector("[data-suggested]");
    if (chosen) subject.value = chosen.dataset.suggested;
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // Employer: a pick from the register fills the hidden id; typing again forgets it.
  const employer = form.querySelector("input[name=employer]");
  const employerName = form.querySelector("input[name=employer_name]");
  const results = document.getElementById("employer-results");
  const isNew = form.querySelector("input[name=new_employer]");
  const newFields = form.querySelectorAll(".gh-new-employer");
  function showNew() {
    newFields.forEach((node) => { node.hidden = !(isNew && isNew.checked); });
  }
  if (isNew) {
    isNew.addEventListener("change", () => {
      if (isNew.checked && employer) employer.value = "";
      showNew();
    });
    showNew();
  }
  if (employerName && employer) {
    employerName.addEventListener("input", () => { employer.value = ""; });
  }
  if (results) {
    results.addEventListener("click", (event) => {
      const button = event.target.closest(".js-pick-employer");
      if (!button || !employer || !employerName) return;
      employer.value = button.dataset.employerId;
      employerName.value = button.dataset.employerName;
      if (isNew) { isNew.checked = false; showNew(); }
      results.innerHTML = "";
      employerName.focus();
    });
  }
})();

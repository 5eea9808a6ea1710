// Hotline intake: the earlier appeals and the subject suggestion come through htmx attributes on
// the fields; this file takes the suggested subject into the select (unless the operator chose one)
// and saves with Ctrl+Enter. No inline scripts (CSP).
(function () {
  "use strict";
  const form = document.getElementById("intake-form");
  if (!form) return;
  const subject = form.querySelector("[name=subject]");
  if (subject) subject.addEventListener("change", () => { subject.dataset.touched = "1"; });
  document.body.addEventListener("htmx:afterSwap", (event) => {
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
})();

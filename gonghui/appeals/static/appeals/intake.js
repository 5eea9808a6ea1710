// Hotline intake: earlier appeals as the number is typed, the subject suggestion as the facts
// are typed, and Ctrl+Enter to save. No inline scripts (CSP); URLs come from data-* attributes.
(function () {
  "use strict";
  const form = document.getElementById("intake-form");
  if (!form) return;
  const phone = form.querySelector("[name=phone]");
  const facts = form.querySelector("[name=facts]");
  const demand = form.querySelector("[name=demand]");
  const subject = form.querySelector("[name=subject]");
  const timers = {};

  function later(key, fn, ms) {
    clearTimeout(timers[key]);
    timers[key] = setTimeout(fn, ms);
  }

  function load(url, target, after) {
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then((r) => r.text())
      .then((html) => {
        const box = document.getElementById(target);
        box.innerHTML = html;
        if (after) after(box);
      });
  }

  if (phone) {
    phone.addEventListener("input", () => {
      const digits = phone.value.replace(/\D/g, "");
      if (digits.length < 11) return;
      later("history", () => load(form.dataset.historyUrl + "?phone=" + encodeURIComponent(phone.value), "history"), 250);
    });
  }

  function suggest() {
    const q = "?facts=" + encodeURIComponent(facts.value) + "&demand=" + encodeURIComponent(demand ? demand.value : "");
    load(form.dataset.suggestUrl + q, "suggestion", (box) => {
      const chosen = box.querySelector("[data-suggested]");
      if (chosen && subject && !subject.dataset.touched) subject.value = chosen.dataset.suggested;
    });
  }
  if (subject) subject.addEventListener("change", () => { subject.dataset.touched = "1"; });
  if (facts) facts.addEventListener("input", () => later("suggest", suggest, 500));
  if (demand) demand.addEventListener("input", () => later("suggest", suggest, 500));

  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();

// The review queue's bulk approval: "select all on this page", the live count on the button and
// a confirmation naming how many applications will be approved.
(function () {
  "use strict";
  var form = document.querySelector(".js-bulk-approve");
  if (!form) return;
  var all = form.querySelector(".js-select-page");
  var boxes = form.querySelectorAll(".js-select-one");
  var count = form.querySelector(".js-bulk-count");
  function checked() {
    return form.querySelectorAll(".js-select-one:checked").length;
  }
  function refresh() {
    var n = checked();
    count.textContent = String(n);
    if (all) {
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
  }
  form.addEventListener("change", function (event) {
    if (event.target === all) {
      boxes.forEach(function (box) { box.checked = all.checked; });
    }
    refresh();
  });
  form.addEventListener("submit", function (event) {
    var n = checked();
    if (n === 0) {
      event.preventDefault();
      window.alert(form.dataset.none);
      return;
    }
    if (!window.confirm(form.dataset.confirm.replace("{count}", String(n)))) {
      event.preventDefault();
    }
  });
  refresh();
})();

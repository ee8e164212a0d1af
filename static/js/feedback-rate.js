// The rating form (templates/feedback/rate_form.html): the reasons of a 差评 appear
// only when 不满意 (level 4) or 非常不满意 (level 5) is chosen. Without this script
// they stay visible; the server ignores them for the better levels.
(function () {
  "use strict";
  document.querySelectorAll("[data-rate-form]").forEach(function (form) {
    var reasons = form.querySelector("[data-rate-reasons]");
    if (!reasons) {
      return;
    }
    function update() {
      var chosen = form.querySelector("input[name=level]:checked");
      reasons.hidden = !(chosen && (chosen.value === "4" || chosen.value === "5"));
    }
    form.addEventListener("change", update);
    update();
  });
})();

/* The counter pad (评价器): feedback/views/pad.py. The page swaps #pad-stage with htmx;
   this file adds what htmx attributes cannot say, with no inline script (CSP). */
(function () {
  "use strict";

  // The bind link carries the device key after "#" (never sent to the server, so never
  // in a log): put it into the field, drop it from the address bar, and bind.
  function bindFromHash() {
    var field = document.getElementById("id_key");
    var match = /^#key=([A-Za-z0-9_-]+)$/.exec(window.location.hash);
    if (!field || !match) return;
    window.history.replaceState(null, "", window.location.pathname);
    field.value = match[1];
    field.form.requestSubmit();
  }

  // A 差评 (levels 4 and 5, one or two stars) opens the reasons.
  function showReasons(form) {
    var reasons = form.querySelector("[data-pad-bad]");
    var level = form.querySelector("input[name=level]:checked");
    if (reasons) reasons.hidden = !(level && Number(level.value) >= 4);
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "level" && event.target.form) showReasons(event.target.form);
  });

  // Back to idle after data-pad-timeout seconds without a touch on the rating form:
  // the stage's own hx-trigger="pad-timeout" fetches the idle stage.
  var timer = null;
  function arm() {
    window.clearTimeout(timer);
    timer = null;
    var stage = document.querySelector("#pad-stage[data-pad-timeout]");
    if (!stage) return;
    timer = window.setTimeout(function () {
      window.htmx.trigger(stage, "pad-timeout");
    }, Number(stage.dataset.padTimeout) * 1000);
  }
  ["pointerdown", "keydown", "input"].forEach(function (type) {
    document.addEventListener(type, function () { if (timer !== null) arm(); }, true);
  });
  document.addEventListener("htmx:afterSettle", arm);
  document.addEventListener("DOMContentLoaded", function () {
    bindFromHash();
    arm();
  });
})();

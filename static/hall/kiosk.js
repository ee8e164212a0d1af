/* Kiosk mode (自助办): a self-service terminal in the hall. base.html loads this file
   only in kiosk mode (the kiosk cookie, jinpu_portal/kiosk.py). Two things:

   * the idle timeout: after data-kiosk-idle seconds without a touch or a key, the
     terminal signs out and clears the screen (posts #kiosk-reset-form: the server ends
     the session and sends the kiosk's home page); a visible countdown covers the last
     data-kiosk-warn seconds, and a touch anywhere (or 继续使用) keeps the session;
   * an on-screen keypad for ID numbers (digits and X): every input[data-keypad] gets
     one, and in kiosk mode so does every input named like *id_number.
   No inline script (CSP). */
(function () {
  "use strict";

  var body = document.body;
  var idle = Number(body.dataset.kioskIdle || 0);
  var warn = Number(body.dataset.kioskWarn || 15);
  var left = idle;
  var timer = null;

  function overlay() { return document.getElementById("kiosk-countdown"); }

  function render() {
    var box = overlay();
    if (!box) return;
    var showing = left <= warn;
    box.hidden = !showing;
    var seconds = box.querySelector("[data-kiosk-seconds]");
    if (showing && seconds) seconds.textContent = String(Math.max(left, 0));
  }

  function reset() {
    var form = document.getElementById("kiosk-reset-form");
    window.clearInterval(timer);
    if (window.speechSynthesis) window.speechSynthesis.cancel();
    // Clear what is on the screen at once, before the server answers.
    document.querySelectorAll("input:not([type=hidden]), textarea").forEach(function (el) { el.value = ""; });
    var main = document.getElementById("main");
    if (main) main.hidden = true;
    if (form) form.submit();
  }

  function tick() {
    left -= 1;
    render();
    if (left <= 0) reset();
  }

  function touched() {
    if (!idle) return;
    left = idle;
    render();
  }

  // --- the keypad ----------------------------------------------------------------
  var KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", "⌫"];

  function keypadFor(input) {
    if (input.dataset.keypadBuilt) return;
    input.dataset.keypadBuilt = "1";
    input.setAttribute("inputmode", "none");   // the keypad replaces the system keyboard
    input.setAttribute("autocomplete", "off");
    var pad = document.createElement("div");
    pad.className = "kiosk-keypad";
    pad.setAttribute("role", "group");
    var label = input.labels && input.labels[0] ? input.labels[0].textContent.trim() : "证件号码";
    pad.setAttribute("aria-label", label + " 屏幕键盘");
    KEYS.forEach(function (key) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-outline-secondary kiosk-key";
      b.textContent = key;
      b.dataset.key = key;
      if (key === "⌫") b.setAttribute("aria-label", "删除一位");
      pad.appendChild(b);
    });
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "btn btn-outline-danger kiosk-key kiosk-key-wide";
    clear.textContent = "清空";
    clear.dataset.key = "clear";
    pad.appendChild(clear);
    pad.addEventListener("click", function (event) {
      var key = event.target.closest("[data-key]");
      if (!key) return;
      var max = Number(input.getAttribute("maxlength") || 18);
      var value = input.value;
      if (key.dataset.key === "⌫") value = value.slice(0, -1);
      else if (key.dataset.key === "clear") value = "";
      else if (value.length < max) value += key.dataset.key;
      input.value = value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    var anchor = input.closest("[data-keypad-after]") || input;
    anchor.insertAdjacentElement("afterend", pad);
  }

  function keypads() {
    var selector = "input[data-keypad]";
    if (body.classList.contains("kiosk")) selector += ", input[name$='id_number']";
    document.querySelectorAll(selector).forEach(keypadFor);
  }

  document.addEventListener("DOMContentLoaded", function () {
    keypads();
    var stay = document.getElementById("kiosk-stay");
    if (stay) stay.addEventListener("click", touched);
    if (!idle) return;
    ["pointerdown", "keydown", "input", "touchstart"].forEach(function (type) {
      document.addEventListener(type, touched, true);
    });
    render();
    timer = window.setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSettle", keypads);
})();

/* The hall display (templates/hall/display.html). htmx swaps #hd-board every second when
   the hall's queue changed (the poll answers 204 otherwise); this file keeps the clock
   and, when switched on, speaks each new call through the browser's speech synthesis
   ("请 A012 号到 3 号窗口", a zh-CN voice). No inline script (CSP). */
(function () {
  "use strict";

  var STORE = "hall-display-speech";
  var spoken = {};          // call keys already announced (a recall has a new key)
  var enabled = false;

  function button() { return document.getElementById("hd-speech"); }

  function voice() {
    var voices = window.speechSynthesis ? window.speechSynthesis.getVoices() : [];
    for (var i = 0; i < voices.length; i++) {
      if (/^zh[-_]CN/i.test(voices[i].lang)) return voices[i];
    }
    for (var j = 0; j < voices.length; j++) {
      if (/^zh/i.test(voices[j].lang)) return voices[j];
    }
    return null;
  }

  function say(text) {
    if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) return;
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    var v = voice();
    if (v) utterance.voice = v;
    window.speechSynthesis.speak(utterance);
  }

  // Each call on the board carries data-call-key and data-say; the oldest is spoken first.
  function calls() {
    return Array.prototype.slice.call(document.querySelectorAll("#hd-board [data-call-key]"));
  }

  function announce(initial) {
    var fresh = calls().filter(function (el) { return !spoken[el.dataset.callKey]; });
    fresh.forEach(function (el) { spoken[el.dataset.callKey] = true; });
    var latest = document.querySelector("#hd-board .hd-latest");
    if (!initial && latest && fresh.indexOf(latest) >= 0) latest.classList.add("hd-fresh");
    if (initial || !enabled) return;
    fresh.reverse().forEach(function (el) {
      var text = el.dataset.say;
      // Twice, as halls do: people look up at the first.
      say(text);
      say(text);
    });
    document.dispatchEvent(new CustomEvent("hall:announced", { detail: fresh.length }));
  }

  function show() {
    var b = button();
    if (!b) return;
    b.setAttribute("aria-pressed", enabled ? "true" : "false");
    b.querySelector("[data-speech-label]").textContent = enabled ? "语音播报：开" : "语音播报：关";
  }

  function toggle() {
    enabled = !enabled;
    try { window.localStorage.setItem(STORE, enabled ? "on" : "off"); } catch (e) { /* private mode */ }
    show();
    if (enabled) say("语音播报已开启");   // a click lets the browser speak from now on
    else if (window.speechSynthesis) window.speechSynthesis.cancel();
  }

  function tick() {
    var clock = document.getElementById("hd-clock");
    if (!clock) return;
    // The hall's time (the portal's time zone), whatever zone the screen's computer is set to.
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: clock.dataset.timeZone || "Asia/Shanghai",
      month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
      hourCycle: "h23"
    }).formatToParts(new Date()).forEach(function (part) { parts[part.type] = part.value; });
    clock.textContent = parts.month + "月" + parts.day + "日 " +
      parts.hour + ":" + parts.minute + ":" + parts.second;
  }

  document.addEventListener("DOMContentLoaded", function () {
    try { enabled = window.localStorage.getItem(STORE) === "on"; } catch (e) { enabled = false; }
    show();
    var b = button();
    if (b) b.addEventListener("click", toggle);
    announce(true);
    tick();
    window.setInterval(tick, 1000);
  });
  // The board is swapped whole (outerHTML, its poll URL carries the new marker).
  document.addEventListener("htmx:afterSettle", function () { announce(false); });
})();

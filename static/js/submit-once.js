/* A form that creates something carries the hidden "submission" key
   (jinpu_portal.submissions): the server makes one object however often it is posted,
   and answers a second post with what the first made. A double click would still send
   the second post, and the browser would show only its answer: for a new counter pad
   that answer cannot show the device key again (it is kept as a hash). So such a form
   is sent once from the page: a second click or Enter while the first post is on its
   way does nothing. No inline script (CSP); without JavaScript the server's key still
   holds. */
(function () {
  "use strict";

  function buttons(form) {
    return form.querySelectorAll("button[type=submit], input[type=submit]");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    // The key is "submission", or "<prefix>-submission" in a prefixed form (the agents').
    if (!form.querySelector("input[name=submission], input[name$='-submission']")) return;
    if (event.defaultPrevented) return; // another script kept it from going
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    form.setAttribute("aria-busy", "true");
    // aria-disabled, not disabled: a disabled button would drop its own name and
    // value from the post being sent.
    buttons(form).forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
    });
  });

  // A page brought back by the browser's back button is usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      delete form.dataset.sent;
      form.removeAttribute("aria-busy");
      buttons(form).forEach(function (button) {
        button.removeAttribute("aria-disabled");
      });
    });
  });
})();

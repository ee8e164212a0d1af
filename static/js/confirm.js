/* A form whose act cannot be undone asks first: its data-confirm attribute holds the
   question (结束办理 A001 号？…). Cancel keeps the page as it is; OK sends the form.
   Listening in the capture phase, it runs before submit-once.js, which leaves a form
   this script stopped alone. No inline script (CSP). */
(function () {
  "use strict";

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    },
    true
  );
})();

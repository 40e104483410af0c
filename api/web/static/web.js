// The officer pages work without JavaScript; this only helps:
// - after a search, a validation or an error, focus moves to the result (or the error) so that
//   keyboard and screen-reader users land on it;
// - while a submission uploads and is validated, the button is disabled and a status says so.
(function () {
  "use strict";

  function focusResult() {
    var target = document.querySelector("[data-autofocus]");
    if (target) {
      target.focus();
    }
  }

  function announceBusy(form) {
    form.addEventListener("submit", function () {
      var status = form.querySelector(".busy");
      var button = form.querySelector("button[type='submit']");
      if (status) {
        status.textContent = form.getAttribute("data-busy-message") || "";
      }
      if (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
      form.setAttribute("aria-busy", "true");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusResult();
    document.querySelectorAll("form[data-busy-message]").forEach(announceBusy);
  });
})();

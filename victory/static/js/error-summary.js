/* Move focus to the error summary when a form comes back with errors, so screen-reader
   and keyboard users start from the list of what to fix (GOV.UK pattern). */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();

/* After the navigator's or the search's answer loads, move focus to its results heading
   (marked data-focus-on-load, with tabindex="-1"), so that a screen reader announces the
   results and the page shows them. Without JavaScript the form's action "#results"
   already scrolls the browser there. */
(function () {
  "use strict";
  function focusResults() {
    var heading = document.querySelector("[data-focus-on-load]");
    if (!heading) { return; }
    heading.focus({ preventScroll: true });
    heading.scrollIntoView({ block: "start" });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusResults);
  } else {
    focusResults();
  }
})();

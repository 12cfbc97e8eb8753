/* After the navigator's or the search's answer loads, move focus to its results heading
   (marked data-focus-on-load, with tabindex="-1"), so that a screen reader announces the
   results and the page shows them. Without JavaScript the form's action "#results"
   already scrolls the browser there.
   Focus is moved once the page has loaded: Chromium drops a focus given earlier, while
   it is still scrolling to the address's "#results". */
(function () {
  "use strict";
  // The browser keeps a posted form's words with its history entry: Back, then Reload,
  // would offer to send them again. Replacing the entry drops them; Back then shows
  // the empty form.
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.href);
  }
  function focusResults() {
    var heading = document.querySelector("[data-focus-on-load]");
    if (!heading) { return; }
    heading.focus({ preventScroll: true });
    heading.scrollIntoView({ block: "start" });
  }
  if (document.readyState === "complete") {
    focusResults();
  } else {
    window.addEventListener("load", focusResults);
  }
})();

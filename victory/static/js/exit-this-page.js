/* "Exit this page": leave for a neutral site and take this page off the Back button.
   Works on a click of the button, or on the Shift key pressed three times within a
   second. Without JavaScript the button is an ordinary link to the same site. */
(function () {
  "use strict";
  var SHIFT_PRESSES = 3;
  var WINDOW_MS = 1000;

  function exitTo(url) {
    document.body.innerHTML = "";
    document.title = "";
    window.location.replace(url);
  }

  function init() {
    var button = document.querySelector("[data-exit-this-page]");
    if (!button) { return; }
    var url = button.getAttribute("href");
    var hint = document.querySelector("[data-exit-this-page-hint]");
    if (hint) { hint.hidden = false; }

    button.addEventListener("click", function (event) {
      event.preventDefault();
      exitTo(url);
    });

    var presses = [];
    document.addEventListener("keyup", function (event) {
      if (event.key !== "Shift") { presses = []; return; }
      var now = Date.now();
      presses = presses.filter(function (time) { return now - time < WINDOW_MS; });
      presses.push(now);
      if (presses.length >= SHIFT_PRESSES) { exitTo(url); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

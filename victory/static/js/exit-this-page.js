/* "Exit this page": leave for a neutral site and take this page off the Back button.

   The control is a link to the platform's own exit address (/<lang>/exit/), which ends
   the visit on the server and then redirects to the neutral site; without JavaScript
   the link does all of it. With JavaScript, a click or the Shift key pressed 3 times
   within 5 seconds (like GOV.UK's component; any other key starts the count again)
   blanks the page at once and replaces it in the history with the exit address, so
   Back does not return to it. Each press lights one of three marks on the button and
   is announced to screen readers. The site's other open tabs leave too (a
   BroadcastChannel): the inbox left open in another tab must not stay on screen. */
(function () {
  "use strict";
  var SHIFT_PRESSES = 3;
  var WINDOW_MS = 5000;
  var exiting = false;
  var exitUrl = null;
  var channel = window.BroadcastChannel ? new window.BroadcastChannel("victory-exit-this-page") : null;

  function blankAndLeave(loadingText, announcement, fromAnotherTab) {
    if (channel && !fromAnotherTab) { channel.postMessage("exit"); }
    exiting = true;
    document.title = "";
    document.body.innerHTML = "";
    var overlay = document.createElement("div");
    overlay.className = "exit-this-page-overlay";
    var text = document.createElement("p");
    text.className = "exit-this-page-overlay__text";
    text.textContent = loadingText || "";
    overlay.appendChild(text);
    var status = document.createElement("p");
    status.className = "exit-this-page__status";
    status.setAttribute("role", "alert");
    status.textContent = announcement || "";
    overlay.appendChild(status);
    document.body.appendChild(overlay);
    window.location.replace(exitUrl);
  }

  // A page restored from the back/forward cache after an exit started on it shows
  // nothing and leaves again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && exiting && exitUrl) {
      blankAndLeave("", "");
    }
  });

  if (channel) {
    channel.onmessage = function () {
      if (!exiting && exitUrl) { blankAndLeave("", "", true); }
    };
  }

  function init() {
    var bar = document.querySelector("[data-exit-this-page-bar]");
    var button = document.querySelector("[data-exit-this-page]");
    if (!bar || !button) { return; }
    exitUrl = button.getAttribute("href");
    var hint = bar.querySelector("[data-exit-this-page-hint]");
    var indicator = bar.querySelector("[data-exit-this-page-indicator]");
    var lights = indicator ? indicator.querySelectorAll(".exit-this-page__light") : [];
    var status = bar.querySelector("[data-exit-this-page-status]");
    var texts = {
      2: bar.getAttribute("data-press-two") || "",
      1: bar.getAttribute("data-press-one") || "",
      activated: bar.getAttribute("data-activated") || "",
      loading: bar.getAttribute("data-loading") || ""
    };

    // The keyboard hint only where a keyboard is likely: not on a touch-only phone.
    var keyboardLikely = !window.matchMedia ||
      window.matchMedia("(any-hover: hover), (any-pointer: fine)").matches;
    if (hint && keyboardLikely) { hint.hidden = false; }

    var presses = 0;
    var timer = null;

    function show(count) {
      if (indicator) {
        indicator.classList.toggle("exit-this-page__indicator--visible", count > 0);
      }
      for (var i = 0; i < lights.length; i++) {
        lights[i].classList.toggle("exit-this-page__light--on", i < count);
      }
    }

    function reset() {
      presses = 0;
      if (timer) { window.clearTimeout(timer); timer = null; }
      show(0);
      if (status) { status.textContent = ""; }
    }

    function leave() {
      if (timer) { window.clearTimeout(timer); timer = null; }
      blankAndLeave(texts.loading, texts.activated);
    }

    button.addEventListener("click", function (event) {
      event.preventDefault();
      leave();
    });

    document.addEventListener("keyup", function (event) {
      if (exiting) { return; }
      if (event.key !== "Shift") {
        if (presses) { reset(); }
        return;
      }
      presses += 1;
      if (presses === 1) {
        // The count starts with the first press: all three within WINDOW_MS.
        timer = window.setTimeout(reset, WINDOW_MS);
      }
      show(presses);
      if (presses >= SHIFT_PRESSES) {
        leave();
        return;
      }
      if (status) { status.textContent = texts[SHIFT_PRESSES - presses] || ""; }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

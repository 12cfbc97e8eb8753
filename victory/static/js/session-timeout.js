/* The warning before the idle timeout (WCAG 2.2.1): includes/session_timeout.html.
 *
 * It shows when the server may end the session within about two minutes, as an
 * alert dialog with the focus on "Stay logged in". That button posts to the
 * keep-alive address, which restarts the server's idle clock (204); 401 or 410 mean
 * the session had already ended, and the dialog says so, and that the text on the
 * page is kept. Without JavaScript nothing of this exists: a form sent after the
 * timeout keeps its text on the server, offered back after logging in again.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-session-timeout]");
  if (!root || !window.fetch) {
    return;
  }
  var idleSeconds = parseInt(root.getAttribute("data-idle-seconds"), 10);
  var warnAfterSeconds = parseInt(root.getAttribute("data-warn-after-seconds"), 10);
  var keepAliveUrl = root.getAttribute("data-keep-alive-url");
  var csrfToken = root.getAttribute("data-csrf-token");
  var dialog = root.querySelector("[role=alertdialog]");
  var stay = root.querySelector("[data-session-stay]");
  var close = root.querySelector("[data-session-close]");
  var status = root.querySelector("[data-session-status]");
  var stillText = root.querySelector("[data-still-text]");
  if (!dialog || !stay || !close || !status || isNaN(idleSeconds) || isNaN(warnAfterSeconds)) {
    return;
  }
  var warnTimer = null;
  var endTimer = null;
  var returnFocus = null;
  var ended = false;

  function setState(state) {
    root.setAttribute("data-state", state);
    var texts = root.querySelectorAll("[data-state-text]");
    for (var i = 0; i < texts.length; i += 1) {
      texts[i].hidden = texts[i].getAttribute("data-state-text") !== state;
    }
    stay.hidden = state === "ended";
    close.hidden = state !== "ended";
  }

  function clearTimers() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
  }

  function schedule() {
    clearTimers();
    warnTimer = window.setTimeout(warn, warnAfterSeconds * 1000);
    // The server counts from its last record of activity, never later than this load.
    endTimer = window.setTimeout(end, idleSeconds * 1000);
  }

  function open(focusTarget) {
    if (dialog.hidden) {
      returnFocus = document.activeElement;
    }
    dialog.hidden = false;
    focusTarget.focus();
  }

  function hide() {
    dialog.hidden = true;
    if (returnFocus && typeof returnFocus.focus === "function" && document.body.contains(returnFocus)) {
      returnFocus.focus();
    }
    returnFocus = null;
  }

  function warn() {
    if (ended) {
      return;
    }
    setState("warning");
    open(stay);
  }

  function end() {
    ended = true;
    clearTimers();
    setState("ended");
    open(close);
  }

  function keepAlive() {
    stay.disabled = true;
    window
      .fetch(keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        cache: "no-store",
        headers: { "X-CSRFToken": csrfToken },
      })
      .then(function (response) {
        if (response.status === 204) {
          hide();
          status.textContent = stillText ? stillText.textContent : "";
          schedule();
        } else {
          end();
        }
      })
      .catch(function () {
        setState("offline");
        open(stay);
      })
      .then(function () {
        stay.disabled = false;
      });
  }

  stay.addEventListener("click", keepAlive);
  close.addEventListener("click", hide);
  schedule();
})();

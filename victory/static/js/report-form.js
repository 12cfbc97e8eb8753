/* Report form, progressive enhancement only: a warning 5 minutes before the answers
   of an unsent report would be cleared, with a button to keep them; and the names of
   the files chosen in the (visually hidden) file input, in the page's language. It
   never clears, sends or stores any answer; without JavaScript the form works the same. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setUp(warning) {
    var expiresIn = parseInt(warning.getAttribute("data-expires-in"), 10);
    var warnBefore = parseInt(warning.getAttribute("data-warn-before"), 10);
    var keepUrl = warning.getAttribute("data-keep-url");
    var keep = warning.querySelector("[data-timeout-keep]");
    var kept = document.querySelector("[data-timeout-kept]");
    if (!expiresIn || !warnBefore || expiresIn <= warnBefore) { return; }
    var timer = null;

    function schedule(seconds) {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { warning.hidden = false; }, (seconds - warnBefore) * 1000);
    }

    if (keep && keepUrl && window.fetch) {
      keep.addEventListener("click", function () {
        window.fetch(keepUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken() }
        }).then(function (response) {
          if (response.status === 204) {
            warning.hidden = true;
            if (kept) { kept.hidden = false; kept.focus(); }
            schedule(expiresIn);
          }
        }).catch(function () { /* the answers stay on the page; the person can still continue */ });
      });
    } else if (keep) {
      keep.hidden = true;
    }
    schedule(expiresIn);
  }

  function showChosenFiles(group) {
    var input = group.querySelector("input[type=file]");
    var chosen = group.querySelector("[data-file-chosen]");
    if (!input || !chosen) { return; }
    function update() {
      var names = [];
      for (var i = 0; i < input.files.length; i += 1) { names.push(input.files[i].name); }
      chosen.textContent = names.length
        ? chosen.getAttribute("data-some") + " " + names.join(", ")
        : chosen.getAttribute("data-none");
      chosen.hidden = false;
    }
    input.addEventListener("change", update);
    update();
  }

  function start() {
    var warning = document.querySelector("[data-timeout-warning]");
    if (warning) { setUp(warning); }
    var groups = document.querySelectorAll("[data-file-input]");
    for (var i = 0; i < groups.length; i += 1) { showChosenFiles(groups[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

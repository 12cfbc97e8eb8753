/* The error summary and the sticky "Exit this page" bar (GOV.UK patterns, WCAG 2.4.11).

   1. When a form comes back with errors, focus moves to the error summary, so screen-reader
      and keyboard users start from the list of what to fix.
   2. A link of the summary brings the field's question (its label, or the legend of its
      group) into view below the exit bar, then focuses the field. Without this the browser
      jumps to the field itself, under the bar, with its question out of sight.
   3. The bar's real height is given to the stylesheet (--exit-bar-height), so whatever the
      keyboard focuses is scrolled clear of the bar at any text size and in any language.
   Without JavaScript the links still jump to the field and the CSS padding (in rem) holds. */
(function () {
  "use strict";
  var GAP = 8;

  function exitBar() {
    return document.querySelector(".exit-this-page");
  }

  // The height the bar covers at the top of the window once the page is scrolled.
  function barHeight() {
    var bar = exitBar();
    if (!bar) { return 0; }
    var position = window.getComputedStyle(bar).position;
    if (position !== "sticky" && position !== "fixed") { return 0; }
    return bar.getBoundingClientRect().height;
  }

  function shareBarHeight() {
    if (exitBar()) {
      document.documentElement.style.setProperty("--exit-bar-height", Math.ceil(barHeight()) + "px");
    }
  }

  function labelFor(input) {
    var labels = input.labels;
    if (labels && labels.length) { return labels[0]; }
    return null;
  }

  // The question to show with the field: the legend of its group when the legend and the
  // field fit on the screen together (a radio group, a date), otherwise its own label.
  function questionFor(input) {
    var fieldset = input.closest("fieldset");
    var legend = fieldset ? fieldset.querySelector("legend") : null;
    if (legend) {
      var room = window.innerHeight - barHeight() - 2 * GAP;
      var span = input.getBoundingClientRect().bottom - legend.getBoundingClientRect().top;
      if (span <= room) { return legend; }
    }
    return labelFor(input) || legend || input;
  }

  function showField(input) {
    var question = questionFor(input);
    var top = window.pageYOffset + question.getBoundingClientRect().top - barHeight() - GAP;
    window.scrollTo(0, Math.max(0, top));
    input.focus({ preventScroll: true });
  }

  function onSummaryClick(event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    var input = id ? document.getElementById(id) : null;
    if (!input) { return; }
    event.preventDefault();
    showField(input);
  }

  function start() {
    shareBarHeight();
    var bar = exitBar();
    if (bar && window.ResizeObserver) {
      new window.ResizeObserver(shareBarHeight).observe(bar);  // text size, language, wrapping
    } else {
      window.addEventListener("resize", shareBarHeight);
    }
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.addEventListener("click", onSummaryClick);
      summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* gradviz player, placeholders. Under mkdocs serve a block still rendering is a placeholder naming its
   status file. Poll the files of this page's placeholders, show what they say, and swap each figure
   in when it is done: in place, keeping the reader's view still, never reloading the page. */
(function () {
  "use strict";
  var gradviz = window.gradviz = window.gradviz || {};
  if (gradviz.pending) { return; }

  var POLL_MS = 1000;
  var polling = false;  /* one polling loop for the page, however often watch() is called */

  function pendingFigures() {
    return Array.prototype.slice.call(document.querySelectorAll("figure.gradviz-pending[data-gradviz-status]"));
  }

  function watch() {
    if (polling || !window.fetch || !pendingFigures().length) { return; }
    polling = true;
    poll();
  }

  function poll() {
    var figures = pendingFigures();
    if (!figures.length) { polling = false; return; }
    Promise.all(document.hidden ? [] : figures.map(check)).then(function () { setTimeout(poll, POLL_MS); });
  }

  function check(figure) {
    return fetch(figure.getAttribute("data-gradviz-status"), { cache: "no-store" }).then(function (response) {
      if (response.ok) { return response.json(); }
      figure.removeAttribute("data-gradviz-status"); /* from an older build: live reload brings the new page */
      return null;
    }).then(function (status) {
      if (!status || !figure.isConnected) { return; }
      if (status.html) { swap(figure, status.html); return; }
      if (status.state === "replaced") { figure.removeAttribute("data-gradviz-status"); return; }
      var text = figure.querySelector("[data-gradviz-status-text]");
      if (text && status.text && text.textContent !== status.text) { text.textContent = status.text; }
    }).catch(function () { /* the server is restarting: ask again next time */ });
  }

  /* Replace a placeholder by its figure. When the placeholder starts above the top of the window,
     keep its bottom edge still, so the text being read does not move (browsers with scroll
     anchoring have already done so by the time it is measured). */
  function swap(placeholder, html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var figure = template.content.firstElementChild;
    if (!figure) { return; }
    var before = placeholder.getBoundingClientRect();
    placeholder.replaceWith(figure);
    gradviz.setup();  /* first, since it shows the figure's controls: measured with them */
    if (before.top < 0) {
      var shift = figure.getBoundingClientRect().bottom - before.bottom;
      if (shift) { window.scrollBy(0, shift); }
    }
  }

  gradviz.pending = { watch: watch };
  if (gradviz.start) { gradviz.start(); }
})();

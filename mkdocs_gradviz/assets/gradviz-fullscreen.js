/* gradviz player, full screen: the figure's button (or F while focus is inside the figure) shows the
   whole figure, with its controls, step table and sweep, on the whole screen; the button again,
   F or Escape brings it back. Where the browser cannot put an element in full screen (phones that
   only allow it for a bare video), the figure covers the window instead. */
(function () {
  "use strict";
  var gradviz = window.gradviz = window.gradviz || {};
  if (gradviz.fullscreen) { return; }

  var native = Boolean(document.documentElement.requestFullscreen);

  function setup(state) {
    var element = state.element;
    var button = element.querySelector(":scope > .gradviz-controls [data-gradviz-full]");
    if (!button) { return; }
    var shortcuts = element.getAttribute("aria-keyshortcuts");
    element.setAttribute("aria-keyshortcuts", shortcuts ? shortcuts + " F" : "F");
    button.addEventListener("click", function () { toggle(state); });
    element.addEventListener("keydown", function (event) {
      var where = event.target;
      if (event.altKey || event.ctrlKey || event.metaKey || !inFigureControls(element, where)) { return; }
      if (event.key === "f" || event.key === "F" || (event.key === "Escape" && isFull(state) && !native)) {
        event.preventDefault();
        toggle(state);
      }
    });
    render(state);
  }

  /* Keys act from the figure itself, its videos and its buttons, never from a text field or a radio. */
  function inFigureControls(element, where) {
    return where === element || where.tagName === "VIDEO"
      || (where.tagName === "BUTTON" && element.contains(where));
  }

  function isFull(state) {
    return document.fullscreenElement === state.element || state.element.classList.contains("gradviz--covering");
  }

  function toggle(state) {
    var element = state.element;
    if (isFull(state)) {
      if (document.fullscreenElement === element) {
        document.exitFullscreen().catch(function () {});
      } else {
        element.classList.remove("gradviz--covering");
        render(state);
      }
      return;
    }
    var asked = native ? element.requestFullscreen() : null;
    if (asked && asked.catch) {
      asked.catch(function () { cover(state); });
    } else if (!native) {
      cover(state);
    }
  }

  function cover(state) {
    state.element.classList.add("gradviz--covering");
    render(state);
  }

  function render(state) {
    var button = state.element.querySelector(":scope > .gradviz-controls [data-gradviz-full]");
    if (!button) { return; }
    var full = isFull(state);
    state.element.classList.toggle("gradviz--full", full);
    button.setAttribute("aria-pressed", String(full));  /* a toggle: its name stays "Full screen" */
  }

  document.addEventListener("fullscreenchange", function () {
    gradviz.all().forEach(render);
  });

  gradviz.fullscreen = { setup: setup, toggle: toggle };
  if (gradviz.start) { gradviz.start(); }
})();

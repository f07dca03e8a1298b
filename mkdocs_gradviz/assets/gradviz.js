/* gradviz player: the figure. One state object per figure, declared here, and the page-wide wiring.
   Each concern is a file of its own, loaded before this one (in any order) and reached through
   window.gradviz:
     gradviz-theme.js      which variant (dark or light render) a figure shows
     gradviz-playback.js   when a video plays: on screen, autoplay, reduced motion, the play/pause button
     gradviz-steps.js      steps: Previous/Next, the step table's rows, what is announced
     gradviz-sweep.js      a sweep: choosing another value of the parameter
     gradviz-fullscreen.js the full-screen view
     gradviz-pending.js    placeholders under mkdocs serve, swapped in when their render is done
   Idempotent, and re-run on every instant-navigation page. */
(function () {
  "use strict";
  var gradviz = window.gradviz = window.gradviz || {};
  if (gradviz.setup) { gradviz.setup(); return; }

  var PARTS = ["theme", "playback", "steps", "sweep", "fullscreen", "pending"];
  var figures = new WeakMap();  /* figure element -> FigureState */
  var count = 0;

  /* Everything the player knows about one figure. Every field is declared here, with its meaning. */
  function FigureState(element) {
    this.element = element;
    this.id = "gradviz-" + (++count);  /* names what belongs to this figure (its sweep's radio group) */
    this.stepwise = element.getAttribute("data-gradviz-stepwise") === "true";  /* plays one step at a time */
    this.autoplay = element.getAttribute("data-gradviz-autoplay") === "true";  /* the block's autoplay */
    this.visible = false;        /* at least a quarter of it on screen */
    this.step = 0;               /* the step being shown */
    this.held = false;           /* stopped at the end of `step`, waiting for the reader */
    this.ownSeek = false;        /* the next `seeked` event answers the player's own seek */
    this.ownPause = false;       /* the next `pause` event answers the player's own pause */
    this.readerPaused = false;   /* the reader paused it: nothing starts it again by itself */
    this.frameLoop = null;       /* the current frame-callback loop following playback; older ones stop */
    this.resumeAt = null;        /* sweep: where the reader was, kept while the new value's video loads */
    this.announced = "";         /* the last words given to the live region */
    this.parsed = { text: null, steps: [] };  /* the last data-gradviz-steps read, and its steps */
  }

  /* The state of a figure element, or null if it is not a set-up figure. */
  function stateOf(element) {
    return figures.get(element) || null;
  }

  function all() {
    var found = [];
    document.querySelectorAll("figure.gradviz").forEach(function (element) {
      var state = figures.get(element);
      if (state) { found.push(state); }
    });
    return found;
  }

  function setup() {
    if (!gradviz.started) { return; }
    document.querySelectorAll("figure.gradviz").forEach(function (element) {
      if (figures.has(element)) { return; }
      var state = new FigureState(element);
      figures.set(element, state);
      element.setAttribute("data-gradviz-ready", "true");
      gradviz.playback.setup(state);
      gradviz.steps.setup(state);
      gradviz.sweep.setup(state);
      gradviz.fullscreen.setup(state);
      var controls = element.querySelector(":scope > .gradviz-controls");
      if (controls) { controls.hidden = false; }
    });
    gradviz.theme.apply(all());
    gradviz.pending.watch();
  }

  /* Start once every part has loaded; each part calls this when it has. */
  function start() {
    if (gradviz.started || !PARTS.every(function (name) { return gradviz[name]; })) { return; }
    gradviz.started = true;
    new MutationObserver(function () { gradviz.theme.apply(all()); }).observe(document.body, {
      attributes: true, attributeFilter: ["data-md-color-scheme"]
    });
    document.addEventListener("visibilitychange", function () { all().forEach(gradviz.playback.update); });
    gradviz.playback.reduceMotion.addEventListener("change", function () { all().forEach(gradviz.playback.update); });
    if (window.document$ && window.document$.subscribe) {
      window.document$.subscribe(setup);
    }
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", setup);
    } else {
      setup();
    }
  }

  gradviz.stateOf = stateOf;
  gradviz.all = all;
  gradviz.start = start;
  gradviz.setup = setup;
  start();
})();

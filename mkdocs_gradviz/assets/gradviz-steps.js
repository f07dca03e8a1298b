/* gradviz player, steps. A video whose scene marks sections lists them in data-gradviz-steps, each
   as [start in seconds, label, row of the step table or null]. Previous and Next (the buttons, or
   the arrow keys while focus is inside the figure) go to a step's start, and so does a table row's
   button. A stepwise figure plays one step at a time and holds on its last picture until the
   reader goes on. With reduced motion nothing plays by itself, and Next in a stepwise figure
   shows the next step already done. A step the reader goes to is announced once, politely; a
   playing video announces nothing. */
(function () {
  "use strict";
  var gradviz = window.gradviz = window.gradviz || {};
  if (gradviz.steps) { return; }

  var EPSILON = 0.001;  /* seconds; step starts are frame times, so far apart compared to this */
  var KEYS = { ArrowLeft: -1, ArrowRight: 1 };

  function setup(state) {
    var element = state.element;
    element.querySelectorAll("video").forEach(function (video) { listen(state, video); });
    if (!element.querySelector(".gradviz-steps")) { return; }
    element.tabIndex = 0;  /* focus on the figure itself is where the arrow keys step */
    element.setAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight");
    element.addEventListener("click", function (event) {
      var button = event.target.closest("[data-gradviz-go]");
      var row = event.target.closest(".gradviz__table tr.gradviz-row--step");
      if (button) {
        if (button.getAttribute("aria-disabled") !== "true") {
          step(state, button.getAttribute("data-gradviz-go") === "next" ? 1 : -1);
        }
      } else if (row) {
        var target = firstStepOfRow(stepsOf(state, shownVideo(state)), row.getAttribute("data-gradviz-row"));
        if (target >= 0) { go(state, target); }
      }
    });
    element.addEventListener("keydown", function (event) {
      var where = event.target;
      if (!KEYS[event.key] || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey
          || !(where === element || where.tagName === "VIDEO" || where.closest(".gradviz-controls"))) { return; }
      event.preventDefault();
      step(state, KEYS[event.key]);
    });
    setupRows(state);
  }

  function shownVideo(state) {
    return gradviz.theme.shownVideo(state);
  }

  function stepsOf(state, video) {
    var text = video ? video.getAttribute("data-gradviz-steps") || "" : "";
    if (state.parsed.text !== text) {
      var steps = [];
      try { steps = text ? JSON.parse(text) : []; } catch (e) { steps = []; }
      state.parsed = { text: text, steps: steps };
    }
    return state.parsed.steps;
  }

  function stepAt(steps, time) {
    var index = 0;
    for (var i = 1; i < steps.length; i++) {
      if (steps[i][0] <= time + EPSILON) { index = i; }
    }
    return index;
  }

  function endOf(steps, index, video) {
    return index + 1 < steps.length ? steps[index + 1][0] : video.duration;
  }

  function shownStep(state, video, steps) {
    return state.held ? state.step : stepAt(steps, video.currentTime);
  }

  /* Seek, remembering that the player asked for it: a seek by the reader also changes the step. */
  function seek(state, video, time) {
    if (video.readyState < 1) {
      video.addEventListener("loadedmetadata", function () { seek(state, video, time); }, { once: true });
      return;
    }
    state.ownSeek = true;
    try { video.currentTime = time; } catch (e) { state.ownSeek = false; }
  }

  function go(state, target) {
    var video = shownVideo(state);
    var steps = stepsOf(state, video);
    if (!steps.length) { return; }
    state.step = target = Math.max(0, Math.min(steps.length - 1, target));
    state.held = false;
    if (state.stepwise && gradviz.playback.reduceMotion.matches) {
      state.held = true;  /* the step's finished picture, reached without motion */
      gradviz.playback.pause(state, video);
      seek(state, video, endOf(steps, target, video));
    } else {
      seek(state, video, steps[target][0]);
      if (state.stepwise) { gradviz.playback.play(video); }
    }
    render(state);
    announce(state, steps, target);
  }

  function step(state, direction) {
    var video = shownVideo(state);
    var steps = stepsOf(state, video);
    if (!steps.length) { return; }
    var index = shownStep(state, video, steps);
    var ready = state.stepwise && video.paused && !state.held
      && Math.abs(video.currentTime - steps[index][0]) < EPSILON;  /* at a step's start, not played yet */
    go(state, direction > 0 && ready ? index : index + direction);
  }

  /* In a stepwise figure, stop at the end of the step being played (the last one ends the video). */
  function atFrame(state, video, time) {
    if (!state.stepwise || state.held || video.paused || video.seeking || state.ownSeek
        || video !== shownVideo(state)) { return; }
    var steps = stepsOf(state, video);
    if (state.step + 1 < steps.length && time >= steps[state.step + 1][0] - EPSILON) {
      state.held = true;
      gradviz.playback.pause(state, video);
      seek(state, video, steps[state.step + 1][0]);
    }
  }

  function followFrames(state, video) {
    if (!video.requestVideoFrameCallback) { return; }  /* timeupdate still stops it, a little late */
    var loop = {};
    state.frameLoop = loop;  /* a new loop for each play; older ones end at their next frame */
    var tick = function (now, frame) {
      if (state.frameLoop !== loop) { return; }
      atFrame(state, video, frame.mediaTime);
      render(state);
      if (!video.paused) { video.requestVideoFrameCallback(tick); }
    };
    video.requestVideoFrameCallback(tick);
  }

  function listen(state, video) {
    if (state.stepwise) { video.loop = false; }  /* the last step ends the video and holds its picture */
    video.addEventListener("play", function () {
      state.held = false;
      state.step = stepAt(stepsOf(state, video), video.currentTime);
      followFrames(state, video);
      render(state);
    });
    video.addEventListener("timeupdate", function () {
      atFrame(state, video, video.currentTime);
      render(state);
    });
    video.addEventListener("seeked", function () {
      if (state.ownSeek) {
        state.ownSeek = false;
      } else if (video === shownVideo(state)) {  /* the reader moved the video: the step follows */
        var steps = stepsOf(state, video);
        state.held = false;
        state.step = stepAt(steps, video.currentTime);
        if (video.paused && steps.length) { announce(state, steps, state.step); }
      }
      render(state);
    });
    video.addEventListener("ended", function () {
      var steps = stepsOf(state, video);
      if (state.stepwise && steps.length && video === shownVideo(state)) {
        state.held = true;
        state.step = steps.length - 1;
      }
      render(state);
    });
    video.addEventListener("pause", function () { render(state); });
  }

  function render(state) {
    var bar = state.element.querySelector(".gradviz-steps");
    if (!bar) { return; }
    var video = shownVideo(state);
    var steps = stepsOf(state, video);
    bar.hidden = !steps.length;
    if (!steps.length) { markRow(state, null); return; }
    var index = shownStep(state, video, steps);
    setText(bar.querySelector("[data-gradviz-step-count]"), "Step " + (index + 1) + " of " + steps.length);
    setText(bar.querySelector("[data-gradviz-step-label]"), steps[index][1]);
    bar.querySelector('[data-gradviz-go="previous"]').setAttribute("aria-disabled", String(index === 0));
    bar.querySelector('[data-gradviz-go="next"]').setAttribute("aria-disabled", String(index === steps.length - 1));
    markRow(state, steps[index][2]);
  }

  /* The figure's polite live region says where the reader went, once per move. */
  function announce(state, steps, index) {
    var region = state.element.querySelector(":scope > [data-gradviz-announce]");
    if (!region) { return; }
    var words = "Step " + (index + 1) + " of " + steps.length + ": " + steps[index][1];
    if (words === state.announced) { return; }
    state.announced = words;
    region.textContent = words;
  }

  function setText(element, text) {
    if (element && element.textContent !== text) { element.textContent = text; }
  }

  function markRow(state, row) {
    state.element.querySelectorAll(".gradviz__table tr[data-gradviz-row]").forEach(function (tr) {
      var current = String(row) === tr.getAttribute("data-gradviz-row");
      tr.classList.toggle("gradviz-row--current", current);
      if (current) { tr.setAttribute("aria-current", "step"); } else { tr.removeAttribute("aria-current"); }
    });
  }

  /* A table row that a step shows becomes a way to that step: a button in its first cell. */
  function setupRows(state) {
    var steps = stepsOf(state, shownVideo(state));
    state.element.querySelectorAll(".gradviz__table tr[data-gradviz-row]").forEach(function (tr) {
      var target = firstStepOfRow(steps, tr.getAttribute("data-gradviz-row"));
      var cell = tr.cells[0];
      var button = cell && cell.querySelector("button.gradviz-row__go");
      tr.classList.toggle("gradviz-row--step", target >= 0);
      if (target < 0 || !cell) {
        if (button) { cell.textContent = button.textContent; }
        return;
      }
      if (!button) {
        button = document.createElement("button");
        button.type = "button";
        button.className = "gradviz-row__go";
        button.textContent = cell.textContent;
        cell.textContent = "";
        cell.appendChild(button);
      }
      button.setAttribute("aria-label", "Go to " + steps[target][1]);
    });
    render(state);
  }

  function firstStepOfRow(steps, row) {
    for (var i = 0; i < steps.length; i++) {
      if (steps[i][2] !== null && String(steps[i][2]) === row) { return i; }
    }
    return -1;
  }

  gradviz.steps = {
    setup: setup, setupRows: setupRows, render: render, seek: seek, go: go,
    stepsOf: stepsOf, shownStep: shownStep, endOf: endOf
  };
  if (gradviz.start) { gradviz.start(); }
})();

/* gradviz player: show the variant matching Material's palette, play only while on screen,
   respect prefers-reduced-motion, step through a scene's steps, switch a sweep's value.
   Idempotent, and re-run on every instant-navigation page. */
(function () {
  "use strict";
  if (window.gradviz) { window.gradviz.setup(); return; }

  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  var visible = new WeakMap();
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      visible.set(entry.target, entry.isIntersecting);
      update(entry.target);
    });
  }, { threshold: 0.25 }) : null;

  function darkSchemes() {
    var figure = document.querySelector(".gradviz[data-gradviz-dark]");
    return (figure ? figure.getAttribute("data-gradviz-dark") : "slate").split(" ");
  }

  function activeTheme() {
    var scheme = document.body.getAttribute("data-md-color-scheme");
    if (!scheme) { return "dark"; }
    return darkSchemes().indexOf(scheme) >= 0 ? "dark" : "light";
  }

  function shownVideo(figure) {
    var videos = figure.querySelectorAll("video");
    var theme = figure.getAttribute("data-gradviz-show") || "dark";
    for (var i = 0; i < videos.length; i++) {
      if (videos[i].getAttribute("data-gradviz-theme") === theme) { return videos[i]; }
    }
    return videos[0];
  }

  function update(figure) {
    var shown = shownVideo(figure);
    var autoplay = figure.getAttribute("data-gradviz-autoplay") === "true" && !reduceMotion.matches;
    figure.querySelectorAll("video").forEach(function (video) {
      if (video !== shown) { video.pause(); return; }
      if (reduceMotion.matches) { video.controls = true; }
      if (autoplay && visible.get(figure) && !document.hidden && !state(figure).held) {
        play(video);
      } else if (!video.paused) {
        video.pause();
      }
    });
  }

  /* The variant to show: the palette's, unless the block was rendered in one theme only.
     A variant is a video or, for a still picture, an image. */
  function themeFor(figure, wanted) {
    if (figure.querySelector('[data-gradviz-theme="' + wanted + '"]')) { return wanted; }
    var only = figure.querySelector("[data-gradviz-theme]");
    return only ? only.getAttribute("data-gradviz-theme") : wanted;
  }

  function applyTheme() {
    var active = activeTheme();
    document.querySelectorAll("figure.gradviz").forEach(function (figure) {
      var theme = themeFor(figure, active);
      var previous = figure.getAttribute("data-gradviz-show");
      if (previous === theme) { return; }
      var old = previous && shownVideo(figure);
      var playing = Boolean(old && !old.paused);
      figure.setAttribute("data-gradviz-show", theme);
      var now = shownVideo(figure);
      if (old && now && old !== now && old.currentTime) { seek(figure, now, old.currentTime); }
      update(figure);
      if (playing && now && now.paused) { play(now); }  /* the reader started it: carry on in the other palette */
      render(figure);
    });
  }

  function play(video) {
    var played = video.play();
    if (played && played.catch) { played.catch(function () {}); }
  }

  function setup() {
    document.querySelectorAll("figure.gradviz").forEach(function (figure) {
      if (figure.getAttribute("data-gradviz-ready")) { return; }
      figure.setAttribute("data-gradviz-ready", "true");
      if (observer) { observer.observe(figure); } else { visible.set(figure, true); }
      setupSteps(figure);
      setupSweep(figure);
    });
    applyTheme();
    watchPending();
  }

  /* Steps. A video whose scene marks sections lists them in data-gradviz-steps, each as
     [start in seconds, label, row of the step table or null]. Previous and Next (the buttons, or
     the arrow keys while the figure has focus) go to a step's start, and so does a click on a
     table row. A stepwise figure plays one step at a time and holds on its last picture until the
     reader goes on. With reduced motion nothing plays by itself, and Next in a stepwise figure
     shows the next step already done. */
  var states = new WeakMap();
  var parsed = new WeakMap();
  var EPSILON = 0.001;  /* seconds; step starts are frame times, so far apart compared to this */

  function state(figure) {
    var current = states.get(figure);
    if (!current) {
      /* current: the step being shown; held: stopped at its end, waiting for the reader */
      current = { current: 0, held: false, ownSeek: false };
      states.set(figure, current);
    }
    return current;
  }

  function stepsOf(video) {
    var text = video ? video.getAttribute("data-gradviz-steps") || "" : "";
    var known = video && parsed.get(video);
    if (known && known.text === text) { return known.steps; }
    var steps = [];
    try { steps = text ? JSON.parse(text) : []; } catch (e) { steps = []; }
    if (video) { parsed.set(video, { text: text, steps: steps }); }
    return steps;
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

  function stepwise(figure) {
    return figure.getAttribute("data-gradviz-stepwise") === "true";
  }

  function shownStep(figure, video, steps) {
    var current = state(figure);
    return current.held ? current.current : stepAt(steps, video.currentTime);
  }

  /* Seek, remembering that the player asked for it: a seek by the reader also changes the step. */
  function seek(figure, video, time) {
    if (video.readyState < 1) {
      video.addEventListener("loadedmetadata", function () { seek(figure, video, time); }, { once: true });
      return;
    }
    state(figure).ownSeek = true;
    try { video.currentTime = time; } catch (e) { state(figure).ownSeek = false; }
  }

  function go(figure, target) {
    var video = shownVideo(figure);
    var steps = stepsOf(video);
    if (!steps.length) { return; }
    var current = state(figure);
    current.current = target = Math.max(0, Math.min(steps.length - 1, target));
    current.held = false;
    if (stepwise(figure) && reduceMotion.matches) {
      current.held = true;  /* the step's finished picture, reached without motion */
      video.pause();
      seek(figure, video, endOf(steps, target, video));
    } else {
      seek(figure, video, steps[target][0]);
      if (stepwise(figure)) { play(video); }
    }
    render(figure);
  }

  function step(figure, direction) {
    var video = shownVideo(figure);
    var steps = stepsOf(video);
    if (!steps.length) { return; }
    var index = shownStep(figure, video, steps);
    var ready = stepwise(figure) && video.paused && !state(figure).held
      && Math.abs(video.currentTime - steps[index][0]) < EPSILON;  /* at a step's start, not played yet */
    go(figure, direction > 0 && ready ? index : index + direction);
  }

  /* In a stepwise figure, stop at the end of the step being played (the last one ends the video). */
  function atFrame(figure, video, time) {
    var current = state(figure);
    if (!stepwise(figure) || current.held || video.paused || video.seeking || current.ownSeek
        || video !== shownVideo(figure)) { return; }
    var steps = stepsOf(video);
    if (current.current + 1 < steps.length && time >= steps[current.current + 1][0] - EPSILON) {
      current.held = true;
      video.pause();
      seek(figure, video, steps[current.current + 1][0]);
    }
  }

  function followFrames(figure, video) {
    if (!video.requestVideoFrameCallback) { return; }  /* timeupdate still stops it, a little late */
    var token = {};
    video.gradvizFrames = token;  /* a new loop for each play; older ones end at their next frame */
    var tick = function (now, frame) {
      if (video.gradvizFrames !== token) { return; }
      atFrame(figure, video, frame.mediaTime);
      render(figure);
      if (!video.paused) { video.requestVideoFrameCallback(tick); }
    };
    video.requestVideoFrameCallback(tick);
  }

  function listen(figure, video) {
    if (stepwise(figure)) { video.loop = false; }  /* the last step ends the video and holds its picture */
    video.addEventListener("play", function () {
      var current = state(figure);
      current.held = false;
      current.current = stepAt(stepsOf(video), video.currentTime);
      followFrames(figure, video);
      render(figure);
    });
    video.addEventListener("timeupdate", function () {
      atFrame(figure, video, video.currentTime);
      render(figure);
    });
    video.addEventListener("seeked", function () {
      var current = state(figure);
      if (current.ownSeek) {
        current.ownSeek = false;
      } else if (video === shownVideo(figure)) {  /* the reader moved the video: the step follows */
        current.held = false;
        current.current = stepAt(stepsOf(video), video.currentTime);
      }
      render(figure);
    });
    video.addEventListener("ended", function () {
      var steps = stepsOf(video);
      if (stepwise(figure) && steps.length && video === shownVideo(figure)) {
        state(figure).held = true;
        state(figure).current = steps.length - 1;
      }
      render(figure);
    });
    video.addEventListener("pause", function () { render(figure); });
  }

  function render(figure) {
    var bar = figure.querySelector(".gradviz-steps");
    if (!bar) { return; }
    var video = shownVideo(figure);
    var steps = stepsOf(video);
    bar.hidden = !steps.length;
    if (!steps.length) { markRow(figure, null); return; }
    var index = shownStep(figure, video, steps);
    setText(bar.querySelector("[data-gradviz-step-count]"), "Step " + (index + 1) + " of " + steps.length);
    setText(bar.querySelector("[data-gradviz-step-label]"), steps[index][1]);
    /* Announced when it changes while the video stands still, not at every step of a playing one. */
    bar.querySelector(".gradviz-steps__where").setAttribute("aria-live", video.paused ? "polite" : "off");
    bar.querySelector('[data-gradviz-go="previous"]').setAttribute("aria-disabled", String(index === 0));
    bar.querySelector('[data-gradviz-go="next"]').setAttribute("aria-disabled", String(index === steps.length - 1));
    markRow(figure, steps[index][2]);
  }

  function setText(element, text) {
    if (element && element.textContent !== text) { element.textContent = text; }
  }

  function markRow(figure, row) {
    figure.querySelectorAll(".gradviz__table tr[data-gradviz-row]").forEach(function (tr) {
      var current = String(row) === tr.getAttribute("data-gradviz-row");
      tr.classList.toggle("gradviz-row--current", current);
      if (current) { tr.setAttribute("aria-current", "step"); } else { tr.removeAttribute("aria-current"); }
    });
  }

  /* A table row that a step shows becomes a way to that step: a button in its first cell. */
  function setupRows(figure) {
    var steps = stepsOf(shownVideo(figure));
    figure.querySelectorAll(".gradviz__table tr[data-gradviz-row]").forEach(function (tr) {
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
    render(figure);
  }

  function firstStepOfRow(steps, row) {
    for (var i = 0; i < steps.length; i++) {
      if (steps[i][2] !== null && String(steps[i][2]) === row) { return i; }
    }
    return -1;
  }

  function setupSteps(figure) {
    figure.querySelectorAll("video").forEach(function (video) { listen(figure, video); });
    if (!figure.querySelector(".gradviz-steps")) { return; }
    figure.tabIndex = 0;
    figure.setAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight");
    figure.addEventListener("click", function (event) {
      var button = event.target.closest("[data-gradviz-go]");
      var row = event.target.closest(".gradviz__table tr.gradviz-row--step");
      if (button) {
        if (button.getAttribute("aria-disabled") !== "true") {
          step(figure, button.getAttribute("data-gradviz-go") === "next" ? 1 : -1);
        }
      } else if (row) {
        var target = firstStepOfRow(stepsOf(shownVideo(figure)), row.getAttribute("data-gradviz-row"));
        if (target >= 0) { go(figure, target); }
      }
    });
    figure.addEventListener("keydown", function (event) {
      var key = event.key;
      var where = event.target;
      if ((key !== "ArrowLeft" && key !== "ArrowRight") || event.altKey || event.ctrlKey || event.metaKey
          || !(where === figure || where.tagName === "VIDEO" || where.closest(".gradviz-steps"))) { return; }
      event.preventDefault();
      step(figure, key === "ArrowRight" ? 1 : -1);
    });
    setupRows(figure);
  }

  /* Sweeps. The figure shows one value of a parameter; its data-gradviz-values lists, for each
     value, every variant's files, steps and text alternative, and a template per value holds the
     caption and table. Choosing a value swaps them in, in the same palette, at the same step (or
     time), playing if the video was playing. */
  var sweeps = 0;

  function setupSweep(figure) {
    var control = figure.querySelector(".gradviz-sweep");
    if (!control) { return; }
    var name = "gradviz-sweep-" + (++sweeps);
    control.querySelectorAll("input[type=radio]").forEach(function (input) {
      input.name = name;
      input.addEventListener("change", function () { if (input.checked) { choose(figure, Number(input.value)); } });
    });
    control.hidden = false;
  }

  function choose(figure, index) {
    var values;
    try { values = JSON.parse(figure.getAttribute("data-gradviz-values") || "[]"); } catch (e) { values = []; }
    var value = values[index];
    if (!value) { return; }
    var before = shownVideo(figure);
    var current = state(figure);
    /* Where the reader was; a value chosen before the last one's video loaded keeps that place. */
    var waiting = Boolean(current.was);
    var was = current.was || (before ? {
      time: before.currentTime, playing: !before.paused, steps: stepsOf(before), held: current.held,
      step: stepsOf(before).length ? shownStep(figure, before, stepsOf(before)) : 0
    } : null);
    figure.querySelectorAll("[data-gradviz-theme]").forEach(function (element) {
      var media = value.media[element.getAttribute("data-gradviz-theme")];
      if (media) { swapMedia(element, media); }
    });
    var template = figure.querySelector('template[data-gradviz-value="' + index + '"]');
    var caption = figure.querySelector(":scope > figcaption");
    var table = figure.querySelector(":scope > .gradviz__table");
    var newCaption = template && template.content.querySelector("figcaption");
    var newTable = template && template.content.querySelector(".gradviz__table");
    if (caption && newCaption) { setText(caption, newCaption.textContent); }
    if (table && newTable) {
      newTable = newTable.cloneNode(true);
      newTable.open = table.open;
      table.replaceWith(newTable);
    }
    figure.setAttribute("data-gradviz-value", String(index));
    setupRows(figure);
    var video = shownVideo(figure);
    if (was && video && !waiting) {
      current.was = was;
      video.addEventListener("loadedmetadata", function () {
        current.was = null;
        resume(figure, video, was);
      }, { once: true });
    }
  }

  function swapMedia(element, media) {
    if (element.tagName === "IMG") {
      element.src = media.src;
      element.alt = media.label;
      return;
    }
    element.pause();
    element.setAttribute("aria-label", media.label);
    element.setAttribute("poster", media.poster);
    element.setAttribute("data-gradviz-duration", String(media.duration));
    if (media.steps.length) {
      element.setAttribute("data-gradviz-steps", JSON.stringify(media.steps));
    } else {
      element.removeAttribute("data-gradviz-steps");
    }
    var track = element.querySelector("track");
    if (track) { track.remove(); }
    if (media.track) {
      track = document.createElement("track");
      track.kind = "chapters";
      track.label = "Steps";
      track.default = true;
      track.src = media.track;
      element.appendChild(track);
    }
    element.src = media.src;
  }

  /* The new value's video at the step (and the time into it) the old one was at, or the same time. */
  function resume(figure, video, was) {
    var steps = stepsOf(video);
    var current = state(figure);
    var time = Math.min(was.time, video.duration);
    if (steps.length && was.steps.length) {
      var index = Math.min(was.step, steps.length - 1);
      var end = endOf(steps, index, video);
      time = was.held ? end : Math.min(steps[index][0] + (was.time - was.steps[was.step][0]), end);
      current.current = index;
      current.held = was.held;
    }
    seek(figure, video, time);
    if (was.playing) { play(video); }
    render(figure);
  }

  /* Under mkdocs serve a block still rendering is a placeholder naming its status file. Poll the
     files of this page's placeholders, show what they say, and swap each figure in when it is done:
     in place, keeping the reader's view still, never reloading the page. */
  var POLL_MS = 1000;
  var polling = false;

  function pendingFigures() {
    return Array.prototype.slice.call(document.querySelectorAll("figure.gradviz-pending[data-gradviz-status]"));
  }

  function watchPending() {
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
    if (before.top < 0) {
      var shift = figure.getBoundingClientRect().bottom - before.bottom;
      if (shift) { window.scrollBy(0, shift); }
    }
    setup();
  }

  new MutationObserver(applyTheme).observe(document.body, {
    attributes: true, attributeFilter: ["data-md-color-scheme"]
  });
  document.addEventListener("visibilitychange", function () {
    document.querySelectorAll("figure.gradviz").forEach(update);
  });
  reduceMotion.addEventListener("change", function () {
    document.querySelectorAll("figure.gradviz").forEach(update);
  });

  window.gradviz = { setup: setup, activeTheme: activeTheme };
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();

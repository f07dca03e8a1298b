/* gradviz player, sweeps. The figure shows one value of a parameter; its data-gradviz-values lists,
   for each value, every variant's files, steps and text alternative, and a template per value
   holds the caption and table. Choosing a value swaps them in, in the same palette, at the same
   step (or time), playing if the video was playing. */
(function () {
  "use strict";
  var gradviz = window.gradviz = window.gradviz || {};
  if (gradviz.sweep) { return; }

  function setup(state) {
    var control = state.element.querySelector(".gradviz-sweep");
    if (!control) { return; }
    control.querySelectorAll("input[type=radio]").forEach(function (input) {
      input.name = state.id + "-sweep";
      input.addEventListener("change", function () { if (input.checked) { choose(state, Number(input.value)); } });
    });
    control.hidden = false;
  }

  function choose(state, index) {
    var element = state.element;
    var values;
    try { values = JSON.parse(element.getAttribute("data-gradviz-values") || "[]"); } catch (e) { values = []; }
    var value = values[index];
    if (!value) { return; }
    var waiting = Boolean(state.resumeAt);  /* a value chosen before the last one's video loaded keeps that place */
    var place = state.resumeAt || placeOf(state, gradviz.theme.shownVideo(state));
    element.querySelectorAll("[data-gradviz-theme]").forEach(function (variant) {
      var media = value.media[variant.getAttribute("data-gradviz-theme")];
      if (media) { swapMedia(state, variant, media); }
    });
    swapText(element, element.querySelector('template[data-gradviz-value="' + index + '"]'));
    element.setAttribute("data-gradviz-value", String(index));
    gradviz.steps.setupRows(state);
    var video = gradviz.theme.shownVideo(state);
    if (place && video && !waiting) {
      state.resumeAt = place;
      video.addEventListener("loadedmetadata", function () {
        state.resumeAt = null;
        resume(state, video, place);
      }, { once: true });
    }
  }

  /* Where the reader is in a video: its time, whether it plays, and the step it shows. */
  function placeOf(state, video) {
    if (!video) { return null; }
    var steps = gradviz.steps.stepsOf(state, video);
    return {
      time: video.currentTime, playing: !video.paused, steps: steps, held: state.held,
      step: steps.length ? gradviz.steps.shownStep(state, video, steps) : 0
    };
  }

  function swapText(element, template) {
    var caption = element.querySelector(":scope > figcaption");
    var table = element.querySelector(":scope > .gradviz__table");
    var newCaption = template && template.content.querySelector("figcaption");
    var newTable = template && template.content.querySelector(".gradviz__table");
    if (caption && newCaption && caption.textContent !== newCaption.textContent) {
      caption.textContent = newCaption.textContent;
    }
    if (table && newTable) {
      newTable = newTable.cloneNode(true);
      newTable.open = table.open;
      table.replaceWith(newTable);
    }
  }

  function swapMedia(state, element, media) {
    if (element.tagName === "IMG") {
      element.src = media.src;
      element.alt = media.label;
      return;
    }
    gradviz.playback.pause(state, element);
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
  function resume(state, video, place) {
    var steps = gradviz.steps.stepsOf(state, video);
    var time = Math.min(place.time, video.duration);
    if (steps.length && place.steps.length) {
      var index = Math.min(place.step, steps.length - 1);
      var end = gradviz.steps.endOf(steps, index, video);
      time = place.held ? end : Math.min(steps[index][0] + (place.time - place.steps[place.step][0]), end);
      state.step = index;
      state.held = place.held;
    }
    gradviz.steps.seek(state, video, time);
    if (place.playing) { gradviz.playback.play(video); }
    gradviz.steps.render(state);
  }

  gradviz.sweep = { setup: setup, choose: choose };
  if (gradviz.start) { gradviz.start(); }
})();

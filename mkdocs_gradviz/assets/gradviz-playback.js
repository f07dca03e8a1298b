/* gradviz player, playback: a video plays by itself only while on screen, in a visible tab, when
   its block says autoplay, unless the reader prefers reduced motion or has paused it. Every video
   has gradviz's own play/pause button, whatever its block says about controls, so that anything
   that moves can be stopped (WCAG 2.2.2). */
(function () {
  "use strict";
  var gradviz = window.gradviz = window.gradviz || {};
  if (gradviz.playback) { return; }

  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      var state = gradviz.stateOf(entry.target);
      if (!state) { return; }
      state.visible = entry.isIntersecting;
      update(state);
    });
  }, { threshold: 0.25 }) : null;

  function setup(state) {
    if (observer) { observer.observe(state.element); } else { state.visible = true; }
    state.element.querySelectorAll("video").forEach(function (video) {
      video.addEventListener("play", function () { state.readerPaused = false; renderButton(state); });
      video.addEventListener("pause", function () {
        /* a pause of the shown video the player did not ask for is the reader's (its own controls, say) */
        if (state.ownPause) {
          state.ownPause = false;
        } else if (!video.ended && video === gradviz.theme.shownVideo(state)) {
          state.readerPaused = true;
        }
        renderButton(state);
      });
      video.addEventListener("ended", function () { renderButton(state); });
    });
    var button = state.element.querySelector(":scope > .gradviz-controls [data-gradviz-play]");
    if (button) {
      button.addEventListener("click", function () { toggle(state); });
      renderButton(state);
    }
  }

  /* Play or pause the shown video as the rules above say; pause every other variant. */
  function update(state) {
    var shown = gradviz.theme.shownVideo(state);
    var autoplay = state.autoplay && !reduceMotion.matches && !state.readerPaused;
    state.element.querySelectorAll("video").forEach(function (video) {
      if (video !== shown) { pause(state, video); return; }
      if (reduceMotion.matches) { video.controls = true; }
      if (autoplay && state.visible && !document.hidden && !state.held) {
        play(video);
      } else {
        pause(state, video);
      }
    });
  }

  /* The reader's play/pause: a paused video plays (the next step, in a stepwise figure at a step's end). */
  function toggle(state) {
    var video = gradviz.theme.shownVideo(state);
    if (!video) { return; }
    if (video.paused) {
      state.readerPaused = false;
      if (video.ended) { gradviz.steps.go(state, 0); return; }
      play(video);
    } else {
      pause(state, video);
      state.readerPaused = true;
    }
    renderButton(state);
  }

  function play(video) {
    var played = video.play();
    if (played && played.catch) { played.catch(function () {}); }
  }

  /* A pause the player asks for (the reader's own pauses come through the video's events). */
  function pause(state, video) {
    if (video.paused) { return; }
    state.ownPause = true;
    video.pause();
  }

  function renderButton(state) {
    var button = state.element.querySelector(":scope > .gradviz-controls [data-gradviz-play]");
    var video = gradviz.theme.shownVideo(state);
    if (!button || !video) { return; }
    var playing = !video.paused;
    button.setAttribute("data-gradviz-playing", String(playing));
    button.setAttribute("aria-label", playing ? "Pause" : "Play");
  }

  gradviz.playback = {
    setup: setup, update: update, play: play, pause: pause, toggle: toggle, render: renderButton,
    reduceMotion: reduceMotion
  };
  if (gradviz.start) { gradviz.start(); }
})();

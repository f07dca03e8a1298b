/* gradviz player, the palette: a figure holds a dark and a light render (a video, or an image for a
   still) and shows the one matching Material's palette, unless the block was rendered in one only.
   A palette change swaps the variant live, at the same time, playing if the reader was watching. */
(function () {
  "use strict";
  var gradviz = window.gradviz = window.gradviz || {};
  if (gradviz.theme) { return; }

  /* The palettes the site calls dark (data-gradviz-dark on any figure; Material's slate by default). */
  function darkSchemes() {
    var figure = document.querySelector(".gradviz[data-gradviz-dark]");
    return (figure ? figure.getAttribute("data-gradviz-dark") : "slate").split(" ");
  }

  function activeTheme() {
    var scheme = document.body.getAttribute("data-md-color-scheme");
    if (!scheme) { return "dark"; }
    return darkSchemes().indexOf(scheme) >= 0 ? "dark" : "light";
  }

  /* The variant to show: the palette's, unless the block was rendered in one theme only. */
  function themeFor(element, wanted) {
    if (element.querySelector('[data-gradviz-theme="' + wanted + '"]')) { return wanted; }
    var only = element.querySelector("[data-gradviz-theme]");
    return only ? only.getAttribute("data-gradviz-theme") : wanted;
  }

  /* The video the figure shows (the first one before the palette is known), or undefined for a still. */
  function shownVideo(state) {
    var videos = state.element.querySelectorAll("video");
    var theme = state.element.getAttribute("data-gradviz-show") || "dark";
    for (var i = 0; i < videos.length; i++) {
      if (videos[i].getAttribute("data-gradviz-theme") === theme) { return videos[i]; }
    }
    return videos[0];
  }

  function apply(states) {
    var active = activeTheme();
    states.forEach(function (state) {
      var theme = themeFor(state.element, active);
      var previous = state.element.getAttribute("data-gradviz-show");
      if (previous === theme) { return; }
      var old = previous && shownVideo(state);
      var playing = Boolean(old && !old.paused);
      state.element.setAttribute("data-gradviz-show", theme);
      var now = shownVideo(state);
      if (old && now && old !== now && old.currentTime) { gradviz.steps.seek(state, now, old.currentTime); }
      gradviz.playback.update(state);
      if (playing && now && now.paused) { gradviz.playback.play(now); }  /* the reader started it: carry on */
      gradviz.steps.render(state);
    });
  }

  gradviz.theme = { apply: apply, shownVideo: shownVideo };
  if (gradviz.start) { gradviz.start(); }
})();

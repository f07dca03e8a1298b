/* gradviz player: show the variant matching Material's palette, play only while on screen,
   respect prefers-reduced-motion. Idempotent, and re-run on every instant-navigation page. */
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
      if (autoplay && visible.get(figure) && !document.hidden) {
        var played = video.play();
        if (played && played.catch) { played.catch(function () {}); }
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
      figure.setAttribute("data-gradviz-show", theme);
      var now = shownVideo(figure);
      if (old && now && old !== now && old.currentTime) {
        try { now.currentTime = old.currentTime; } catch (e) { /* not seekable yet */ }
      }
      update(figure);
    });
  }

  function setup() {
    document.querySelectorAll("figure.gradviz").forEach(function (figure) {
      if (figure.getAttribute("data-gradviz-ready")) { return; }
      figure.setAttribute("data-gradviz-ready", "true");
      if (observer) { observer.observe(figure); } else { visible.set(figure, true); }
    });
    applyTheme();
    watchPending();
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
      var text = figure.querySelector("[data-gradviz-status-text]");
      if (status.state === "replaced") { figure.removeAttribute("data-gradviz-status"); return; }
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

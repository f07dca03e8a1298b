"""Chromium through Playwright: how it is launched, and what the tests read from its pages.

The ``browser`` fixture (tests/browser/conftest.py) launches it once per test process; these are
the helpers a test uses on the pages it opens.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy
from mkdocs_gradviz.scenes._palette import DARK, LIGHT
from PIL import Image
from playwright.sync_api import ConsoleMessage, Locator, Page, Request, Response

from support.frames import rgb
from support.paths import SCREENSHOTS as SCREENSHOTS  # where the browser tests leave screenshots

#: Debian's Chromium: Playwright drives it, no browser download.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]


@dataclass
class Watched:
    """A page whose console errors, script errors and failed requests are collected."""

    page: Page
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _failed(self, request: Request) -> None:
        if request.resource_type == "media" and request.failure == "net::ERR_ABORTED":
            return  # Chromium's media player cancels its own downloads once it has what preload asks for
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")


#: Records every call of a media element's play() (the player's only way to start a video).
PLAY_RECORDER = """
window.gradvizPlayCalls = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  window.gradvizPlayCalls.push(this.getAttribute("src"));
  return play.apply(this, arguments);
};
"""

#: Pause a video on its last frame, or wait for a still picture, and resolve once that is painted.
LAST_FRAME_SHOWN = """element => new Promise(done => {
    if (element.tagName !== "VIDEO") {
        element.loading = "eager";
        element.decode().then(() => requestAnimationFrame(() => done()));
        return;
    }
    const seek = () => {
        const target = element.duration - 0.05;
        const painted = (now, frame) => {  // a frame painted before the seek landed does not count
            if (Math.abs(frame.mediaTime - target) < 0.25) { done(); } else { element.requestVideoFrameCallback(painted); }
        };
        element.requestVideoFrameCallback(painted);
        element.currentTime = target;
    };
    element.pause();
    if (element.readyState >= 1) { seek(); } else { element.addEventListener("loadedmetadata", seek, {once: true}); }
})"""


def open_page(page: Page, url: str) -> None:
    """Go to ``url`` and wait until the player has chosen a variant for every figure."""
    page.goto(url)
    page.wait_for_function("Array.from(document.querySelectorAll('figure.gradviz')).every(f => f.dataset.gradvizShow)")


def player_settled(page: Page) -> None:
    """Wait until the player has set up every figure and has been told whether each is on screen.

    The player's IntersectionObserver was made before this probe, so the browser calls it first
    with the same news: once the probe has heard of every figure, the player has decided.
    """
    page.wait_for_function("Array.from(document.querySelectorAll('figure.gradviz'))"
                           ".every(f => f.dataset.gradvizReady === 'true' && f.dataset.gradvizShow)")
    page.evaluate("""() => new Promise(done => {
        const figures = Array.from(document.querySelectorAll("figure.gradviz"));
        const heard = new Set();
        const probe = new IntersectionObserver(entries => {
            entries.forEach(entry => heard.add(entry.target));
            if (heard.size === figures.length) { probe.disconnect(); done(); }
        }, {threshold: 0.25});
        figures.forEach(figure => probe.observe(figure));
    })""")


def toggle_palette(page: Page) -> None:
    """Click Material's palette toggle and wait until the page has the other scheme."""
    before = page.evaluate("document.body.dataset.mdColorScheme")
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function("before => document.body.dataset.mdColorScheme !== before", arg=before)


def shown(figure: Locator) -> tuple[str, dict[str, str]]:
    """The figure's chosen variant and the computed display of each of its videos."""
    show = figure.get_attribute("data-gradviz-show")
    displays = figure.evaluate("f => Object.fromEntries(Array.from(f.querySelectorAll('video'))"
                               ".map(v => [v.dataset.gradvizTheme, getComputedStyle(v).display]))")
    return show, displays


def shown_video(figure: Locator) -> Locator:
    """The figure's video a reader sees, once it is the only one visible.

    While the palette changes (a toggle, a page restored by the back button) both variants can be
    visible for a frame or two; a locator asked for the one video then finds two.
    """
    figure.page.wait_for_function(
        "f => Array.from(f.querySelectorAll('video')).filter(v => v.getClientRects().length > 0"
        " && getComputedStyle(v).visibility !== 'hidden').length === 1", arg=figure.element_handle())
    return figure.locator("video").filter(visible=True)


def wait_playing(video: Locator) -> Locator:
    """Wait until ``video`` is playing and its clock has moved; return it."""
    video.page.wait_for_function("v => !v.paused && v.currentTime > 0.1 && v.readyState >= 2",
                                 arg=video.element_handle())
    return video


@dataclass
class Seen:
    """Pixels of a screenshot inside a video's box: what a reader sees of the frame."""

    edges: list[tuple[int, int, int]]  # a grid over the upper part (the lower part may hold the controls)
    inside: numpy.ndarray  # every pixel of the frame above the controls, as (rows, columns, RGB)

    @classmethod
    def of(cls, image: Image.Image, box: dict[str, float], inset: int = 6) -> Seen:
        picture = image.convert("RGB")
        left, top, width, height = box["x"] + inset, box["y"] + inset, box["width"] - 2 * inset, box["height"]
        edges = [picture.getpixel((round(left + width * i / 8), round(top + (height - 2 * inset) * j / 10)))
                 for i in range(9) for j in range(4)]
        inside = numpy.asarray(picture.crop((round(left), round(top), round(left + width),
                                             round(box["y"] + 0.7 * height))))
        return cls(edges, inside.astype(int))

    def __str__(self) -> str:
        colour, count = Counter(self.edges).most_common(1)[0]
        return f"near the edges mostly {colour} ({count} of {len(self.edges)} samples)"

    def shows_background(self, theme: str, *, share: float = 0.8) -> bool:
        """Whether most of the sampled pixels have the background of ``theme``'s palette."""
        return sum(near_background(pixel, theme) for pixel in self.edges) >= share * len(self.edges)

    def shows_a_drawing(self, theme: str) -> bool:
        """Whether a stroke or a letter stands out from the background (a few dozen pixels at least)."""
        background = numpy.array(rgb((DARK if theme == "dark" else LIGHT).background))
        return int((numpy.abs(self.inside - background).max(axis=2) > 60).sum()) >= 30


def near_background(pixel: tuple[int, int, int], theme: str, tolerance: int = 10) -> bool:
    """Whether ``pixel`` is ``theme``'s background, give or take video compression."""
    background = rgb((DARK if theme == "dark" else LIGHT).background)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, background, strict=True))

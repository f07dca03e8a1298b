"""The player in a real browser: Debian's Chromium, headless, against a built Material site on a sub-path."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext
from support.browser import (
    LAST_FRAME_SHOWN,
    PLAY_RECORDER,
    SCREENSHOTS,
    Seen,
    Watched,
    open_page,
    player_settled,
    shown,
    shown_video,
    toggle_palette,
    wait_playing,
)
from support.material import build_material_site
from support.paths import FIXTURE_SCENES
from support.web import serving, static_server

BASE = "course"
LESSON = "lessons/descent/"
FILLER = "\n".join(
    f"Paragraph {n}: each step moves the weight against the slope of the loss, by an amount the learning "
    "rate scales; far from the minimum the slope is steep and the steps are long, near it they shrink.\n"
    for n in range(1, 41)
)
PAGES = {
    "index.md": """\
        # Gradients, animated

        A tiny course used by the browser tests. Start with [the first lesson](lessons/descent.md).

        ```gradviz
        scene: Pulse
        radius: 1.2
        seconds: 1.5
        caption: A circle grows in
        ```
        """,
    "lessons/descent.md": """\
        # A gradient step

        The loss tells how wrong the weight is; its gradient tells which way is downhill.

        ```gradviz
        scene: Pulse
        radius: 2
        seconds: 2
        table: true
        caption: One step, with its numbers
        ```

        ```gradviz align="right"
        scene: Pulse
        radius: 0.8
        style: thick
        controls: false
        caption: Beside the text
        ```

        A figure aligned right floats beside this paragraph on a wide screen and stacks above it on a
        phone. The learning rate scales each step: too small and the descent crawls, too large and it
        overshoots the minimum and may diverge.

        Next: [words](words.md).

        {filler}

        ```gradviz
        scene: Label
        word: far
        steps: 2
        caption: Far down the page
        ```
        """,
    "lessons/words.md": """\
        # Words

        Back to [the step](descent.md).

        ```gradviz
        scene: Label
        word: words
        steps: 3
        caption: Written three times
        ```
        """,
}


@dataclass
class Served:
    """The built site, served at ``url`` (which ends in ``/course/``) by a local HTTP server."""

    site: Path
    url: str

    def pages(self) -> list[str]:
        """Every HTML page of the site, as URLs relative to the site root."""
        found = sorted(p.relative_to(self.site).as_posix() for p in self.site.rglob("*.html"))
        return [re.sub(r"(^|/)index\.html$", r"\1", p) for p in found]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A small Material course with gradviz blocks, built once for ``/course/`` and served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("browser")
    webroot = root / "www"
    webroot.mkdir()
    server = static_server(webroot)
    url = f"http://127.0.0.1:{server.server_port}/{BASE}/"
    project = root / "project"
    _build_site(project, url)
    (webroot / BASE).symlink_to(project / "site", target_is_directory=True)
    with serving(webroot, server):
        yield Served(webroot / BASE, url)


def test_every_page_loads_without_console_errors_or_failed_requests(served: Served, context: BrowserContext) -> None:
    """Each page of the site loads and sets its figures up with no console error and no failed request."""
    assert len(served.pages()) >= 4
    for path in served.pages():
        watched = Watched(context.new_page())
        watched.page.goto(served.url + path, wait_until="networkidle")
        ready = watched.page.evaluate("Array.from(document.querySelectorAll('figure.gradviz'))"
                                      ".every(f => f.dataset.gradvizReady === 'true' && f.dataset.gradvizShow)")
        problems = list(watched.problems)  # closing the page may abort a video download; that is no fault
        watched.page.close()
        assert problems == [], path
        assert ready, path


def test_each_shown_video_is_playable_with_the_duration_of_its_file(served: Served, context: BrowserContext) -> None:
    """Every shown video reaches readyState >= 2 and its duration matches the file and data-gradviz-duration."""
    page = context.new_page()
    checked = 0
    for path in served.pages():
        open_page(page, served.url + path)
        for video in page.locator("figure.gradviz video").all():
            if not video.is_visible():
                continue
            video.scroll_into_view_if_needed()
            page.wait_for_function("v => v.readyState >= 2", arg=video.element_handle())
            duration = video.evaluate("v => v.duration")
            declared = float(video.get_attribute("data-gradviz-duration"))
            src = video.evaluate("v => new URL(v.currentSrc).pathname")
            assert src.startswith(f"/{BASE}/assets/gradviz/") and src.endswith(".mp4")
            assert duration == pytest.approx(declared, abs=0.2), src
            assert duration == pytest.approx(_file_duration(served.site / src.removeprefix(f"/{BASE}/")), abs=0.2)
            checked += 1
    assert checked == 5


def test_toggling_the_palette_shows_the_other_variant(served: Served, context: BrowserContext) -> None:
    """Clicking Material's palette toggle swaps the shown variant live, and only the shown one plays."""
    page = context.new_page()
    page.goto(served.url)
    figure = page.locator("figure.gradviz").first
    assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
    assert shown(figure) == ("light", {"light": "block", "dark": "none"})
    wait_playing(figure.locator("video[data-gradviz-theme=light]"))

    toggle_palette(page)
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    assert shown(figure) == ("dark", {"light": "none", "dark": "block"})
    wait_playing(figure.locator("video[data-gradviz-theme=dark]"))
    assert figure.locator("video[data-gradviz-theme=light]").evaluate("v => v.paused")

    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")
    page.wait_for_function("f => f.dataset.gradvizShow === 'light'", arg=figure.element_handle())
    assert shown(figure)[1] == {"light": "block", "dark": "none"}


def test_reduced_motion_shows_paused_videos_with_controls(served: Served, browser: Browser) -> None:
    """With prefers-reduced-motion no video autoplays, and each shown video has controls, even controls: false."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    try:
        page = context.new_page()
        page.add_init_script(PLAY_RECORDER)
        page.goto(served.url + LESSON, wait_until="networkidle")
        player_settled(page)
        shown = [v for v in page.locator("figure.gradviz video").all() if v.is_visible()]
        assert len(shown) == 3
        for video in shown:
            state = video.evaluate("v => ({paused: v.paused, time: v.currentTime, controls: v.controls})")
            assert state == {"paused": True, "time": 0, "controls": True}
        assert page.evaluate("window.gradvizPlayCalls") == [], "nothing was asked to play"
        html = (served.site / LESSON / "index.html").read_text(encoding="utf-8")
        aligned = re.search(r'<figure class="gradviz gradviz--right".*?</figure>', html).group(0)
        assert " controls" not in aligned, "the block says controls: false, so controls come from the script"
    finally:
        context.close()


def test_videos_play_only_while_on_screen(served: Served, context: BrowserContext) -> None:
    """Without reduced motion the on-screen video plays muted; one far off screen stays paused until scrolled to."""
    page = context.new_page()
    page.add_init_script(PLAY_RECORDER)
    page.goto(served.url + LESSON)
    first, far = page.locator("figure.gradviz").first, page.locator("figure.gradviz").last
    near_video = wait_playing(shown_video(first))
    assert near_video.evaluate("v => v.muted")
    player_settled(page)
    assert shown_video(far).evaluate("v => ({paused: v.paused, time: v.currentTime})") == {"paused": True, "time": 0}
    assert shown_video(far).get_attribute("src") not in page.evaluate("window.gradvizPlayCalls")

    far.scroll_into_view_if_needed()
    wait_playing(shown_video(far))
    page.wait_for_function("v => v.paused", arg=near_video.element_handle())

    far.evaluate("""() => {
        Object.defineProperty(document, "hidden", {value: true, configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }""")
    page.wait_for_function("v => v.paused", arg=shown_video(far).element_handle())


def test_instant_navigation_sets_up_the_next_pages_videos(served: Served, context: BrowserContext) -> None:
    """After a navigation.instant click (no full reload) the new page's figures are set up and play."""
    watched = Watched(context.new_page())
    page = watched.page
    page.goto(served.url + LESSON)
    wait_playing(shown_video(page.locator("figure.gradviz").first))
    page.evaluate("window.stillTheSameDocument = true")

    page.get_by_role("link", name="words", exact=True).click()
    page.wait_for_url(served.url + "lessons/words/")
    page.wait_for_function("document.querySelector('h1') && document.querySelector('h1').textContent === 'Words'")
    assert page.evaluate("window.stillTheSameDocument") is True, "the click was not an instant navigation"
    figure = page.locator("figure.gradviz")
    assert figure.count() == 1
    page.wait_for_function("f => f.dataset.gradvizReady === 'true' && f.dataset.gradvizShow === 'light'",
                           arg=figure.element_handle())
    video = wait_playing(shown_video(figure))
    assert video.evaluate("v => v.muted")

    toggle_palette(page)
    wait_playing(figure.locator("video[data-gradviz-theme=dark]"))
    page.go_back()
    page.wait_for_url(served.url + LESSON)
    page.wait_for_function("document.querySelectorAll('figure.gradviz[data-gradviz-show=dark]').length === 3")
    wait_playing(shown_video(page.locator("figure.gradviz").first))
    assert watched.problems == []


def test_aligned_figure_floats_beside_text_on_wide_screens_and_stacks_on_phones(served: Served,
                                                                                 browser: Browser) -> None:
    """align: right puts the figure beside the next paragraph at 1280 px and full width above it at 390 px."""
    for width, beside in ((1280, True), (390, False)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            page.goto(served.url + LESSON)
            figure = page.locator("figure.gradviz--right").bounding_box()
            text = page.locator("article p", has_text="A figure aligned right").bounding_box()
            content = page.locator("article").bounding_box()
            if beside:
                assert figure["x"] > text["x"] + 100 and figure["y"] < text["y"] + text["height"]
                assert figure["width"] < 0.6 * content["width"]
            else:
                assert figure["y"] + figure["height"] <= text["y"] + 1
                assert figure["width"] > 0.9 * content["width"]
        finally:
            context.close()


def test_step_table_opens_under_the_video(served: Served, context: BrowserContext) -> None:
    """table: true puts a collapsed step table under the video that opens on a click."""
    page = context.new_page()
    page.goto(served.url + LESSON)
    table = page.locator("figure.gradviz").first.locator("details.gradviz__table")
    assert not table.locator("table").is_visible()
    table.locator("summary").click()
    assert table.locator("table").is_visible()
    assert table.locator("thead th").all_inner_texts() == ["step", "radius"]


def test_without_javascript_the_dark_video_shows_with_controls(served: Served, browser: Browser) -> None:
    """With scripts off the dark variant is shown, with controls, so the reader can still play it."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served.url)
        figure = page.locator("figure.gradviz").first
        assert figure.get_attribute("data-gradviz-ready") is None
        assert figure.locator("video[data-gradviz-theme=dark]").is_visible()
        assert not figure.locator("video[data-gradviz-theme=light]").is_visible()
        assert figure.locator("video[data-gradviz-theme=dark]").get_attribute("controls") is not None
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize(("device", "width", "height"), [("desktop", 1280, 900), ("phone", 390, 844)])
def test_screenshots_of_a_lesson(served: Served, browser: Browser, device: str, width: int, height: int,
                                 scheme: str) -> None:
    """On desktop and phone, in light and dark, a screenshot shows each figure whole, on screen, in the palette's variant."""
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                  is_mobile=device == "phone", has_touch=device == "phone")
    try:
        page = context.new_page()
        page.goto(served.url + LESSON, wait_until="networkidle")
        if scheme == "slate":
            toggle_palette(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for part, figure in (("top", page.locator("figure.gradviz").first),
                             ("aligned", page.locator("figure.gradviz--right"))):
            if part == "top":
                page.evaluate("window.scrollTo(0, 0)")
            else:
                figure.scroll_into_view_if_needed()
            video = shown_video(figure)
            player_settled(page)  # the player has played what is on screen; nothing starts it again now
            video.evaluate(LAST_FRAME_SHOWN)
            theme = "dark" if scheme == "slate" else "light"
            name = SCREENSHOTS / f"lesson-{device}-{theme}-{part}.png"
            page.screenshot(path=str(name))
            assert shown(figure)[0] == theme and page.evaluate("document.body.dataset.mdColorScheme") == scheme
            box = video.bounding_box()
            assert box["x"] >= 0 and box["y"] >= 0, name
            assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, f"{name}: off screen"
            assert box["width"] >= min(300, width * 0.8), f"{name}: too small to read"
            assert box["height"] == pytest.approx(box["width"] * 144 / 256, abs=2), f"{name}: distorted"
            seen = Seen.of(Image.open(name), box)
            assert seen.shows_background(theme), f"{name}: {seen}"
            assert seen.shows_a_drawing(theme), f"{name}: an empty frame"
    finally:
        context.close()


def _build_site(project: Path, url: str) -> None:
    """Write and build the small course with ``mkdocs build``'s own functions."""
    pages = {name: textwrap.dedent(text).replace("{filler}", FILLER) for name, text in PAGES.items()}
    build_material_site(project, pages, name="gradviz browser test", url=url, scenes=FIXTURE_SCENES,
                        instant=True, search=True)


def _file_duration(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return float(stream.duration * stream.time_base)

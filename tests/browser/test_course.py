"""The course in Chromium: every page loads cleanly, and each lesson's first figure shows in the reader's palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser
from support.browser import LAST_FRAME_SHOWN, SCREENSHOTS, Seen, Watched, player_settled
from support.course import Course

#: Every test here reads the course, built once per run (tests/conftest.py); it is the longest set-up.
pytestmark = pytest.mark.slow


def test_every_course_page_loads_cleanly_in_a_browser(course: Course, course_url: str, browser: Browser) -> None:
    """In Chromium, every page of the course loads with no console error or failed request, and its videos play."""
    site = course.site
    pages = sorted(p.relative_to(site).parent.as_posix() for p in Path(site).rglob("index.html"))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    try:
        for path in pages:
            watched = Watched(context.new_page())
            url = f"{course_url}{'' if path == '.' else path + '/'}"
            watched.page.goto(url, wait_until="networkidle")
            ready = watched.page.evaluate(SHOWN_VARIANTS_LOADED)
            maths = watched.page.evaluate("document.querySelectorAll('.arithmatex .katex').length")
            raw = watched.page.evaluate("document.querySelectorAll('.arithmatex:not(:has(.katex))').length")
            hidden_single = watched.page.evaluate(  # a block rendered in one theme shows in either palette
                "Array.from(document.querySelectorAll('figure.gradviz')).filter(f =>"
                " f.querySelectorAll('video').length === 1"
                " && getComputedStyle(f.querySelector('video')).display === 'none').length")
            problems = list(watched.problems)
            watched.page.close()
            assert problems == [], path
            assert ready, path
            assert hidden_single == 0, path
            assert raw == 0 and (maths > 0 or "reference" in path or path == "."), path
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_each_lesson_shows_its_first_figure_in_the_readers_palette(course: Course, course_url: str, browser: Browser,
                                                                    scheme: str) -> None:
    """In a light or a dark browser, each lesson's first figure is on screen, readable, and drawn in that palette."""
    site = course.site
    lessons = sorted(p.relative_to(site).parent.as_posix() for p in (site / "lessons").rglob("index.html"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1, color_scheme=scheme)
    try:
        page = context.new_page()
        checked = 0
        for path in lessons:
            page.goto(f"{course_url}{path}/")
            page.wait_for_function("Array.from(document.querySelectorAll('figure.gradviz'))"
                                   ".every(f => f.dataset.gradvizShow)")
            if not page.locator("figure.gradviz").count():
                continue  # the course's own index page
            figure = page.locator("figure.gradviz").first
            variants = figure.locator("[data-gradviz-theme]")
            # A block rendered in one theme only shows that variant in either palette.
            theme = scheme if variants.count() == 2 else variants.first.get_attribute("data-gradviz-theme")
            assert figure.get_attribute("data-gradviz-show") == theme, path
            shown = variants.filter(visible=True)
            assert shown.count() == 1 and shown.get_attribute("data-gradviz-theme") == theme, path
            shown.scroll_into_view_if_needed()
            player_settled(page)  # the player has played what is on screen; nothing starts it again now
            shown.evaluate(LAST_FRAME_SHOWN)
            name = SCREENSHOTS / f"course-{path.replace('/', '-')}-{scheme}.png"
            page.screenshot(path=str(name))
            box = shown.bounding_box()
            assert box["x"] >= 0 and box["y"] >= 0, f"{name}: off screen"
            assert box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 900, f"{name}: off screen"
            assert box["width"] >= 300 and box["height"] == pytest.approx(box["width"] * 144 / 256, abs=2), name
            seen = Seen.of(Image.open(name), box)
            assert seen.shows_background(theme, share=SHARE), f"{name}: {seen}"
            assert seen.shows_a_drawing(theme), f"{name}: an empty frame"
            checked += 1
    finally:
        context.close()
    assert checked >= 6


#: Whether every figure shows the variant matching the palette, loaded: a video's metadata, or a
#: still picture (lazy by default, so asked for here) decoded.
SHOWN_VARIANTS_LOADED = """async () => {
    for (const figure of document.querySelectorAll("figure.gradviz")) {
        const shown = Array.from(figure.querySelectorAll("[data-gradviz-theme]"))
            .find(variant => variant.dataset.gradvizTheme === figure.dataset.gradvizShow);
        if (!figure.dataset.gradvizReady || !shown) { return false; }
        if (shown.tagName === "IMG") {
            shown.loading = "eager";
            try { await shown.decode(); } catch (error) { return false; }
        } else if (shown.readyState < 1) {
            return false;
        }
    }
    return true;
}"""

#: Lesson scenes put titles and labels near the top; most of the frame's edge is still background.
SHARE = 0.6

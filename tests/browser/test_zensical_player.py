"""The course built by Zensical, in Chromium: the palette toggle and instant navigation drive the player."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser
from support.browser import SCREENSHOTS, Watched, shown, shown_video, toggle_palette, wait_playing
from support.course import ZensicalCourse
from support.web import serving

#: The Zensical course is built after the MkDocs course, whose renders it reuses (tests/conftest.py).
pytestmark = pytest.mark.slow


def test_the_zensical_course_plays_in_chromium_across_palettes_and_instant_navigation(zensical_course: ZensicalCourse,
                                                                                     browser: Browser,
                                                                                     tmp_path: Path) -> None:
    """In Chromium the palette toggle swaps the variant, and an instant navigation sets up the next page's player."""
    (tmp_path / "gradviz").symlink_to(zensical_course.root / "site", target_is_directory=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    with serving(tmp_path) as url:
        base = url + "gradviz/"
        try:
            watched = Watched(context.new_page())
            page = watched.page
            page.goto(base + "lessons/01-loss-and-gradient/", wait_until="networkidle")
            # A figure that loops: the lesson's first, stepwise, holds at its first step's end (2.2 s
            # in, and rightly stays held across a toggle), which a loaded machine can reach before
            # the toggle. Holding across a toggle is test_player's to check.
            figure = page.locator("figure.gradviz:not([data-gradviz-stepwise=true])").first
            figure.scroll_into_view_if_needed()  # the player plays only what is on screen
            assert figure.locator("video").first.evaluate("v => v.loop")
            assert shown(figure) == ("light", {"light": "block", "dark": "none"})
            wait_playing(shown_video(figure))
            toggle_palette(page)
            assert shown(figure) == ("dark", {"light": "none", "dark": "block"})
            wait_playing(shown_video(figure))

            page.evaluate("window.stillTheSameDocument = true")
            page.locator("a.md-footer__link--next").click()
            page.wait_for_url(base + "lessons/02-learning-rate/")
            page.wait_for_function("document.querySelector('h1') && /learning rate/i.test(document.querySelector('h1')"
                                   ".textContent)")
            assert page.evaluate("window.stillTheSameDocument") is True, "the click was not an instant navigation"
            following = page.locator("figure.gradviz").first
            following.scroll_into_view_if_needed()
            page.wait_for_function("f => f.dataset.gradvizReady === 'true' && f.dataset.gradvizShow === 'dark'",
                                   arg=following.element_handle())
            wait_playing(shown_video(following))
            page.screenshot(path=str(SCREENSHOTS / "zensical-course-dark.png"))
            assert watched.problems == []
        finally:
            context.close()

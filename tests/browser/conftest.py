"""The browser layer: one Chromium per test process, a fresh profile per test, the course served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright
from support.browser import CHROMIUM, CHROMIUM_ARGS
from support.course import Course
from support.web import serving


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven headless by Playwright (no browser download), shared by the process's tests."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (no stored palette, a 1280×900 window) for one test."""
    fresh = browser.new_context(viewport={"width": 1280, "height": 900})
    yield fresh
    fresh.close()


@pytest.fixture(scope="session")
def course_url(course: Course, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built course served on 127.0.0.1 under /gradviz/, as GitHub Pages serves it."""
    root = tmp_path_factory.mktemp("served-course")
    (root / "gradviz").symlink_to(course.site, target_is_directory=True)
    with serving(root) as url:
        yield url + "gradviz/"

"""The course itself: it builds strictly, uses every library scene, and has no broken link."""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from conftest import REPO
from mkdocs.commands.build import build
from mkdocs.config import load_config
from test_browser import CHROMIUM, CHROMIUM_ARGS, QuietServer, RangeRequestHandler, Watched
from test_links import broken_links

SITE_URL = "https://example.github.io/gradviz/"


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory):
    """The course built like `mkdocs build --strict`, at tiny quality, into a temporary folder."""
    site_dir = tmp_path_factory.mktemp("course")
    saved = {name: os.environ.get(name) for name in ("GRADVIZ_QUALITY", "SITE_URL")}
    os.environ.update(GRADVIZ_QUALITY="tiny", SITE_URL=SITE_URL)
    try:
        config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
    finally:
        for name, value in saved.items():
            os.environ.pop(name) if value is None else os.environ.__setitem__(name, value)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)  # strict: any warning aborts
    finally:
        config.plugins.on_shutdown()
    return site_dir, config.plugins["gradviz"]


def test_every_library_scene_appears_in_a_lesson(course) -> None:
    """Each scene of scenes/ is used by at least one lesson page."""
    _, plugin = course
    used = {block.spec.scene for block in plugin.run.blocks if block.page.startswith("docs/lessons/")}
    assert set(plugin.run.library.scenes) <= used
    assert plugin.run.report.failed == 0


def test_every_lesson_pairs_text_with_animations(course) -> None:
    """Each lesson page shows at least one video, in both theme variants, next to its text."""
    site, _ = course
    lessons = [p for p in (site / "lessons").rglob("index.html") if p.parent.name != "lessons"]
    assert len(lessons) >= 6
    for page in lessons:
        html = page.read_text(encoding="utf-8")
        assert 'data-gradviz-theme="dark"' in html and 'data-gradviz-theme="light"' in html, page
        assert len(re.findall(r"<p>", html)) >= 5, page


def test_maths_is_rendered_from_the_site_itself(course) -> None:
    """KaTeX's script, stylesheet and fonts are served by the site: nothing comes from a CDN."""
    site, _ = course
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "assets/katex/katex.min.js" in html and "assets/katex/katex.min.css" in html
    assert list((site / "assets" / "katex" / "fonts").glob("*.woff2"))
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'<script[^>]+src="https?://|<link rel="stylesheet"[^>]+href="https?://', html), page


def test_the_course_has_no_broken_internal_link(course) -> None:
    """Every link, video, poster, stylesheet and script of the course resolves on its sub-path."""
    site, _ = course
    assert broken_links(Path(site), SITE_URL) == []


def test_every_course_page_loads_cleanly_in_a_browser(course, tmp_path: Path) -> None:
    """In Chromium, every page of the course loads with no console error or failed request, and its videos play."""
    from playwright.sync_api import sync_playwright

    site, _ = course
    shutil.copytree(site, tmp_path / "gradviz")
    server = QuietServer(("127.0.0.1", 0), functools.partial(RangeRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pages = sorted(p.relative_to(site).parent.as_posix() for p in Path(site).rglob("index.html"))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
            for path in pages:
                watched = Watched(context.new_page())
                url = f"http://127.0.0.1:{server.server_port}/gradviz/{'' if path == '.' else path + '/'}"
                watched.page.goto(url, wait_until="networkidle")
                ready = watched.page.evaluate(  # the variant matching the palette has loaded its metadata
                    "Array.from(document.querySelectorAll('figure.gradviz')).every(f => f.dataset.gradvizReady"
                    " && Array.from(f.querySelectorAll('video')).some(v =>"
                    " v.dataset.gradvizTheme === f.dataset.gradvizShow && v.readyState >= 1))")
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
            browser.close()
    finally:
        server.shutdown()
        server.server_close()

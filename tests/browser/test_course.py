"""The course itself: it builds strictly, uses every library scene, and has no broken link."""

from __future__ import annotations

import functools
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from mkdocs.config import load_config
from PIL import Image
from test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LAST_FRAME_SHOWN,
    SCREENSHOTS,
    QuietServer,
    RangeRequestHandler,
    Seen,
    Watched,
    player_settled,
)
from test_links import broken_links

from mkdocs_gradviz.cli import build_site

SITE_URL = "https://example.github.io/gradviz/"


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory):
    """The course built like `mkdocs build --strict`, at tiny quality, into a temporary folder."""
    site_dir = tmp_path_factory.mktemp("course")
    # GRADVIZ_QUALITY is read when the build starts, so it stays set until the build is over.
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("GRADVIZ_QUALITY", "tiny")
        environment.setenv("SITE_URL", SITE_URL)
        config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
        plugin = build_site(config)  # strict: any warning aborts
    return site_dir, plugin


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


@pytest.fixture(scope="module")
def course_url(course, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built course served on 127.0.0.1 under /gradviz/, as GitHub Pages serves it."""
    site, _ = course
    root = tmp_path_factory.mktemp("served-course")
    shutil.copytree(site, root / "gradviz")
    server = QuietServer(("127.0.0.1", 0), functools.partial(RangeRequestHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/gradviz/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_every_course_page_loads_cleanly_in_a_browser(course, course_url: str) -> None:
    """In Chromium, every page of the course loads with no console error or failed request, and its videos play."""
    from playwright.sync_api import sync_playwright

    site, _ = course
    pages = sorted(p.relative_to(site).parent.as_posix() for p in Path(site).rglob("index.html"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
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
        browser.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_each_lesson_shows_its_first_figure_in_the_readers_palette(course, course_url: str, scheme: str) -> None:
    """In a light or a dark browser, each lesson's first figure is on screen, readable, and drawn in that palette."""
    from playwright.sync_api import sync_playwright

    site, _ = course
    lessons = sorted(p.relative_to(site).parent.as_posix() for p in (Path(site) / "lessons").rglob("index.html"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1,
                                      color_scheme=scheme)
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
        browser.close()
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

"""The course itself: it builds strictly, uses every library scene, and has no broken link."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import REPO
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

"""The course itself: it builds strictly, uses every library scene, pairs text with figures, and has no broken link."""

from __future__ import annotations

import re

import pytest
from support.course import SITE_URL, Course
from support.links import broken_links

#: Every test here reads the course, built once per run (tests/conftest.py); it is the longest set-up.
pytestmark = pytest.mark.slow


def test_every_library_scene_appears_in_a_lesson(course: Course) -> None:
    """Each scene of scenes/ is used by at least one lesson page."""
    assert set(course.library) <= set(course.lesson_scenes)
    assert course.failed == 0


def test_every_lesson_pairs_text_with_animations(course: Course) -> None:
    """Each lesson page shows at least one video, in both theme variants, next to its text."""
    site = course.site
    lessons = [p for p in (site / "lessons").rglob("index.html") if p.parent.name != "lessons"]
    assert len(lessons) >= 6
    for page in lessons:
        html = page.read_text(encoding="utf-8")
        assert 'data-gradviz-theme="dark"' in html and 'data-gradviz-theme="light"' in html, page
        assert len(re.findall(r"<p>", html)) >= 5, page


def test_maths_is_rendered_from_the_site_itself(course: Course) -> None:
    """KaTeX's script, stylesheet and fonts are served by the site: nothing comes from a CDN."""
    site = course.site
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "assets/katex/katex.min.js" in html and "assets/katex/katex.min.css" in html
    assert list((site / "assets" / "katex" / "fonts").glob("*.woff2"))
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'<script[^>]+src="https?://|<link rel="stylesheet"[^>]+href="https?://', html), page


def test_the_course_has_no_broken_internal_link(course: Course) -> None:
    """Every link, video, poster, stylesheet and script of the course resolves on its sub-path."""
    assert broken_links(course.site, SITE_URL) == []

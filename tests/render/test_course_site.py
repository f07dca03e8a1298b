"""The course itself: it builds strictly, uses every library scene, pairs text with figures, and has no broken link."""

from __future__ import annotations

import re
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image
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


def test_every_video_ends_on_its_poster_and_is_as_sharp(course: Course) -> None:
    """Each video's last frame is its poster, kept sharp by the encoder: luma PSNR of at least 44 dB.

    Text and numbers are thin strokes that a coarse encoding blurs first; Manim's own settings give
    about 50 dB here, a coarse encoding (crf 35) about 39.
    """
    site = course.site
    checked = []
    for page in site.rglob("*.html"):
        for video, poster in re.findall(r'<video src="([^"]+)" poster="([^"]+)"', page.read_text(encoding="utf-8")):
            picture = Image.open((page.parent / poster).resolve()).convert("RGB")
            sharpness = luma_psnr(last_frame(page.parent / video), picture)
            checked.append((sharpness, f"{page.relative_to(site)}: {video}"))
    assert len(checked) >= 40
    assert min(checked)[0] >= 44, min(checked)


def last_frame(video: Path) -> av.VideoFrame:
    with av.open(str(video.resolve())) as container:
        *_, last = container.decode(video=0)
    return last


def luma_psnr(frame: av.VideoFrame, picture: Image.Image) -> float:
    """How close ``frame`` is to ``picture`` in brightness, where the eye reads edges, in dB."""
    def luma(yuv: av.VideoFrame) -> np.ndarray:
        return yuv.reformat(format="yuv420p").to_ndarray()[: yuv.height].astype(float)

    error = np.mean((luma(frame) - luma(av.VideoFrame.from_image(picture))) ** 2)
    return float(10 * np.log10(255**2 / max(error, 1e-12)))

"""The course built by Zensical from the one mkdocs.yml: the figures MkDocs makes, and nothing to do the second time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.course import SITE_URL, ZensicalCourse
from support.zensical import figures

#: The Zensical course is built after the MkDocs course, whose renders it reuses (tests/conftest.py).
pytestmark = pytest.mark.slow


def test_the_course_builds_with_zensical_into_the_figures_mkdocs_makes(zensical_course: ZensicalCourse,
                                                                       tmp_path: Path) -> None:
    """One mkdocs.yml: ``zensical build`` and ``mkdocs build --strict`` give every page the same figures, files present;
    a second Zensical build converts and renders nothing."""
    root = zensical_course.root
    mkdocs = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=root, env={**os.environ, "GRADVIZ_QUALITY": "tiny", "SITE_URL": SITE_URL},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    assert mkdocs.returncode == 0, mkdocs.stdout
    assert "0 videos rendered" in mkdocs.stdout  # the renders Zensical made serve MkDocs: one cache, same keys
    shown = figures(root / "site")
    assert shown == figures(tmp_path / "site")
    assert sum(len(keys) for keys in shown.values()) >= 70 and len(shown) >= 8
    assert zensical_course.second_status == 0 and "no page needed converting" in zensical_course.second
    assert "0 videos rendered" in zensical_course.second

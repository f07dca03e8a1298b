"""The course of ``docs/``, built once per test run by whichever test process asks first.

Several test modules (and, under pytest-xdist, several processes) read the course. The first to
ask builds it, like ``mkdocs build --strict`` at tiny quality, holding a file lock in the folder
the run's processes share; the others wait on the lock and read the same site. What a test needs
from the build's plugin (the blocks, the library) is written next to the site as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock
from mkdocs.config import load_config

from mkdocs_gradviz.cli import build_site
from support.paths import REPO

#: The URL the course is built for: GitHub Pages under a sub-path, as the publishing workflow builds it.
SITE_URL = "https://example.github.io/gradviz/"
#: The course's own render cache, which a build of the checkout fills and every course build shares.
COURSE_CACHE = REPO / ".cache" / "gradviz"


@dataclass(frozen=True)
class Course:
    """The built course and what its build knew."""

    site: Path
    library: list[str]  # every scene of the library
    lesson_scenes: list[str]  # the scenes the blocks of the lesson pages use
    failed: int  # blocks that failed to render


def course_for_run(shared: Path) -> Course:
    """The course built into ``shared`` (a folder of this test run), building it if nobody has yet."""
    shared.mkdir(parents=True, exist_ok=True)
    summary = shared / "course.json"
    with FileLock(shared / "course.lock"):
        if not summary.exists():
            site = shared / "course-site"
            plugin = _build(site)
            summary.write_text(json.dumps({
                "site": str(site),
                "library": sorted(plugin.run.library.scenes),
                "lesson_scenes": sorted({block.spec.scene for block in plugin.run.blocks
                                         if block.page.startswith("docs/lessons/")}),
                "failed": plugin.run.report.failed,
            }), encoding="utf-8")
    data = json.loads(summary.read_text(encoding="utf-8"))
    return Course(Path(data.pop("site")), **data)


def _build(site_dir: Path):
    """``mkdocs build --strict`` of the checkout's mkdocs.yml at tiny quality into ``site_dir``."""
    # GRADVIZ_QUALITY is read when the build starts, so it stays set until the build is over.
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("GRADVIZ_QUALITY", "tiny")
        environment.setenv("SITE_URL", SITE_URL)
        config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
        return build_site(config)  # strict: any warning aborts


@dataclass(frozen=True)
class ZensicalCourse:
    """The course built twice by ``zensical build`` in a copy of the checkout."""

    root: Path  # the copy; its site/ is the second build's output
    second: str  # the output of the second build, which should find nothing to do
    second_status: int  # and its exit status


def zensical_course_for_run(shared: Path) -> ZensicalCourse:
    """The course built by ``zensical build`` (after the MkDocs build, whose renders it reuses), once per run."""
    course_for_run(shared)  # the renders are made once, by the MkDocs build; Zensical reads the same cache
    summary = shared / "zensical-course.json"
    with FileLock(shared / "zensical-course.lock"):
        if not summary.exists():
            root = shared / "zensical-course"
            root.mkdir()
            shutil.copy(REPO / "mkdocs.yml", root)
            shutil.copytree(REPO / "docs", root / "docs", ignore=shutil.ignore_patterns("gradviz"))
            COURSE_CACHE.mkdir(parents=True, exist_ok=True)
            (root / ".cache").mkdir()
            (root / ".cache" / "gradviz").symlink_to(COURSE_CACHE, target_is_directory=True)
            first = zensical(root, "build", GRADVIZ_QUALITY="tiny", SITE_URL=SITE_URL)
            assert first.returncode == 0, first.stdout
            second = zensical(root, "build", GRADVIZ_QUALITY="tiny", SITE_URL=SITE_URL)
            summary.write_text(json.dumps({"root": str(root), "second": second.stdout,
                                           "second_status": second.returncode}), encoding="utf-8")
    data = json.loads(summary.read_text(encoding="utf-8"))
    return ZensicalCourse(Path(data["root"]), data["second"], data["second_status"])


def zensical(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the ``zensical`` command in ``root``; its output is stdout and stderr together."""
    return subprocess.run([sys.executable, "-m", "zensical", *args], cwd=root, env={**os.environ, **env},
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)

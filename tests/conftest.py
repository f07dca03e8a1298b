"""What every test layer shares: the throwaway ``site``, the course built once per run, the layer markers.

The layers are folders, and a test's folder gives its marker: ``unit`` (tests/unit, no render),
``render`` (tests/render: real renders and real builds), ``browser`` (tests/browser: Chromium),
``cluster`` (tests/cluster: Dask, S3). ``slow`` marks the tests that take minutes alone.
Helpers live in ``tests/support`` (a package on ``sys.path``); no test module imports another.

Under pytest-xdist (``--dist loadgroup``), the tests of a module that sets up something
expensive for all its tests (a module fixture: a built site, a cluster) run in one process, so it
is set up once; the course is built once per run by whichever process asks first (a file lock);
see ``pytest_collection_modifyitems``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from support.course import Course, ZensicalCourse, course_for_run, zensical_course_for_run
from support.paths import LAYERS, TESTS
from support.site import Site

#: Modules of tests/unit that play every library scene's construct through the rule recorder: no render, but
#: minutes of CPU in all. They run with the whole suite; the quick check (`pytest -m unit`) leaves them out.
RULE_MODULES = {"test_scene_rules", "test_rule_mutants"}
#: Other modules that record scenes through the rule recorder (tests/rulebook), one page of the course at a time.
RECORDING_MODULES = {"test_legibility"}
#: Seconds one rule check may take: a long scene's recording, on a loaded machine.
RULE_TIMEOUT = 900
#: The fixtures that read the course: the first test to ask builds it, the others wait for that build.
COURSE_FIXTURES = {"course", "course_url", "zensical_course"}
#: Seconds a course test may take, the course build (every library scene, both palettes) included.
COURSE_TIMEOUT = 1800


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook, which reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test with its layer; keep the tests of a module fixture in one process; order the work."""
    for item in items:
        layer = _layer(item)
        if Path(str(item.path)).stem in RULE_MODULES:
            item.add_marker("slow")  # not the quick check: see RULE_MODULES
            item.add_marker(pytest.mark.timeout(RULE_TIMEOUT))
        elif layer in LAYERS:
            item.add_marker(LAYERS[layer])
        if _reads_the_course(item):
            # The first test to ask builds the course (minutes): the set-up counts against its timeout.
            item.add_marker(pytest.mark.timeout(COURSE_TIMEOUT))
            item.add_marker("slow")
        group = _shared_work(item)
        if group and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=_start_order)


def _start_order(item: pytest.Item) -> int:
    """xdist hands out work in collection order; the course build and the long tests go first.

    One process builds the course (its renders take both cores) while the others wait for it; then
    every process reads the built course. The rule recordings, then the modules sharing a fixture
    (minutes in one process each), start before the short tests that fill the gaps at the end.
    """
    if _reads_the_course(item):
        return 0
    if item.get_closest_marker("slow"):
        return 1
    if _layer(item) == "unit":
        return 4
    return 2 if item.get_closest_marker("xdist_group") else 3


def _reads_the_course(item: pytest.Item) -> bool:
    return bool(COURSE_FIXTURES & set(getattr(item, "fixturenames", ())))


def _shared_work(item: pytest.Item) -> str | None:
    """The xdist group of tests that share work one process does once and keeps, or None.

    - A module fixture (a built site, a cluster) is set up once per process that runs its tests.
    - The rule checks of one library scene read its recording, which each process makes once.
    - The legibility checks record the scenes of every course page; in one process, the pages
      share what Manim keeps between recordings (LaTeX and Pango output, parsed glyphs).
    """
    module = Path(str(item.path)).stem
    if module in RULE_MODULES:
        scene = _recorded_scene(item)
        return f"recordings-{scene}" if scene else None
    if module in RECORDING_MODULES:
        return module
    return module if _shares_a_module_fixture(item) else None


def _recorded_scene(item: pytest.Item) -> str | None:
    """The library scene a rule check records: its ``scene`` parameter, or its mutant's base scene."""
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    if isinstance(params.get("scene"), str):
        return params["scene"]
    return getattr(getattr(params.get("mutant"), "base", None), "__name__", None)


def _shares_a_module_fixture(item: pytest.Item) -> bool:
    fixtures = getattr(item, "_fixtureinfo", None)
    definitions = fixtures.name2fixturedefs.values() if fixtures is not None else ()
    return any(definition.scope == "module" for chain in definitions for definition in chain)


def _layer(item: pytest.Item) -> str:
    path = Path(str(item.path))
    return path.relative_to(TESTS).parts[0] if path.is_relative_to(TESTS) else ""


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """An empty project whose scene library is the small test library."""
    return Site.with_test_scenes(tmp_path)


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every test process of this run shares (pytest-xdist's workers included), for work done once."""
    base = tmp_path_factory.getbasetemp()
    # Each xdist worker's base folder is inside the run's own; without xdist there is one process.
    folder = base.parent / "shared" if os.environ.get("PYTEST_XDIST_WORKER") else base / "shared"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def course(run_folder: Path) -> Course:
    """The course built like ``mkdocs build --strict`` at tiny quality, once per test run."""
    return course_for_run(run_folder)


@pytest.fixture(scope="session")
def zensical_course(run_folder: Path) -> ZensicalCourse:
    """The course built twice by ``zensical build`` at tiny quality, sharing the course's renders, once per run."""
    return zensical_course_for_run(run_folder)


@pytest.fixture(autouse=True)
def _quiet_mkdocs_logs(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger="mkdocs")


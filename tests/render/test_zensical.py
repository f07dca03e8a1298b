"""The Zensical front end: real ``zensical build`` and ``zensical serve`` runs with real renders at tiny size."""

from __future__ import annotations

import pickle
import re
import shutil
import subprocess
import sys
import textwrap
import urllib.request
from concurrent.futures import Future
from importlib.metadata import version
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from support.course import zensical
from support.paths import FIXTURE_SCENES
from support.waiting import free_port, poll
from support.zensical import figures

from mkdocs_gradviz.core.embed import PLAYER_ASSETS
from mkdocs_gradviz.core.render_queue import RenderQueue
from mkdocs_gradviz.core.settings import Settings
from mkdocs_gradviz.zensical import GradvizFence
from mkdocs_gradviz.zensical.project import find_project

FENCE = """\
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: gradviz
          class: gradviz
          format: {{object: mkdocs_gradviz.zensical.formatter, kwds: {kwds}}}
          validator: {{object: mkdocs_gradviz.zensical.validator}}
"""
PULSE = "# Home\n\nA circle.\n\n```gradviz\nscene: Pulse\nradius: 1.2\ncaption: A circle\n```\n"
LABEL = "# Nested\n\n```gradviz theme=\"dark\"\nscene: Label\nword: hi\n```\n"
BAD = "# Bad\n\nText.\n\n```gradviz\nscene: Pulse\nradius: 9\n```\n"


class Project:
    """A throwaway Zensical project whose render cache is shared by this module's tests."""

    def __init__(self, root: Path, cache: Path, *, scenes: Path = FIXTURE_SCENES) -> None:
        self.root = root
        (root / "docs").mkdir(parents=True)
        (root / ".cache").mkdir()
        (root / ".cache" / "gradviz").symlink_to(cache, target_is_directory=True)
        (root / "scenes").symlink_to(scenes, target_is_directory=True)

    def configure(self, plugin: str = "", *, kwds: str = "{}", extra: str = "") -> None:
        options = textwrap.indent("quality: tiny\nserve_quality: tiny\nscenes_dir: scenes\nconcurrency: 2\n" + plugin,
                                  " " * 6)
        (self.root / "mkdocs.yml").write_text(
            f"site_name: Zensical test\ntheme:\n  name: material\nplugins:\n  - search\n  - gradviz:\n{options}"
            + FENCE.format(kwds=kwds) + extra, encoding="utf-8")

    def page(self, name: str, text: str) -> None:
        path = self.root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def build(self) -> subprocess.CompletedProcess[str]:
        return zensical(self.root, "build")


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One render cache for the small sites of this module: each scene renders once."""
    return tmp_path_factory.mktemp("zensical-cache")


@pytest.fixture
def project(tmp_path: Path, shared_cache: Path) -> Project:
    """A project with the test scene library, configured for tiny renders."""
    made = Project(tmp_path / "project", shared_cache)
    made.configure()
    return made


def test_the_formatters_pickled_state_names_versions_renders_and_settings(project: Project, monkeypatch) -> None:
    """What Zensical hashes into its page keys changes with gradviz's version, Manim's, a used scene and the settings."""
    scenes = project.root / "own-scenes"
    shutil.copytree(FIXTURE_SCENES, scenes)
    project.page("index.md", LABEL)
    settings = Settings(quality="tiny", scenes_dir="own-scenes", concurrency=1)
    monkeypatch.chdir(project.root)
    monkeypatch.setattr(RenderQueue, "submit", lambda self, request, **options: Future())  # keys, not videos
    monkeypatch.setattr(RenderQueue, "warm_up", lambda self: None)

    def state(settings: Settings = settings) -> bytes:
        return pickle.dumps(GradvizFence(find_project(["zensical", "serve"]), settings, {}))

    first = state()
    assert state() == first
    assert version("manim").encode() in first and version("mkdocs-gradviz").encode() in first
    (scenes / "shapes.py").write_text((scenes / "shapes.py").read_text() + "\n# unused here\n", encoding="utf-8")
    assert state() == first, "Pulse is on no page"
    (scenes / "words.py").write_text((scenes / "words.py").read_text() + "\n# edited\n", encoding="utf-8")
    edited = state()
    assert edited != first
    assert state(Settings(quality="low", scenes_dir="own-scenes", concurrency=1)) != edited
    monkeypatch.setattr("mkdocs_gradviz.zensical.site._gradviz_version", lambda: "9.9.9")
    assert state() != edited
    monkeypatch.setattr("mkdocs_gradviz.core.engine.environment", lambda: {"manim": "99.0", "render_code": "x"})
    assert b"99.0" in state()


@pytest.mark.parametrize("directory_urls", [True, False])
def test_a_site_builds_rebuilds_without_rendering_and_survives_a_removed_site_folder(project: Project,
                                                                                     directory_urls: bool) -> None:
    """Each block becomes a figure whose files exist, in either URL style; a second build renders nothing."""
    project.configure(extra=f"use_directory_urls: {str(directory_urls).lower()}\n")
    project.page("index.md", PULSE)
    project.page("a/b.md", LABEL)
    first = project.build()
    assert first.returncode == 0, first.stdout
    site = project.root / "site"
    shown = figures(site)
    assert [len(keys) for keys in shown.values()] == [1, 2]  # a dark-only block, then an auto one
    assert "<figcaption>A circle</figcaption>" in (site / "index.html").read_text(encoding="utf-8")
    published = sorted(p.name for p in (project.root / "docs" / "assets" / "gradviz").iterdir())
    assert published == sorted([*PLAYER_ASSETS, *(f"{k}.{s}" for keys in shown.values()
                                                               for k in keys for s in ("mp4", "png"))])

    entries = sorted(p.name for p in (project.root / ".cache" / "gradviz" / "entries").iterdir())
    second = project.build()
    assert second.returncode == 0, second.stdout
    assert "0 videos rendered" in second.stdout and "no page needed converting" in second.stdout
    assert sorted(p.name for p in (project.root / ".cache" / "gradviz" / "entries").iterdir()) == entries

    shutil.rmtree(site)
    third = project.build()
    assert third.returncode == 0, third.stdout
    assert figures(site) == shown


def test_a_bad_block_fails_the_build_with_its_page_and_line(project: Project) -> None:
    """A block with an out-of-range parameter stops ``zensical build``, naming the page and the line."""
    project.page("index.md", PULSE)
    project.page("lessons/bad.md", BAD)
    result = project.build()
    assert result.returncode == 1
    assert "SuperFencesException: gradviz could not render 1 block(s)" in result.stdout
    assert "docs/lessons/bad.md:7: parameter 'radius' = 9.0 is out of range" in result.stdout

    project.page("lessons/bad.md", BAD.replace("radius: 9\n```\n", "radius: 1\n"))
    result = project.build()
    assert result.returncode == 1
    assert "Error: gradviz: docs/lessons/bad.md:5: unterminated gradviz fence" in result.stdout

    project.configure(kwds="{qualty: low}")
    result = project.build()
    assert result.returncode == 1
    assert "unknown gradviz option 'qualty'; did you mean 'quality'?" in result.stdout


def test_an_edited_scene_re_renders_only_its_blocks(tmp_path: Path, shared_cache: Path) -> None:
    """Editing a site scene makes Zensical convert the pages again, and only that scene's videos render."""
    scenes = tmp_path / "scenes"
    shutil.copytree(FIXTURE_SCENES, scenes)
    project = Project(tmp_path / "project", shared_cache, scenes=scenes)
    project.configure()
    project.page("index.md", PULSE)
    project.page("a/b.md", LABEL.replace('theme="dark"', 'theme="light"'))
    assert project.build().returncode == 0
    (scenes / "words.py").write_text((scenes / "words.py").read_text() + "\n# edited\n", encoding="utf-8")
    again = project.build()
    assert again.returncode == 0, again.stdout
    assert "2 blocks, 1 video rendered, 2 reused from cache" in again.stdout
    assert "on the 2 page(s) Zensical converted" in again.stdout


def test_turning_gradviz_off_leaves_blocks_as_code_for_both_tools(project: Project) -> None:
    """With ``enabled: false`` in the plugin entry, Zensical and MkDocs both show the block as code."""
    project.configure("enabled: false\n")
    project.page("index.md", PULSE)
    result = project.build()
    assert result.returncode == 0, result.stdout
    html = (project.root / "site" / "index.html").read_text(encoding="utf-8")
    assert '<pre class="gradviz"><code>scene: Pulse' in html and "<figure" not in html
    assert not (project.root / "docs" / "assets" / "gradviz").exists()

    build(load_config(str(project.root / "mkdocs.yml"), site_dir=str(project.root / "mkdocs-site")))
    html = (project.root / "mkdocs-site" / "index.html").read_text(encoding="utf-8")
    assert "<code>scene: Pulse" in html and "<figure" not in html


def test_serve_shows_a_bad_block_in_the_page_and_keeps_serving(project: Project) -> None:
    """Under ``zensical serve`` a failing block is an error box in its page; the server stays up, serves the
    videos gradviz copies into docs_dir, and rebuilds only for the edit."""
    project.page("index.md", PULSE)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "zensical", "serve", "-a", f"127.0.0.1:{port}"], cwd=project.root,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        home = poll(f"http://127.0.0.1:{port}/", lambda html: "<video" in html)
        video = re.search(r'<video src="([^"]+)"', home).group(1)
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/{video}", timeout=10).status == 200
        project.page("bad.md", BAD)
        bad = poll(f"http://127.0.0.1:{port}/bad/", lambda html: "gradviz-error" in html)
        assert "gradviz could not render the block at docs/bad.md:7" in bad
        assert server.poll() is None
        assert "<video" in poll(f"http://127.0.0.1:{port}/", lambda html: "<video" in html)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "docs/bad.md:7: parameter 'radius' = 9.0 is out of range" in output
    assert output.count("No issues found") == 2, output  # the first build and the edit: no loop from gradviz's files

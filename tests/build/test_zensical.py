"""The Zensical front end: real ``zensical build`` and ``zensical serve`` runs with real renders at tiny size."""

from __future__ import annotations

import functools
import os
import pickle
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from concurrent.futures import Future
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import FIXTURE_SCENES, REPO
from mkdocs.commands.build import build
from mkdocs.config import load_config
from test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    QuietServer,
    RangeRequestHandler,
    Watched,
    _shown,
    _shown_video,
    _toggle_palette,
    _wait_playing,
)
from test_course import SITE_URL

from mkdocs_gradviz.core.render_queue import RenderQueue
from mkdocs_gradviz.core.scan import header_options
from mkdocs_gradviz.core.settings import Settings
from mkdocs_gradviz.zensical import GradvizFence
from mkdocs_gradviz.zensical.project import find_project, read_config

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


def zensical(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the ``zensical`` command in ``root``; its output is stdout and stderr together."""
    return subprocess.run([sys.executable, "-m", "zensical", *args], cwd=root, env={**os.environ, **env},
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)


def figures(site: Path) -> dict[str, list[str]]:
    """Every page's figures, as the render keys of their videos in page order, checking each file exists."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        keys = []
        for figure in re.findall(r'<figure class="gradviz.*?</figure>', html, re.DOTALL):
            for video in re.findall(r"<video [^>]*>", figure):
                src, poster = re.search(r'src="([^"]+)"', video).group(1), re.search(r'poster="([^"]+)"', video).group(1)
                assert (page.parent / src).resolve().is_file(), (page, src)
                assert (page.parent / poster).resolve().read_bytes()[:4] == b"\x89PNG", (page, poster)
                keys.append(re.search(r"([0-9a-f]{32})\.mp4$", src).group(1))
        if keys:
            found[page.relative_to(site).as_posix()] = keys
    return found


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


@pytest.mark.parametrize(("line", "options"), [
    ("```gradviz", {}),
    ('```gradviz caption="A b" table', {"caption": "A b", "table": "table"}),
    ("~~~~gradviz theme='dark'", {"theme": "dark"}),
    ('  > ```{.gradviz caption="x" #anchor}', {"caption": "x"}),
    ("```gradviz caption=unquoted", None),  # SuperFences does not take it for a gradviz fence either
    ("```python", None),
])
def test_the_scan_reads_fence_headers_as_superfences_does(line: str, options: dict[str, str] | None) -> None:
    """The site-wide scan gets the options a formatter call would get, so it queues the same cache keys."""
    assert header_options(line) == options


def test_the_project_is_found_as_zensicals_command_line_finds_it(tmp_path: Path, monkeypatch) -> None:
    """``-f``/``--config-file`` or the working folder name the file; plugin options and ``!ENV`` are read from it."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "other.yml").write_text(
        "site_name: x\ndocs_dir: pages\nplugins:\n  - search\n  - gradviz:\n      quality: !ENV [Q_FOR_TEST, low]\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.nowhere.twemoji\n",
        encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: y\nplugins: [search]\n", encoding="utf-8")
    monkeypatch.setenv("Q_FOR_TEST", "tiny")
    named = find_project(["zensical", "serve", "-f", "other.yml"], cwd=tmp_path)
    assert (named.command, named.docs_dir, named.plugin_options) == ("serve", "pages", {"quality": "tiny"})
    assert find_project(["zensical", "build", "--config-file=other.yml"], cwd=tmp_path).config_file == tmp_path / "other.yml"
    default = find_project(["__main__.py", "build"], cwd=tmp_path)
    assert (default.config_file, default.plugin_options, default.serving) == (tmp_path / "mkdocs.yml", {}, False)
    assert read_config(tmp_path / "other.yml")["markdown_extensions"][0]["pymdownx.emoji"] == {"emoji_index": None}


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
    assert published == sorted(["gradviz.css", "gradviz.js", *(f"{k}.{s}" for keys in shown.values()
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
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "zensical", "serve", "-a", f"127.0.0.1:{port}"], cwd=project.root,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        home = _poll(f"http://127.0.0.1:{port}/", lambda html: "<video" in html)
        video = re.search(r'<video src="([^"]+)"', home).group(1)
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/{video}", timeout=10).status == 200
        project.page("bad.md", BAD)
        bad = _poll(f"http://127.0.0.1:{port}/bad/", lambda html: "gradviz-error" in html)
        assert "gradviz could not render the block at docs/bad.md:7" in bad
        assert server.poll() is None
        assert "<video" in _poll(f"http://127.0.0.1:{port}/", lambda html: "<video" in html)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "docs/bad.md:7: parameter 'radius' = 9.0 is out of range" in output
    assert output.count("No issues found") == 2, output  # the first build and the edit: no loop from gradviz's files


@pytest.fixture(scope="module")
def zensical_course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """This course built by ``zensical build`` at tiny quality, twice, sharing the course tests' render cache."""
    root = tmp_path_factory.mktemp("zensical-course")
    shutil.copy(REPO / "mkdocs.yml", root)
    shutil.copytree(REPO / "docs", root / "docs", ignore=shutil.ignore_patterns("gradviz"))
    shared = REPO / ".cache" / "gradviz"  # the course's own cache, which the course tests fill too
    shared.mkdir(parents=True, exist_ok=True)
    (root / ".cache").mkdir()
    (root / ".cache" / "gradviz").symlink_to(shared, target_is_directory=True)
    first = zensical(root, "build", GRADVIZ_QUALITY="tiny", SITE_URL=SITE_URL)
    assert first.returncode == 0, first.stdout
    return root, zensical(root, "build", GRADVIZ_QUALITY="tiny", SITE_URL=SITE_URL)


def test_the_course_builds_with_zensical_into_the_figures_mkdocs_makes(zensical_course, tmp_path: Path) -> None:
    """One mkdocs.yml: ``zensical build`` and ``mkdocs build --strict`` give every page the same figures, files present;
    a second Zensical build converts and renders nothing."""
    root, second = zensical_course
    mkdocs = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=root, env={**os.environ, "GRADVIZ_QUALITY": "tiny", "SITE_URL": SITE_URL},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    assert mkdocs.returncode == 0, mkdocs.stdout
    assert "0 videos rendered" in mkdocs.stdout  # the renders Zensical made serve MkDocs: one cache, same keys
    shown = figures(root / "site")
    assert shown == figures(tmp_path / "site")
    assert sum(len(keys) for keys in shown.values()) >= 70 and len(shown) >= 8
    assert second.returncode == 0 and "no page needed converting" in second.stdout
    assert "0 videos rendered" in second.stdout


def test_the_zensical_course_plays_in_chromium_across_palettes_and_instant_navigation(zensical_course) -> None:
    """In Chromium the palette toggle swaps the variant, and an instant navigation sets up the next page's player."""
    from playwright.sync_api import sync_playwright

    root, _ = zensical_course
    webroot = root / "www"
    shutil.copytree(root / "site", webroot / "gradviz")
    server = QuietServer(("127.0.0.1", 0), functools.partial(RangeRequestHandler, directory=str(webroot)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/gradviz/"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
            watched = Watched(context.new_page())
            page = watched.page
            page.goto(base + "lessons/01-loss-and-gradient/", wait_until="networkidle")
            figure = page.locator("figure.gradviz").first
            figure.scroll_into_view_if_needed()  # the player plays only what is on screen
            assert _shown(figure) == ("light", {"light": "block", "dark": "none"})
            _wait_playing(_shown_video(figure))
            _toggle_palette(page)
            assert _shown(figure) == ("dark", {"light": "none", "dark": "block"})
            _wait_playing(_shown_video(figure))

            page.evaluate("window.stillTheSameDocument = true")
            page.locator("a.md-footer__link--next").click()
            page.wait_for_url(base + "lessons/02-learning-rate/")
            page.wait_for_function("document.querySelector('h1') && /learning rate/i.test(document.querySelector('h1')"
                                   ".textContent)")
            assert page.evaluate("window.stillTheSameDocument") is True, "the click was not an instant navigation"
            following = page.locator("figure.gradviz").first
            following.scroll_into_view_if_needed()
            page.wait_for_function("f => f.dataset.gradvizReady === 'true' && f.dataset.gradvizShow === 'dark'",
                                   arg=following.element_handle())
            _wait_playing(_shown_video(following))
            page.screenshot(path=str(SCREENSHOTS / "zensical-course-dark.png"))
            assert watched.problems == []
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


def _poll(url: str, ready, seconds: float = 120) -> str:
    """The page at ``url`` once ``ready(html)`` holds (the server builds, then renders, before it answers)."""
    deadline = time.monotonic() + seconds
    html = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                html = response.read().decode()
            if ready(html):
                return html
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never became ready; last answer: {html[:500]}")

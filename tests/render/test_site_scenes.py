"""A site's own scenes next to the installed library: precedence, listing, broken modules, paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort
from rich.console import Console
from support.docs import between
from support.paths import FIXTURE_SCENES, SCENES_PAGE
from support.site import Site

from mkdocs_gradviz import cli
from mkdocs_gradviz.cli import main

SHADOW = '''\
"""A site scene that takes a library scene's name."""

from manim import Create, Scene, Square

__all__ = ["GradientDescent"]


class GradientDescent(Scene):
    """A square, standing in for the library's scene of the same name."""

    def construct(self):
        self.play(Create(Square()), run_time=0.3)
'''

BAD_ANNOTATION = '''\
from manim import Scene

__all__ = ["Odd"]


class Odd(Scene):
    def __init__(self, *, table: dict[str, int] = {}, **kwargs):
        super().__init__(**kwargs)
'''

FAILS_ON_IMPORT = '''\
from manim import Scene
from manim import NoSuchMobject

__all__ = ["Broken"]


class Broken(Scene):
    def construct(self):
        pass
'''


@pytest.fixture
def own_scenes(site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test site with a real folder of scenes (a copy of the fixtures), working directory at its root."""
    folder = tmp_path / "scenes"
    target = folder.resolve()
    folder.unlink()
    shutil.copytree(target, folder)
    monkeypatch.chdir(site.root)
    monkeypatch.setenv("COLUMNS", "250")
    site.configure(plugin="theme: dark\n")
    site.docs.mkdir()
    return folder


def test_a_site_scene_with_a_library_name_wins_with_a_warning_naming_both(site, own_scenes, caplog) -> None:
    """The site's GradientDescent replaces the library's; the build says so, naming both files."""
    (own_scenes / "shadow.py").write_text(SHADOW, encoding="utf-8")
    site.page("index.md", "```gradviz\nscene: GradientDescent\n```\n")
    plugin = site.build()
    (block,) = plugin.run.blocks
    assert block.error is None and block.requests[0].module == "shadow"
    warning = next(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert str(own_scenes / "shadow.py") in warning and "scenes/gradient_descent.py" in warning
    with pytest.raises(Abort):
        site.build(strict=True)


def test_gradviz_scenes_marks_where_each_scene_comes_from(site, own_scenes, capsys, monkeypatch) -> None:
    """`gradviz scenes` lists the installed library and the site's folder (its path unbroken), each scene with its origin."""
    monkeypatch.setattr(cli, "console", Console(highlight=False, width=80))  # not a terminal, as in CI
    assert main(["scenes"]) == 0
    out = capsys.readouterr().out
    assert "installed library" in out and "10 scenes" in out
    assert f"site scenes ({own_scenes})" in out
    assert "GradientDescent (library: gradient_descent.py)" in out and "Pulse (site: shapes.py)" in out


def test_an_empty_scenes_folder_is_said_plainly(site, own_scenes, capsys) -> None:
    """A scenes folder with no scene in it is reported as such, not as an empty table."""
    for module in own_scenes.glob("*.py"):
        module.unlink()
    assert main(["scenes"]) == 0
    out = capsys.readouterr().out
    assert "site scenes" in out and "0 scenes" in out and "no scene found" in out


def test_an_unreadable_scene_module_is_one_clear_line_in_the_cli_and_the_build(site, own_scenes, capsys,
                                                                                 caplog) -> None:
    """An unsupported annotation names the file and line in `gradviz scenes` and the build; the scene is not offered."""
    (own_scenes / "odd.py").write_text(BAD_ANNOTATION, encoding="utf-8")
    assert main(["scenes"]) == 1
    out = capsys.readouterr().out
    location = f"{own_scenes / 'odd.py'}:7"
    assert location in out.replace("\n", "") and "unsupported parameter annotation 'dict[str, int]'" in out
    assert "Traceback" not in out and "Odd (" not in out
    site.page("index.md", "```gradviz\nscene: Odd\n```\n")
    with pytest.raises(Abort):
        site.build()
    errors = " ".join(r.getMessage() for r in caplog.records if r.levelname in ("WARNING", "ERROR"))
    assert f"{location}: scene Odd: unsupported parameter annotation" in errors
    assert "docs/index.md:2: unknown scene 'Odd'" in errors and "Traceback" not in caplog.text


def test_a_scene_module_failing_on_import_names_its_file_in_the_block_error(site, own_scenes, caplog) -> None:
    """A module that Manim cannot import fails its blocks with the module's file, line and error."""
    (own_scenes / "broken.py").write_text(FAILS_ON_IMPORT, encoding="utf-8")
    site.page("index.md", "# Page\n\n```gradviz\nscene: Broken\n```\n")
    with pytest.raises(Abort):
        site.build()
    errors = " ".join(r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    assert f"docs/index.md:3: {own_scenes / 'broken.py'}:2: the scene module cannot be imported: ImportError" in errors


@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
def test_scenes_dir_may_live_outside_the_site(tmp_path: Path, absolute: bool) -> None:
    """A monorepo's shared scene folder (../shared/scenes, or absolute) serves a site beside it."""

    shared = tmp_path / "shared" / "scenes"
    shutil.copytree(FIXTURE_SCENES, shared)
    site = Site(tmp_path / "course-a")
    site.root.mkdir()
    site.configure(plugin=f"theme: dark\nscenes_dir: {shared if absolute else '../shared/scenes'}\n")
    site.page("index.md", "```gradviz\nscene: Label\nword: shared\n```\n")
    plugin = site.build()
    assert plugin.run.report.failed == 0 and plugin.run.report.rendered == 1
    assert plugin.run.library.site_dir == shared


def test_a_missing_scenes_dir_is_a_clear_error(site, caplog) -> None:
    """scenes_dir naming no folder stops the build with the path, before anything renders."""
    site.configure(plugin="scenes_dir: no/such/folder\n")
    site.page("index.md", "text\n")
    with pytest.raises(Abort):
        site.build()
    assert f"gradviz: {site.root / 'no/such/folder'}: scenes_dir is not a folder" in caplog.text


def test_gradviz_quality_overrides_the_configuration(site, monkeypatch, caplog) -> None:
    """GRADVIZ_QUALITY wins over mkdocs.yml's quality, whatever mkdocs.yml says."""
    site.configure(plugin="quality: high\ntheme: dark\n")
    site.page("index.md", "```gradviz\nscene: Label\n```\n")
    monkeypatch.setenv("GRADVIZ_QUALITY", "tiny")
    (block,) = site.build().run.blocks
    assert (block.requests[0].width, block.requests[0].height) == (256, 144)
    assert block.entry("dark").result.width == 256
    monkeypatch.setenv("GRADVIZ_QUALITY", "best")
    with pytest.raises(Abort):
        site.build()
    assert "the environment variable GRADVIZ_QUALITY: quality must be one of tiny, low" in caplog.text


def test_the_documented_scene_example_reads_as_a_scene_with_its_parameters(tmp_path: Path) -> None:
    """The 'Write a scene' example on the scene-library page declares the parameters the page promises."""

    from mkdocs_gradviz.core.library import SceneLibrary

    folder = tmp_path
    (folder / "decay.py").write_text(between(SCENES_PAGE.read_text(encoding="utf-8"), "scene-example"))
    info = SceneLibrary(folder).get("WeightDecay")
    assert [p.name for p in info.params] == ["start", "decay", "learning_rate", "steps"]
    assert info.params[1].describe_type() == "float in [0, 1]" and info.params[1].doc == "The decay rate λ."

"""The ``gradviz`` command: render ahead, list scenes, manage the cache, check the machine."""

from __future__ import annotations

import pytest

from mkdocs_gradviz.cli import main
from mkdocs_gradviz.core.cache import Entry, RenderCache


@pytest.fixture
def project(site, monkeypatch):
    """A site with two blocks, with the working directory at its root."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", "```gradviz\nscene: Label\nword: cli\n```\n\n```gradviz\nscene: Pulse\nradius: 2\n```\n")
    monkeypatch.chdir(site.root)
    monkeypatch.setenv("COLUMNS", "200")
    return site


def cache_of(site) -> RenderCache:
    return RenderCache(site.root / ".cache" / "gradviz")


def entries_of(site) -> list[Entry]:
    """Every entry of the site's cache, each checked against its manifest."""
    cache = cache_of(site)
    published = cache.keys()
    return [cache.lookup(key) for key in published]


def test_render_fills_the_cache_and_prints_a_summary(project, capsys) -> None:
    """`gradviz render` renders every block ahead of time; a later build reuses them all."""
    assert main(["render"]) == 0
    out = capsys.readouterr().out
    assert "docs/index.md:1" in out and "Label" in out and "Pulse" in out
    assert "2 blocks, 2 videos rendered" in out
    assert len(cache_of(project).keys()) == 2
    assert project.build().run.report.rendered == 0


def test_render_exits_non_zero_on_a_bad_block(project, capsys) -> None:
    """A failing block makes `gradviz render` fail with the block's location."""
    project.page("bad.md", "```gradviz\nscene: Nope\n```\n")
    assert main(["render"]) == 1
    assert "docs/bad.md:1" in capsys.readouterr().out


def test_scenes_lists_parameters_types_defaults_and_ranges(project, capsys) -> None:
    """`gradviz scenes` documents every parameter of every scene."""
    assert main(["scenes"]) == 0
    out = capsys.readouterr().out
    for text in ("Pulse", "Label", "radius", "float in [0.1, 3]", "Circle radius in scene units.", "'solid' | 'thick'"):
        assert text in out


def test_cache_stats_prune_and_clear(project, capsys, monkeypatch) -> None:
    """Prune keeps the renders pages use at build quality and at serve quality, removes the rest; clear empties it."""
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("serve_quality: tiny", "serve_quality: low"))
    assert main(["render"]) == 0
    monkeypatch.setenv("GRADVIZ_QUALITY", "low")  # what `mkdocs serve` renders: serve_quality
    assert main(["render"]) == 0
    monkeypatch.delenv("GRADVIZ_QUALITY")
    assert sorted(entry.result.width for entry in entries_of(project)) == [256, 256, 854, 854]
    project.page("index.md", "```gradviz\nscene: Label\nword: cli\n```\n")
    capsys.readouterr()
    assert main(["cache"]) == 0 and "4 entries" in capsys.readouterr().out
    assert main(["cache", "prune"]) == 0 and "removed 2 entries" in capsys.readouterr().out
    kept = entries_of(project)
    assert sorted(e.result.width for e in kept) == [256, 854]
    assert project.build().run.report.rendered == 0, "the build-quality render still in use survived the prune"
    monkeypatch.setenv("GRADVIZ_QUALITY", "low")
    assert project.build().run.report.rendered == 0, "the serve-quality render still in use survived the prune"
    assert main(["cache", "clear"]) == 0
    assert cache_of(project).keys() == []


def test_doctor_finds_this_machine_ready(capsys) -> None:
    """`gradviz doctor` checks LaTeX, dvisvgm, Cairo/Pango and Manim, and passes where they are installed."""
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "standalone.cls" in out and "Manim" in out and "missing" not in out


def test_doctor_names_the_package_to_install(monkeypatch, capsys) -> None:
    """With LaTeX off the PATH, doctor fails and says what to install."""
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "missing" in out and "apt-get install" in out and "texlive-latex-base" in out

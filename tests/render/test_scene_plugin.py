"""Every library scene, with its defaults, through the plugin: a video showing its colour roles, its
description as alt text, its numbers."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from mkdocs_gradviz.scenes._palette import DARK
from support.frames import frames, share
from support.site import Site

from mkdocs_gradviz.core.library import SceneLibrary

SCENES = sorted(SceneLibrary().scenes)
#: The colour roles some frame of each scene's default video must show.
ROLES = {
    "GradientDescent": ("gradient", "current", "minimum", "curve"),
    "GradientField": ("gradient", "current", "minimum"),
    "LearningRateComparison": ("gradient", "current", "minimum", "curve"),
    "NetworkGradients": ("gradient",),
    "WeightUpdate": ("gradient", "updated", "minimum"),
    "BatchUpdate": ("gradient", "current", "updated"),
    "WeightMatrixUpdate": ("gradient", "current", "updated"),
    "OptimizerComparison": ("gradient", "current", "path_b", "path_c"),
    "StochasticDescent": ("gradient", "current"),
    "LossSurface": ("minimum",),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """A site with one default block per library scene, built once at tiny size."""
    site = Site(tmp_path_factory.mktemp("defaults"))
    site.configure(plugin="theme: dark\nscenes_dir: ''\n")  # the installed library alone
    site.page("index.md", "\n\n".join(f"## {name}\n\n```gradviz\nscene: {name}\ntable: true\n```" for name in SCENES))
    plugin = site.build()
    return site, plugin


def test_there_are_ten_scenes() -> None:
    """The library offers the ten capabilities the course needs."""
    assert len(SCENES) == 10


def test_every_scene_has_its_colour_roles_listed() -> None:
    assert sorted(ROLES) == SCENES


@pytest.mark.parametrize("name", SCENES)
def test_scene_video_shows_its_colour_roles(built, name: str) -> None:
    """Some frame of the default video shows each of the scene's colour roles, on the dark background."""
    _, plugin = built
    block = _block(plugin, name)
    shown = frames(block.entry("dark").video)
    assert len(shown) >= 50  # at least five seconds at 10 fps
    assert share(shown[0], DARK.background, 12) > 0.8
    for role in ROLES[name]:
        colour = getattr(DARK, role)
        assert max(share(f, colour, background=DARK.background) for f in shown) > 1e-4, f"{role} {colour} never visible"


@pytest.mark.parametrize("name", SCENES)
def test_scene_renders_with_its_defaults_through_the_plugin(built, name: str) -> None:
    """The default block renders; its alt text is the scene's own description with real numbers."""
    site, plugin = built
    block = _block(plugin, name)
    assert block.error is None
    entry = block.entry("dark")
    assert entry.video.stat().st_size > 1000 and entry.result.duration > 3
    description = entry.result.description
    assert re.search(r"\d", description), "the description quotes the scene's numbers"
    page = site.html()
    assert f'aria-label="{html.escape(description)}"' in page
    headers, rows = entry.result.table
    assert headers and rows and all(len(row) == len(headers) for row in rows)
    assert Path(site.site / "assets" / "gradviz" / f"{entry.key}.mp4").is_file()


def _block(plugin, name: str):
    """The built site's one block of the scene ``name``."""
    (block,) = [b for b in plugin.run.blocks if b.spec.scene == name]
    return block

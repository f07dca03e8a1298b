"""A scene that takes one step says "1 step", in its description as in its frames (both use ``counted``)."""

from __future__ import annotations

import importlib
import re

import pytest
from manim import tempconfig
from mkdocs_gradviz.scenes._base import counted

from mkdocs_gradviz.core.library import SceneLibrary

SCENES = SceneLibrary().scenes
ONE_STEP = sorted(name for name, scene in SCENES.items() if any(p.name == "steps" for p in scene.params))


def test_counted_says_one_thing_or_several() -> None:
    assert [counted(n, "step") for n in (0, 1, 2, 8)] == ["0 steps", "1 step", "2 steps", "8 steps"]


@pytest.mark.parametrize("name", ONE_STEP)
def test_a_single_step_is_described_in_the_singular(name: str, tmp_path) -> None:
    cls = getattr(importlib.import_module(SCENES[name].module), name)
    with tempconfig({"media_dir": str(tmp_path)}):
        text = cls(steps=1).describe()
    assert re.search(r"\b1 (step|time)\b", text) and not re.search(r"\b1 (steps|times)\b", text), text

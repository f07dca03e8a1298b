"""The public authoring API: what a scene of your own may import, pinned so that a change is deliberate."""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import mkdocs_gradviz

SCENES_PAGE = Path(__file__).parents[2] / "docs" / "reference" / "scenes.md"
#: The names a site's scenes rely on. Removing or renaming one breaks their scenes: bump the major version.
PUBLIC = ["DARK", "LIGHT", "LessonMixin", "Palette", "ParameterError", "Range", "TYPE", "TypeScale",
          "check_params", "fmt", "palette", "tex"]


def test_the_public_names_are_exactly_the_pinned_ones() -> None:
    """``mkdocs_gradviz.__all__`` is the pinned list, no more, no less."""
    assert sorted(mkdocs_gradviz.__all__) == sorted(PUBLIC)


def test_each_public_name_is_the_library_object_it_stands_for() -> None:
    """Each name resolves to the object of that name defined in the installed scene library."""
    for name in PUBLIC:
        obj = getattr(mkdocs_gradviz, name)
        module = importlib.import_module(f"mkdocs_gradviz.scenes.{mkdocs_gradviz.AUTHORING_API[name]}")
        assert obj is getattr(module, name), name
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__module__ == module.__name__, name


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A misspelt import fails the way Python's own do, naming the module and the name."""
    with pytest.raises(AttributeError, match="module 'mkdocs_gradviz' has no attribute 'LessonMixn'"):
        mkdocs_gradviz.LessonMixn  # noqa: B018


def test_every_public_name_is_documented_for_scene_authors() -> None:
    """The scene reference's table of importable names mentions every public name."""
    page = SCENES_PAGE.read_text(encoding="utf-8")
    missing = [name for name in PUBLIC if not re.search(rf"`{re.escape(name)}[`(]", page)]
    assert missing == []


def test_importing_the_package_imports_neither_manim_nor_a_front_end() -> None:
    """``import mkdocs_gradviz`` is cheap: no Manim, no MkDocs, no engine until a name is used."""
    code = ("import sys, mkdocs_gradviz; print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('manim', 'mkdocs') or m.startswith('mkdocs_gradviz.')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"

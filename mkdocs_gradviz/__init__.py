"""gradviz: Manim animations rendered from Markdown blocks, cached, and embedded in documentation.

This package's public names are what a scene of your own imports::

    from mkdocs_gradviz import LessonMixin, Range, check_params, fmt, palette

They are loaded on first use, so that importing the plugin never imports Manim. Everything else
is internal: the front ends (``mkdocs_gradviz.mkdocs``, the MkDocs plugin;
``mkdocs_gradviz.zensical``, the Zensical fence) and the engine they drive (``mkdocs_gradviz.core``).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: The public authoring API, declared here only: each name, by the scene-library module that
#: defines it. ``tests/unit/test_api.py`` pins it; a scene that imports it is re-rendered when
#: one of these modules changes (``core/library.py`` reads this table).
AUTHORING_API: dict[str, str] = {
    "LessonMixin": "_base", "fmt": "_base",
    "Palette": "_palette", "palette": "_palette", "DARK": "_palette", "LIGHT": "_palette",
    "Range": "_params", "check_params": "_params", "ParameterError": "_params",
    "TYPE": "_typography", "TypeScale": "_typography", "tex": "_typography",
}

__all__ = sorted(AUTHORING_API)  # computed from the one declaration above


def __getattr__(name: str) -> Any:
    if name in AUTHORING_API:
        return getattr(import_module(f"{__name__}.scenes.{AUTHORING_API[name]}"), name)
    raise AttributeError(f"module 'mkdocs_gradviz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *AUTHORING_API])

"""gradviz: Manim animations rendered from Markdown blocks, cached, and embedded in documentation.

This package's public names are what a scene of your own imports::

    from mkdocs_gradviz import LessonMixin, Range, check_params, fmt, palette

They are loaded on first use, so that importing the plugin never imports Manim. The MkDocs
plugin is ``mkdocs_gradviz.mkdocs.plugin``, the Zensical front end ``mkdocs_gradviz.zensical``, and the
engine both drive is ``mkdocs_gradviz.core``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from mkdocs_gradviz.core.library import AUTHORING_API, PACKAGE

if TYPE_CHECKING:
    from mkdocs_gradviz.scenes._base import LessonMixin, fmt
    from mkdocs_gradviz.scenes._palette import DARK, LIGHT, Palette, palette
    from mkdocs_gradviz.scenes._params import ParameterError, Range, check_params

__all__ = ["DARK", "LIGHT", "LessonMixin", "Palette", "ParameterError", "Range", "check_params", "fmt", "palette"]


def __getattr__(name: str) -> Any:
    if name in AUTHORING_API:
        return getattr(import_module(f"{PACKAGE}.{AUTHORING_API[name]}"), name)
    raise AttributeError(f"module 'mkdocs_gradviz' has no attribute {name!r}")

"""gradviz: Manim animations rendered from Markdown blocks, cached, and embedded in MkDocs pages."""

from __future__ import annotations

from mkdocs_gradviz.plugin import GradvizPlugin

__all__ = ["GradvizPlugin"]

"""Imported once by the render fork server: what every render needs, so no render pays for it."""

from mkdocs_gradviz.core.manim_render import preload

preload()

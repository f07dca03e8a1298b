"""The plugin's own exceptions; MkDocs' exceptions are raised only at the edge (plugin.py)."""

from __future__ import annotations


class GradvizError(Exception):
    """Base class of everything the plugin raises on purpose."""


class BlockError(GradvizError):
    """A block that cannot become an animation, located in its page."""

    def __init__(self, page: str, line: int, message: str) -> None:
        super().__init__(f"{page}:{line}: {message}")
        self.page = page
        self.line = line
        self.message = message


class SpecError(GradvizError):
    """A block body that is not a valid spec; the build adds page and line."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        #: Line inside the block body that is at fault, when one is.
        self.line = line


class RenderError(GradvizError):
    """Manim failed (or timed out) on a block; ``message`` holds the useful tail of its output."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: Line inside the block's code that raised, when the traceback names one.
        self.line = line


class CacheError(GradvizError):
    """The cache directory cannot be used (unwritable, full)."""

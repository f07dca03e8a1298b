"""The verdict every rule check gives, and the palette roles they compare colours against."""

from __future__ import annotations

from mkdocs_gradviz.scenes._palette import palette


class RuleBroken(AssertionError):
    """A seed rule the scene breaks, saying what the viewer would see."""


def role(name: str) -> str:
    """A palette role's colour (``palette()`` honours ``GRADVIZ_THEME``) as lower-case hex."""
    return getattr(palette(), name).lower()

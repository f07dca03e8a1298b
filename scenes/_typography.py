"""One typography scale for every scene, sized for the width a course page shows a figure at.

A full-width figure in a MkDocs Material page at a 1280-px window is about 690 CSS px wide for the
frame's 14.2 units, so one unit is about 48 px. A digit of Pango ``Text`` is 0.0105 units tall per
point of ``font_size``, a digit of ``MathTex`` only 0.0071: the same point size reads a third
smaller in LaTeX. The smallest role below gives digits of about 9 CSS px there (the course's
floor is 8, reached at 15.7 points), so a number is never the smallest thing on screen. Scenes name a role, never a
point size of their own; ``tex`` converts a role to the ``MathTex`` size whose digits match it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DIGIT_PER_POINT", "TEX_PER_TEXT", "TYPE", "TypeScale", "tex"]

#: Height in frame units of a digit per point of ``font_size``: Pango ``Text``/``MarkupText``, then
#: ``MathTex``/``DecimalNumber`` (measured on "8"; both follow ``font_size`` through any scaling).
DIGIT_PER_POINT = {"text": 0.0105, "tex": 0.0071}

#: A MathTex digit at font size 1 is this much smaller than a Text digit (0.0071 / 0.0105).
TEX_PER_TEXT = 1.47


@dataclass(frozen=True)
class TypeScale:
    """Pango ``Text`` font sizes by role."""

    small: float  # tick numbers, secondary notes: the floor of the scale
    body: float  # numbers being taught: update lines, values beside points, table cells
    label: float  # axis names, panel titles, legends
    title: float  # a scene's one heading


TYPE = TypeScale(small=18, body=22, label=26, title=32)


def tex(size: float) -> float:
    """The ``MathTex`` font size whose digits stand as tall as ``Text`` digits at ``size``."""
    return size * TEX_PER_TEXT

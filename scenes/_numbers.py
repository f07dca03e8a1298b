"""Numbers that change on screen: Manim's ``DecimalNumber`` with cheaper digits."""

from __future__ import annotations

import numpy as np
from manim import DecimalNumber, Mobject
from manim.mobject.text.numbers import string_to_mob_map

__all__ = ["Number", "glyph_copy"]


class Number(DecimalNumber):
    """A ``DecimalNumber`` whose digits are copied from Manim's glyph cache without ``deepcopy``.

    At every ``set_value`` Manim copies one cached glyph per character (``_string_to_mob``), and a
    deep copy of a LaTeX glyph walks its TeX template, its SVG settings and every colour object,
    though a digit needs new arrays only: about a sixth of the cost with ``glyph_copy``. Everything
    else (layout, colours, the edge kept fixed) is Manim's own ``set_value``.
    """

    # Manim's own hook for a digit (private, but the same from Manim 0.19 to 0.22, the versions we support).
    def _string_to_mob(self, string: str, mob_class=None, **kwargs) -> Mobject:
        if string not in string_to_mob_map:
            return super()._string_to_mob(string, mob_class, **kwargs)  # builds and caches the glyph
        mob = glyph_copy(string_to_mob_map[string])
        mob.font_size = self._font_size
        return mob


def glyph_copy(mob: Mobject) -> Mobject:
    """A copy of ``mob`` and its family that shares nothing a later change could reach.

    Arrays (points, colours) are copied, lists and dicts get new containers (submobjects and
    updaters are lists), and what Manim never changes in place is shared: strings, the TeX
    template, ``ManimColor`` objects (Manim replaces them rather than changing them).
    """
    clone = object.__new__(type(mob))
    state = {}
    for name, value in vars(mob).items():
        if isinstance(value, np.ndarray):
            value = value.copy()
        elif isinstance(value, list):
            value = list(value)
        elif isinstance(value, dict):
            value = dict(value)
        state[name] = value
    state["submobjects"] = [glyph_copy(part) for part in mob.submobjects]
    state["original_id"] = str(id(mob))  # as Mobject.__deepcopy__ records it
    clone.__dict__.update(state)
    return clone

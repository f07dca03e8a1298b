"""``glyph_copy``, the copy behind ``Number``'s digits: equal to Manim's deep copy, and sharing nothing it may change."""

from __future__ import annotations

import numpy as np
from manim import RED, Circle, Square, VGroup
from mkdocs_gradviz.scenes._numbers import glyph_copy


def glyph() -> VGroup:
    inner = VGroup(Circle(radius=0.3, color=RED), Square(0.5, fill_opacity=0.4))
    return VGroup(inner, Square(1.0, stroke_width=3)).shift([0.5, 0.2, 0])


def test_a_glyph_copy_is_a_deep_copy_family_for_family() -> None:
    original = glyph()
    ours, manims = glyph_copy(original), original.copy()
    assert [type(m) for m in ours.get_family()] == [type(m) for m in manims.get_family()]
    for a, b in zip(ours.get_family(), manims.get_family(), strict=True):
        for name in ("points", "fill_rgbas", "stroke_rgbas", "background_stroke_rgbas"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert a.stroke_width == b.stroke_width


def test_changing_a_glyph_copy_leaves_the_cached_glyph_alone() -> None:
    original = glyph()
    before = [(m.points.copy(), m.fill_rgbas.copy()) for m in original.get_family()]
    copy = glyph_copy(original)
    copy.scale(3).set_color("#00ff00")  # what a number's set_value does: scale, then match colours
    copy.submobjects[0].submobjects.pop()
    copy.add_updater(lambda m: m)
    assert len(original.submobjects[0].submobjects) == 2 and not original.updaters
    for member, (points, fill) in zip(original.get_family(), before, strict=True):
        np.testing.assert_array_equal(member.points, points)
        np.testing.assert_array_equal(member.fill_rgbas, fill)

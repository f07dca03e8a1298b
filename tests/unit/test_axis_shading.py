"""LossSurface shades its drawn axes from ends computed once: the ends Manim computes at every frame."""

from __future__ import annotations

import numpy as np
from manim import IN, ThreeDAxes
from mkdocs_gradviz.scenes.loss_surface import fix_axis_shading


def test_fixed_shading_is_manims_for_every_piece_of_every_axis() -> None:
    axes = ThreeDAxes(x_range=[-2, 2, 1], y_range=[-2, 2, 1], z_range=[0, 4, 1]).shift(IN * 1.6)
    shaded = [part for axis in axes for part in axis.family_members_with_points()
              if "get_gradient_start_and_end_points" in vars(part)]
    manims = [part.get_gradient_start_and_end_points() for part in shaded]
    fix_axis_shading(axes)
    assert len(shaded) > 60  # every piece and tick of the three axes
    for part, (start, end) in zip(shaded, manims, strict=True):
        fixed = part.get_gradient_start_and_end_points()
        np.testing.assert_array_equal(fixed[0], start)
        np.testing.assert_array_equal(fixed[1], end)
    assert not np.array_equal(manims[0][0], manims[-1][0]), "each axis has ends of its own"

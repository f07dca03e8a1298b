"""A 3-D loss surface with the gradient-descent path travelling over it."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import (DEGREES, DOWN, IN, LEFT, UL, UR, Arrow, Create, Dot3D, FadeIn, FadeOut, GrowArrow,
                   Line, Surface, ThreeDAxes, ThreeDScene)

from ._base import LessonMixin, fmt
from ._maths import TwoWeightLoss
from ._params import Range, check_params

__all__ = ["LossSurface"]


class LossSurface(TwoWeightLoss, LessonMixin, ThreeDScene):
    """Gradient descent drawn on the 3-D surface z = L(w1, w2), with −η∇L arrows on the floor.

    Args:
        loss: Loss L(w1, w2) as an expression in w1 and w2.
        start: Initial point [w1, w2].
        learning_rate: Step size eta.
        steps: Number of steps.
    """

    def __init__(self, *, loss: str = "0.5*w1**2 + w2**2 + 0.3*sin(2*w1)",
                 start: Annotated[list[float], Range(-100, 100)] = [2.2, 1.8],  # noqa: B006
                 learning_rate: Annotated[float, Range(0.0001, 10)] = 0.25,
                 steps: Annotated[int, Range(1, 40)] = 10, **kwargs):
        check_params(type(self), locals())
        self.loss, self.start, self.learning_rate, self.steps = loss, [float(v) for v in start], float(learning_rate), steps
        self.init_loss(loss, self.start)
        self.path = self.descend(self.start, self.learning_rate, steps, limit=50)
        super().__init__(**kwargs)

    def describe(self) -> str:
        e = self.path[-1]
        return (f"Gradient descent on the surface L = {self.expr.text} from ({fmt(self.start[0], 2)}, {fmt(self.start[1], 2)}) "
                f"with η = {self.learning_rate:g}: after {self.steps} steps L falls from {fmt(self.value(self.start))} "
                f"to {fmt(self.value(e))} at ({fmt(e[0])}, {fmt(e[1])}).")

    def step_table(self):
        rows = [[i + 1, round(float(a[0]), 4), round(float(a[1]), 4), round(self.value(a), 4), round(self.value(b), 4)]
                for i, (a, b) in enumerate(zip(self.path[:-1], self.path[1:]))]
        return ["step", "w1", "w2", "L", "new L"], rows

    def construct(self) -> None:
        p, eta = self.pal, self.learning_rate
        span = max(np.abs(self.path).max() * 1.15, 1.0)
        r = float(np.ceil(span))
        zs = self.expr(w1=np.linspace(-r, r, 41)[:, None], w2=np.linspace(-r, r, 41)[None, :])
        z_lo, z_hi = float(np.nanmin(zs)), float(np.nanmax(zs))
        z_lo = min(0.0, np.floor(z_lo))
        z_hi = float(np.ceil(z_hi))
        axes = ThreeDAxes(x_range=[-r, r, 1], y_range=[-r, r, 1], z_range=[z_lo, z_hi, max(1, (z_hi - z_lo) // 4)],
                          x_length=6, y_length=6, z_length=3, axis_config={"color": p.foreground, "include_tip": False})
        axes.shift(IN * 1.6)
        self.set_camera_orientation(phi=62 * DEGREES, theta=-50 * DEGREES, zoom=0.75)
        surf = Surface(lambda u, v: axes.c2p(u, v, self.value((u, v))), u_range=[-r, r], v_range=[-r, r],
                       resolution=(16, 16), fill_opacity=0.55, stroke_width=0.4, stroke_color=p.curve,
                       checkerboard_colors=[p.curve, p.curve])
        title = self.text(f"L = {self.expr.text}", 24).to_corner(UL, buff=0.3)
        rule = self.text(f"w ← w − {eta:g}·∇L", 22, mono=True).to_corner(UR, buff=0.3)
        labels = self.text("axes: w₁ (right), w₂ (depth), L (up)", 18, p.muted).next_to(title, DOWN, buff=0.15).align_to(title, LEFT)
        self.add_fixed_in_frame_mobjects(title, rule, labels)
        self.remove(title, rule, labels)
        self.play(Create(axes), FadeIn(title), FadeIn(labels), run_time=0.7)
        self.play(Create(surf), run_time=1.2)
        self.play(FadeIn(rule), run_time=0.3)
        pos = lambda q: axes.c2p(q[0], q[1], self.value(q))  # noqa: E731
        dot = Dot3D(pos(self.path[0]), radius=0.09, color=p.current)
        self.play(FadeIn(dot), run_time=0.3)
        for i, (a, b) in enumerate(zip(self.path[:-1], self.path[1:])):
            floor = Arrow(axes.c2p(a[0], a[1], z_lo), axes.c2p(b[0], b[1], z_lo), buff=0, color=p.gradient,
                          stroke_width=5, max_stroke_width_to_length_ratio=20, max_tip_length_to_length_ratio=0.3)
            info = self.pieces([(f"step {i + 1}:  L = {fmt(self.value(a))}  ∇L =", None),
                                (f"({fmt(self.grad(a)[0])}, {fmt(self.grad(a)[1])})", p.gradient)], 18)
            info.to_edge(DOWN, buff=0.3)
            self.add_fixed_in_frame_mobjects(info)
            self.remove(info)
            rt = 0.3 if i < 4 else 0.18
            self.play(GrowArrow(floor), FadeIn(info), run_time=rt)
            self.play(dot.animate.move_to(pos(b)), Create(Line(pos(a), pos(b), color=p.current, stroke_width=4)),
                      FadeOut(floor), FadeOut(info), run_time=rt)
        end = self.text(f"final L = {fmt(self.value(self.path[-1]))} at ({fmt(self.path[-1][0])}, {fmt(self.path[-1][1])})", 22, p.minimum)
        end.to_edge(DOWN, buff=0.3)
        self.add_fixed_in_frame_mobjects(end)
        self.remove(end)
        self.play(FadeIn(end), dot.animate.set_color(p.minimum), run_time=0.5)
        self.wait(1)

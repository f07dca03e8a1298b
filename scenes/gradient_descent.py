"""Gradient descent on a 1-D loss curve (seed ``GradientDescent2D``), parameterised and honest."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UL, UR, Arrow, Create, Dot, FadeIn, FadeOut,
                   GrowArrow, GrowFromCenter, MathTex, Scene, ValueTracker, VGroup, Write,
                   always_redraw)

from ._base import LessonMixin, fmt
from ._expr import parse
from ._maths import gd_1d, nice_range
from ._params import ParameterError, Range, check_params

__all__ = ["GradientDescent"]


class GradientDescent(LessonMixin, Scene):
    """Gradient descent on a 1-D loss curve.

    Shows the loss first, then at every step the gradient arrow, the update w − η·∇L with its
    numbers, and the point moving along the curve; ends by marking the minimum of the plotted range.

    Args:
        loss: Loss L(w) as an expression in w, e.g. ``(w-1)**2 + 0.5*sin(3*w)``.
        start: Initial weight w0.
        learning_rate: Step size eta.
        steps: Maximum number of steps.
        tolerance: Stop early once |dL/dw| falls below this.
    """

    def __init__(self, *, loss: str = "w**2", start: Annotated[float, Range(-100, 100)] = 2.5,
                 learning_rate: Annotated[float, Range(0.0001, 10)] = 0.3,
                 steps: Annotated[int, Range(1, 60)] = 8,
                 tolerance: Annotated[float, Range(0, 10)] = 0.001, **kwargs):
        check_params(type(self), locals())
        self.loss, self.start, self.learning_rate = loss, float(start), float(learning_rate)
        self.steps, self.tolerance = steps, float(tolerance)
        self.expr = parse(loss, ("w",))
        self.dexpr = self.expr.diff("w")
        if not (np.isfinite(self.expr(w=start)) and np.isfinite(self.dexpr(w=start))):
            raise ParameterError(f"start: the loss or its gradient is undefined at w = {start:g}")
        self.trace = gd_1d(self.expr, self.dexpr, self.start, self.learning_rate, steps, self.tolerance)
        limit = 4 * (abs(self.start) + 1)
        self.shown = [s for s in self.trace[: next((i + 1 for i, s in enumerate(self.trace)
                                                      if abs(s.new_w) > limit), None)]]
        self.left_plot = bool(self.shown) and abs(self.shown[-1].new_w) > limit
        self.final_w = self.trace[-1].new_w if self.trace else self.start
        super().__init__(**kwargs)

    # -- plugin hooks ----------------------------------------------------------------------------

    def describe(self) -> str:
        n = len(self.trace)
        head = (f"Gradient descent on L(w) = {self.expr.text} from w = {fmt(self.start, 2)} "
                f"with η = {self.learning_rate:g}")
        if self.left_plot or not np.isfinite(self.final_w):
            return f"{head} diverges: after {n} steps w = {self.final_w:.3g}."
        w_end = self.final_w
        why = "" if n == self.steps else f" (stopped: |∇L| < {self.tolerance:g})"
        return f"{head} reaches w = {fmt(w_end)} in {n} steps{why}, where L(w) = {fmt(float(self.expr(w=w_end)))}."

    def step_table(self):
        rows = [[s.index, round(s.w, 4), round(s.grad, 4), round(s.new_w, 4)] for s in self.trace]
        return ["step", "w", "∇L", "new w"], rows

    # -- drawing ---------------------------------------------------------------------------------

    def construct(self) -> None:
        p, f, eta = self.pal, self.expr, self.learning_rate
        limit = 4 * (abs(self.start) + 1)
        ws = [self.start] + [s.new_w for s in self.shown if abs(s.new_w) <= limit]
        ws += [-0.3 * abs(self.start), 0.3 * abs(self.start)]
        x_lo, x_hi, x_tick = nice_range(ws, pad=0.12)
        xs = np.linspace(x_lo, x_hi, 400)
        ys = f(w=xs)
        fin = ys[np.isfinite(ys)]
        y_lo, y_hi, y_tick = nice_range(np.concatenate([fin, [0.0]]), pad=0.08, min_span=0.5)
        if fin.min() >= 0:
            y_lo = 0.0
        group = self.loss_axes((x_lo, x_hi, x_tick), (y_lo, y_hi, y_tick), 8.0, 4.6)
        group.to_edge(DOWN, buff=0.55).shift(LEFT * 0.4)
        ax = group[0]
        curve = self.polyline(ax, xs, ys, p.curve, y_clip=(y_lo, y_hi))
        title = self.text(f"L(w) = {f.text}", 26).to_corner(UL, buff=0.35)
        rule = MathTex(r"w \leftarrow w - \eta\,\nabla L(w)", r"\quad \eta = " + f"{eta:g}",
                       color=p.foreground, font_size=32).to_corner(UR, buff=0.35)
        self.play(Create(ax), FadeIn(group[1]), FadeIn(title), run_time=0.8)
        self.play(Create(curve), run_time=0.8)
        self.play(Write(rule), run_time=0.6)
        self.rule = rule

        w = ValueTracker(self.start)
        pos = lambda: ax.c2p(w.get_value(), float(f(w=w.get_value())))  # noqa: E731
        dot = always_redraw(lambda: Dot(pos(), radius=0.09, color=p.current))
        label = always_redraw(lambda: self.text(f"w = {fmt(w.get_value())}", 20, p.foreground)
                              .next_to(dot, UR, buff=0.08))
        self.play(GrowFromCenter(dot), FadeIn(label), run_time=0.5)

        nabla = MathTex(r"\nabla L", color=p.gradient, font_size=28)
        eq_anchor = rule.get_bottom() + DOWN * 0.45
        unit = ax.x_axis.get_unit_size()
        for s in self.shown:
            start = ax.c2p(s.w, float(f(w=s.w)))
            length = float(np.clip(abs(s.grad) * 0.5 * unit, 0.6, 2.0))
            arrow = Arrow(start, start + np.sign(s.grad) * length * RIGHT, buff=0, color=p.gradient,
                          stroke_width=6, max_tip_length_to_length_ratio=0.3,
                          max_stroke_width_to_length_ratio=20)
            glabel = VGroup(nabla.copy(), self.text(f"= {fmt(s.grad)}", 22, p.gradient, mono=True))
            glabel.arrange(RIGHT, buff=0.12).move_to(eq_anchor).align_to(rule, RIGHT)
            eq = self.pieces([(f"w ← {fmt(s.w)} − {eta:g} ×", None), (fmt(s.grad), p.gradient),
                              ("=", None), (fmt(s.new_w), p.updated)])
            eq.next_to(glabel, DOWN, buff=0.2).align_to(rule, RIGHT)
            self.play(GrowArrow(arrow), FadeIn(glabel), FadeIn(eq), run_time=0.5)
            self.play(w.animate.set_value(s.new_w if abs(s.new_w) <= limit else s.w), FadeOut(arrow),
                      run_time=0.6)
            self.play(FadeOut(eq), FadeOut(glabel), run_time=0.15)
        self.end_note(ax, curve, xs, ys, limit)

    def end_note(self, ax, curve, xs, ys, limit) -> None:
        p = self.pal
        if self.left_plot:
            msg = self.text(f"w = {self.shown[-1].new_w:.3g} is off the plot: η = {self.learning_rate:g} "
                            "is too large, so w diverges", 22, p.gradient)
            self.play(Write(msg.to_edge(DOWN, buff=0.1)), run_time=0.8)
            self.wait(1)
            return
        fine = np.linspace(xs[0], xs[-1], 40001)
        fy = self.expr(w=fine)
        i = int(np.nanargmin(np.where(np.isfinite(fy), fy, np.nan)))
        w_star = float(fine[i])
        g_end = float(self.dexpr(w=self.final_w))
        mark = Dot(ax.c2p(w_star, float(fy[i])), radius=0.12, color=p.minimum)
        star = self.text(f"minimum on this plot: w* ≈ {fmt(w_star, 2)}", 22, p.minimum)
        star.next_to(self.rule, DOWN, buff=0.3).align_to(self.rule, RIGHT)
        if abs(g_end) < self.tolerance:
            how = f"converged: |∇L| = {fmt(abs(g_end), 4)} < {self.tolerance:g}"
        else:
            how = f"stopped after {len(self.trace)} steps: w = {fmt(self.final_w)}, |∇L| = {fmt(abs(g_end))}"
        note = self.text(how, 20, p.foreground).to_edge(DOWN, buff=0.08)
        self.play(GrowFromCenter(mark), Write(star), FadeIn(note), run_time=0.8)
        self.wait(1)

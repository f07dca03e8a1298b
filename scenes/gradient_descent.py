"""Gradient descent on a 1-D loss curve (seed ``GradientDescent2D``), parameterised and honest."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UR,
    Axes,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    GrowFromCenter,
    MathTex,
    Scene,
    ValueTracker,
    VGroup,
    Write,
    always_redraw,
)

from ._base import LessonMixin, fmt
from ._losses import OneWeightLoss
from ._maths import Step, gd_1d, nice_range
from ._params import Range, check_params

__all__ = ["GradientDescent"]


class GradientDescent(OneWeightLoss, LessonMixin, Scene):
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
        self.init_loss(loss, self.start)
        self.trace = gd_1d(self.expr, self.dexpr, self.start, self.learning_rate, steps, self.tolerance)
        # The plot spans a few times the start; a descent is drawn up to its first step beyond that.
        self.limit = 4 * (abs(self.start) + 1)
        self.shown = self.trace[: next((i + 1 for i, s in enumerate(self.trace) if abs(s.new_w) > self.limit), None)]
        self.left_plot = bool(self.shown) and abs(self.shown[-1].new_w) > self.limit
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

    # -- drawing: one method per stage, as Manim's own scenes split construct ---------------------

    def construct(self) -> None:
        self.section("The loss and the update rule")
        ax = self.show_loss()
        self.section(f"Start at w = {fmt(self.start, 2)}")
        w = self.show_start(ax)
        for step in self.shown:
            self.show_step(ax, w, step)
        self.section("Where the descent ended")
        self.show_end(ax)

    def show_loss(self) -> Axes:
        """Axes labelled w and L(w), the loss curve, and the update rule with η."""
        p, f = self.pal, self.expr
        ws = [self.start] + [s.new_w for s in self.shown if abs(s.new_w) <= self.limit]
        ws += [-0.3 * abs(self.start), 0.3 * abs(self.start)]
        self.w_range = nice_range(ws, pad=0.12)
        xs, ys, l_range = self.loss_view(self.w_range, 400, pad=0.08)
        group = self.loss_axes(self.w_range, l_range, 8.0, 4.6)
        group.to_edge(DOWN, buff=0.55).shift(LEFT * 0.4)
        ax = group[0]
        curve = self.polyline(ax, xs, ys, p.curve, y_clip=l_range[:2])
        title = self.text(f"L(w) = {f.text}", 26).to_corner(UL, buff=0.35)
        self.rule = MathTex(r"w \leftarrow w - \eta\,\nabla L(w)", r"\quad \eta = " + f"{self.learning_rate:g}",
                            color=p.foreground, font_size=32).to_corner(UR, buff=0.35)
        self.play(Create(ax), FadeIn(group[1]), FadeIn(title), run_time=0.8)
        self.play(Create(curve), run_time=0.8)
        self.play(Write(self.rule), run_time=0.6)
        return ax

    def show_start(self, ax: Axes) -> ValueTracker:
        """The weight as a ValueTracker, drawn as a point on the curve with its value beside it."""
        p, f = self.pal, self.expr
        w = ValueTracker(self.start)
        # A weight beyond the plot keeps its true value in the label; the point waits at the edge.
        on_plot = lambda: float(np.clip(w.get_value(), self.w_range[0], self.w_range[1]))
        dot = always_redraw(lambda: Dot(ax.c2p(on_plot(), float(f(w=on_plot()))), radius=0.09, color=p.current))
        label = always_redraw(lambda: self.text(f"w = {fmt(w.get_value())}", 20, p.foreground)
                              .next_to(dot, UR, buff=0.08))
        self.play(GrowFromCenter(dot), FadeIn(label), run_time=0.5)
        return w

    def show_step(self, ax: Axes, w: ValueTracker, s: Step) -> None:
        """Gradient arrow and the update with its numbers, then the point slides to the new weight."""
        p, f = self.pal, self.expr
        start = ax.c2p(s.w, float(f(w=s.w)))
        length = float(np.clip(abs(s.grad) * 0.5 * ax.x_axis.get_unit_size(), 0.6, 2.0))
        arrow = self.gradient_arrow(start, start + np.sign(s.grad) * length * RIGHT, width=6)
        glabel = VGroup(MathTex(r"\nabla L", color=p.gradient, font_size=28),
                        self.text(f"= {fmt(s.grad)}", 22, p.gradient, mono=True))
        glabel.arrange(RIGHT, buff=0.12).move_to(self.rule.get_bottom() + DOWN * 0.45).align_to(self.rule, RIGHT)
        eq = self.update_line(s.w, self.learning_rate, s.grad, s.new_w)
        eq.next_to(glabel, DOWN, buff=0.2).align_to(self.rule, RIGHT)
        self.section(f"Gradient {s.index}: ∇L = {fmt(s.grad)}", row=s.index - 1)
        self.play(GrowArrow(arrow), FadeIn(glabel), FadeIn(eq), run_time=0.5)
        self.section(f"Update {s.index}: w = {fmt(s.new_w)}", row=s.index - 1)
        self.play(w.animate.set_value(s.new_w), FadeOut(arrow), run_time=0.6)
        self.play(FadeOut(eq), FadeOut(glabel), run_time=0.15)

    def show_end(self, ax: Axes) -> None:
        """Either why w left the plot, or the plotted minimum and whether the descent converged."""
        p = self.pal
        if self.left_plot:
            w_out = f"{self.shown[-1].new_w:.3g}".replace("-", "−")
            msg = self.text(f"w = {w_out} is off the plot: η = {self.learning_rate:g} "
                            "is too large, so w diverges", 22, p.gradient)
            self.play(Write(msg.to_edge(DOWN, buff=0.1)), run_time=0.8)
            self.wait(1)
            return
        fine = np.linspace(self.w_range[0], self.w_range[1], 40001)
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

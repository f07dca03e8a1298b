"""Gradient descent on a 1-D loss curve (seed ``GradientDescent2D``), parameterised and honest."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    UR,
    Axes,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    GrowFromCenter,
    GrowFromPoint,
    MathTex,
    Scene,
    UpdateFromFunc,
    ValueTracker,
    VGroup,
    Write,
)

from ._base import CheapCopies, LessonMixin, counted, fmt
from ._losses import OneWeightLoss
from ._maths import Step, gd_1d, nice_range
from ._params import Range, check_params
from ._typography import TYPE, tex

__all__ = ["GradientDescent"]


class GradientDescent(OneWeightLoss, CheapCopies, LessonMixin, Scene):
    """Gradient descent on a 1-D loss curve.

    Shows the loss first, then at every step the gradient ∇L as a red arrow (uphill), the step
    −η∇L as a dashed arrow to where the update puts w, the update with its numbers, and the point
    moving along the curve; ends by marking the minimum of the plotted range.

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
        ws = [self.start] + [s.new_w for s in self.shown if abs(s.new_w) <= self.limit]
        self.w_range = nice_range(ws + [-0.3 * abs(self.start), 0.3 * abs(self.start)], pad=0.12)
        super().__init__(**kwargs)

    # -- plugin hooks ----------------------------------------------------------------------------

    def describe(self) -> str:
        n = len(self.trace)
        head = (f"Gradient descent on L(w) = {self.expr.text} from w = {fmt(self.start, 2)} "
                f"with η = {self.learning_rate:g}")
        if self.left_plot or not np.isfinite(self.final_w):
            return f"{head} diverges: after {counted(n, 'step')} w = {self.final_w:.3g}."
        w_end = self.final_w
        why = "" if n == self.steps else f" (stopped: |∇L| < {self.tolerance:g})"
        return f"{head} reaches w = {fmt(w_end)} in {counted(n, 'step')}{why}, where L(w) = {fmt(float(self.expr(w=w_end)))}."

    def step_table(self):
        rows = [[s.index, round(s.w, 4), round(s.grad, 4), round(s.new_w, 4)] for s in self.trace]
        return ["step", "w", "∇L", "new w"], rows

    def values(self) -> dict[str, str]:
        """``steps_taken``, ``first_grad``, ``first_w``, ``final_w``, ``final_loss``, ``final_grad``,
        ``converged``, ``diverged``, ``minimum_w``: as the frames show them."""
        out = {"steps_taken": str(len(self.trace)), "diverged": "yes" if self.left_plot else "no"}
        if self.trace:
            out.update(first_grad=fmt(self.trace[0].grad), first_w=fmt(self.trace[0].new_w))
        if self.left_plot:
            return out | {"final_w": _sig(self.shown[-1].new_w), "converged": "no"}
        g_end = abs(float(self.dexpr(w=self.final_w)))
        return out | {"final_w": fmt(self.final_w), "final_loss": fmt(float(self.expr(w=self.final_w))),
                      "final_grad": fmt(g_end, 4 if g_end < self.tolerance else 3),
                      "converged": "yes" if g_end < self.tolerance else "no",
                      "minimum_w": fmt(self.plotted_minimum()[0], 2)}

    def plotted_minimum(self) -> tuple[float, float]:
        """(w*, L(w*)): the lowest point of the loss over the plotted range, on a fine grid."""
        fine = np.linspace(self.w_range[0], self.w_range[1], 40001)
        fy = self.expr(w=fine)
        i = int(np.nanargmin(np.where(np.isfinite(fy), fy, np.nan)))
        return float(fine[i]), float(fy[i])

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
        xs, ys, l_range = self.loss_view(self.w_range, 400, pad=0.08)
        group = self.loss_axes(self.w_range, l_range, 7.4, 4.4)
        group.to_edge(DOWN, buff=0.6).to_edge(LEFT, buff=0.9)
        ax = group[0]
        curve = self.polyline(ax, xs, ys, p.curve, y_clip=l_range[:2])
        title = self.text(f"L(w) = {f.text}", TYPE.label).to_corner(UL, buff=0.35)
        self.rule = MathTex(r"w \leftarrow w - \eta\,\nabla L(w)", r"\quad \eta = " + f"{self.learning_rate:g}",
                            color=p.foreground, font_size=tex(TYPE.label)).to_corner(UR, buff=0.35)
        self.play(Create(ax), FadeIn(group[1]), FadeIn(title), run_time=0.8)
        self.play(Create(curve), run_time=0.8)
        self.play(Write(self.rule), run_time=0.6)
        return ax

    def show_start(self, ax: Axes) -> ValueTracker:
        """The weight as a ValueTracker, drawn as a point on the curve with its value beside it."""
        p = self.pal
        w = ValueTracker(self.start)
        self.dot = Dot(radius=0.09, color=p.current)
        self.label = VGroup(self.text("w =", TYPE.body), self.number(self.start, TYPE.body))
        self.follow(ax, w)
        self.play(GrowFromCenter(self.dot), FadeIn(self.label), run_time=0.5)
        return w

    def follow(self, ax: Axes, w: ValueTracker) -> None:
        """Put the point and its label where ``w`` is now; run only while w moves (UpdateFromFunc)."""
        # A weight beyond the plot keeps its true value in the label; the point waits at the edge.
        on_plot = float(np.clip(w.get_value(), self.w_range[0], self.w_range[1]))
        self.dot.move_to(ax.c2p(on_plot, float(self.expr(w=on_plot))))
        self.label[1].set_value(w.get_value())
        self.label[1].next_to(self.label[0], RIGHT, buff=0.12, aligned_edge=DOWN)
        self.label.next_to(self.dot, UR, buff=0.08)

    def show_step(self, ax: Axes, w: ValueTracker, s: Step) -> None:
        """The gradient (red, uphill) and the step −η∇L (dashed, to scale) at the point, the update
        with its numbers, then the point slides to the new weight."""
        p, f = self.pal, self.expr
        start = ax.c2p(s.w, float(f(w=s.w)))
        length = float(np.clip(abs(s.grad) * 0.5 * ax.x_axis.get_unit_size(), 0.6, 2.0))
        arrow = self.gradient_arrow(start, start + np.sign(s.grad) * length * RIGHT, width=6)
        # Labels keep clear of the value label up and to the right of the point.
        glabel = self.arrow_label(arrow, r"\nabla L", p.gradient, side=DOWN)
        to = float(np.clip(s.new_w, self.w_range[0], self.w_range[1]))
        step = self.step_arrow(start, ax.c2p(to, float(f(w=s.w))))
        slabel = self.arrow_label(step, r"-\eta\nabla L", p.step, side=UP if s.grad > 0 else DOWN)
        shown = VGroup(arrow, glabel)
        if abs(to - s.w) * ax.x_axis.get_unit_size() > 0.6:  # a label only where the arrow has room for it
            shown.add(slabel)
        value = VGroup(MathTex(r"\nabla L", color=p.gradient, font_size=tex(TYPE.body)),
                       self.text(f"= {fmt(s.grad)}", TYPE.body, p.gradient, mono=True))
        value.arrange(RIGHT, buff=0.12).next_to(self.rule, DOWN, buff=0.3).align_to(self.rule, RIGHT)
        eq = self.update_line(s.w, self.learning_rate, s.grad, s.new_w)
        eq.next_to(value, DOWN, buff=0.2).align_to(self.rule, RIGHT)
        self.section(f"Gradient {s.index}: ∇L = {fmt(s.grad)}", row=s.index - 1)
        self.play(GrowArrow(arrow), GrowFromPoint(step, start), FadeIn(shown[1:]), FadeIn(value), FadeIn(eq), run_time=0.5)
        self.section(f"Update {s.index}: w = {fmt(s.new_w)}", row=s.index - 1)
        self.play(w.animate.set_value(s.new_w), UpdateFromFunc(self.dot, lambda _: self.follow(ax, w)),
                  FadeOut(shown), FadeOut(step), run_time=0.6)
        self.play(FadeOut(eq), FadeOut(value), run_time=0.15)

    def show_end(self, ax: Axes) -> None:
        """Either why w left the plot, or the plotted minimum and whether the descent converged."""
        p, v = self.pal, self.values()
        if self.left_plot:
            msg = self.text(f"w = {v['final_w']} is off the plot: η = {self.learning_rate:g} "
                            "is too large, so w diverges", TYPE.body, p.gradient)
            self.play(Write(msg.to_edge(DOWN, buff=0.1)), run_time=0.8)
            self.wait(1)
            return
        w_star, l_star = self.plotted_minimum()
        mark = Dot(ax.c2p(w_star, l_star), radius=0.12, color=p.minimum)
        star = self.text(f"minimum on this plot: w* ≈ {v['minimum_w']}", TYPE.body, p.minimum)
        star.next_to(self.rule, DOWN, buff=0.3).align_to(self.rule, RIGHT)
        if v["converged"] == "yes":
            how = f"converged: |∇L| = {v['final_grad']} < {self.tolerance:g}"
        else:
            how = f"stopped after {counted(int(v['steps_taken']), 'step')}: w = {v['final_w']}, |∇L| = {v['final_grad']}"
        note = self.text(how, TYPE.body).next_to(star, DOWN, buff=0.2).align_to(self.rule, RIGHT)
        self.play(GrowFromCenter(mark), Write(star), FadeIn(note), run_time=0.8)
        self.wait(1)


def _sig(x: float) -> str:
    """A runaway weight to three significant figures, with a true minus sign."""
    return f"{x:.3g}".replace("-", "−")


"""Stochastic / mini-batch gradient descent: noisy steps around the full-batch path."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Axes,
    Create,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    GrowFromPoint,
    Line,
    Scene,
    VGroup,
    VMobject,
)

from ._base import CheapCopies, LessonMixin, contour_mobjects, counted, fmt, square_view
from ._maths import gd_path, make_regression, minibatch_path, mse_grad, mse_loss
from ._params import ParameterError, Range, check_params
from ._typography import TYPE

__all__ = ["StochasticDescent"]


class StochasticDescent(CheapCopies, LessonMixin, Scene):
    """Mini-batch SGD on a line fit y ≈ w·x + b, against the full-batch gradient descent path.

    The data are a reproducible noisy line; each step uses a random mini-batch, so its gradient is
    a noisy estimate of the full one. At each step the mini-batch gradient ∇L_B is a red arrow at
    the point (uphill) and the step −η∇L_B a dashed arrow to where the update puts the point.

    Args:
        samples: Number of data points.
        batch_size: Samples per mini-batch.
        learning_rate: Step size eta (same for both paths).
        steps: Number of steps.
        start: Initial parameters [w, b].
        seed: Random seed for the data and the batches.
    """

    def __init__(self, *, samples: Annotated[int, Range(2, 200)] = 32, batch_size: Annotated[int, Range(1, 200)] = 4,
                 learning_rate: Annotated[float, Range(0.0001, 2)] = 0.3, steps: Annotated[int, Range(1, 60)] = 20,
                 start: Annotated[list[float], Range(-20, 20)] = [-1.0, 2.0],  # noqa: B006
                 seed: Annotated[int, Range(0, 1000000)] = 1, **kwargs):
        check_params(type(self), locals())
        if len(start) != 2:
            raise ParameterError("start: give two numbers [w, b]")
        if batch_size > samples:
            raise ParameterError(f"batch_size: {batch_size} is larger than samples ({samples})")
        self.samples, self.batch_size, self.learning_rate, self.steps = samples, batch_size, float(learning_rate), steps
        self.start, self.seed = [float(v) for v in start], seed
        self.x, self.y = make_regression(samples, seed)
        self.full = gd_path(lambda q: mse_grad(q, self.x, self.y), self.start, self.learning_rate, steps)
        self.sgd = minibatch_path(self.x, self.y, self.start, self.learning_rate, steps, batch_size, seed + 1)
        if np.abs(self.sgd).max() > 1e3 or np.abs(self.full).max() > 1e3:
            raise ParameterError(f"learning_rate: η = {learning_rate:g} makes the descent diverge; try a smaller value")
        super().__init__(**kwargs)

    def loss(self, q) -> float:
        return float(mse_loss(q[0], q[1], self.x, self.y))

    def describe(self) -> str:
        return (f"Mini-batch SGD (batch {self.batch_size} of {self.samples}) with η = {self.learning_rate:g} fits "
                f"y ≈ w·x + b: after {counted(self.steps, 'step')} it reaches "
                f"(w, b) = ({fmt(self.sgd[-1][0])}, {fmt(self.sgd[-1][1])}), "
                f"loss {fmt(self.loss(self.sgd[-1]))}, against full-batch ({fmt(self.full[-1][0])}, {fmt(self.full[-1][1])}), "
                f"loss {fmt(self.loss(self.full[-1]))}.")

    def values(self) -> dict[str, str]:
        """``steps``, ``batch_size``, ``samples``, ``sgd_w``, ``sgd_b``, ``sgd_loss``, ``full_w``,
        ``full_b``, ``full_loss``, ``start_loss``: as the frames show them."""
        s, f = self.sgd[-1], self.full[-1]
        return {"steps": str(self.steps), "batch_size": str(self.batch_size), "samples": str(self.samples),
                "sgd_w": fmt(s[0]), "sgd_b": fmt(s[1]), "sgd_loss": fmt(self.loss(s)),
                "full_w": fmt(f[0]), "full_b": fmt(f[1]), "full_loss": fmt(self.loss(f)),
                "start_loss": fmt(self.loss(self.sgd[0]))}

    def step_table(self):
        rows = []
        for i in range(self.steps):
            g = (self.sgd[i] - self.sgd[i + 1]) / self.learning_rate
            rows.append([i + 1, round(float(self.sgd[i][0]), 4), round(float(self.sgd[i][1]), 4),
                         round(float(g[0]), 4), round(float(g[1]), 4)])
        return ["step", "w", "b", "batch ∂L/∂w", "batch ∂L/∂b"], rows

    # -- drawing: one method per stage --------------------------------------------------------

    def construct(self) -> None:
        self.section("The loss over all samples")
        ax = self.show_loss()
        self.section("The full-batch path")
        legend = self.show_full_batch(ax)
        dot = Dot(ax.c2p(*self.sgd[0]), radius=0.08, color=self.pal.current)
        self.play(FadeIn(dot), run_time=0.3)
        for i, (a, b) in enumerate(zip(self.sgd[:-1], self.sgd[1:], strict=True)):
            self.show_step(ax, legend, dot, i, a, b)
        self.section("Mini-batch and full batch compared")
        self.show_end(legend)

    def show_loss(self) -> Axes:
        """Axes in (w, b) over both paths, with contour lines of the mean squared error."""
        xr, yr = square_view(np.vstack([self.full, self.sgd]), pad=0.15)
        sx, sy = xr[1] - xr[0], yr[1] - yr[0]
        scale = min(6.0 / sx, 5.6 / sy)
        self.axes_group = self.loss_axes(xr, yr, sx * scale, sy * scale, "w", "b")
        self.axes_group.to_edge(LEFT, buff=0.6).to_edge(DOWN, buff=0.45)
        ax = self.axes_group[0]
        f = lambda w1, w2: mse_loss(w1, w2, self.x, self.y)
        title = self.text(f"L(w, b) = mean over {self.samples} points of (w·x + b − y)²", TYPE.label)
        title.to_corner(UL, buff=0.3)
        self.play(Create(ax), FadeIn(self.axes_group[1]), FadeIn(title), run_time=0.7)
        self.play(Create(contour_mobjects(ax, f, xr, yr, 8, self.pal.curve, n=50)), run_time=1.0)
        return ax

    def show_full_batch(self, ax: Axes) -> VGroup:
        """The full-batch path, dashed, with a legend of both update rules; returns the legend."""
        p, eta = self.pal, self.learning_rate
        full = VMobject(stroke_color=p.foreground, stroke_width=3).set_points_as_corners([ax.c2p(*q) for q in self.full])
        legend = VGroup(self.text(f"dashed line: full batch, w ← w − {eta:g}·∇L", TYPE.small),
                        self.text(f"solid: mini-batch of {self.batch_size}, w ← w − {eta:g}·∇L_B", TYPE.small, p.current),
                        self.text("red: ∇L_B at the point (uphill)", TYPE.small, p.gradient),
                        self.text("dashed arrow: the step −η∇L_B", TYPE.small, p.step))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.12).next_to(self.axes_group, RIGHT, buff=0.4).to_edge(UP, buff=1.0)
        self.play(Create(DashedVMobject(full, num_dashes=40)), FadeIn(legend), run_time=1.0)
        return legend

    def show_step(self, ax: Axes, legend: VGroup, dot: Dot, i: int, a: np.ndarray, b: np.ndarray) -> None:
        """One mini-batch step: its gradient (red, uphill), the step −η∇L_B (dashed) and the numbers,
        then the point moves and leaves a trail."""
        longest = float(np.linalg.norm(np.diff(self.sgd, axis=0), axis=1).max())
        length = float(np.clip(1.1 * np.linalg.norm(a - b) / (longest + 1e-12), 0.35, 1.1))
        arrow, step = self.gradient_and_step(ax.c2p(*a), ax.c2p(*b), length)
        info = self.step_panel(i + 1, a, (a - b) / self.learning_rate, b, self.learning_rate,
                               name="(w, b)", nabla="∇L_B", size=TYPE.small)
        info.next_to(legend, DOWN, buff=0.35).align_to(legend, LEFT)
        trail = Line(ax.c2p(*a), ax.c2p(*b), color=self.pal.current, stroke_width=3)
        rt = 0.25 if i < 5 else 0.12  # the first steps slowly, the rest briskly
        self.section(f"Mini-batch gradient {i + 1}", row=i)
        self.play(GrowArrow(arrow), GrowFromPoint(step, ax.c2p(*a)), FadeIn(info), run_time=rt)
        self.section(f"Update {i + 1}: (w, b) = ({fmt(b[0])}, {fmt(b[1])})", row=i)
        self.play(dot.animate.move_to(ax.c2p(*b)), Create(trail), FadeOut(arrow), FadeOut(step), FadeOut(info),
                  run_time=rt)

    def show_end(self, legend: VGroup) -> None:
        v = self.values()
        end = VGroup(self.text(f"mini-batch: L = {v['sgd_loss']}", TYPE.body, self.pal.current),
                     self.text(f"full batch: L = {v['full_loss']}", TYPE.body))
        end.arrange(DOWN, aligned_edge=LEFT, buff=0.12).next_to(legend, DOWN, buff=0.4).align_to(legend, LEFT)
        self.play(FadeIn(end), run_time=0.5)
        self.wait(1)

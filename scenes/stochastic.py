"""Stochastic / mini-batch gradient descent: noisy steps around the full-batch path."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UL, UP, Arrow, Create, DashedVMobject, Dot, FadeIn, FadeOut, GrowArrow,
                   Line, Scene, VGroup, VMobject)

from ._base import LessonMixin, contour_mobjects, fmt, square_view
from ._maths import gd_path, make_regression, minibatch_path, mse_grad, mse_loss
from ._params import ParameterError, Range, check_params

__all__ = ["StochasticDescent"]


class StochasticDescent(LessonMixin, Scene):
    """Mini-batch SGD on a line fit y ≈ w·x + b, against the full-batch gradient descent path.

    The data are a reproducible noisy line; each step uses a random mini-batch, so its gradient is
    a noisy estimate of the full one.

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
                f"y ≈ w·x + b: after {self.steps} steps it reaches (w, b) = ({fmt(self.sgd[-1][0])}, {fmt(self.sgd[-1][1])}), "
                f"loss {fmt(self.loss(self.sgd[-1]))}, against full-batch ({fmt(self.full[-1][0])}, {fmt(self.full[-1][1])}), "
                f"loss {fmt(self.loss(self.full[-1]))}.")

    def step_table(self):
        rows = []
        for i in range(self.steps):
            g = (self.sgd[i] - self.sgd[i + 1]) / self.learning_rate
            rows.append([i + 1, round(float(self.sgd[i][0]), 4), round(float(self.sgd[i][1]), 4),
                         round(float(g[0]), 4), round(float(g[1]), 4)])
        return ["step", "w", "b", "batch ∂L/∂w", "batch ∂L/∂b"], rows

    def construct(self) -> None:
        p, eta = self.pal, self.learning_rate
        xr, yr = square_view(np.vstack([self.full, self.sgd]), pad=0.15)
        sx, sy = xr[1] - xr[0], yr[1] - yr[0]
        scale = min(6.6 / sx, 6.0 / sy)
        g = self.loss_axes(xr, yr, sx * scale, sy * scale, "w", "b").to_edge(LEFT, buff=0.6).to_edge(DOWN, buff=0.45)
        ax = g[0]
        f = lambda w1, w2: mse_loss(w1, w2, self.x, self.y)  # noqa: E731
        title = self.text(f"L(w, b) = mean over {self.samples} points of (w·x + b − y)²", 22).to_corner(UL, buff=0.3)
        self.play(Create(ax), FadeIn(g[1]), FadeIn(title), run_time=0.7)
        self.play(Create(contour_mobjects(ax, f, xr, yr, 8, p.curve, n=50)), run_time=1.0)
        full = VMobject(stroke_color=p.foreground, stroke_width=3).set_points_as_corners([ax.c2p(*q) for q in self.full])
        legend = VGroup(self.text(f"dashed: full batch,  w ← w − {eta:g}·∇L", 18),
                        self.text(f"solid: mini-batch of {self.batch_size},  w ← w − {eta:g}·∇L_B", 18, p.current),
                        self.text("red: the mini-batch step −η∇L_B", 18, p.gradient))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.12).next_to(g, RIGHT, buff=0.4).to_edge(UP, buff=1.0)
        self.play(Create(DashedVMobject(full, num_dashes=40)), FadeIn(legend), run_time=1.0)
        dot = Dot(ax.c2p(*self.sgd[0]), radius=0.08, color=p.current)
        self.play(FadeIn(dot), run_time=0.3)
        for i, (a, b) in enumerate(zip(self.sgd[:-1], self.sgd[1:])):
            gb = (a - b) / eta
            arrow = Arrow(ax.c2p(*a), ax.c2p(*b), buff=0, color=p.gradient, stroke_width=5,
                          max_stroke_width_to_length_ratio=20, max_tip_length_to_length_ratio=0.3)
            info = self.pieces([(f"step {i + 1}:  ∇L_B =", None), (f"({fmt(gb[0])}, {fmt(gb[1])})", p.gradient)], 18)
            info.next_to(legend, DOWN, buff=0.4).align_to(legend, LEFT)
            rt = 0.25 if i < 5 else 0.12
            self.play(GrowArrow(arrow), FadeIn(info), run_time=rt)
            self.play(dot.animate.move_to(ax.c2p(*b)), Create(Line(ax.c2p(*a), ax.c2p(*b), color=p.current, stroke_width=3)),
                      FadeOut(arrow), FadeOut(info), run_time=rt)
        end = VGroup(self.text(f"mini-batch: L = {fmt(self.loss(self.sgd[-1]))}", 20, p.current),
                     self.text(f"full batch: L = {fmt(self.loss(self.full[-1]))}", 20))
        end.arrange(DOWN, aligned_edge=LEFT, buff=0.12).next_to(legend, DOWN, buff=0.4).align_to(legend, LEFT)
        self.play(FadeIn(end), run_time=0.5)
        self.wait(1)

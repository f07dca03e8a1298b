"""Optimizer comparison on a 2-D valley: plain gradient descent, momentum and Adam side by side."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, UP, Axes, Create, Dot, FadeIn, FadeOut, GrowArrow, LaggedStart, Line, Scene, VGroup

from ._base import CheapCopies, LessonMixin, contour_mobjects, counted, fmt, square_view
from ._losses import TwoWeightLoss
from ._maths import adam_path, gd_path, momentum_path
from ._params import Range, check_params
from ._typography import TYPE

__all__ = ["OptimizerComparison"]


class OptimizerComparison(TwoWeightLoss, CheapCopies, LessonMixin, Scene):
    """Plain GD, momentum and Adam from the same start on a narrow valley, drawn step by step.

    Args:
        loss: Loss L(w1, w2) as an expression in w1 and w2; a narrow valley shows the differences.
        start: Initial point [w1, w2].
        learning_rate: Step size eta of plain GD and momentum.
        momentum: Momentum coefficient beta.
        adam_learning_rate: Step size of Adam.
        steps: Number of steps for every optimizer.
    """

    def __init__(self, *, loss: str = "0.1*w1**2 + 2*w2**2",
                 start: Annotated[list[float], Range(-100, 100)] = [-4.0, 1.5],  # noqa: B006
                 learning_rate: Annotated[float, Range(0.0001, 10)] = 0.2,
                 momentum: Annotated[float, Range(0, 0.999)] = 0.8,
                 adam_learning_rate: Annotated[float, Range(0.0001, 10)] = 0.5,
                 steps: Annotated[int, Range(1, 60)] = 25, **kwargs):
        check_params(type(self), locals())
        self.loss, self.start, self.steps = loss, [float(v) for v in start], steps
        self.learning_rate, self.momentum = float(learning_rate), float(momentum)
        self.adam_learning_rate = float(adam_learning_rate)
        self.init_loss(loss, self.start)
        paths = {
            "GD": gd_path(self.grad, self.start, self.learning_rate, steps),
            "Momentum": momentum_path(self.grad, self.start, self.learning_rate, self.momentum, steps),
            "Adam": adam_path(self.grad, self.start, self.adam_learning_rate, steps),
        }
        self.paths = {name: self.bounded(path, self.start, 100, f"{name} diverges with these settings; lower its learning rate")
                      for name, path in paths.items()}
        super().__init__(**kwargs)

    def describe(self) -> str:
        ends = "; ".join(f"{k} ends at ({fmt(v[-1][0])}, {fmt(v[-1][1])}) with L = {fmt(self.value(v[-1]))}"
                         for k, v in self.paths.items())
        return (f"{counted(self.steps, 'step')} on L = {self.expr.text} from ({fmt(self.start[0], 2)}, {fmt(self.start[1], 2)}): "
                f"{ends}.")

    def values(self) -> dict[str, str]:
        """For each optimizer ``gd``, ``momentum``, ``adam``: ``<name>_w1``, ``<name>_w2``, ``<name>_loss``;
        and ``steps``, ``start_loss``: as the frames show them."""
        out = {"steps": str(self.steps), "start_loss": fmt(self.value(self.start))}
        for name, path in self.paths.items():
            key = name.lower()
            out |= {f"{key}_w1": fmt(path[-1][0]), f"{key}_w2": fmt(path[-1][1]), f"{key}_loss": fmt(self.value(path[-1]))}
        return out

    def step_table(self):
        head = ["step"] + [f"{k} {c}" for k in self.paths for c in ("w1", "w2")]
        rows = [[i] + [round(float(v[i][c]), 4) for v in self.paths.values() for c in (0, 1)]
                for i in range(1, self.steps + 1)]
        return head, rows

    # -- drawing: one method per stage --------------------------------------------------------

    def construct(self) -> None:
        p = self.pal
        colors = {"GD": p.current, "Momentum": p.path_b, "Adam": p.path_c}
        self.section("The loss's contour lines")
        ax = self.show_loss()
        self.section("Three update rules")
        legend = self.show_rules(colors)
        dots = {k: Dot(ax.c2p(*self.start), radius=0.09, color=c) for k, c in colors.items()}
        self.play(*[FadeIn(d) for d in dots.values()], run_time=0.3)
        for i in range(self.steps):
            self.show_round(ax, dots, colors, i)
        self.section("Where each optimizer ended")
        v = self.values()
        summary = VGroup(*[self.text(f"{k}: L = {v[k.lower() + '_loss']} at ({v[k.lower() + '_w1']}, {v[k.lower() + '_w2']})",
                                     TYPE.body, colors[k]) for k in self.paths])
        summary.arrange(DOWN, aligned_edge=LEFT, buff=0.12).next_to(legend, DOWN, buff=0.3).to_edge(RIGHT, buff=0.2)
        self.play(LaggedStart(*[FadeIn(s) for s in summary], lag_ratio=0.3), run_time=0.8)
        self.wait(1)

    def show_loss(self) -> Axes:
        """Axes in (w1, w2) over all three paths and the minimum, with the loss's contour lines."""
        pts = np.vstack(list(self.paths.values()) + [np.array([[0.0, 0.0]])])
        xr, yr = square_view(pts, pad=0.1)
        sx, sy = xr[1] - xr[0], yr[1] - yr[0]
        scale = min(8.4 / sx, 5.0 / sy)
        g = self.loss_axes(xr, yr, sx * scale, sy * scale, "w_1", "w_2").to_edge(LEFT, buff=0.5).to_edge(DOWN, buff=0.4)
        ax = g[0]
        title = self.text(f"L = {self.expr.text}", TYPE.label).to_corner(UL, buff=0.3)
        self.play(Create(ax), FadeIn(g[1]), FadeIn(title), run_time=0.7)
        self.play(Create(contour_mobjects(ax, self.expr, xr, yr, 8, self.pal.curve)), run_time=1.0)
        return ax

    def show_rules(self, colors: dict[str, str]) -> VGroup:
        """Each optimizer's update rule with its step size, in its path's colour."""
        eta, beta, eta_a = self.learning_rate, self.momentum, self.adam_learning_rate
        rules = {"GD": f"GD:  w ← w − {eta:g}·∇L",
                 "Momentum": f"Momentum:  v ← {beta:g}·v + ∇L,  w ← w − {eta:g}·v",
                 "Adam": f"Adam:  w ← w − {eta_a:g}·m̂ / (√v̂ + ε)"}
        legend = VGroup(*[self.text(rules[k], TYPE.small, colors[k]) for k in self.paths])
        legend.add(self.text("red: ∇L at each point (uphill; direction only)", TYPE.small, self.pal.gradient))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.12).to_corner(UP + RIGHT, buff=0.3)
        self.play(FadeIn(legend), run_time=0.5)
        return legend

    def show_round(self, ax: Axes, dots: dict, colors: dict[str, str], i: int) -> None:
        """Step ``i`` of every optimizer: ∇L arrows at each point, then the points move, a little staggered."""
        arrows, moves, trails = [], [], []
        for k, path in self.paths.items():
            a, b = path[i], path[i + 1]
            d = ax.c2p(*(a + self.grad(a))) - ax.c2p(*a)  # ∇L mapped to the screen, uphill
            n = np.linalg.norm(d)
            if n > 1e-12:
                arrows.append(self.gradient_arrow(ax.c2p(*a), ax.c2p(*a) + d / n * 0.45,
                                                  width=4, tip=0.35))
            trails.append(Line(ax.c2p(*a), ax.c2p(*b), color=colors[k], stroke_width=3))
            moves.append(dots[k].animate.move_to(ax.c2p(*b)))
        rt = 0.25 if i < 5 else 0.12  # the first steps slowly, the rest briskly
        self.section(f"Gradients {i + 1}", row=i)
        self.play(LaggedStart(*[GrowArrow(x) for x in arrows], lag_ratio=0.2), run_time=rt)
        self.section(f"Updates {i + 1}", row=i)
        self.play(LaggedStart(*[Create(t) for t in trails], lag_ratio=0.2),
                  LaggedStart(*moves, lag_ratio=0.2), *[FadeOut(x) for x in arrows], run_time=rt)

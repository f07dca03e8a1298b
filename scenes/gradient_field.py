"""Gradient field on a 2-D loss (seed ``GradientVectorField``): real contours, −∇L field, the path."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Arrow,
    Axes,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    GrowFromCenter,
    GrowFromPoint,
    Line,
    MathTex,
    Scene,
    VGroup,
    Write,
)

from ._base import CheapCopies, LessonMixin, contour_mobjects, counted, fmt, square_view
from ._losses import TwoWeightLoss
from ._params import Range, check_params
from ._typography import TYPE, tex

__all__ = ["GradientField"]


class GradientField(TwoWeightLoss, CheapCopies, LessonMixin, Scene):
    """Gradient descent on a 2-D loss over its contour lines and its negative-gradient field.

    At each step the gradient ∇L is a red arrow at the point (uphill) and the step −η∇L a dashed
    arrow to where the update puts the point.

    Args:
        loss: Loss L(w1, w2) as an expression in w1 and w2, e.g. ``w1**2 + 3*w2**2``.
        start: Initial point [w1, w2].
        learning_rate: Step size eta.
        steps: Number of steps.
    """

    def __init__(self, *, loss: str = "w1**2 + 3*w2**2",
                 start: Annotated[list[float], Range(-100, 100)] = [2.5, 2.0],  # noqa: B006
                 learning_rate: Annotated[float, Range(0.0001, 10)] = 0.12,
                 steps: Annotated[int, Range(1, 60)] = 15, **kwargs):
        check_params(type(self), locals())
        self.loss, self.start = loss, [float(v) for v in start]
        self.learning_rate, self.steps = float(learning_rate), steps
        self.init_loss(loss, self.start)
        self.path = self.descend(self.start, self.learning_rate, steps, limit=1e3)
        super().__init__(**kwargs)

    def describe(self) -> str:
        end = self.path[-1]
        return (f"Gradient descent on L(w1, w2) = {self.expr.text} from ({fmt(self.start[0], 2)}, "
                f"{fmt(self.start[1], 2)}) with η = {self.learning_rate:g} reaches ({fmt(end[0])}, {fmt(end[1])}) "
                f"after {counted(self.steps, 'step')}, where L = {fmt(self.value(end))}.")

    def values(self) -> dict[str, str]:
        """``steps``, ``start_loss``, ``final_w1``, ``final_w2``, ``final_loss``, ``final_grad`` (|∇L|),
        ``near_minimum`` ("yes"/"no"), ``first_grad1``, ``first_grad2``: as the frames show them."""
        end, g0 = self.path[-1], self.grad(self.path[0])
        gn = float(np.linalg.norm(self.grad(end)))
        return {"steps": str(self.steps), "start_loss": fmt(self.value(self.path[0])),
                "final_w1": fmt(end[0]), "final_w2": fmt(end[1]), "final_loss": fmt(self.value(end)),
                "final_grad": fmt(gn), "near_minimum": "yes" if self._near(gn) else "no",
                "first_grad1": fmt(g0[0]), "first_grad2": fmt(g0[1])}

    def _near(self, gn: float) -> bool:
        """Near the minimum: the gradient has shrunk to a tenth of its size at the start."""
        return gn < 0.1 * float(np.linalg.norm(self.grad(self.path[0])))

    def step_table(self):
        rows = []
        for i, (a, b) in enumerate(zip(self.path[:-1], self.path[1:], strict=True)):
            g = self.grad(a)
            rows.append([i + 1, round(a[0], 4), round(a[1], 4), round(g[0], 4), round(g[1], 4), round(b[0], 4), round(b[1], 4)])
        return ["step", "w1", "w2", "∂L/∂w1", "∂L/∂w2", "new w1", "new w2"], rows

    # -- drawing: one method per stage --------------------------------------------------------

    def construct(self) -> None:
        self.section("The loss's contour lines")
        axes = self.show_loss()
        ax = axes[0]
        self.section("The gradient field and the update rule")
        panel = self.show_field(axes)
        dot = Dot(ax.c2p(*self.path[0]), radius=0.08, color=self.pal.current)
        self.play(GrowFromCenter(dot), run_time=0.3)
        for i, (a, b) in enumerate(zip(self.path[:-1], self.path[1:], strict=True)):
            self.show_step(ax, panel, dot, i, a, b)
        self.section("Where the descent ended")
        self.show_end(ax, panel)

    def show_loss(self) -> VGroup:
        """Square axes over the path, labelled w1 and w2, with the loss's real contour lines.

        Returns ``VGroup(axes, labels)``.
        """
        pts = np.vstack([self.path, -0.3 * self.path[:1]])
        xr, yr = square_view(pts)
        scale = 5.9 / max(xr[1] - xr[0], yr[1] - yr[0])
        g = self.loss_axes(xr, yr, (xr[1] - xr[0]) * scale, (yr[1] - yr[0]) * scale, "w_1", "w_2")
        g.to_edge(LEFT, buff=0.6).to_edge(DOWN, buff=0.4)
        ax = g[0]
        self.view = (xr, yr)
        title = self.text(f"L = {self.expr.text}", TYPE.label).to_corner(UL, buff=0.3)
        self.play(Create(ax), FadeIn(g[1]), FadeIn(title), run_time=0.7)
        self.play(Create(contour_mobjects(ax, self.expr, xr, yr, 8, self.pal.curve)), run_time=1.0)
        return g

    def show_field(self, axes: VGroup) -> VGroup:
        """The −∇L field as grey direction arrows, then the update rule with η; returns the side panel."""
        p, ax = self.pal, axes[0]
        (xr, yr), field = self.view, VGroup()
        for x in np.linspace(xr[0], xr[1], 11)[1:-1]:
            for y in np.linspace(yr[0], yr[1], 11)[1:-1]:
                d = -self.grad(np.array([x, y]))
                n = np.linalg.norm(d)
                if n < 1e-9 or not np.isfinite(n):
                    continue
                v = np.array([d[0], d[1], 0.0]) / n * 0.32
                a = ax.c2p(x, y)
                field.add(Arrow(a - v / 2, a + v / 2, buff=0,
                                color=p.muted, stroke_width=2, max_tip_length_to_length_ratio=0.35))
        legend = VGroup(self.text("grey: −∇L directions (downhill)", TYPE.small, p.muted),
                        self.text("red: ∇L at the point (uphill)", TYPE.small, p.gradient),
                        self.text("dashed: the step −η∇L", TYPE.small, p.step))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        rule = MathTex(r"\mathbf{w} \leftarrow \mathbf{w} - \eta\,\nabla L", r"\quad \eta = " + f"{self.learning_rate:g}",
                       color=p.foreground, font_size=tex(TYPE.label))
        panel = VGroup(rule, legend).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        panel.next_to(axes, RIGHT, buff=0.5).to_edge(UP, buff=0.9)
        self.play(FadeIn(field, lag_ratio=0.01), FadeIn(legend), run_time=0.8)
        self.play(Write(rule), run_time=0.5)
        return panel

    def show_step(self, ax: Axes, panel: VGroup, dot: Dot, i: int, a: np.ndarray, b: np.ndarray) -> None:
        """The gradient (red, uphill) and the step −η∇L (dashed) with its numbers, then the point
        moves and leaves a trail."""
        g0 = float(np.linalg.norm(self.grad(self.path[0])))
        length = float(np.clip(1.2 * np.linalg.norm(self.grad(a)) / g0, 0.35, 1.2))
        arrow, step = self.gradient_and_step(ax.c2p(*a), ax.c2p(*b), length)
        labels = VGroup(self.arrow_label(arrow, r"\nabla L", self.pal.gradient)) if i == 0 else VGroup()
        if i == 0 and step.get_length() > 0.8:
            labels.add(self.arrow_label(step, r"-\eta\nabla L", self.pal.step, side=DOWN))
        info = self.step_panel(i + 1, a, self.grad(a), b, self.learning_rate)
        info.next_to(panel, DOWN, buff=0.4).align_to(panel, LEFT)
        trail = Line(ax.c2p(*a), ax.c2p(*b), color=self.pal.current, stroke_width=3)
        rt = 0.3 if i < 6 else 0.15  # the first steps slowly, the rest briskly
        self.section(f"Gradient {i + 1}: the step −η∇L", row=i)
        self.play(GrowArrow(arrow), GrowFromPoint(step, ax.c2p(*a)), FadeIn(labels), FadeIn(info), run_time=rt)
        self.section(f"Update {i + 1}: w = ({fmt(b[0])}, {fmt(b[1])})", row=i)
        self.play(dot.animate.move_to(ax.c2p(*b)), Create(trail), FadeOut(arrow), FadeOut(step), FadeOut(labels),
                  run_time=rt)
        self.play(FadeOut(info), run_time=0.1)

    def show_end(self, ax: Axes, panel: VGroup) -> None:
        """The final point, green if the gradient has shrunk to a tenth of its start."""
        p, end = self.pal, self.path[-1]
        v = self.values()
        near = v["near_minimum"] == "yes"
        color = p.minimum if near else p.current
        mark = Dot(ax.c2p(*end), radius=0.11, color=color)
        note = VGroup(self.text(f"final w = ({v['final_w1']}, {v['final_w2']})", TYPE.body, color),
                      self.text(f"L = {v['final_loss']},  |∇L| = {v['final_grad']}", TYPE.body, color),
                      self.text("near the minimum" if near else "still descending", TYPE.body, color))
        note.arrange(DOWN, aligned_edge=LEFT, buff=0.15).next_to(panel, DOWN, buff=0.5).align_to(panel, LEFT)
        self.play(GrowFromCenter(mark), FadeIn(note), run_time=0.6)
        self.wait(1)

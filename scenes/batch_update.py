"""Batch weight update (seed ``BatchWeightUpdate``): per-sample gradients accumulate, then one step."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    Line,
    MathTex,
    Rectangle,
    Scene,
    Transform,
    ValueTracker,
    VGroup,
    Write,
)

from ._base import CheapCopies, LessonMixin, fmt
from ._maths import batch_gradients
from ._params import ParameterError, Range, check_params
from ._typography import TYPE, tex

__all__ = ["BatchUpdate"]


class BatchUpdate(CheapCopies, LessonMixin, Scene):
    """A mini-batch processed sample by sample for one weight, then a single averaged update.

    Each sample (x, y) contributes ∂L/∂w = (w·x − y)·x for L = ½(w·x − y)²; the running sum is drawn
    as a growing red arrow, its average 1/n Σ is the batch gradient, and w moves once.

    Args:
        start: The weight w before the update.
        learning_rate: Step size eta.
        inputs: Sample inputs x (one to six samples).
        targets: Sample targets y (one per input).
    """

    def __init__(self, *, start: Annotated[float, Range(-10, 10)] = 0.5,
                 learning_rate: Annotated[float, Range(0.0001, 10)] = 0.2,
                 inputs: Annotated[list[float], Range(-10, 10)] = [1.0, 2.0, -1.0, 0.5],  # noqa: B006
                 targets: Annotated[list[float], Range(-10, 10)] = [1.5, 2.5, -1.0, 1.2], **kwargs):  # noqa: B006
        check_params(type(self), locals())
        if not 1 <= len(inputs) <= 6:
            raise ParameterError("inputs: give between 1 and 6 samples")
        if len(targets) != len(inputs):
            raise ParameterError(f"targets: need one target per input ({len(inputs)}), got {len(targets)}")
        self.start, self.learning_rate = float(start), float(learning_rate)
        self.inputs, self.targets = [float(v) for v in inputs], [float(v) for v in targets]
        self.grads = batch_gradients(self.start, self.inputs, self.targets)
        self.mean_grad = float(np.mean(self.grads))
        self.new_w = self.start - self.learning_rate * self.mean_grad
        super().__init__(**kwargs)

    def describe(self) -> str:
        return (f"{len(self.inputs)} samples give per-sample gradients "
                + ", ".join(fmt(g) for g in self.grads)
                + f"; their average {fmt(self.mean_grad)} with η = {self.learning_rate:g} moves w from "
                f"{fmt(self.start)} to {fmt(self.new_w)}.")

    def values(self) -> dict[str, str]:
        """Each sample's gradient (``grad_1``, ...), their ``sum`` and ``average``, the weight before and after,
        and ``best_w``, the weight that minimises the batch's loss (Σ x y / Σ x²)."""
        out = {f"grad_{i + 1}": fmt(float(g)) for i, g in enumerate(self.grads)}
        out |= {"samples": str(len(self.inputs)), "sum": fmt(float(np.sum(self.grads))), "average": fmt(self.mean_grad),
                "start": fmt(self.start), "new_w": fmt(self.new_w)}
        xx = float(np.dot(self.inputs, self.inputs))
        if xx > 0:
            out["best_w"] = fmt(float(np.dot(self.inputs, self.targets)) / xx)
        return out

    def step_table(self):
        rows = [[i + 1, x, y, round(float(g), 4), round(float(np.sum(self.grads[: i + 1])), 4)]
                for i, (x, y, g) in enumerate(zip(self.inputs, self.targets, self.grads, strict=True))]
        return ["sample", "x", "y", "∂L/∂w", "running sum"], rows

    # -- drawing: one method per stage --------------------------------------------------------

    def construct(self) -> None:
        p, eta = self.pal, self.learning_rate
        loss = VGroup(MathTex(r"\text{per sample: }\; L = \frac{1}{2}\,(w x - y)^2, \qquad "
                              r"\frac{\partial L}{\partial w} = (w x - y)\, x", color=p.foreground, font_size=tex(TYPE.label)),
                      self.text(f"after the batch: w ← w − {eta:g}·∇w", TYPE.small, p.muted)).arrange(DOWN, buff=0.12)
        self.section("The loss, the connection and the batch")
        self.play(FadeIn(loss.to_edge(UP, buff=0.2)), run_time=0.5)
        n1, n2, conn, w, label = self.show_connection()
        samples = self.show_samples()
        self.accumulate(samples, n1, n2)
        self.apply_update(conn, w, label)

    def show_connection(self) -> tuple[Circle, Circle, Line, ValueTracker, VGroup]:
        """Two neurons and the connection whose weight (a ValueTracker) is shown above it."""
        p = self.pal
        n1, n2 = (Circle(0.35, color=p.muted, fill_color=p.background, fill_opacity=1, stroke_width=4)
                  .move_to(side * 2.2 + UP * 1.8) for side in (LEFT, RIGHT))
        conn = Line(n1.get_right(), n2.get_left(), color=p.foreground, stroke_width=5)
        w = ValueTracker(self.start)
        label = self.weight_label(w).next_to(conn, UP, buff=0.15)
        self.play(GrowFromCenter(n1), GrowFromCenter(n2), Create(conn), FadeIn(label), run_time=0.6)
        return n1, n2, conn, w, label

    def show_samples(self) -> VGroup:
        samples = VGroup()
        for x, y in zip(self.inputs, self.targets, strict=True):
            box = Rectangle(width=1.5, height=1.2, color=self.pal.muted, stroke_width=3)
            samples.add(VGroup(box, self.text(f"x = {_num(x)}\ny = {_num(y)}", TYPE.small).move_to(box)))
        samples.arrange(RIGHT, buff=0.35).move_to(UP * 0.35)
        self.play(FadeIn(samples, lag_ratio=0.2), run_time=0.6)
        return samples

    def accumulate(self, samples: VGroup, n1: Circle, n2: Circle) -> None:
        """Sample by sample: a pulse through the connection, its gradient, and the running sum growing as a bar."""
        p = self.pal
        base = DOWN * 1.65
        total = np.cumsum(self.grads)
        unit = 3.0 / max(float(np.max(np.abs(total))), 1e-9)
        acc = self.gradient_arrow(base, base + RIGHT * 0.001, width=7, tip=0.12)  # an arrow from the start: it grows
        self.add(acc)
        sum_label = self.text("Σ ∂L/∂w = 0.000", TYPE.body, p.gradient, mono=True).move_to(DOWN * 1.15)
        self.play(FadeIn(sum_label), run_time=0.3)
        for i, (sample, g) in enumerate(zip(samples, self.grads, strict=True)):
            pulse = Dot(n1.get_center(), radius=0.09, color=p.current)
            self.section(f"Sample {i + 1}: ∂L/∂w = {fmt(float(g))}", row=i)
            self.play(sample[0].animate.set_stroke(p.current, width=6), FadeIn(pulse), run_time=0.25)
            self.play(pulse.animate.move_to(n2.get_center()), run_time=0.4)
            value = self.text(fmt(float(g)), TYPE.body, p.gradient, mono=True).next_to(sample, DOWN, buff=0.12)
            bar = self.gradient_arrow(base, base + RIGHT * float(total[i]) * unit, width=7, tip=0.12)
            new_sum = self.text(f"Σ ∂L/∂w = {fmt(float(total[i]))}", TYPE.body, p.gradient, mono=True).move_to(DOWN * 1.15)
            self.play(FadeIn(value), Transform(acc, bar), Transform(sum_label, new_sum), FadeOut(pulse),
                      sample[0].animate.set_stroke(p.muted, width=3), run_time=0.5)

    def apply_update(self, conn: Line, w: ValueTracker, label: VGroup) -> None:
        """The average of the summed gradients, the update with its numbers, then the one change of w."""
        p, n = self.pal, len(self.inputs)
        avg = MathTex(r"\nabla w = \frac{1}{n}\sum_i \nabla w_i", color=p.gradient, font_size=tex(TYPE.body))
        avg_val = self.text(f"= {fmt(float(np.sum(self.grads)))} / {n} = {fmt(self.mean_grad)}", TYPE.body, p.gradient, mono=True)
        VGroup(avg, avg_val).arrange(RIGHT, buff=0.25).to_edge(DOWN, buff=1.0)
        self.section(f"The average gradient: {fmt(self.mean_grad)}")
        self.play(Write(avg), FadeIn(avg_val), run_time=0.7)
        line = self.update_line(self.start, self.learning_rate, self.mean_grad, self.new_w).to_edge(DOWN, buff=0.35)
        self.play(FadeIn(line), run_time=0.4)
        self.section(f"The one update: w = {fmt(self.new_w)}")
        above = lambda m: m.next_to(conn, UP, buff=0.15)  # centred over the connection, as the number's width changes
        self.play(w.animate.set_value(self.new_w), self.counting(label, w, above), conn.animate.set_color(p.updated),
                  run_time=0.8)
        self.play(conn.animate.set_color(p.foreground), run_time=0.3)
        self.wait(1)


def _num(v: float) -> str:
    """A sample's input or target as given (``{:g}``), with a true minus sign."""
    return f"{v:g}".replace("-", "−")

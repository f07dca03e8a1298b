"""Single weight update (seed ``WeightUpdateDemo``): one connection, its weight as a ValueTracker."""

from __future__ import annotations

from typing import Annotated

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    Line,
    ManimColor,
    MathTex,
    Scene,
    ValueTracker,
    VGroup,
    Write,
    interpolate_color,
)

from ._base import CheapCopies, LessonMixin, counted, fmt
from ._maths import Step, neuron_steps
from ._params import ParameterError, Range, check_params
from ._typography import TYPE, tex

__all__ = ["WeightUpdate"]


class WeightUpdate(CheapCopies, LessonMixin, Scene):
    """One weight on a connection between two neurons, updated step by step.

    The gradient comes from the squared error L = ½(w·x − y)² on one data point (x, y), unless
    ``gradients`` lists them explicitly.

    Args:
        start: Initial weight w0.
        learning_rate: Step size eta.
        steps: Number of updates (ignored when ``gradients`` is given).
        x: Input of the data point.
        y: Target of the data point.
        gradients: Optional explicit gradients, one per step; empty means compute them from the loss.
        tolerance: The weight counts as converged once |dL/dw| falls below this.
    """

    def __init__(self, *, start: Annotated[float, Range(-10, 10)] = 0.5,
                 learning_rate: Annotated[float, Range(0.0001, 10)] = 0.5,
                 steps: Annotated[int, Range(1, 20)] = 6, x: Annotated[float, Range(-10, 10)] = 1.0,
                 y: Annotated[float, Range(-10, 10)] = 0.2,
                 gradients: Annotated[list[float], Range(-100, 100)] = [],  # noqa: B006
                 tolerance: Annotated[float, Range(0, 10)] = 0.02, **kwargs):
        check_params(type(self), locals())
        if len(gradients) > 20:
            raise ParameterError("gradients: at most 20 values")
        self.start, self.learning_rate, self.steps = float(start), float(learning_rate), steps
        self.x, self.y, self.gradients, self.tolerance = float(x), float(y), list(gradients), float(tolerance)
        self.trace = neuron_steps(self.start, self.x, self.y, self.learning_rate, steps, self.gradients or None)
        w_end = self.trace[-1].new_w
        self.final_grad = None if self.gradients else (w_end * self.x - self.y) * self.x
        super().__init__(**kwargs)

    @property
    def last_grad(self) -> float:
        """The gradient the convergence test reads: at the final weight, or the last one given."""
        return self.final_grad if self.final_grad is not None else self.trace[-1].grad

    @property
    def converged(self) -> bool:
        return abs(self.last_grad) < self.tolerance

    def values(self) -> dict[str, str]:
        """The weight after each step (``w_1``, ...), each step's gradient (``grad_1``, ...), the end state,
        and, for a loss on one data point, the first prediction, its error and the weight that fits it."""
        last = self.trace[-1]
        out = {"start": fmt(self.start), "final_w": fmt(last.new_w), "steps": str(len(self.trace)),
               "final_grad": fmt(self.last_grad), "tolerance": f"{self.tolerance:g}",
               "converged": "yes" if self.converged else "no"}
        for s in self.trace:
            out[f"grad_{s.index}"] = fmt(s.grad)
            out[f"w_{s.index}"] = fmt(s.new_w)
        if not self.gradients:
            out["prediction"] = fmt(self.start * self.x)
            out["error"] = fmt(self.start * self.x - self.y)
            # Each step multiplies the error w·x − y by 1 − η x², which is what makes it converge or not.
            out["error_factor"] = fmt(1 - self.learning_rate * self.x**2)
            if self.x != 0:
                out["best_w"] = fmt(self.y / self.x)
        return out

    def describe(self) -> str:
        src = ("the given gradients" if self.gradients
               else f"L = ½(w·{self.x:g} − {self.y:g})²")
        state = "converged" if self.converged else "not yet converged"
        return (f"One weight updated {counted(len(self.trace), 'time')} with η = {self.learning_rate:g} using {src}: "
                f"w goes from {fmt(self.start)} to {fmt(self.trace[-1].new_w)} ({state}).")

    def step_table(self):
        return ["step", "w", "∂L/∂w", "new w"], [[s.index, round(s.w, 4), round(s.grad, 4), round(s.new_w, 4)]
                                                for s in self.trace]

    # -- drawing: one method per stage --------------------------------------------------------

    def construct(self) -> None:
        p = self.pal
        if self.gradients:
            loss = self.text("gradients given by the author", TYPE.body, p.muted)
        else:
            loss = MathTex(r"L = \frac{1}{2}\,(w x - y)^2 \qquad x = " + f"{self.x:g}" + r",\; y = " + f"{self.y:g}",
                           color=p.foreground, font_size=tex(TYPE.label))
        self.section("The loss and the connection's weight")
        self.play(FadeIn(loss.to_edge(UP, buff=0.4)), run_time=0.5)
        conn, w, label, eq = self.show_connection()
        gmax = max(abs(s.grad) for s in self.trace) or 1.0
        shown = VGroup()
        for s in self.trace:
            shown = self.show_step(conn, w, label, eq, s, gmax, shown)
        self.section("Converged or not")
        if self.converged:
            msg = self.text(f"Converged: |∂L/∂w| < {self.tolerance:g}", TYPE.label, p.minimum)
        else:
            msg = self.text(f"Not converged yet after {counted(len(self.trace), 'step')}", TYPE.label, p.foreground)
        self.play(FadeOut(shown), conn.animate.set_color(p.foreground), Write(msg.next_to(eq, UP, buff=0.45)),
                  run_time=0.6)
        self.wait(1)

    def show_connection(self) -> tuple[Line, ValueTracker, VGroup, MathTex]:
        """Two neurons, the connection with its weight shown above it (a ValueTracker), the update rule."""
        p = self.pal
        n1, n2 = (Circle(0.45, color=p.muted, fill_color=p.background, fill_opacity=1, stroke_width=4)
                  .shift(side * 2.6 + UP * 0.6) for side in (LEFT, RIGHT))
        conn = Line(n1.get_right(), n2.get_left(), stroke_width=6, color=p.foreground)
        w = ValueTracker(self.start)
        label = self.weight_label(w).next_to(conn, UP, buff=0.25)
        eq = MathTex(r"w_{\text{new}} = w - \eta\,\frac{\partial L}{\partial w}", r"\qquad \eta = " + f"{self.learning_rate:g}",
                     color=p.foreground, font_size=tex(TYPE.label)).to_edge(DOWN, buff=0.45)
        self.play(GrowFromCenter(n1), GrowFromCenter(n2), Create(conn), FadeIn(label), run_time=0.7)
        self.play(Write(eq), run_time=0.6)
        return conn, w, label, eq

    def show_step(self, conn: Line, w: ValueTracker, label: VGroup, eq: MathTex, s: Step, gmax: float,
                  shown: VGroup) -> VGroup:
        """The gradient (the connection reddens with its size) and the update's numbers, then w counts over.

        ``shown`` (the previous step's numbers) gives way to this step's, which stay until the next
        step so that a step's last picture still shows how its weight came about. While w counts, the
        connection turns the updated weight's green. Returns this step's numbers.
        """
        p = self.pal
        g = self.pieces([("∂L/∂w =", p.gradient), (fmt(s.grad), p.gradient)], TYPE.body).next_to(conn, DOWN, buff=0.3)
        line = self.update_line(s.w, self.learning_rate, s.grad, s.new_w).next_to(eq, UP, buff=0.45)
        tint = interpolate_color(ManimColor(p.foreground), ManimColor(p.gradient), min(abs(s.grad) / gmax, 1.0))
        self.section(f"Gradient {s.index}: ∂L/∂w = {fmt(s.grad)}", row=s.index - 1)
        swap = [FadeOut(shown)] if len(shown) else []
        self.play(*swap, FadeIn(g), conn.animate.set_color(tint), FadeIn(line), run_time=0.4)
        self.section(f"Update {s.index}: w = {fmt(s.new_w)}", row=s.index - 1)
        above = lambda m: m.next_to(conn, UP, buff=0.25)  # centred over the connection, as the number's width changes
        self.play(w.animate.set_value(s.new_w), self.counting(label, w, above), conn.animate.set_color(p.updated),
                  run_time=0.6)
        self.wait(0.3)
        return VGroup(g, line)

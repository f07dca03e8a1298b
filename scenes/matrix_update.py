"""Weight-matrix update (seed ``WeightMatrixUpdate``): W, ∇W from a real loss, W_new entry by entry."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    MathTex,
    Scene,
    SurroundingRectangle,
    Transform,
    VGroup,
    VMobject,
    Write,
)

from ._base import CheapCopies, LessonMixin, fmt
from ._maths import matrix_gradient
from ._params import ParameterError, Range, check_params
from ._typography import TYPE, tex

__all__ = ["WeightMatrixUpdate"]

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class WeightMatrixUpdate(CheapCopies, LessonMixin, Scene):
    """One gradient step on a weight matrix W for L = ½‖W x − y‖², so ∇W = (W x − y) xᵀ.

    Args:
        weights: The matrix W as rows (at most 4 × 4).
        inputs: The input vector x (one entry per column of W).
        targets: The target vector y (one entry per row of W).
        learning_rate: Step size eta.
    """

    def __init__(self, *, weights: Annotated[list[list[float]], Range(-100, 100)] = [[0.1, 0.3], [-0.2, 0.4], [0.5, -0.1]],  # noqa: B006
                 inputs: Annotated[list[float], Range(-100, 100)] = [1.0, 0.5],  # noqa: B006
                 targets: Annotated[list[float], Range(-100, 100)] = [0.2, 0.1, 0.3],  # noqa: B006
                 learning_rate: Annotated[float, Range(0.0001, 10)] = 0.5, **kwargs):
        check_params(type(self), locals())
        rows, cols = len(weights), len(weights[0]) if weights else 0
        if not (1 <= rows <= 4 and 1 <= cols <= 4) or any(len(r) != cols for r in weights):
            raise ParameterError("weights: give 1 to 4 rows of equal length (1 to 4 numbers each)")
        if len(inputs) != cols:
            raise ParameterError(f"inputs: W has {cols} columns, so x needs {cols} entries, not {len(inputs)}")
        if len(targets) != rows:
            raise ParameterError(f"targets: W has {rows} rows, so y needs {rows} entries, not {len(targets)}")
        self.weights = np.array(weights, dtype=float)
        self.inputs, self.targets = np.array(inputs, dtype=float), np.array(targets, dtype=float)
        self.learning_rate = float(learning_rate)
        self.grad = matrix_gradient(self.weights, self.inputs, self.targets)
        self.new_weights = self.weights - self.learning_rate * self.grad
        super().__init__(**kwargs)

    def _loss(self, w: np.ndarray) -> float:
        r = w @ self.inputs - self.targets
        return float(0.5 * r @ r)

    def describe(self) -> str:
        r, c = self.weights.shape
        return (f"One gradient step with η = {self.learning_rate:g} on a {r}×{c} weight matrix for "
                f"L = ½‖Wx − y‖²: the loss falls from {self._loss(self.weights):.4f} to "
                f"{self._loss(self.new_weights):.4f}.")

    def values(self) -> dict[str, str]:
        """Entries of W, ∇W and W_new (``w_21``, ``grad_21``, ``new_21``: row 2, column 1), the prediction
        and error of each output (``prediction_1``, ``error_1``), the loss before and after, and what one
        step does to them: each error times ``error_factor`` = 1 − η‖x‖², the loss times its square; ``exact_rate``
        is the η = 1/‖x‖² that would fit the example in one step."""
        out = {}
        for (i, j), w in np.ndenumerate(self.weights):
            name = f"{i + 1}{j + 1}"
            out |= {f"w_{name}": fmt(w), f"grad_{name}": fmt(self.grad[i, j]), f"new_{name}": fmt(self.new_weights[i, j])}
        prediction = self.weights @ self.inputs
        for i, (yhat, y) in enumerate(zip(prediction, self.targets, strict=True)):
            out |= {f"prediction_{i + 1}": fmt(yhat), f"error_{i + 1}": fmt(yhat - y)}
        before, after = self._loss(self.weights), self._loss(self.new_weights)
        factor = 1 - self.learning_rate * float(self.inputs @ self.inputs)
        out |= {"loss_before": f"{before:.4f}", "loss_after": f"{after:.4f}", "error_factor": fmt(factor),
                "loss_factor": fmt(factor**2), "x_norm2": fmt(float(self.inputs @ self.inputs))}
        if before > 0:
            out["loss_cut_percent"] = f"{100 * (1 - after / before):.0f}"
        if self.inputs @ self.inputs > 0:
            out["exact_rate"] = fmt(1 / float(self.inputs @ self.inputs))  # the η that fits this example in one step
        return out

    def step_table(self):
        rows = []
        for (i, j), w in np.ndenumerate(self.weights):
            rows.append([f"W[{i + 1},{j + 1}]", round(w, 4), round(self.grad[i, j], 4), round(self.new_weights[i, j], 4)])
        return ["entry", "w", "∂L/∂w", "new w"], rows

    # -- drawing: one method per stage --------------------------------------------------------

    def construct(self) -> None:
        vec = lambda v: r"(" + r",\ ".join(f"{x:g}" for x in v) + r")"
        loss = MathTex(r"L = \frac{1}{2}\,\lVert W\mathbf{x} - \mathbf{y}\rVert^2, \qquad \mathbf{x} = " + vec(self.inputs)
                       + r",\quad \mathbf{y} = " + vec(self.targets), color=self.pal.foreground, font_size=tex(TYPE.label))
        self.section("The loss, W and its gradient")
        if loss.width > 13.6:  # long vectors: narrower rather than cut off by the frame
            loss.scale_to_fit_width(13.6)
        self.play(FadeIn(loss.to_edge(UP, buff=0.3)), run_time=0.5)
        w_entries, g_entries, eq = self.show_matrices(loss)
        new_grp, last = self.fill_new_matrix(w_entries, g_entries, eq)
        done = self.text(f"L: {self._loss(self.weights):.4f} → {self._loss(self.new_weights):.4f}", TYPE.body)
        self.section("The loss after the update")
        self.play(FadeOut(last), FadeIn(done.next_to(new_grp, DOWN, buff=0.5)), run_time=0.5)
        self.wait(1)

    def show_matrices(self, loss) -> tuple[VGroup, VGroup, MathTex]:
        """W in the weight colour, ∇W in the gradient colour with its formula, then the update rule with η."""
        p = self.pal
        w_mat, w_entries = self.matrix(self.weights, p.foreground)
        g_mat, g_entries = self.matrix(self.grad, p.gradient)
        w_grp = VGroup(MathTex("W =", color=p.foreground, font_size=tex(TYPE.label)), w_mat).arrange(RIGHT, buff=0.2)
        g_grp = VGroup(MathTex(r"\nabla W =", color=p.gradient, font_size=tex(TYPE.label)), g_mat).arrange(RIGHT, buff=0.2)
        VGroup(w_grp, g_grp).arrange(RIGHT, buff=1.2).next_to(loss, DOWN, buff=0.6)
        self.play(Write(w_grp[0]), FadeIn(w_mat), run_time=0.6)
        gnote = MathTex(r"\nabla W = (W\mathbf{x} - \mathbf{y})\,\mathbf{x}^{\mathsf{T}}", color=p.gradient,
                        font_size=tex(TYPE.small)).next_to(g_grp, DOWN, buff=0.15)
        self.play(Write(g_grp[0]), FadeIn(g_mat), FadeIn(gnote), run_time=0.6)
        eq = MathTex(r"W_{\text{new}} = W - \eta\,\nabla W", r"\qquad \eta = " + f"{self.learning_rate:g}",
                     color=p.foreground, font_size=tex(TYPE.label))
        eq.next_to(VGroup(w_grp, gnote), DOWN, buff=0.6)
        self.play(Write(eq), run_time=0.6)
        return w_entries, g_entries, eq

    def fill_new_matrix(self, w_entries: VGroup, g_entries: VGroup, eq: MathTex) -> tuple[VGroup, VGroup]:
        """W_new starts as a copy of W; entry by entry, its sum is shown and the entry turns into its new value.

        Returns the W_new group and the last entry's update line and frames, still on screen.
        """
        p, eta = self.pal, self.learning_rate
        start, _ = self.matrix(self.weights, p.foreground)
        final, f_entries = self.matrix(self.new_weights, p.updated)
        n_grp = VGroup(MathTex(r"W_{\text{new}} =", color=p.updated, font_size=tex(TYPE.label)), start).arrange(RIGHT, buff=0.2)
        n_grp.next_to(eq, DOWN, buff=0.5)
        final.move_to(start)
        self.play(FadeIn(n_grp), run_time=0.4)
        shown = None
        for k, ((i, j), w) in enumerate(np.ndenumerate(self.weights)):
            entry = f"W{i + 1}{j + 1}".translate(_SUB)
            # The entry's name in TeX: Pango subscripts would be the smallest digits on screen.
            name = MathTex(f"W_{{{i + 1}{j + 1}}}", color=p.foreground, font_size=tex(TYPE.label))
            line = VGroup(name, self.update_line(w, eta, self.grad[i, j], self.new_weights[i, j], name=""))
            line.arrange(RIGHT, buff=0.2).next_to(n_grp, DOWN, buff=0.5)
            # What is in hand now, framed in the current colour; the numbers keep their own colours.
            frames = VGroup(*[SurroundingRectangle(e[k], color=p.current, buff=0.07, stroke_width=5)
                              for e in (w_entries, g_entries, start[1])])
            swap = [FadeOut(shown)] if shown is not None else []
            self.section(f"{entry}: gradient {fmt(self.grad[i, j])}", row=k)
            self.play(*swap, Create(frames), FadeIn(line), run_time=0.45)
            # One entry at a time: the seed asks for weights not to change all at once.
            self.section(f"{entry}: new value {fmt(self.new_weights[i, j])}", row=k)
            self.play(Transform(start[1][k], f_entries[k]), run_time=0.35)
            shown = VGroup(line, frames)
        return n_grp, shown

    def matrix(self, m: np.ndarray, color: str) -> tuple[VGroup, VGroup]:
        """A bracketed grid of Pango entries; returns (VGroup(brackets, entries), entries)."""
        entries = VGroup(*[self.text(fmt(v), TYPE.label, color, mono=True) for v in m.ravel()])
        entries.arrange_in_grid(rows=m.shape[0], cols=m.shape[1], buff=(0.35, 0.18))
        h, pad = entries.height + 0.2, 0.24
        brackets = VGroup()
        for side in (-1, 1):
            x = entries.get_left()[0] - pad if side < 0 else entries.get_right()[0] + pad
            c = entries.get_center()[1]
            pts = [[x - side * 0.12, c + h / 2, 0], [x, c + h / 2, 0], [x, c - h / 2, 0], [x - side * 0.12, c - h / 2, 0]]
            brackets.add(VMobject(stroke_color=color, stroke_width=3).set_points_as_corners(pts))
        return VGroup(brackets, entries), entries

"""Learning-rate comparison (seed ``LearningRateComparison``), honest about divergence."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    Scene,
    UpdateFromFunc,
    ValueTracker,
    VGroup,
    Write,
)

from ._base import CheapCopies, LessonMixin, counted, fmt
from ._losses import OneWeightLoss
from ._maths import gd_1d, nice_range
from ._params import ParameterError, Range, check_params
from ._typography import TYPE

__all__ = ["LearningRateComparison"]


class LearningRateComparison(OneWeightLoss, CheapCopies, LessonMixin, Scene):
    """The same loss and start under several learning rates, side by side.

    Each step moves every point by −η·∇L. Each panel is labelled by what its run actually does
    (crawls, converges, oscillates, diverges); a point that leaves its plot is reported on screen.

    Args:
        loss: Loss L(w) as an expression in w.
        start: Initial weight w0, shared by all panels.
        learning_rates: One learning rate per panel (two to four panels).
        steps: Number of steps per panel.
    """

    def __init__(self, *, loss: str = "w**2", start: Annotated[float, Range(-100, 100)] = 1.8,
                 learning_rates: Annotated[list[float], Range(0.0001, 10)] = [0.05, 0.3, 1.05],  # noqa: B006
                 steps: Annotated[int, Range(1, 30)] = 10, **kwargs):
        check_params(type(self), locals())
        if not 2 <= len(learning_rates) <= 4:
            raise ParameterError("learning_rates: give between 2 and 4 values")
        self.loss, self.start, self.steps = loss, float(start), steps
        self.learning_rates = [float(x) for x in learning_rates]
        self.init_loss(loss, self.start)
        span = max(abs(self.start), 1.0)
        self.x_range = nice_range([self.start - 0.1 * span, -self.start - 0.1 * span,
                                   self.start + 0.1 * span, -self.start + 0.1 * span], pad=0.0)
        # A run ends once its gradient vanishes: a point at a minimum has no arrow and no step left to show.
        self.runs = [gd_1d(self.expr, self.dexpr, self.start, lr, steps, 1e-12) for lr in self.learning_rates]
        self.verdicts = [self._verdict(run) for run in self.runs]
        super().__init__(**kwargs)

    def _leaves(self, w: float) -> bool:
        return not (self.x_range[0] <= w <= self.x_range[1])

    def _verdict(self, run) -> str:
        if not run:
            return "already at a minimum"
        ws = np.array([run[0].w] + [s.new_w for s in run])
        g0, g1 = abs(run[0].grad), abs(float(self.dexpr(w=ws[-1])))
        l0, l1 = float(self.expr(w=ws[0])), float(self.expr(w=ws[-1]))
        if any(self._leaves(w) for w in ws) or not np.isfinite(l1) or l1 > l0:
            return "too large: diverges"
        flips = np.sum(np.diff(np.sign(np.diff(ws))) != 0)
        if g1 > 0.01 * g0 and flips >= len(run) // 2 and len(run) > 2:
            return "too large: oscillates"
        if g1 <= 0.01 * g0:
            return "good: converges"
        return "too small: crawls"

    def describe(self) -> str:
        parts = []
        for lr, run, v in zip(self.learning_rates, self.runs, self.verdicts, strict=True):
            end = run[-1].new_w if run else self.start
            parts.append(f"η = {lr:g} ends at w = {end:.3g} ({v})")
        return (f"Gradient descent on L(w) = {self.expr.text} from w = {fmt(self.start, 2)} for "
                f"{counted(self.steps, 'step')}: " + "; ".join(parts) + ".")

    def values(self) -> dict[str, str]:
        """Per panel k (1 = leftmost): ``rate_k``, ``steps_k``, ``final_w_k``, ``final_loss_k``,
        ``left_plot_k`` ("yes"/"no") and ``verdict_k``, as the frames show them."""
        out: dict[str, str] = {}
        for k, (lr, run, verdict) in enumerate(zip(self.learning_rates, self.runs, self.verdicts, strict=True), 1):
            shown = self._shown(run)
            left = bool(shown) and self._leaves(shown[-1].new_w)
            end = shown[-1].new_w if shown else self.start
            out[f"rate_{k}"] = f"{lr:g}"
            out[f"steps_{k}"] = str(len(shown))
            out[f"final_w_{k}"] = _sig(end) if left else fmt(end)
            out[f"final_loss_{k}"] = "" if left else fmt(float(self.expr(w=end)))
            out[f"left_plot_{k}"] = "yes" if left else "no"
            out[f"verdict_{k}"] = verdict
        return out

    def _shown(self, run) -> list:
        """A run's steps as drawn: up to and including the first that leaves the plot."""
        n = next((i + 1 for i, s in enumerate(run)
                  if self._leaves(s.new_w) or not np.isfinite(float(self.expr(w=s.new_w)))), len(run))
        return run[:n]

    def step_table(self):
        head = ["step"] + [f"w (η = {lr:g})" for lr in self.learning_rates]
        rows = []
        for i in range(self.steps):
            rows.append([i + 1] + [round(r[i].new_w, 4) if i < len(r) else "" for r in self.runs])
        return head, rows

    # -- drawing: one method per stage --------------------------------------------------------

    def construct(self) -> None:
        self.section("One loss, one panel per learning rate")
        panels = self.show_panels()
        trackers, dots = self.show_starts(panels)
        on_plot = [True] * len(panels)
        self.exit_notes: dict[int, object] = {}
        for i in range(self.steps):
            if not self.show_round(i, panels, trackers, dots, on_plot):
                break
        self.section("What each learning rate did")
        self.show_verdicts(panels)

    def show_panels(self) -> VGroup:
        """One panel per learning rate: axes labelled w and L(w), the same curve, the rule with its η."""
        p = self.pal
        n = len(self.learning_rates)
        # Each panel also needs room for its tick numbers (left) and its w label (right).
        self.panel_width = (13.6 - 1.0 * n - 0.35 * (n - 1)) / n
        xs, ys, l_range = self.loss_view(self.x_range, 300, pad=0.05)
        panels = VGroup()
        for lr in self.learning_rates:
            g = self.loss_axes(self.x_range, l_range, self.panel_width, 3.0)
            curve = self.polyline(g[0], xs, ys, p.curve, 3, y_clip=l_range[:2])
            title = self.text(f"η = {lr:g}", TYPE.label)
            rule = self.text(f"w ← w − {lr:g}·∇L", TYPE.small, mono=True)
            VGroup(title, rule).arrange(DOWN, buff=0.12).next_to(g, UP, buff=0.15)
            panels.add(VGroup(g, curve, title, rule))
        panels.arrange(buff=0.35).to_edge(UP, buff=0.25)
        header = self.text(f"L(w) = {self.expr.text},  start w = {fmt(self.start, 2)}", TYPE.body, p.muted)
        header.to_edge(DOWN, buff=0.2)
        self.line_top = panels.get_bottom()[1] - 0.85  # under the room of a panel's exit note
        self.play(*[Create(pn[0][0]) for pn in panels], *[FadeIn(pn[0][1]) for pn in panels],
                  *[FadeIn(pn[2:]) for pn in panels], FadeIn(header), run_time=0.8)
        self.play(*[Create(pn[1]) for pn in panels], run_time=0.8)
        return panels

    def show_starts(self, panels: VGroup) -> tuple[list[ValueTracker], list]:
        """A ValueTracker per panel, drawn as a point on that panel's curve."""
        trackers = [ValueTracker(self.start) for _ in panels]
        dots = [Dot(radius=0.08, color=self.pal.current) for _ in panels]
        for pn, t, d in zip(panels, trackers, dots, strict=True):
            self._place(d, pn[0][0], t)
        self.play(*[FadeIn(d) for d in dots], run_time=0.4)
        return trackers, dots

    def _place(self, dot: Dot, ax, t: ValueTracker) -> Dot:
        """Put a panel's point on its curve at the tracker's weight (run only while it moves)."""
        return dot.move_to(ax.c2p(t.get_value(), float(self.expr(w=t.get_value()))))

    def show_round(self, i: int, panels: VGroup, trackers, dots, on_plot: list[bool]) -> bool:
        """Step ``i`` in every panel still on its plot: arrows and updates, then the points, a little staggered.

        Returns whether any panel had a step left.
        """
        f = self.expr
        arrows, lines, moves, exits, follow = [], [], [], [], []
        for k, (pn, run, t, lr) in enumerate(zip(panels, self.runs, trackers, self.learning_rates, strict=True)):
            if not on_plot[k] or i >= len(run):
                continue
            s, ax = run[i], pn[0][0]
            a = ax.c2p(s.w, float(f(w=s.w)))
            arrows.append(self.gradient_arrow(a, a + np.sign(s.grad) * float(np.clip(abs(s.grad) * 0.25, 0.35, 1.2)) * RIGHT))
            lines.append(self.update_line(s.w, lr, s.grad, s.new_w))
            target = s.new_w
            if self._leaves(s.new_w) or not np.isfinite(float(f(w=s.new_w))):
                # Not clamped in the maths: the point is followed to the plot's edge and reported.
                on_plot[k] = False
                target = self.x_range[0] if s.new_w < self.x_range[0] else self.x_range[1]
                exits.append((k, s.new_w))
            moves.append(t.animate.set_value(target))
            follow.append(UpdateFromFunc(dots[k], lambda d, ax=ax, t=t: self._place(d, ax, t)))
        if not arrows:
            return False
        VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.14).move_to(UP * self.line_top, aligned_edge=UP)
        self.section(f"Gradients {i + 1}", row=i)
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.15), *[FadeIn(x) for x in lines], run_time=0.4)
        self.section(f"Updates {i + 1}", row=i)
        self.play(LaggedStart(*moves, lag_ratio=0.15), *follow, *[FadeOut(a) for a in arrows], run_time=0.5)
        self.play(*[FadeOut(x) for x in lines], run_time=0.1)
        for k, w in exits:
            msg = self.text(f"left the plot:\nw = {_sig(w)}", TYPE.small, self.pal.gradient)
            self.play(FadeOut(dots[k]), Write(msg.next_to(panels[k][0], DOWN, buff=0.2)), run_time=0.5)
            self.exit_notes[k] = msg
        return True

    def show_verdicts(self, panels: VGroup) -> None:
        """Under each panel, what its run actually did."""
        p = self.pal
        labels = []
        for k, (pn, v) in enumerate(zip(panels, self.verdicts, strict=True)):
            color = p.minimum if v.startswith("good") else p.gradient if "large" in v else p.current
            below = self.exit_notes.get(k, pn[0])
            labels.append(self.text(v.replace(": ", ":\n"), TYPE.body, color).next_to(below, DOWN, buff=0.2))
        self.play(LaggedStart(*[Write(x) for x in labels], lag_ratio=0.2), run_time=0.8)
        self.wait(1)


def _sig(x: float) -> str:
    """A runaway weight to three significant figures, with a true minus sign."""
    return f"{x:.3g}".replace("-", "−")

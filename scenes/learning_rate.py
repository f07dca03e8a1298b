"""Learning-rate comparison (seed ``LearningRateComparison``), honest about divergence."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import (DOWN, UP, Arrow, Create, Dot, FadeIn, FadeOut, GrowArrow, LaggedStart, Scene,
                   ValueTracker, VGroup, Write, always_redraw)

from ._base import LessonMixin, fmt
from ._expr import parse
from ._maths import gd_1d, nice_range
from ._params import ParameterError, Range, check_params

__all__ = ["LearningRateComparison"]


class LearningRateComparison(LessonMixin, Scene):
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
        self.expr = parse(loss, ("w",))
        self.dexpr = self.expr.diff("w")
        if not (np.isfinite(self.expr(w=start)) and np.isfinite(self.dexpr(w=start))):
            raise ParameterError(f"start: the loss or its gradient is undefined at w = {start:g}")
        span = max(abs(self.start), 1.0)
        self.x_range = nice_range([self.start - 0.1 * span, -self.start - 0.1 * span,
                                   self.start + 0.1 * span, -self.start + 0.1 * span], pad=0.0)
        self.runs = [gd_1d(self.expr, self.dexpr, self.start, lr, steps, 0.0) for lr in self.learning_rates]
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
        for lr, run, v in zip(self.learning_rates, self.runs, self.verdicts):
            end = run[-1].new_w if run else self.start
            parts.append(f"η = {lr:g} ends at w = {end:.3g} ({v})")
        return (f"Gradient descent on L(w) = {self.expr.text} from w = {fmt(self.start, 2)} for "
                f"{self.steps} steps: " + "; ".join(parts) + ".")

    def step_table(self):
        head = ["step"] + [f"w (η = {lr:g})" for lr in self.learning_rates]
        rows = []
        for i in range(self.steps):
            rows.append([i + 1] + [round(r[i].new_w, 4) if i < len(r) else "" for r in self.runs])
        return head, rows

    def construct(self) -> None:
        p, f = self.pal, self.expr
        n = len(self.learning_rates)
        width = 12.6 / n - 0.6
        xs = np.linspace(self.x_range[0], self.x_range[1], 300)
        ys = f(w=xs)
        fin = ys[np.isfinite(ys)]
        y_lo, y_hi, y_tick = nice_range(np.concatenate([fin, [0.0]]), pad=0.05, min_span=0.5)
        if fin.min() >= 0:
            y_lo = 0.0
        panels = VGroup()
        for lr in self.learning_rates:
            g = self.loss_axes(self.x_range, (y_lo, y_hi, y_tick), width, 3.0)
            curve = self.polyline(g[0], xs, ys, p.curve, 3, y_clip=(y_lo, y_hi))
            title = self.text(f"η = {lr:g}", 26)
            rule = self.text(f"w ← w − {lr:g}·∇L", 18, mono=True)
            VGroup(title, rule).arrange(DOWN, buff=0.12).next_to(g, UP, buff=0.15)
            panels.add(VGroup(g, curve, title, rule))
        panels.arrange(buff=0.6).to_edge(UP, buff=0.3)
        header = self.text(f"L(w) = {f.text},  start w = {fmt(self.start, 2)}", 22, p.muted).to_edge(DOWN, buff=0.2)
        self.play(*[Create(pn[0][0]) for pn in panels], *[FadeIn(pn[0][1]) for pn in panels],
                  *[FadeIn(pn[2:]) for pn in panels], FadeIn(header), run_time=0.8)
        self.play(*[Create(pn[1]) for pn in panels], run_time=0.8)

        trackers = [ValueTracker(self.start) for _ in panels]
        dots = []
        for pn, t in zip(panels, trackers):
            ax = pn[0][0]
            dots.append(always_redraw(lambda ax=ax, t=t: Dot(ax.c2p(t.get_value(), float(f(w=t.get_value()))),
                                                              radius=0.08, color=p.current)))
        self.play(*[FadeIn(d) for d in dots], run_time=0.4)
        live = [True] * n
        notes = [None] * n
        for i in range(self.steps):
            arrows, grow, moves, texts = [], [], [], []
            for k, (pn, run, t) in enumerate(zip(panels, self.runs, trackers)):
                if not live[k] or i >= len(run):
                    continue
                s, ax = run[i], pn[0][0]
                a = ax.c2p(s.w, float(f(w=s.w)))
                length = float(np.clip(abs(s.grad) * 0.25, 0.35, 1.2))
                arrow = Arrow(a, a + np.sign(s.grad) * length * np.array([1, 0, 0]), buff=0, color=p.gradient,
                              stroke_width=5, max_stroke_width_to_length_ratio=20, max_tip_length_to_length_ratio=0.3)
                step = self.pieces([(f"Δw = −{self.learning_rates[k]:g} ×", None),
                                    (fmt(s.grad), p.gradient), ("=", None), (fmt(-self.learning_rates[k] * s.grad), None)], 15)
                step.scale_to_fit_width(min(step.width, width)).next_to(pn[0], DOWN, buff=0.25)
                arrows.append(arrow)
                texts.append(step)
                grow.append(GrowArrow(arrow))
                leaves = self._leaves(s.new_w) or not np.isfinite(float(f(w=s.new_w)))
                if leaves:
                    live[k] = False
                    edge = self.x_range[0] if s.new_w < self.x_range[0] else self.x_range[1]
                    notes[k] = (edge, s.new_w)
                    moves.append(t.animate.set_value(edge))
                else:
                    moves.append(t.animate.set_value(s.new_w))
            if not arrows:
                break
            self.play(LaggedStart(*grow, lag_ratio=0.15), *[FadeIn(x) for x in texts], run_time=0.4)
            self.play(LaggedStart(*moves, lag_ratio=0.15), *[FadeOut(x) for x in arrows], run_time=0.5)
            self.play(*[FadeOut(x) for x in texts], run_time=0.1)
            for k, note in enumerate(notes):
                if note is not None:
                    msg = self.text(f"left the plot: w = {note[1]:.3g}\n(not clamped, diverging)", 16, p.gradient)
                    msg.next_to(panels[k][0], DOWN, buff=0.25)
                    self.play(FadeOut(dots[k]), Write(msg), run_time=0.5)
                    notes[k] = None
        labels = []
        for pn, v in zip(panels, self.verdicts):
            color = p.minimum if v.startswith("good") else p.gradient if "large" in v else p.current
            labels.append(self.text(v, 20, color).next_to(pn[0], DOWN, buff=0.95))
        self.play(LaggedStart(*[Write(x) for x in labels], lag_ratio=0.2), run_time=0.8)
        self.wait(1)

"""Tests of the rule checks: each rule rejects a real scene changed to break it, and passes the original.

A mutant is a library scene (small settings, recorded without rendering) with one deliberate
violation, made by a play filter from ``rulebook.mutate`` or by a subclass here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pytest
from manim import (
    DOWN,
    RIGHT,
    UP,
    Axes,
    Create,
    Dot,
    Dot3D,
    FadeIn,
    FadeOut,
    GrowArrow,
    GrowFromCenter,
    MathTex,
    Surface,
    Text,
    Transform,
    ValueTracker,
    VGroup,
)
from mkdocs_gradviz.scenes._base import fmt
from mkdocs_gradviz.scenes._palette import palette
from mkdocs_gradviz.scenes.batch_update import BatchUpdate
from mkdocs_gradviz.scenes.gradient_descent import GradientDescent
from mkdocs_gradviz.scenes.gradient_field import GradientField
from mkdocs_gradviz.scenes.learning_rate import LearningRateComparison
from mkdocs_gradviz.scenes.loss_surface import LossSurface
from mkdocs_gradviz.scenes.matrix_update import WeightMatrixUpdate
from mkdocs_gradviz.scenes.optimizers import OptimizerComparison
from mkdocs_gradviz.scenes.weight_update import WeightUpdate
from rulebook.base import RuleBroken
from rulebook.expect import expect
from rulebook.mutate import dropped, hurried, instantly, moves, recoloured, uniform_steps, without_lag
from rulebook.recorder import PlayFilter, record, recorded
from rulebook.rules import RULES
from rulebook.view import string_of

# -- scene mutants that a play filter cannot express ------------------------------------------


class EtaLeftOut:
    """Each step's equation without η: ``w ← 2.500 − 5.000 = 1.000``."""

    def update_line(self, old, eta, grad, new, name="w", size=22):
        return self.pieces([(f"{name} ← {fmt(old)} −", None), (fmt(grad), self.pal.gradient), ("=", None),
                            (fmt(new), self.pal.updated)], size)


class OldWeightOnly:
    """Each step's equation reduced to the old weight: no η, no gradient, no new weight in it."""

    def update_line(self, old, eta, grad, new, name="w", size=22):
        return self.pieces([(f"{name} = {fmt(old)}", None)], size)


class NewWeightUncoloured:
    """The new weight printed in the weight colour instead of the updated one."""

    def update_line(self, old, eta, grad, new, name="w", size=22):
        return self.pieces([(f"{name} ← {fmt(old)} − {eta:g} ×", None), (fmt(grad), self.pal.gradient),
                            ("=", None), (fmt(new), None)], size)


class GradientInWeightColour:
    """The palette's gradient role set to the weights' colour: arrows and gradient numbers alike."""

    @property
    def pal(self):
        return replace(palette(), gradient=palette().foreground)


class ArrowHiddenOnce:
    """The second step's gradient arrow made but never visible."""

    def gradient_arrow(self, *args, **kwargs):
        arrow = super().gradient_arrow(*args, **kwargs)
        self.arrows_made = getattr(self, "arrows_made", 0) + 1
        return arrow.set_opacity(0) if self.arrows_made == 2 else arrow


class UnlabelledAxes:
    """Axes labelled x and y instead of w and L."""

    def loss_axes(self, x_range, y_range, x_length, y_length, x_label="w", y_label="L(w)", ticks=True):
        return super().loss_axes(x_range, y_range, x_length, y_length, "x", "y", ticks)


class WholePathAtOnce(GradientField):
    """Every step's arrow drawn, then the point sent straight to the end in one move."""

    def construct(self):
        axes = self.show_loss()
        ax = axes[0]
        self.show_field(axes)
        dot = Dot(ax.c2p(*self.path[0]), radius=0.08, color=self.pal.current)
        self.play(GrowFromCenter(dot), run_time=0.3)
        steps = zip(self.path[:-1], self.path[1:], strict=True)
        self.play(*[GrowArrow(self.gradient_arrow(ax.c2p(*a), ax.c2p(*b))) for a, b in steps])
        self.play(dot.animate.move_to(ax.c2p(*self.path[-1])), run_time=1.0)


class MorphingLabel(WeightUpdate):
    """The weight's number swapped by a Transform to the next string, never counting through values."""

    def show_connection(self):
        conn, w, eq = super().show_connection()
        self.label = next(m for m in self.mobjects if isinstance(m, Text) and string_of(m).startswith("w ="))
        self.label.clear_updaters()
        return conn, w, eq

    def show_step(self, conn, w, eq, s, gmax):
        line = self.update_line(s.w, self.learning_rate, s.grad, s.new_w, size=26).next_to(eq, UP, buff=0.45)
        self.play(FadeIn(line), run_time=0.4)
        self.play(Transform(self.label, self.text(f"w = {fmt(s.new_w)}", 30, mono=True).move_to(self.label)),
                  run_time=0.6)
        self.play(FadeOut(line), run_time=0.3)


class UpdateBeforeAccumulating(BatchUpdate):
    """The single update applied first, the per-sample gradients added up afterwards."""

    def construct(self):
        n1, n2, conn, w = self.show_connection()
        samples = self.show_samples()
        self.apply_update(conn, w)
        self.accumulate(samples, n1, n2)


class SumShownAtOnce(BatchUpdate):
    """Only the batch total appears: the gradients are never seen adding up sample by sample."""

    def accumulate(self, samples, n1, n2):
        total = float(np.sum(self.grads))
        label = self.text(f"Σ ∂L/∂w = {fmt(total)}", 22, self.pal.gradient, mono=True).move_to(DOWN * 1.15)
        bar = self.gradient_arrow(DOWN * 1.65, DOWN * 1.65 + RIGHT * 3, width=7, tip=0.12)
        self.play(FadeIn(label), GrowArrow(bar), run_time=0.5)


class EntriesAllAtOnce(WeightMatrixUpdate):
    """Every entry of W_new turns into its new value in one and the same animation."""

    def fill_new_matrix(self, w_entries, g_entries, eq):
        start, _ = self.matrix(self.weights, self.pal.foreground)
        final, f_entries = self.matrix(self.new_weights, self.pal.updated)
        group = VGroup(MathTex(r"W_{\text{new}} =", font_size=36), start).arrange(RIGHT, buff=0.2).next_to(eq, DOWN)
        final.move_to(start)
        self.play(FadeIn(group), run_time=0.4)
        line = self.update_line(self.weights[0, 0], self.learning_rate, self.grad[0, 0], self.new_weights[0, 0])
        self.play(FadeIn(line.next_to(group, DOWN)), run_time=0.4)
        self.play(*[Transform(start[1][k], f_entries[k]) for k in range(len(f_entries))], run_time=0.8)
        return group, line


def mix(mutation: type, scene: type) -> type:
    return type(f"{mutation.__name__}{scene.__name__}", (mutation, scene), {"__doc__": mutation.__doc__})


# -- the mutant table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    rule: str
    what: str
    base: type
    params: tuple = ()
    scene: type | None = None  # a subclass of ``base`` that breaks the rule
    play_filter: PlayFilter | None = None


GD, GF, LR = (GradientDescent, (("steps", 2),)), (GradientField, (("steps", 2),)), (LearningRateComparison, (("steps", 2),))
WU, SURF = (WeightUpdate, (("steps", 2),)), (LossSurface, (("steps", 2),))
MATRIX = (WeightMatrixUpdate, (("weights", ((0.1, 0.3), (-0.2, 0.4))), ("inputs", (1.0, 0.5)), ("targets", (0.2, 0.1))))
BATCH, OPT = (BatchUpdate, ()), (OptimizerComparison, (("steps", 2),))
is_create_of = lambda kind: lambda a: isinstance(a, Create) and isinstance(a.mobject, kind)
is_fade_in_of = lambda text: lambda a: isinstance(a, FadeIn) and string_of(a.mobject).startswith(text)

MUTANTS = [
    Mutant("no instant jumps", "the weight jumps with set_value", *GD, play_filter=instantly(moves(ValueTracker))),
    Mutant("no instant jumps", "the 3-D point jumps with move_to", *SURF, play_filter=instantly(moves(Dot3D))),
    Mutant("no instant jumps", "the running-sum text is swapped at once", *BATCH,
           play_filter=instantly(lambda a: type(a) is Transform and isinstance(a.mobject, Text))),
    Mutant("no instant jumps", "matrix entries are swapped at once", *MATRIX,
           play_filter=instantly(lambda a: type(a) is Transform and isinstance(a.mobject, Text))),
    Mutant("no instant jumps", "each update lasts 0.02 s", *WU, play_filter=hurried(moves(ValueTracker))),
    Mutant("loss shown first", "the loss curve is never drawn", *GD,
           play_filter=dropped(lambda a: isinstance(a, Create) and not isinstance(a.mobject, Axes))),
    Mutant("loss shown first", "the loss surface is never drawn", *SURF, play_filter=dropped(is_create_of(Surface))),
    Mutant("loss shown first", "the loss statement is left out", *WU, play_filter=dropped(is_fade_in_of("L ="))),
    Mutant("gradient arrow every step", "no arrow on the second step", *GD, scene=mix(ArrowHiddenOnce, GradientDescent)),
    Mutant("gradient arrow every step", "arrows in the moving point's colour", *GF,
           play_filter=recoloured(lambda a: isinstance(a, GrowArrow), "current")),
    Mutant("update shows old, eta, gradient, new", "η left out of each step's equation", *GD,
           scene=mix(EtaLeftOut, GradientDescent)),
    Mutant("update shows old, eta, gradient, new", "the equation shows only the old weight", *GD,
           scene=mix(OldWeightOnly, GradientDescent)),
    Mutant("update shows old, eta, gradient, new", "η left out of each entry's sum", *MATRIX,
           scene=mix(EtaLeftOut, WeightMatrixUpdate)),
    Mutant("update shows old, eta, gradient, new", "the new weight in the weight colour", *WU,
           scene=mix(NewWeightUncoloured, WeightUpdate)),
    Mutant("weights and gradients apart in colour", "the gradient drawn in the weights' colour", *GD,
           scene=mix(GradientInWeightColour, GradientDescent)),
    Mutant("weights and gradients apart in colour", "arrows in the moving point's colour", *GF,
           play_filter=recoloured(lambda a: isinstance(a, GrowArrow), "current")),
    Mutant("axes labelled", "axes labelled x and y", *GD, scene=mix(UnlabelledAxes, GradientDescent)),
    Mutant("axes labelled", "3-D axis labels never shown", *SURF,
           play_filter=dropped(lambda a: isinstance(a, FadeIn) and isinstance(a.mobject, MathTex))),
    Mutant("step by step", "the whole path in one move", *GF, scene=WholePathAtOnce),
    Mutant("step sizes true", "every step the same size", *LR, play_filter=uniform_steps(0.3)),
    Mutant("updates staggered", "all panels move in lockstep", *LR, play_filter=without_lag),
    Mutant("updates staggered", "all optimizers move in lockstep", *OPT, play_filter=without_lag),
    Mutant("updates staggered", "every matrix entry changes at once", *MATRIX, scene=EntriesAllAtOnce),
    Mutant("colour code", "the moving point drawn green", *GF,
           play_filter=recoloured(lambda a: isinstance(a, GrowFromCenter) and isinstance(a.mobject, Dot), "minimum")),
    Mutant("weight counts smoothly", "the weight's number morphs instead of counting", *WU, scene=MorphingLabel),
    Mutant("batch accumulates first", "the update comes before the accumulation", *BATCH,
           scene=UpdateBeforeAccumulating),
    Mutant("batch accumulates first", "only the total is shown", *BATCH, scene=SumShownAtOnce),
]


@pytest.mark.parametrize("mutant", MUTANTS, ids=[f"{m.rule}: {m.what}" for m in MUTANTS])
def test_rule_passes_the_scene_and_rejects_its_mutant(mutant: Mutant):
    """The rule's check passes the real scene and rejects it with the one deliberate violation."""
    check = RULES[mutant.rule].check
    clean = recorded(mutant.base, mutant.params)
    check(clean, expect(clean.scene))
    bad = record(mutant.scene or mutant.base, dict(mutant.params), mutant.play_filter)
    with pytest.raises(RuleBroken):
        check(bad, expect(bad.scene))


def test_every_rule_has_a_mutant():
    """No rule goes untested: each one has at least one mutant it must reject."""
    assert {m.rule for m in MUTANTS} == set(RULES)

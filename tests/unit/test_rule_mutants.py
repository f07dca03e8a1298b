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
    GrowFromPoint,
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
from mkdocs_gradviz.scenes.stochastic import StochasticDescent
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


class GradientDownhill:
    """Every red arrow drawn along −∇L, downhill (what lesson 1 once said the arrow showed)."""

    def gradient_arrow(self, start, end, *args, **kwargs):
        start, end = np.asarray(start), np.asarray(end)
        return super().gradient_arrow(start, 2 * start - end, *args, **kwargs)


class GradientOffThePoint:
    """Every red arrow drawn half a unit above the point it belongs to."""

    def gradient_arrow(self, start, end, *args, **kwargs):
        return super().gradient_arrow(np.asarray(start) + 0.5 * UP, np.asarray(end) + 0.5 * UP, *args, **kwargs)


class StepInRed:
    """The step −η∇L drawn as a solid red arrow, as the library once drew it."""

    def step_arrow(self, start, end, width=4):
        return self.gradient_arrow(start, end)


class HalfStep:
    """The step arrow drawn half as long as the step the maths takes."""

    def step_arrow(self, start, end, width=4):
        start = np.asarray(start)
        return super().step_arrow(start, start + 0.5 * (np.asarray(end) - start), width)


class StepHidden:
    """Every step arrow made but never visible."""

    def step_arrow(self, *args, **kwargs):
        return super().step_arrow(*args, **kwargs).set_opacity(0)


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
    """The weight's number swapped by a Transform to the next label, never counting through values."""

    def show_step(self, conn, w, label, eq, s, gmax, shown):
        line = self.update_line(s.w, self.learning_rate, s.grad, s.new_w).next_to(eq, UP, buff=0.45)
        self.play(*([FadeOut(shown)] if len(shown) else []), FadeIn(line), run_time=0.4)
        w.set_value(s.new_w)
        self.play(Transform(label, self.weight_label(w).move_to(label)), run_time=0.6)
        return VGroup(line)


class UpdateBeforeAccumulating(BatchUpdate):
    """The single update applied first, the per-sample gradients added up afterwards."""

    def construct(self):
        n1, n2, conn, w, label = self.show_connection()
        samples = self.show_samples()
        self.apply_update(conn, w, label)
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
    match: str  # what the rule's own message says (a regular expression): another rule's verdict does not count
    what: str
    base: type
    params: tuple = ()
    scene: type | None = None  # a subclass of ``base`` that breaks the rule
    play_filter: PlayFilter | None = None


GD, GF, LR = (GradientDescent, (("steps", 2),)), (GradientField, (("steps", 2),)), (LearningRateComparison, (("steps", 2),))
WU, SURF = (WeightUpdate, (("steps", 2),)), (LossSurface, (("steps", 2),))
MATRIX = (WeightMatrixUpdate, (("weights", ((0.1, 0.3), (-0.2, 0.4))), ("inputs", (1.0, 0.5)), ("targets", (0.2, 0.1))))
BATCH, OPT = (BatchUpdate, ()), (OptimizerComparison, (("steps", 2),))
SGD = (StochasticDescent, (("steps", 2),))
is_create_of = lambda kind: lambda a: isinstance(a, Create) and isinstance(a.mobject, kind)
is_fade_in_of = lambda text: lambda a: isinstance(a, FadeIn) and string_of(a.mobject).startswith(text)

MUTANTS = [
    Mutant("no instant jumps", "a (weight|dot) jumps from", "the weight jumps with set_value", *GD,
           play_filter=instantly(moves(ValueTracker))),
    Mutant("no instant jumps", "a dot jumps from", "the 3-D point jumps with move_to", *SURF,
           play_filter=instantly(moves(Dot3D))),
    Mutant("no instant jumps", "the number text .* becomes", "the running-sum text is swapped at once", *BATCH,
           play_filter=instantly(lambda a: type(a) is Transform and isinstance(a.mobject, Text))),
    Mutant("no instant jumps", "the number text .* becomes", "matrix entries are swapped at once", *MATRIX,
           play_filter=instantly(lambda a: type(a) is Transform and isinstance(a.mobject, Text))),
    Mutant("no instant jumps", "changes within 0.02 s", "each update lasts 0.02 s", *WU,
           play_filter=hurried(moves(ValueTracker))),
    Mutant("loss shown first", "the loss curve is not drawn", "the loss curve is never drawn", *GD,
           play_filter=dropped(lambda a: isinstance(a, Create) and not isinstance(a.mobject, Axes))),
    Mutant("loss shown first", "the loss surface is not drawn", "the loss surface is never drawn", *SURF,
           play_filter=dropped(is_create_of(Surface))),
    Mutant("loss shown first", "no loss statement quoting", "the loss statement is left out", *WU,
           play_filter=dropped(is_fade_in_of("L ="))),
    Mutant("gradient arrow every step", "0 gradient arrows at", "no arrow on the second step", *GD,
           scene=mix(ArrowHiddenOnce, GradientDescent)),
    Mutant("gradient arrow every step", "gradient arrow drawn in", "arrows in the moving point's colour", *GF,
           play_filter=recoloured(lambda a: isinstance(a, GrowArrow), "current")),
    Mutant("update shows old, eta, gradient, new", "is not in the equation that shows this step",
           "η left out of each step's equation", *GD, scene=mix(EtaLeftOut, GradientDescent)),
    Mutant("update shows old, eta, gradient, new", "new weight .* not shown", "the equation shows only the old weight",
           *GD, scene=mix(OldWeightOnly, GradientDescent)),
    Mutant("update shows old, eta, gradient, new", "is not in the equation that shows this step",
           "η left out of each entry's sum", *MATRIX, scene=mix(EtaLeftOut, WeightMatrixUpdate)),
    Mutant("update shows old, eta, gradient, new", "new weight .* not shown in the updated colour",
           "the new weight in the weight colour", *WU, scene=mix(NewWeightUncoloured, WeightUpdate)),
    Mutant("weights and gradients apart in colour", "weights and gradients share", "the gradient drawn in the weights' colour",
           *GD, scene=mix(GradientInWeightColour, GradientDescent)),
    Mutant("weights and gradients apart in colour", "weights and gradients share", "arrows in the moving point's colour",
           *GF, play_filter=recoloured(lambda a: isinstance(a, GrowArrow), "current")),
    Mutant("axes labelled", "no label", "axes labelled x and y", *GD, scene=mix(UnlabelledAxes, GradientDescent)),
    Mutant("axes labelled", "no label", "3-D axis labels never shown", *SURF,
           play_filter=dropped(lambda a: isinstance(a, FadeIn) and isinstance(a.mobject, MathTex))),
    Mutant("step by step", "no animation moves the weight", "the whole path in one move", *GF, scene=WholePathAtOnce),
    Mutant("step sizes true", "the maths says", "every step the same size", *LR, play_filter=uniform_steps(0.3)),
    Mutant("updates staggered", "move at exactly the same time", "all panels move in lockstep", *LR,
           play_filter=without_lag),
    Mutant("updates staggered", "move at exactly the same time", "all optimizers move in lockstep", *OPT,
           play_filter=without_lag),
    Mutant("updates staggered", "move at exactly the same time", "every matrix entry changes at once", *MATRIX,
           scene=EntriesAllAtOnce),
    Mutant("colour code", "the moving point is", "the moving point drawn green", *GF,
           play_filter=recoloured(lambda a: isinstance(a, GrowFromCenter) and isinstance(a.mobject, Dot), "minimum")),
    Mutant("weight counts smoothly", "no number counts from", "the weight's number morphs instead of counting", *WU,
           scene=MorphingLabel),
    Mutant("batch accumulates first", "before the last sample is added", "the update comes before the accumulation",
           *BATCH, scene=UpdateBeforeAccumulating),
    Mutant("batch accumulates first", "is never shown", "only the total is shown", *BATCH, scene=SumShownAtOnce),
    Mutant("red arrow is ∇L", "points downhill, along −∇L", "the red arrow shows −∇L", *GD,
           scene=mix(GradientDownhill, GradientDescent)),
    Mutant("red arrow is ∇L", "points downhill, along −∇L", "the step −η∇L drawn as a red arrow", *GF,
           scene=mix(StepInRed, GradientField)),
    Mutant("red arrow is ∇L", "points downhill, along −∇L", "red direction arrows along −∇L", *OPT,
           scene=mix(GradientDownhill, OptimizerComparison)),
    Mutant("red arrow is ∇L", "is not ∇L at a current point", "the red arrow away from the point", *LR,
           scene=mix(GradientOffThePoint, LearningRateComparison)),
    Mutant("step arrow is −η∇L", "not at w − η∇L", "the step arrow half as long as the step", *GF,
           scene=mix(HalfStep, GradientField)),
    Mutant("step arrow is −η∇L", "0 dashed step arrows", "no step arrow visible", *GD,
           scene=mix(StepHidden, GradientDescent)),
    Mutant("step arrow is −η∇L", "not the step colour", "the step arrow drawn red", *SGD,
           play_filter=recoloured(lambda a: isinstance(a, GrowFromPoint), "gradient")),
]


@pytest.mark.parametrize("mutant", MUTANTS, ids=[f"{m.rule}: {m.what}" for m in MUTANTS])
def test_rule_passes_the_scene_and_rejects_its_mutant(mutant: Mutant):
    """The rule's check passes the real scene and rejects it with the one deliberate violation."""
    check = RULES[mutant.rule].check
    clean = recorded(mutant.base, mutant.params)
    check(clean, expect(clean.scene))
    bad = record(mutant.scene or mutant.base, dict(mutant.params), mutant.play_filter)
    with pytest.raises(RuleBroken, match=mutant.match):
        check(bad, expect(bad.scene))


def test_every_rule_has_a_mutant():
    """No rule goes untested: each one has at least one mutant it must reject."""
    assert {m.rule for m in MUTANTS} == set(RULES)

"""The seeds' Forbidden and Guideline rules: each one's check, and the library scenes it applies to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .content import (
    check_axis_labels,
    check_colour_code,
    check_colours_apart,
    check_gradient_arrows,
    check_loss_first,
    check_update_equations,
)
from .expect import Expect
from .language import check_red_is_gradient, check_step_arrows
from .motion import (
    check_batch_accumulation,
    check_counts_smoothly,
    check_no_instant_changes,
    check_staggered,
    check_step_by_step,
    check_step_sizes,
)
from .recorder import Recording

ALL = ("GradientDescent", "GradientField", "LearningRateComparison", "NetworkGradients", "WeightUpdate",
       "BatchUpdate", "WeightMatrixUpdate", "OptimizerComparison", "StochasticDescent", "LossSurface")
ON_AXES = ("GradientDescent", "GradientField", "LearningRateComparison", "OptimizerComparison",
           "StochasticDescent", "LossSurface")
UPDATING = tuple(s for s in ALL if s != "NetworkGradients")  # it shows gradients but updates nothing
# Scenes that draw each plain step −η∇L as well as the gradient (momentum and Adam do not step along −∇L).
STEPS_DRAWN = ("GradientDescent", "GradientField", "StochasticDescent", "LossSurface")


@dataclass(frozen=True)
class Rule:
    seed: str  # the seed's own words
    check: Callable[[Recording, Expect], None]
    scenes: tuple[str, ...]


RULES: dict[str, Rule] = {
    "no instant jumps": Rule(
        "Do NOT use instantaneous jumps / Do NOT show instant weight changes - always animate",
        check_no_instant_changes, ALL),
    "loss shown first": Rule("Always show the loss function/surface first", check_loss_first, ALL),
    "gradient arrow every step": Rule(
        "Do NOT skip showing the gradient vector; use arrows; red for gradient direction",
        check_gradient_arrows, ON_AXES),
    "update shows old, eta, gradient, new": Rule(
        "Show old weight value, gradient, and new weight value / Do NOT skip showing the learning rate in "
        "equations / Visualize the update equation alongside the animation", check_update_equations, UPDATING),
    "weights and gradients apart in colour": Rule(
        "Do NOT use same color for weights and gradients", check_colours_apart, UPDATING),
    "axes labelled": Rule("Do NOT forget to label axes (w for weights, L for loss)", check_axis_labels, ON_AXES),
    "step by step": Rule("Animate step-by-step, not all at once", check_step_by_step, UPDATING),
    "step sizes true": Rule("Do NOT use uniform step sizes when demonstrating learning rate", check_step_sizes,
                            ON_AXES),
    "updates staggered": Rule("Do NOT update all weights at exact same time (use slight delays)",
                              check_staggered, ("LearningRateComparison", "OptimizerComparison", "WeightMatrixUpdate")),
    "colour code": Rule("Color code: yellow for current position, green for minimum", check_colour_code, ON_AXES),
    "weight counts smoothly": Rule("Use ValueTracker for smooth weight value animations", check_counts_smoothly,
                                   ("GradientDescent", "WeightUpdate", "BatchUpdate")),
    "red arrow is ∇L": Rule("Color code: red for gradient direction (red always means ∇L at the current point, uphill)",
                            check_red_is_gradient, ON_AXES),
    "step arrow is −η∇L": Rule("Use arrows to clearly indicate gradient direction (the step −η∇L drawn apart from it: "
                               "dashed, in the step colour, to scale)", check_step_arrows, STEPS_DRAWN),
    "batch accumulates first": Rule("For batch updates, show gradient accumulation", check_batch_accumulation,
                                    ("BatchUpdate",)),
}

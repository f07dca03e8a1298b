"""The seeds' rules, checked on what each library scene shows: recorded frame by frame, not rendered.

The checks live in ``tests/rulebook`` as plain functions; ``test_rule_mutants.py`` proves each one
rejects a scene that breaks its rule.
"""

from __future__ import annotations

from functools import cache

import pytest
from manim import tempconfig
from mkdocs_gradviz.scenes.batch_update import BatchUpdate
from mkdocs_gradviz.scenes.gradient_descent import GradientDescent
from mkdocs_gradviz.scenes.gradient_field import GradientField
from mkdocs_gradviz.scenes.learning_rate import LearningRateComparison
from mkdocs_gradviz.scenes.loss_surface import LossSurface
from mkdocs_gradviz.scenes.matrix_update import WeightMatrixUpdate
from mkdocs_gradviz.scenes.network_gradients import NetworkGradients
from mkdocs_gradviz.scenes.optimizers import OptimizerComparison
from mkdocs_gradviz.scenes.stochastic import StochasticDescent
from mkdocs_gradviz.scenes.weight_update import WeightUpdate
from rulebook.expect import Expect, expect
from rulebook.legibility import css_px, smallest_text
from rulebook.recorder import Recording, recorded
from rulebook.rules import ALL, RULES, STEPS_DRAWN

SCENES = {cls.__name__: cls for cls in (
    GradientDescent, GradientField, LearningRateComparison, NetworkGradients, WeightUpdate, BatchUpdate,
    WeightMatrixUpdate, OptimizerComparison, StochasticDescent, LossSurface)}

# Beyond the defaults, settings that take other branches: a descent that leaves its plot, four
# panels one of which lands on the minimum at once, and author-given gradients.
VARIANTS = {
    "GradientDescent": [(), (("learning_rate", 1.5),)],
    "LearningRateComparison": [(), (("learning_rates", (0.05, 0.2, 0.5, 1.05)),)],
    "WeightUpdate": [(), (("gradients", (0.3, -0.2, 0.15, 0.05)),)],
}

# With author-given gradients there is no loss function to show; that run keeps every other rule.
NO_LOSS_TO_SHOW = {("loss shown first", "WeightUpdate", 1)}

CASES = [pytest.param(rule, scene, params, id=f"{rule}-{scene}{'-' + str(i) if i else ''}")
         for rule, spec in RULES.items() for scene in spec.scenes
         for i, params in enumerate(VARIANTS.get(scene, [()])) if (rule, scene, i) not in NO_LOSS_TO_SHOW]


@cache
def run(scene: str, params: tuple) -> tuple[Recording, Expect]:
    rec = recorded(SCENES[scene], params)
    return rec, expect(rec.scene)


@pytest.mark.parametrize("rule,scene,params", CASES)
def test_library_scene_keeps_the_seed_rule(rule, scene, params):
    """The scene, as recorded, keeps the seed rule (see rulebook.rules for each rule's words)."""
    RULES[rule].check(*run(scene, params))


def test_every_library_scene_is_held_to_the_rules_for_every_scene():
    """The rules every scene must keep are applied to all ten library scenes."""
    assert set(ALL) == set(SCENES)
    assert all(RULES[r].scenes == ALL for r in ("no instant jumps", "loss shown first"))


@pytest.mark.parametrize("scene", sorted(SCENES))
def test_describe_and_step_table_are_available_before_rendering(scene):
    """describe() returns numbers in a sentence and step_table() has consistent rows."""
    s = run(scene, ())[0].scene
    text = s.describe()
    assert isinstance(text, str) and any(ch.isdigit() for ch in text) and text.endswith(".")
    table = s.step_table()
    if table is not None:
        head, rows = table
        assert rows and all(len(r) == len(head) for r in rows)


# The values each scene puts on screen (the rest, such as "converged", are said in words or not shown).
SHOWN_VALUES = {
    ("GradientDescent", ()): ("steps_taken", "first_grad", "first_w", "final_w", "final_grad", "minimum_w"),
    ("GradientDescent", (("learning_rate", 1.5),)): ("first_grad", "first_w", "final_w"),
    ("LearningRateComparison", ()): ("rate_1", "rate_2", "rate_3", "final_w_1", "final_w_2", "final_w_3",
                                     "verdict_1", "verdict_2", "verdict_3"),
    ("GradientField", ()): ("first_grad1", "first_grad2", "final_w1", "final_w2", "final_loss", "final_grad"),
    ("LossSurface", ()): ("start_loss", "final_loss", "final_w1", "final_w2"),
    ("StochasticDescent", ()): ("sgd_w", "sgd_b", "sgd_loss", "full_loss"),
    ("OptimizerComparison", ()): tuple(f"{k}_{c}" for k in ("gd", "momentum", "adam") for c in ("w1", "w2", "loss")),
}


def _shown_strings(rec: Recording) -> list[str]:
    """Every text the recording settles on, whitespace folded and minus signs alike."""
    out = []
    for play in rec.plays:
        for t in play.after.visible_texts(0.5):
            out.append(" ".join(t.string.replace("−", "-").split()))
    return out


@pytest.mark.parametrize("scene,params", list(SHOWN_VALUES), ids=[f"{s}{'-' + str(p) if p else ''}" for s, p in SHOWN_VALUES])
def test_values_are_what_the_scene_shows(scene, params):
    """Each value a page may quote stands, as formatted, in a text the scene shows."""
    rec, _ = run(scene, params)
    shown = _shown_strings(rec)
    values = rec.scene.values()
    for name in SHOWN_VALUES[(scene, params)]:
        want = values[name].replace("−", "-")
        assert any(want in s for s in shown), f"{scene}.values()[{name!r}] = {values[name]!r} is never shown"


def test_steps_are_drawn_exactly_where_the_maths_says_so(tmp_path):
    """The scenes held to the step-arrow rule are those whose expectations say they draw the step."""
    # Expectations come from the maths each scene does when it is made: no need to record its construct.
    with tempconfig({"media_dir": str(tmp_path), "dry_run": True}):
        drawn = {name for name, scene in SCENES.items() if expect(scene()).steps_drawn}
    assert set(STEPS_DRAWN) == drawn


@pytest.mark.parametrize("scene", ["GradientDescent", "LearningRateComparison", "GradientField", "LossSurface",
                                   "StochasticDescent", "OptimizerComparison"])
def test_every_digit_is_readable_at_full_width(scene):
    """At a full-width figure (690 CSS px) no text of the scene stands under 8 CSS px a digit."""
    smallest = smallest_text(run(scene, ())[0])
    assert css_px(smallest.height, 690) >= 8, smallest

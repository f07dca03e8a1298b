"""Rule harness: run each scene's construct() with play/wait recorded and check the seeds' rules."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
import pytest
from manim import (Dot, LaggedStart, Scene, Transform, ValueTracker,
                   tempconfig)
from manim.animation.animation import prepare_animation
from manim.animation.growing import GrowArrow

sys.path.insert(0, str(Path(__file__).parents[1] / "scenes"))

from _palette import palette  # noqa: E402

SCENES = [
    ("gradient_descent", "GradientDescent", True), ("gradient_field", "GradientField", True),
    ("learning_rate", "LearningRateComparison", True), ("network_gradients", "NetworkGradients", False),
    ("weight_update", "WeightUpdate", False), ("batch_update", "BatchUpdate", False),
    ("matrix_update", "WeightMatrixUpdate", False), ("optimizers", "OptimizerComparison", True),
    ("stochastic", "StochasticDescent", True), ("loss_surface", "LossSurface", True),
]


class Recorder:
    """Stands in for Scene.play/wait: applies each animation fully and snapshots the scene."""

    def __init__(self, scene: Scene):
        self.scene = scene
        self.plays: list[dict] = []
        self.jumps: list[str] = []
        self.last = self.snapshot()

    def snapshot(self) -> dict:
        out = {}
        for m in self.scene.get_mobject_family_members():
            if isinstance(m, ValueTracker):
                out[id(m)] = ("v", float(m.get_value()), m)
            elif isinstance(m, Dot) or type(m).__name__ == "Dot3D":
                out[id(m)] = ("p", tuple(np.round(m.get_center(), 6)), m)
        for m in self.scene.mobjects:
            if isinstance(m, ValueTracker) and id(m) not in out:
                out[id(m)] = ("v", float(m.get_value()), m)
        return out

    def play(self, *args, **kwargs):
        before = self.snapshot()
        for k, (kind, val, m) in before.items():
            if k in self.last and self.last[k][1] != val:
                self.jumps.append(f"{type(m).__name__} changed outside an animation before play {len(self.plays)}")
        anims = [prepare_animation(a) for a in args]
        trackers = [a.mobject for a in _flat(anims) if isinstance(a.mobject, ValueTracker)]
        tvals = {id(t): t.get_value() for t in trackers}
        texts_before = _texts(self.scene)
        self.scene.add_mobjects_from_animations(anims)
        for a in anims:
            a._setup_scene(self.scene)
            a.begin()
        for a in anims:
            a.finish()
            a.clean_up_from_scene(self.scene)
        for m in self.scene.mobjects:
            m.update(0)
        after = self.snapshot()
        moved = [m for k, (kind, val, m) in after.items() if k in before and before[k][1] != val]
        moved += [t for t in trackers if t.get_value() != tvals[id(t)]]
        self.plays.append({"anims": anims, "moved": moved, "texts": texts_before | _texts(self.scene),
                           "types": {type(m).__name__ for m in self.scene.get_mobject_family_members()}})
        self.last = after

    def wait(self, *args, **kwargs):
        self.play()


def _flat(anims):
    for a in anims:
        yield a
        if hasattr(a, "animations"):
            yield from _flat(a.animations)


def _texts(scene) -> set[str]:
    out = set()
    for m in scene.get_mobject_family_members():
        for attr in ("text", "original_text", "tex_string"):
            v = getattr(m, attr, None)
            if isinstance(v, str):
                out.add(v)
    return out


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module", params=SCENES, ids=[s[1] for s in SCENES])
def run(request, media):
    module, cls, _ = request.param
    scene_cls = getattr(importlib.import_module(module), cls)
    with tempconfig({"media_dir": str(media), "dry_run": True}):
        scene = scene_cls()
        rec = Recorder(scene)
        scene.play, scene.wait = rec.play, rec.wait
        scene.setup()
        scene.construct()
    return request.param, scene, rec


def test_no_value_or_position_changes_without_animation(run):
    """No dot position or ValueTracker value changes between animations."""
    _, _, rec = run
    assert rec.jumps == []


def test_loss_is_shown_before_anything_moves(run):
    """Axes (or the loss statement) are on screen before the first weight or point moves."""
    (_, _, has_curve), scene, rec = run
    first = next((i for i, p in enumerate(rec.plays) if p["moved"] or any(type(a) is Transform for a in _flat(p["anims"]))), 1)
    before = rec.plays[first]["types"]
    if has_curve:
        assert {"Axes", "ThreeDAxes"} & before
    texts = " ".join(t for p in rec.plays[: first + 1] for t in p["texts"])
    assert "L" in texts


def test_gradient_arrow_in_gradient_colour_every_step(run):
    """Each step of a curve scene shows an arrow in the palette's gradient colour."""
    (module, _, has_curve), scene, rec = run
    if not has_curve:
        return  # weight-update scenes show gradients as red values, checked by frame colour tests
    red = palette().gradient.lower()
    grow = [a for p in rec.plays for a in _flat(p["anims"]) if isinstance(a, GrowArrow)]
    assert grow and all(a.mobject.get_color().to_hex().lower() == red for a in grow)
    n_steps = {"learning_rate": scene.steps if hasattr(scene, "steps") else 0}.get(module)
    trace = getattr(scene, "shown", None) or getattr(scene, "path", None)
    if module == "gradient_descent":
        assert len(grow) == len(scene.shown)
    elif module in ("gradient_field", "loss_surface"):
        assert len(grow) == len(scene.path) - 1
    elif module == "optimizers":
        assert len(grow) == 3 * scene.steps
    elif module == "stochastic":
        assert len(grow) == scene.steps
    elif module == "learning_rate":
        assert len(grow) == sum(min(len(r), next((i + 1 for i, s in enumerate(r) if scene._leaves(s.new_w)), len(r)))
                                for r in scene.runs)
    del n_steps, trace


def test_learning_rate_value_visible_at_every_update(run):
    """Whenever a weight moves, the learning rate's value is on screen in an update equation."""
    (module, _, _), scene, rec = run
    rates = [f"{lr:g}" for lr in getattr(scene, "learning_rates", [getattr(scene, "learning_rate", None)]) if lr]
    if not rates:
        return  # NetworkGradients performs no update
    updates = [p for p in rec.plays if p["moved"] or any(type(a) is Transform for a in _flat(p["anims"]))]
    assert updates
    for p in updates:
        shown = " ".join(p["texts"])
        assert all(r in shown for r in rates), f"η missing from {sorted(p['texts'])[:5]}"


def test_several_weights_never_update_at_the_same_instant(run):
    """Plays that move more than one weight or entry wrap them in a LaggedStart with a delay."""
    _, _, rec = run
    for p in rec.plays:
        top = [a for a in p["anims"] if not isinstance(a, LaggedStart)]
        movers = [a for a in top if isinstance(a.mobject, (ValueTracker, Dot)) and not a.is_introducer()
                  and not a.is_remover()]
        movers += [a for a in top if isinstance(a, Transform) and type(a).__name__ == "Transform"
                   and type(a.mobject).__name__ not in ("Text", "VGroup", "Arrow", "Dot")]
        assert len(movers) <= 1
        for a in p["anims"]:
            if isinstance(a, LaggedStart) and len(a.animations) > 1:
                assert a.lag_ratio > 0


def test_moving_points_use_the_current_colour(run):
    """Points that move are drawn in the current-position colour (or a distinct optimizer path colour)."""
    (module, _, _), _, rec = run
    p = palette()
    allowed = {p.current.lower(), p.path_b.lower(), p.path_c.lower()}
    for play in rec.plays:
        for m in play["moved"]:
            if isinstance(m, Dot):
                assert m.get_color().to_hex().lower() in allowed | {p.minimum.lower()}


def test_describe_and_step_table_are_available_before_rendering(run):
    """describe() returns numbers in a sentence and step_table() has consistent rows."""
    _, scene, _ = run
    text = scene.describe()
    assert isinstance(text, str) and any(ch.isdigit() for ch in text) and text.endswith(".")
    table = scene.step_table()
    if table is not None:
        head, rows = table
        assert rows and all(len(r) == len(head) for r in rows)

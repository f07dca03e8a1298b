"""Small, deliberate violations of the rules, applied to real scenes through the recorder's play filter.

Each function returns a filter: given the scene and the animations of one ``play`` call, it returns
what a careless scene would have played instead (changing mobjects on the spot where a careless
scene would have). Scene-specific mutants that need more are subclasses in ``test_rule_mutants``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from manim import AnimationGroup, LaggedStart, Transform, ValueTracker, Wait
from manim.animation.animation import Animation, prepare_animation
from manim.animation.transform import _MethodAnimation

from .recorder import PlayFilter

Match = Callable[[Animation], bool]


def moves(kind: type) -> Match:
    """Animations that change a ``kind`` mobject in place (not fading it in or out)."""
    return lambda a: isinstance(a.mobject, kind) and isinstance(a, Transform) \
        and not a.is_introducer() and not a.is_remover()


def instantly(match: Match) -> PlayFilter:
    """Carry out matching animations at once, between frames, leaving a Wait as long in their place.

    This is ``w.set_value(new)`` (or ``dot.move_to``, ``label.become``) instead of an animation.
    """
    def apply(scene, anims):
        out = []
        for a in anims:
            if match(a):
                _finish_now(a)
                out.append(Wait(run_time=a.run_time))
            else:
                out.append(a)
        return out
    return apply


def hurried(match: Match, seconds: float = 0.02) -> PlayFilter:
    """Plays with a matching animation last ``seconds``: a change too quick to follow."""
    def apply(scene, anims):
        if any(match(a) for a in anims):
            for a in anims:
                a.run_time = seconds
        return anims
    return apply


def dropped(match: Match) -> PlayFilter:
    """Leave out matching animations, keeping the time they took."""
    return lambda scene, anims: [Wait(run_time=a.run_time) if match(a) else a for a in anims]


def recoloured(match: Match, role: str) -> PlayFilter:
    """Draw the mobjects of matching animations in another palette role's colour."""
    def apply(scene, anims):
        for a in anims:
            if match(a):
                a.mobject.set_color(getattr(scene.pal, role))
        return anims
    return apply


def without_lag(scene, anims):
    """Every LaggedStart played as one group whose members all start and end together."""
    return [AnimationGroup(*a.animations, lag_ratio=0, run_time=a.run_time) if isinstance(a, LaggedStart) else a
            for a in anims]


def uniform_steps(size: float) -> PlayFilter:
    """Every ValueTracker moves by the same ``size`` towards where the scene sends it."""
    def retarget(a: Animation) -> Animation:
        if isinstance(a, LaggedStart):
            return LaggedStart(*[retarget(x) for x in a.animations], lag_ratio=a.lag_ratio, run_time=a.run_time)
        if isinstance(a, _MethodAnimation) and isinstance(a.mobject, ValueTracker):
            now, goal = a.mobject.get_value(), a.target_mobject.get_value()
            new = prepare_animation(a.mobject.animate.set_value(now + size * float(np.sign(goal - now))))
            new.run_time, new.rate_func = a.run_time, a.rate_func
            return new
        return a

    return lambda scene, anims: [retarget(a) for a in anims]


def _finish_now(a: Animation) -> None:
    if isinstance(a, _MethodAnimation):
        for item in a.methods:  # MethodWithArgs since Manim 0.19.1; a [method, args, kwargs] list in 0.19.0
            method, args, kwargs = (item.method, item.args, item.kwargs) if hasattr(item, "method") else item
            method.__func__(a.mobject, *args, **kwargs)
    else:
        a.mobject.become(a.target_mobject)

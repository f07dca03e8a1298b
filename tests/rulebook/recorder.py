"""Run a scene's ``construct`` without rendering, sampling each animation the way Manim plays it.

Manim's ``Scene.play`` is replaced by ``Recorder.play`` (under any ``play`` the scene defines),
which compiles, begins, interpolates and finishes the animations with Manim's own methods
(``compile_animations``, ``update_to_time``, ...), but reads the scene at ``SAMPLES`` evenly
spaced instants instead of drawing frames. Two pieces of bookkeeping keep the shown strings
honest: ``become`` (used by ``always_redraw``) copies only points and colours, and a plain
``Transform`` leaves its mobject's string attributes at the old text; both would otherwise hide a
changed number from the checks. Two speed-ups change nothing drawn: Manim's own SVG cache is
switched on for texts (``always_redraw`` labels rebuild the same strings at every sample), and
the parsed SVG path each glyph keeps (read only when the glyph is built) is shared by copies
instead of deep-copied, which is most of what copying a Text costs.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from unittest import mock

import numpy as np
import svgelements
from manim import Animation, Mobject, Scene, Transform, tempconfig
from manim.mobject.svg.svg_mobject import SVGMobject

from .view import MORPH, TEXT_TYPES, View, look, string_of

SAMPLES = 11  # instants per animation, both ends included: a tenth of its run time apart
LABEL_ATTRIBUTES = ("text", "original_text", "tex_string", "number", "num_decimal_places")

# A mutant's hook: given the scene and the compiled animations of one play call, return the
# animations to play instead (it may also change mobjects on the spot, as a careless scene would).
PlayFilter = Callable[[Scene, list[Animation]], list[Animation]]


@dataclass
class Play:
    """One ``play``/``wait`` call: its duration and the scene at each sampled instant."""

    index: int
    start: float  # scene time in seconds when it begins
    run_time: float
    views: list[View]  # at alphas 0, 1/(samples-1), ..., 1 (SAMPLES unless told otherwise)
    after: View  # once finished and cleaned up, with curves and surfaces read as well
    names: tuple[str, ...]  # animation class names, for messages


@dataclass(eq=False)  # compared and hashed by identity, so analyses of one recording can be cached
class Recording:
    scene: Scene
    plays: list[Play]

    def before(self, index: int) -> View:
        """The scene as left by the play before ``index`` (empty before the first)."""
        return self.plays[index - 1].after if index > 0 else View()


def record(scene_cls: type[Scene], params: dict | None = None, play_filter: PlayFilter | None = None,
           samples: int = SAMPLES) -> Recording:
    """Build ``scene_cls(**params)`` and run ``setup`` and ``construct`` under the recorder.

    ``samples`` instants are read per animation; 2 (its start and its end) is enough for what
    only looks at where each play settles, and several times quicker.
    """
    with tempconfig({"media_dir": _media_dir(), "dry_run": True, "disable_caching": True}), \
            mock.patch.object(Mobject, "become", _become_keeping_labels), \
            mock.patch.object(svgelements.Path, "__deepcopy__", _shared, create=True), \
            mock.patch.object(SVGMobject, "init_svg_mobject", _init_svg_cached):
        scene = scene_cls(**(params or {}))
        recorder = Recorder(scene, play_filter, samples)
        # Manim's own Scene.play, not the scene's: a scene's play (the library's CheapCopies, which
        # plays plain fades without copies) still runs first, as it does when the scene renders.
        with mock.patch.object(Scene, "play", lambda _scene, *args, **kwargs: recorder.play(*args, **kwargs)):
            scene.setup()
            scene.construct()
    return Recording(scene, recorder.plays)


@cache
def recorded(scene_cls: type[Scene], params: tuple = ()) -> Recording:
    """``record`` with a per-process cache, so every rule reads the same run of a real scene."""
    return record(scene_cls, dict(params))


class Recorder:
    """Stands in for ``Scene.play`` (and so for ``Scene.wait``, which calls it)."""

    def __init__(self, scene: Scene, play_filter: PlayFilter | None, samples: int = SAMPLES):
        self.scene, self.play_filter, self.samples = scene, play_filter, samples
        self.plays: list[Play] = []
        self.clock = 0.0

    def play(self, *args, **kwargs) -> None:
        scene = self.scene
        anims = scene.compile_animations(*args, **kwargs)
        if self.play_filter is not None:
            anims = self.play_filter(scene, anims)
        scene.add_mobjects_from_animations(anims)
        scene.animations, scene.last_t = anims, 0
        duration = max(a.run_time for a in anims)
        flat = list(_flatten(anims))
        for a in flat:
            _watch_alpha(a)
        for a in anims:
            a._setup_scene(scene)
            a.begin()
        pairs = [(a, list(_label_pairs(a))) for a in flat if isinstance(a, Transform)]
        views = []
        for alpha in np.linspace(0.0, 1.0, self.samples):
            scene.update_to_time(alpha * duration)
            views.append(look(scene.mobjects, _shown_mid_transform(pairs)))
        for a in anims:
            a.finish()
            a.clean_up_from_scene(scene)
        for a, label_pairs in pairs:
            if not a.replace_mobject_with_target_in_scene:
                for mob, target in label_pairs:
                    _copy_labels(target, mob)
        scene.update_mobjects(0)
        after = look(scene.mobjects, {}, deep=True)
        self.plays.append(Play(len(self.plays), self.clock, duration, views, after,
                               tuple(type(a).__name__ for a in flat)))
        self.clock += duration


def _flatten(anims) -> Iterator[Animation]:
    for a in anims:
        yield a
        yield from _flatten(getattr(a, "animations", []))


def _watch_alpha(anim: Animation) -> None:
    """Remember the last alpha each (sub-)animation was interpolated to."""
    anim.rule_alpha = 0.0
    inner = anim.interpolate

    def interpolate(alpha: float) -> None:
        anim.rule_alpha = alpha
        inner(alpha)

    anim.interpolate = interpolate


def _label_pairs(anim: Transform):
    """(text in the mobject, its counterpart in the target) for every text a Transform morphs."""
    target = getattr(anim, "target_copy", None)
    if target is None:
        return
    # Transform.begin aligned both families, so they pair up one to one.
    for mob, tgt in zip(anim.mobject.get_family(), target.get_family(), strict=True):
        if isinstance(mob, TEXT_TYPES) and isinstance(tgt, TEXT_TYPES):
            yield mob, tgt


def _shown_mid_transform(pairs) -> dict[int, str]:
    shown = {}
    for anim, label_pairs in pairs:
        alpha = anim.rule_alpha
        for mob, tgt in label_pairs:
            old, new = string_of(mob), string_of(tgt)
            if old == new or alpha <= 0:
                continue
            # Mid-morph the glyphs are neither string; keep how far along it is for the checks.
            shown[id(mob)] = new if alpha >= 1 else f"{old}{MORPH}{new}@{alpha:.4f}"
    return shown


def _copy_labels(source: Mobject, target: Mobject) -> None:
    for name in LABEL_ATTRIBUTES:
        if hasattr(source, name):
            setattr(target, name, getattr(source, name))


_plain_become = Mobject.become


def _become_keeping_labels(self: Mobject, mobject: Mobject, *args, **kwargs) -> Mobject:
    out = _plain_become(self, mobject, *args, **kwargs)
    for mine, theirs in zip(self.get_family(), mobject.get_family(), strict=True):  # become aligned them
        if isinstance(mine, TEXT_TYPES):
            _copy_labels(theirs, mine)
    return out


def _shared(self, memo):
    return self


_plain_init_svg = SVGMobject.init_svg_mobject


def _init_svg_cached(self, use_svg_cache: bool):
    return _plain_init_svg(self, True)


@lru_cache(maxsize=1)
def _media_dir() -> str:
    """One scratch media folder per test process, so LaTeX output is compiled once and reused."""
    path = tempfile.mkdtemp(prefix="gradviz-rules-")
    atexit.register(shutil.rmtree, path, True)
    return path

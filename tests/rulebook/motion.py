"""Rules on how things change: no jumps, one step at a time, true step sizes, staggered updates,
numbers that count, a batch summed before its single update."""

from __future__ import annotations

import re

import numpy as np

from .base import RuleBroken, role
from .expect import Expect, Update
from .recorder import Play, Recording
from .steps import (
    Move,
    axes_for,
    by_path,
    destination,
    dot_track,
    final_axes,
    find_moves,
    point,
    require_moves,
    shown_updates,
    single_number,
)
from .view import MORPH, SHOWN_TOLERANCE, View, shows

MIN_RUN_TIME = 0.1  # seconds: anything shorter reads as a jump
DIGIT = re.compile(r"\d")


def check_no_instant_changes(rec: Recording, exp: Expect) -> None:
    """Weights, dots and shown numbers change only inside animations long enough to follow."""
    for play in rec.plays:
        before, views = rec.before(play.index), play.views
        _same(before, views[0], f"between play {play.index - 1} and play {play.index} ({play.start:.2f} s)")
        _same(views[-1], play.after, f"at the end of play {play.index}")
        where = f"play {play.index} {play.names} at {play.start:.2f} s"
        for what, states in _changes(views):
            if play.run_time < MIN_RUN_TIME:
                raise RuleBroken(f"{where}: {what} changes within {play.run_time:g} s")
            if not any(s != states[0] and s != states[-1] for s in states[1:-1]):
                raise RuleBroken(f"{where}: {what} jumps from {states[0]!r} to {states[-1]!r} with no state in between")


def check_step_by_step(rec: Recording, exp: Expect) -> None:
    """Every update is its own animated move, in the order the maths takes them."""
    moves = find_moves(rec, exp)
    require_moves(rec, exp, moves)
    for path, ups in by_path(shown_updates(rec, exp)).items():
        plays = [moves[u].play for u in ups]
        if any(b <= a for a, b in zip(plays[:-1], plays[1:], strict=True)):
            raise RuleBroken(f"path {path}: steps move in plays {plays}, not one after another")


def check_step_sizes(rec: Recording, exp: Expect) -> None:
    """Each drawn step is as long as the maths' step, so unequal steps look unequal."""
    for path, ups in by_path(shown_updates(rec, exp)).items():
        stops = dot_track(rec, exp, ups)
        drawn = [float(np.linalg.norm(b - a)) for a, b in zip(stops[:-1], stops[1:], strict=True)]
        ax = final_axes(rec, exp, path)
        want = [float(np.linalg.norm(point(exp, ax, destination(exp, ax, u)) - point(exp, ax, u.old))) for u in ups]
        if len(drawn) != len(want):
            raise RuleBroken(f"path {path}: the point makes {len(drawn)} moves for {len(want)} steps")
        for k, (d, w) in enumerate(zip(drawn, want, strict=True)):
            if abs(d - w) > 0.02 * w + 2e-3:
                uniform = " (uniform steps)" if np.ptp(drawn) < 0.01 * max(drawn) < np.ptp(want) else ""
                raise RuleBroken(f"path {path} step {k + 1}: drawn {d:.3f} long, the maths says {w:.3f}{uniform}")


def check_staggered(rec: Recording, exp: Expect) -> None:
    """Weights updated in the same round never move in lockstep: each starts a little later."""
    moves = find_moves(rec, exp)
    require_moves(rec, exp, moves)
    rounds: dict[tuple[int, int], list[Move]] = {}
    for u, m in moves.items():
        rounds.setdefault((u.step, m.play), []).append(m)
    for (step, play), group in rounds.items():
        views = rec.plays[play].views
        curves = [np.array([_progress(v, m, exp, views) for v in views]) for m in group]
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                if np.max(np.abs(curves[i] - curves[j])) < 0.02:
                    raise RuleBroken(f"step {step}: paths {group[i].update.path} and {group[j].update.path} "
                                     f"move at exactly the same time in play {play}")


def check_counts_smoothly(rec: Recording, exp: Expect) -> None:
    """While a weight moves, its number counts through the values in between (a ValueTracker)."""
    moves = find_moves(rec, exp)
    require_moves(rec, exp, moves)
    for u, m in moves.items():
        views = rec.plays[m.play].views
        if not any(_counts(views, key, u) for key in views[0].texts):
            raise RuleBroken(f"step {u.step}: no number counts from {u.old[0]:.3f} to {u.new[0]:.3f}")


def check_batch_accumulation(rec: Recording, exp: Expect) -> None:
    """Per-sample gradients add up on screen, one sample at a time, before the one weight update."""
    grads = np.array(exp.batch)
    totals = np.cumsum(grads)
    moves = find_moves(rec, exp)
    require_moves(rec, exp, moves)
    (u, move), = moves.items()
    shown_at, scale = [], []
    start = 0
    for i, (g, total) in enumerate(zip(grads, totals, strict=True)):
        hit = next((p for p in rec.plays[start:] if _accumulated(p.after, g, total)), None)
        if hit is None:
            raise RuleBroken(f"sample {i + 1}: the running sum {total:.3f} (after ∂L/∂w = {g:.3f}) is never shown")
        bar = _sum_bar(hit.after)
        if bar is None:
            raise RuleBroken(f"sample {i + 1}: no gradient-coloured bar shows the running sum")
        if abs(total) > 1e-9:
            scale.append(bar / total)
        shown_at.append(hit.index)
        start = hit.index + 1
    if scale and np.max(np.linalg.norm(np.array(scale) - scale[-1], axis=1)) > 0.03 * np.linalg.norm(scale[-1]):
        raise RuleBroken("the accumulated bar is not proportional to the running sum")
    if move.play <= shown_at[-1]:
        raise RuleBroken(f"the weight moves in play {move.play}, before the last sample is added (play {shown_at[-1]})")
    changes = [p.index for p in rec.plays if _weight_changes(p, move.mover)]
    if changes != [move.play]:
        raise RuleBroken(f"the weight changes in plays {changes}; a batch updates it once")
    if not shows([t for t in rec.plays[move.play].views[0].tokens() if t.colour == role("gradient")], u.grad[0]):
        raise RuleBroken(f"the averaged gradient {u.grad[0]:.3f} is not shown when the weight moves")


# -- helpers -------------------------------------------------------------------------------------


def _same(a: View, b: View, when: str) -> None:
    """Nothing watched differs between two instants with no animation between them."""
    for key in a.trackers.keys() & b.trackers.keys():
        if abs(a.trackers[key] - b.trackers[key]) > 1e-12:
            raise RuleBroken(f"{when}: a weight jumps from {a.trackers[key]:g} to {b.trackers[key]:g}")
    for key in a.dots.keys() & b.dots.keys():
        if np.linalg.norm(a.dots[key].center - b.dots[key].center) > 1e-6:
            raise RuleBroken(f"{when}: a dot jumps from {np.round(a.dots[key].center, 3)} to "
                             f"{np.round(b.dots[key].center, 3)}")
    shown_a, shown_b = _numbers_shown(a), _numbers_shown(b)
    for key in shown_a.keys() | shown_b.keys():
        if shown_a.get(key) != shown_b.get(key):
            raise RuleBroken(f"{when}: the number text {shown_a.get(key)!r} becomes {shown_b.get(key)!r}")


def _numbers_shown(view: View) -> dict[int, str]:
    """The visible texts that show a digit, by mobject: their appearing or changing must be animated."""
    return {k: t.string for k, t in view.texts.items() if t.opacity >= 0.05 and DIGIT.search(t.string)}


def _changes(views: list[View]):
    """(what, states over the samples) for every watched quantity that differs end to end."""
    first, last = views[0], views[-1]
    for key in first.trackers.keys() & last.trackers.keys():
        states = [v.trackers.get(key) for v in views]
        if states[0] != states[-1]:
            yield "a weight", states
    for key in first.dots.keys() & last.dots.keys():
        states = [tuple(np.round(v.dots[key].center, 6)) if key in v.dots else None for v in views]
        if states[0] != states[-1]:
            yield "a dot", states
    for key in first.texts.keys() & last.texts.keys():
        states = [v.texts[key].string if key in v.texts else None for v in views]
        if states[0] != states[-1] and DIGIT.search(states[0] + states[-1]):
            yield f"the number text {states[0]!r}", states


def _progress(view: View, move: Move, exp: Expect, views: list[View]) -> float:
    """How far (0 to 1) a mover has got through its change at one sampled instant."""
    if exp.mover == "dot" and exp.curve_1d:
        # Along a curve the chord misleads (two points in lockstep cover it unevenly): read w itself.
        ax = axes_for(view, exp, move.update.path)
        w0, w1, w = (float(ax.p2c(v.dots[move.mover].center)[0]) for v in (views[0], views[-1], view))
        return (w - w0) / (w1 - w0) if w1 != w0 else 1.0
    if exp.mover == "dot":
        a, b = views[0].dots[move.mover].center, views[-1].dots[move.mover].center
        d = b - a
        return float((view.dots[move.mover].center - a) @ d / (d @ d)) if d @ d > 0 else 1.0
    text = view.texts[move.mover]
    if MORPH in text.string:
        return float(text.string.rsplit("@", 1)[1])  # the Transform's own alpha, kept by the recorder
    old, new, shown = move.update.old[0], move.update.new[0], single_number(text)
    if shown is None or new == old:
        return float(shown is not None and abs(shown - new) <= SHOWN_TOLERANCE)
    return (shown - old) / (new - old)


def _counts(views: list[View], key: int, u: Update) -> bool:
    """The text ``key`` goes from the old weight to the new one through a number strictly between."""
    values = [single_number(v.texts[key]) if key in v.texts else None for v in views]
    if None in (values[0], values[-1]) or abs(values[0] - u.old[0]) > SHOWN_TOLERANCE \
            or abs(values[-1] - u.new[0]) > SHOWN_TOLERANCE:
        return False
    lo, hi = sorted((u.old[0], u.new[0]))
    return any(v is not None and lo + SHOWN_TOLERANCE < v < hi - SHOWN_TOLERANCE for v in values[1:-1])


def _accumulated(view: View, g: float, total: float) -> bool:
    """A sample's gradient and the running sum after it, both in the gradient colour."""
    red = [t for t in view.tokens() if t.colour == role("gradient") and t.decimals >= 3]
    return shows(red, total) and shows(red, g)


def _sum_bar(view: View) -> np.ndarray | None:
    """The one gradient-coloured arrow (the running sum drawn as a bar), as a vector."""
    bars = [s for s in view.segments.values() if s.tipped and s.colour == role("gradient") and s.opacity > 0.5]
    return (bars[0].end - bars[0].start) if len(bars) == 1 else None


def _weight_changes(play: Play, key: int) -> bool:
    """Whether the weight's text ``key`` shows another number at any instant of the play."""
    values = [single_number(v.texts[key]) if key in v.texts else None for v in play.views]
    return any(v != values[0] for v in values)

"""Find each expected update on screen: the play that moves it, and the arrow drawn for it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .base import RuleBroken
from .expect import Expect, Update
from .recorder import Recording
from .view import SHOWN_TOLERANCE, AxesView, SegmentView, TextView, View

DOT_TOLERANCE = 5e-3  # scene units: dots are placed with c2p, so only float noise is allowed


@dataclass(frozen=True)
class Move:
    """The play in which ``mover`` (a dot, or a text showing the weight) goes from old to new."""

    update: Update
    play: int
    mover: int


def axes_for(view: View, exp: Expect, path: int) -> AxesView | None:
    """The axes a path is drawn on: its own panel's, left to right, or the only ones."""
    axes = view.axes_left_to_right()
    if not axes:
        return None
    return axes[path] if exp.panels and path < len(axes) else axes[0]


def final_axes(rec: Recording, exp: Expect, path: int) -> AxesView | None:
    """The axes of a path as the scene ends (they do not move once drawn)."""
    return axes_for(rec.plays[-1].after, exp, path)


def point(exp: Expect, ax: AxesView, weights) -> np.ndarray:
    """Where the maths puts the point for ``weights`` on these axes."""
    return ax.c2p(exp.place(tuple(weights)))


def destination(exp: Expect, ax: AxesView, update: Update) -> tuple[float, ...]:
    """Where the point must end up: the new weight, or the plot's edge if the new weight leaves it."""
    if not exp.curve_1d:
        return update.new
    lo, hi = ax.ranges[0]
    return (float(np.clip(update.new[0], lo, hi)),)


def shown_updates(rec: Recording, exp: Expect) -> list[Update]:
    """The updates the viewer can follow: on a 1-D plot, none after the first that leaves it."""
    if not exp.curve_1d:
        return list(exp.updates)
    final = rec.plays[-1].after if rec.plays else View()
    out = []
    for path, ups in exp.paths().items():
        ax = axes_for(final, exp, path)
        for u in ups:
            out.append(u)
            if ax is not None and not ax.ranges[0][0] <= u.new[0] <= ax.ranges[0][1]:
                break
    return out


def by_path(updates: list[Update]) -> dict[int, list[Update]]:
    """Updates grouped by path, each group in step order."""
    out: dict[int, list[Update]] = {}
    for u in updates:
        out.setdefault(u.path, []).append(u)
    return out


def single_number(text: TextView) -> float | None:
    """The one three-decimal number a text shows (a weight label or a matrix entry), if exactly one."""
    tokens = [t for t in text.tokens() if t.decimals >= 3]
    return tokens[0].value if len(tokens) == 1 else None


@lru_cache(maxsize=64)
def find_moves(rec: Recording, exp: Expect) -> dict[Update, Move]:
    """Match each shown update, in order per path, to the play that carries it out.

    Each path keeps one mover throughout (its dot, or the text showing its weight); where paths
    start alike (optimizers from one point), the mover that follows the whole path is chosen, and
    a mover already taken by another path only when nothing else fits.
    """
    moves: dict[Update, Move] = {}
    taken: set[int] = set()
    for ups in by_path(shown_updates(rec, exp)).values():
        best: dict[Update, Move] = {}
        for key in dict.fromkeys(k for play in rec.plays for k in _movers(play.views[0], play.views[-1], exp, ups[0])):
            found = _follow(rec, exp, ups, key)
            if len(found) > len(best) or (len(found) == len(best) and best and key not in taken
                                          and next(iter(best.values())).mover in taken):
                best = found
        if best:
            taken.add(next(iter(best.values())).mover)
        moves.update(best)
    return moves


def require_moves(rec: Recording, exp: Expect, moves: dict[Update, Move]) -> None:
    """Every update the viewer should follow is carried out by some animation."""
    for u in shown_updates(rec, exp):
        if u not in moves:
            raise RuleBroken(f"path {u.path} step {u.step}: no animation moves the weight from {u.old} to {u.new}")


def first_step(rec: Recording, exp: Expect, gradient_colour: str) -> int:
    """The first play that moves a weight or shows anything in the gradient colour."""
    moves = find_moves(rec, exp)
    first = min((m.play for m in moves.values()), default=len(rec.plays))
    for play in rec.plays[:first]:
        if any(_shows_colour(v, gradient_colour) for v in play.views):
            return play.index
    return first


def windows(rec: Recording, exp: Expect, moves: dict[Update, Move]) -> dict[Update, range]:
    """Per update, the plays from just after the previous step of its path up to its own move."""
    out = {}
    for ups in by_path(shown_updates(rec, exp)).values():
        start = 0
        for u in ups:
            if u not in moves:
                break
            out[u] = range(start, moves[u].play + 1)
            start = moves[u].play + 1
    return out


def step_arrows(rec: Recording, exp: Expect, u: Update, window: range) -> dict[int, SegmentView]:
    """Arrows that appear in the window with their tail on the update's point, along ±∇L.

    Identified by where they sit and point, not by colour, so a wrongly coloured arrow still counts
    as this step's arrow (and the colour rules can then judge it).
    """
    seen_before = set(rec.before(window.start).segments)
    longest: dict[int, tuple[SegmentView, AxesView]] = {}
    for play in (rec.plays[i] for i in window):
        for view in play.views:
            ax = axes_for(view, exp, u.path)
            for key, seg in view.segments.items():
                fresh = seg.tipped and key not in seen_before and seg.opacity > 0.5 and ax is not None
                if fresh and (key not in longest or seg.length > longest[key][0].length):
                    longest[key] = (seg, ax)
    return {key: seg for key, (seg, ax) in longest.items() if _is_gradient_arrow(seg, ax, exp, u)}


def dot_track(rec: Recording, exp: Expect, ups: list[Update]) -> list[np.ndarray]:
    """The positions a path's dot stops at, play by play, from where the path starts.

    The dot is the path's mover where one is found; otherwise (a first step already wrong) the
    dot that starts there and whose first move comes closest to the maths' first step.
    """
    ax = final_axes(rec, exp, ups[0].path)
    start = point(exp, ax, ups[0].old)
    moves = find_moves(rec, exp)
    if ups[0] in moves:
        candidates = {moves[ups[0]].mover: moves[ups[0]].play}
    else:
        candidates = {}
        for play in rec.plays:
            for key, dot in play.after.dots.items():
                if key not in candidates and np.linalg.norm(dot.center - start) < 5e-3:
                    candidates[key] = play.index
    best, best_err = [start], np.inf
    for key, since in candidates.items():
        stops = [start]
        for play in rec.plays[since:]:
            dot = play.after.dots.get(key)
            if dot is not None and np.linalg.norm(dot.center - stops[-1]) > 1e-6:
                stops.append(dot.center)
        err = np.linalg.norm(stops[1] - point(exp, ax, destination(exp, ax, ups[0]))) if len(stops) > 1 else np.inf
        if err < best_err:
            best, best_err = stops, err
    return best


# -- helpers -------------------------------------------------------------------------------------


def _follow(rec: Recording, exp: Expect, ups: list[Update], key: int) -> dict[Update, Move]:
    """The updates ``key`` carries out one after another, from the first, until one is missing."""
    found, after = {}, -1
    for u in ups:
        play = next((p for p in rec.plays[after + 1:] if key in _movers(p.views[0], p.views[-1], exp, u)), None)
        if play is None:
            break
        found[u] = Move(u, play.index, key)
        after = play.index
    return found


def _movers(first: View, last: View, exp: Expect, u: Update) -> list[int]:
    """Every dot or text that goes from the update's old weight to its new one across a play."""
    out = []
    if exp.mover == "dot":
        ax = axes_for(first, exp, u.path)
        if ax is None:
            return out
        a, b = point(exp, ax, u.old), point(exp, ax, destination(exp, ax, u))
        # Tiny late steps are shorter than any fixed tolerance: scale it to the step.
        tol = min(DOT_TOLERANCE, 0.1 * float(np.linalg.norm(b - a))) + 1e-7
        for key, dot in first.dots.items():
            end = last.dots.get(key)
            if end is not None and _near(dot.center, a, tol) and _near(end.center, b, tol):
                out.append(key)
    elif exp.mover == "number":
        for key, text in first.texts.items():
            end = last.texts.get(key)
            if end is None:
                continue
            v0, v1 = single_number(text), single_number(end)
            if v0 is not None and v1 is not None and abs(v0 - u.old[0]) <= SHOWN_TOLERANCE \
                    and abs(v1 - u.new[0]) <= SHOWN_TOLERANCE:
                out.append(key)
    return out


def _is_gradient_arrow(seg: SegmentView, ax: AxesView, exp: Expect, u: Update) -> bool:
    """Tail on the update's point (within 2 % of each axis), pointing along ±∇L (within 8°)."""
    if seg.length < 1e-3:
        return False
    target = np.asarray(exp.place(u.old), dtype=float)
    tail = ax.p2c(seg.start)
    n = exp.anchor or len(target)
    spans = np.array([hi - lo for lo, hi in ax.ranges[:n]])
    if np.any(np.abs(tail[:n] - target[:n]) > 0.02 * spans):
        return False
    want = ax.direction(exp.arrows * np.asarray(u.grad))
    got = seg.end - seg.start
    norm = np.linalg.norm(want) * np.linalg.norm(got)
    return norm > 0 and float(want @ got) / norm > 0.99


def _shows_colour(view: View, colour: str) -> bool:
    if any(t.colours and colour in t.colours for t in view.visible_texts(0.5)):
        return True
    return any(s.tipped and s.colour == colour and s.opacity > 0.5 for s in view.segments.values())


def _near(a, b, tol: float) -> bool:
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b))) <= tol

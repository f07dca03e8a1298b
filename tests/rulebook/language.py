"""The library's visual language, checked on what scenes show: a red arrow is always the gradient
∇L at the current point, pointing uphill; the step −η∇L, where drawn, is a dashed arrow in the
step colour from the point to where the update puts it (so its length is η|∇L|)."""

from __future__ import annotations

import numpy as np

from .base import RuleBroken, role
from .expect import Expect, Update
from .recorder import Recording
from .steps import axes_for, destination, find_moves, require_moves, shown_updates, windows
from .view import AxesView, SegmentView

TAIL_TOLERANCE = 0.02  # of each axis's span: arrows are placed with c2p, so this is generous
HEAD_TOLERANCE = 0.01  # of each axis's span, plus a hair: where the step arrow's tip must land


def check_red_is_gradient(rec: Recording, exp: Expect) -> None:
    """Every red arrow on screen starts at a current point and points along +∇L there (uphill)."""
    ups = shown_updates(rec, exp)
    for seg, play in _arrows(rec, lambda s: s.colour == role("gradient")).values():
        where = f"play {play}: the red arrow from {np.round(seg.start, 2)}"
        if seg.dashed:
            raise RuleBroken(f"red means ∇L: {where} is dashed, drawn as a step")
        view = rec.plays[play].after if play < len(rec.plays) else rec.plays[-1].after
        downhill = False
        for u in ups:
            ax = axes_for(view, exp, u.path)
            if ax is None or not _tail_at(seg, ax, exp, u):
                continue
            cos = _cos(ax.direction(np.asarray(u.grad)), seg.end - seg.start)
            if cos > 0.99:
                break
            downhill |= cos < -0.99
        else:
            if downhill:
                raise RuleBroken(f"red means ∇L: {where} points downhill, along −∇L")
            raise RuleBroken(f"red means ∇L: {where} is not ∇L at a current point")


def check_step_arrows(rec: Recording, exp: Expect) -> None:
    """Each step shows one dashed arrow in the step colour from the point to the new weights."""
    moves = find_moves(rec, exp)
    require_moves(rec, exp, moves)
    for u, window in windows(rec, exp, moves).items():
        seen_before = set(rec.before(window.start).segments)
        name = f"step arrow: path {u.path} step {u.step} (plays {window.start}-{window.stop - 1})"
        found: dict[int, tuple[SegmentView, AxesView]] = {}
        for play in (rec.plays[i] for i in window):
            for view in play.views:
                ax = axes_for(view, exp, u.path)
                for key, seg in view.segments.items():
                    if ax is None or key in seen_before or not (seg.tipped and seg.dashed and seg.opacity > 0.5):
                        continue
                    if _tail_at(seg, ax, exp, u) and (key not in found or seg.length > found[key][0].length):
                        found[key] = (seg, ax)
        if len(found) != 1:
            raise RuleBroken(f"{name}: {len(found)} dashed step arrows from w = {_w(u.old)}, expected 1")
        (seg, ax), = found.values()
        k = len(u.old)
        head, want = ax.p2c(seg.end)[:k], np.asarray(destination(exp, ax, u), dtype=float)
        spans = np.array([hi - lo for lo, hi in ax.ranges[:k]])
        if np.any(np.abs(head - want) > HEAD_TOLERANCE * spans + 1e-6):
            got = float(np.linalg.norm(head - np.asarray(u.old)))
            true = float(np.linalg.norm(want - np.asarray(u.old)))
            raise RuleBroken(f"{name}: it ends at w = {_w(head)}, not at w − η∇L = {_w(want)} "
                             f"(length {got:.4f}, η|∇L| = {true:.4f})")
        if seg.colour != role("step") or seg.colour == role("gradient"):
            raise RuleBroken(f"{name}: drawn in {seg.colour}, not the step colour {role('step')}")


# -- helpers -------------------------------------------------------------------------------------


def _arrows(rec: Recording, keep) -> dict[int, tuple[SegmentView, int]]:
    """Every tipped, visible segment that ``keep`` accepts, at its longest (fully grown), with its play."""
    out: dict[int, tuple[SegmentView, int]] = {}
    for play in rec.plays:
        for view in play.views:
            for key, seg in view.segments.items():
                if seg.tipped and seg.opacity > 0.5 and seg.length > 1e-3 and keep(seg) \
                        and (key not in out or seg.length > out[key][0].length):
                    out[key] = (seg, play.index)
    return out


def _tail_at(seg: SegmentView, ax: AxesView, exp: Expect, u: Update) -> bool:
    """The segment starts at the update's point (the weights, and for a curve its height too)."""
    target = np.asarray(exp.place(u.old), dtype=float)
    n = exp.anchor or len(target)
    spans = np.array([hi - lo for lo, hi in ax.ranges[:n]])
    return bool(np.all(np.abs(ax.p2c(seg.start)[:n] - target[:n]) <= TAIL_TOLERANCE * spans))


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    n = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / n if n > 0 else 0.0


def _w(values) -> str:
    return "(" + ", ".join(f"{float(v):.3f}" for v in values) + ")"

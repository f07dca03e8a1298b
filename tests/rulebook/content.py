"""Rules on what is on screen: the loss first, a gradient arrow per step, each update's equation
with η, weights and gradients in different colours, labelled axes, the seeds' colour code."""

from __future__ import annotations

import re

import numpy as np

from .base import RuleBroken, role
from .expect import Expect
from .recorder import Recording
from .steps import find_moves, first_step, point, require_moves, shown_updates, step_arrows, windows
from .view import SHOWN_TOLERANCE, AxesView, Token, View, near_any, shows


def check_loss_first(rec: Recording, exp: Expect) -> None:
    """The loss (curve, contours, surface or statement) is fully on screen before the first step."""
    first = first_step(rec, exp, role("gradient"))
    if first == 0:
        raise RuleBroken("the first play already steps or shows a gradient: nothing showed the loss")
    view = rec.plays[first - 1].after
    kind = exp.loss.kind
    if kind == "statement":
        if not any(_states_loss(t.string, t.tokens(), exp.loss.quotes) for t in view.visible_texts()):
            raise RuleBroken(f"no loss statement quoting {exp.loss.quotes} before play {first}")
        return
    axes = view.axes_left_to_right() if exp.panels else view.axes[:1]
    if not axes:
        raise RuleBroken(f"no axes on screen before play {first}")
    for ax in axes:
        if not _draws_loss(view, ax, exp.loss.f, kind):
            raise RuleBroken(f"the loss {kind} is not drawn on its axes before play {first}")


def check_gradient_arrows(rec: Recording, exp: Expect) -> None:
    """Every step shows exactly one gradient arrow at the current point, in the gradient colour."""
    moves = find_moves(rec, exp)
    require_moves(rec, exp, moves)
    shown = shown_updates(rec, exp)
    for u, window in windows(rec, exp, moves).items():
        arrows = step_arrows(rec, exp, u, window)
        # Paths that start alike on one plot (optimizers) each draw their own, identical arrow.
        twins = 1 if exp.panels else sum(v.step == u.step and np.allclose(v.old, u.old) and np.allclose(v.grad, u.grad)
                                         for v in shown)
        if len(arrows) != twins:
            raise RuleBroken(f"path {u.path} step {u.step}: {len(arrows)} gradient arrows at w = {u.old} "
                             f"(plays {window.start}-{window.stop - 1}), expected {twins}")
        colour = next(iter(arrows.values())).colour
        if colour != role("gradient"):
            raise RuleBroken(f"path {u.path} step {u.step}: gradient arrow drawn in {colour}, not {role('gradient')}")


def check_update_equations(rec: Recording, exp: Expect) -> None:
    """Each update shows its old weight, η, gradient and new weight, η inside that equation."""
    moves = find_moves(rec, exp)
    require_moves(rec, exp, moves)
    for u, move in moves.items():
        view = rec.plays[move.play].views[0]
        where = f"path {u.path} step {u.step} (play {move.play})"
        if exp.equations == "eta":
            if not any("←" in t.string and shows(t.tokens(), u.eta, exact=True) for t in view.visible_texts()):
                raise RuleBroken(f"{where}: no update rule with η = {u.eta:g} on screen")
            continue
        tokens = [t for t in view.tokens() if t.decimals >= 3]
        found = {}
        for name, values, colour in (("old weight", u.old, "foreground"), ("gradient", u.grad, "gradient"),
                                     ("new weight", u.new, "updated")):
            for v in values:
                hit = [t for t in tokens if abs(t.value - v) <= SHOWN_TOLERANCE and t.colour == role(colour)]
                if not hit:
                    raise RuleBroken(f"{where}: {name} {v:.4f} not shown in the {colour} colour {role(colour)}")
                found.setdefault(name, []).extend(hit)
        step_texts = {t.text_id for t in found["gradient"] + found["new weight"]}
        if not any(shows(t.tokens(), u.eta, exact=True) for t in view.visible_texts() if t.text_id in step_texts):
            raise RuleBroken(f"{where}: η = {u.eta:g} is not in the equation that shows this step's numbers")


def check_colours_apart(rec: Recording, exp: Expect) -> None:
    """Whatever shows a weight never shares a colour with whatever shows a gradient."""
    moves = find_moves(rec, exp)
    require_moves(rec, exp, moves)
    wins = windows(rec, exp, moves)
    # A number is read as a weight or a gradient by value; values that are both somewhere in
    # the scene (a matrix entry equal to another entry's gradient) are left out.
    weights = [v for u in exp.updates for v in u.old + u.new]
    grads = [v for u in exp.updates for v in u.grad]
    for u, move in moves.items():
        view = rec.plays[move.play].views[0]
        weight, grad = set(), set()
        if exp.mover == "dot":
            weight.add(view.dots[move.mover].colour)
        if exp.arrows and u in wins:
            grad |= {seg.colour for seg in step_arrows(rec, exp, u, wins[u]).values()}
        for tok in view.tokens():
            if tok.decimals < 3 or tok.colour is None:
                continue
            if near_any(u.old + u.new, tok.value) and not near_any(grads, tok.value):
                weight.add(tok.colour)
            if near_any(u.grad, tok.value) and not near_any(weights, tok.value):
                grad.add(tok.colour)
        if weight & grad:
            raise RuleBroken(f"path {u.path} step {u.step}: weights and gradients share {sorted(weight & grad)}")


def check_axis_labels(rec: Recording, exp: Expect) -> None:
    """Every axis carries its label (w, L, w1, w2, ...) next to its end."""
    first = first_step(rec, exp, role("gradient"))
    view = rec.plays[first].views[0] if first < len(rec.plays) else rec.plays[-1].after
    axes = view.axes_left_to_right()
    if not axes:
        raise RuleBroken("no axes to label")
    texts = view.visible_texts()
    for n, ax in enumerate(axes):
        for i, (names, end) in enumerate(zip(exp.axis_labels, ax.ends, strict=True)):
            near = [t for t in texts if _label(t.string) in names and np.linalg.norm(t.center - end) <= 1.0]
            if not near:
                raise RuleBroken(f"axes {n}, axis {i}: no label {sorted(names)} near its end {np.round(end, 2)}")


def check_colour_code(rec: Recording, exp: Expect) -> None:
    """The moving point has the current-position colour (or its optimizer's); the minimum is green."""
    moves = find_moves(rec, exp)
    require_moves(rec, exp, moves)
    for u, m in moves.items():
        colour = rec.plays[m.play].views[0].dots[m.mover].colour
        want = role(exp.path_roles[u.path])
        if colour != want:
            raise RuleBroken(f"path {u.path} step {u.step}: the moving point is {colour}, not {want}")
    if exp.minimum is not None and len(shown_updates(rec, exp)) == len(exp.updates):
        final = rec.plays[-1].after
        ax = final.axes_left_to_right()[0]
        spot = point(exp, ax, exp.minimum(ax.ranges[0]))
        if not any(d.colour == role("minimum") and np.linalg.norm(d.center - spot) < 0.05 for d in final.dots.values()):
            raise RuleBroken(f"no {role('minimum')} mark at the plotted minimum {np.round(spot, 2)}")


# -- helpers -------------------------------------------------------------------------------------


def _states_loss(string: str, tokens: list[Token], quotes) -> bool:
    """A text stating the loss ("L = ..." or "L(w) = ...") that quotes each of ``quotes``."""
    if not re.search(r"L\s*[(=]", string):
        return False
    return all(any(abs(t.value - q) <= 0.5 * 10 ** -t.decimals + 1e-9 for t in tokens) for q in quotes)


def _draws_loss(view: View, ax: AxesView, f, kind: str) -> bool:
    """The loss ``f`` is drawn on ``ax``: a curve on it, a surface of it, or at least three of its level lines."""
    spans = [hi - lo for lo, hi in ax.ranges]
    if kind == "curve":
        return any(_on_curve(c.anchors, ax, f, spans) for c in view.curves if not c.surface and len(c.anchors) >= 20)
    if kind == "surface":
        for c in view.curves:
            if c.surface:
                xyz = ax.p2c(c.anchors)
                z = np.array([f((x, y)) for x, y, _ in xyz])
                if np.mean(np.abs(xyz[:, 2] - z) <= 0.01 * spans[2]) >= 0.95:
                    return True
        return False
    grid = [f((x, y)) for x in np.linspace(*ax.ranges[0], 15) for y in np.linspace(*ax.ranges[1], 15)]
    height = float(np.nanmax(grid) - np.nanmin(grid))
    levels = 0
    for c in view.curves:
        if c.surface or len(c.anchors) < 6:
            continue
        xy = ax.p2c(c.anchors)
        inside = all(lo - 0.02 * s <= v <= hi + 0.02 * s for (lo, hi), s, col in zip(ax.ranges, spans, xy.T, strict=True)
                     for v in col)
        values = np.array([f((x, y)) for x, y in xy])
        if inside and np.ptp(values) <= 0.03 * height:
            levels += 1
    return levels >= 3


def _on_curve(anchors: np.ndarray, ax: AxesView, f, spans) -> bool:
    """Anchors on y = f(x) (within 1 % of the L axis) across at least half the w axis."""
    xy = ax.p2c(anchors)
    ys = np.array([f((x,)) for x, _ in xy])
    ok = np.isfinite(ys)
    close = np.abs(xy[ok, 1] - ys[ok]) <= 0.01 * spans[1]
    covers = np.ptp(xy[:, 0]) >= 0.5 * spans[0]
    return bool(ok.sum() >= 20 and np.mean(close) >= 0.95 and covers)


def _label(s: str) -> str:
    """An axis label as written in TeX or Unicode, reduced to one spelling: w_1, L(w), ..."""
    s = s.replace("₁", "_1").replace("₂", "_2")
    return re.sub(r"[\s{}$]|\\mathit|\\mathrm", "", s)

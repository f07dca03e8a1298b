"""What each library scene's maths says the viewer must see, read from its trace, never its drawing.

Every number here comes from the scene's numpy results (``trace``, ``path``, ``runs``, ``paths``,
``sgd``, ``grad``) or from the maths functions themselves; nothing is read from mobjects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from mkdocs_gradviz.scenes._maths import batch_gradients, matrix_gradient
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

Weights = tuple[float, ...]

W, B = frozenset({"w"}), frozenset({"b"})
W1, W2 = frozenset({"w_1"}), frozenset({"w_2"})
LOSS = frozenset({"L", "L(w)", "L(w_1,w_2)"})


@dataclass(frozen=True)
class Update:
    """One weight update as the maths computes it; ``path`` tells apart panels, optimizers, entries."""

    path: int
    step: int
    old: Weights
    grad: Weights
    new: Weights
    eta: float


@dataclass(frozen=True)
class Loss:
    """How the loss must be on screen: a curve, contours or surface of ``f``, or a statement."""

    kind: str  # "curve" | "contours" | "surface" | "statement"
    f: Callable[[Weights], float] | None = None
    quotes: tuple[float, ...] = ()  # numbers a statement must show (the data, or the loss value)


@dataclass(frozen=True)
class Expect:
    updates: tuple[Update, ...]
    loss: Loss
    mover: str = "dot"  # what carries a weight on screen: a "dot" on axes, or a "number"
    place: Callable[[Weights], Weights] | None = None  # weights -> axes coordinates of the dot
    panels: bool = False  # one set of axes per path, left to right
    curve_1d: bool = False  # a point leaving the plotted range stops at the plot's edge
    arrows: int = 0  # +1: each step's red arrow shows ∇L (uphill, the visual language); 0: none drawn
    steps_drawn: bool = False  # each step also draws the step −η∇L: dashed, from the point to the new weights
    anchor: int = 0  # axes coordinates of an arrow's tail that must match the point (0: all)
    equations: str = "full"  # "full": old, η, ∇, new per update; "eta": η in the update rule shown
    axis_labels: tuple[frozenset[str], ...] = ()
    path_roles: tuple[str, ...] = ("current",)  # palette role of each path's moving point
    counts_smoothly: bool = False  # the weight's number counts through values (a ValueTracker)
    batch: tuple[float, ...] = ()  # per-sample gradients accumulated before the single update
    minimum: Callable[[tuple[float, float]], Weights] | None = None  # where a minimum mark belongs

    def paths(self) -> dict[int, list[Update]]:
        out: dict[int, list[Update]] = {}
        for u in self.updates:
            out.setdefault(u.path, []).append(u)
        return out


def expect(scene) -> Expect:
    """The expectations for a library scene (or a subclass of one, as the mutants are)."""
    for cls, build in _BUILDERS:
        if isinstance(scene, cls):
            return build(scene)
    raise TypeError(f"no expectations for {type(scene).__name__}")


def _gradient_descent(s: GradientDescent) -> Expect:
    f = s.expr
    ups = tuple(Update(0, t.index, (t.w,), (t.grad,), (t.new_w,), s.learning_rate) for t in s.trace)
    return Expect(ups, Loss("curve", lambda w: float(f(w=w[0]))), place=lambda w: (w[0], float(f(w=w[0]))),
                  curve_1d=True, arrows=+1, steps_drawn=True, axis_labels=(W, LOSS), counts_smoothly=True,
                  minimum=lambda w_range: (_argmin_1d(f, w_range),))


def _learning_rate(s: LearningRateComparison) -> Expect:
    f = s.expr
    ups = tuple(Update(k, t.index, (t.w,), (t.grad,), (t.new_w,), lr)
                for k, (lr, run) in enumerate(zip(s.learning_rates, s.runs, strict=True)) for t in run)
    return Expect(ups, Loss("curve", lambda w: float(f(w=w[0]))), place=lambda w: (w[0], float(f(w=w[0]))),
                  panels=True, curve_1d=True, arrows=+1, axis_labels=(W, LOSS),
                  path_roles=("current",) * len(s.learning_rates))


def _path_updates(path: np.ndarray, grads, eta: float, index: int = 0) -> tuple[Update, ...]:
    return tuple(Update(index, i + 1, tuple(map(float, a)), tuple(map(float, g)), tuple(map(float, b)), eta)
                 for i, (a, b, g) in enumerate(zip(path[:-1], path[1:], grads, strict=True)))


def _gradient_field(s: GradientField) -> Expect:
    ups = _path_updates(s.path, [s.grad(a) for a in s.path[:-1]], s.learning_rate)
    return Expect(ups, Loss("contours", s.value), place=tuple, arrows=+1, steps_drawn=True, axis_labels=(W1, W2))


def _loss_surface(s: LossSurface) -> Expect:
    ups = _path_updates(s.path, [s.grad(a) for a in s.path[:-1]], s.learning_rate)
    return Expect(ups, Loss("surface", s.value), place=lambda w: (w[0], w[1], s.value(w)), arrows=+1,
                  steps_drawn=True, anchor=2, axis_labels=(W1, W2, LOSS))


def _stochastic(s: StochasticDescent) -> Expect:
    eta = s.learning_rate
    # The mini-batch gradient of each step, recovered from the maths' own iterates.
    ups = _path_updates(s.sgd, [(a - b) / eta for a, b in zip(s.sgd[:-1], s.sgd[1:], strict=True)], eta)
    return Expect(ups, Loss("contours", s.loss), place=tuple, arrows=+1, steps_drawn=True, axis_labels=(W, B))


def _optimizers(s: OptimizerComparison) -> Expect:
    etas = {"GD": s.learning_rate, "Momentum": s.learning_rate, "Adam": s.adam_learning_rate}
    ups = tuple(u for k, (name, path) in enumerate(s.paths.items())
                for u in _path_updates(path, [s.grad(a) for a in path[:-1]], etas[name], k))
    return Expect(ups, Loss("contours", s.value), place=tuple, arrows=+1, equations="eta",
                  axis_labels=(W1, W2), path_roles=("current", "path_b", "path_c"))


def _weight_update(s: WeightUpdate) -> Expect:
    ups = tuple(Update(0, t.index, (t.w,), (t.grad,), (t.new_w,), s.learning_rate) for t in s.trace)
    quotes = () if s.gradients else (s.x, s.y)
    return Expect(ups, Loss("statement", quotes=quotes), mover="number", counts_smoothly=True)


def _batch_update(s: BatchUpdate) -> Expect:
    grads = batch_gradients(s.start, s.inputs, s.targets)
    mean = float(np.mean(grads))
    ups = (Update(0, 1, (s.start,), (mean,), (s.start - s.learning_rate * mean,), s.learning_rate),)
    return Expect(ups, Loss("statement"), mover="number", counts_smoothly=True,
                  batch=tuple(float(g) for g in grads))


def _matrix_update(s: WeightMatrixUpdate) -> Expect:
    grad = matrix_gradient(s.weights, s.inputs, s.targets)
    new = s.weights - s.learning_rate * grad
    ups = tuple(Update(k, 1, (float(w),), (float(g),), (float(n),), s.learning_rate)
                for k, (w, g, n) in enumerate(zip(s.weights.ravel(), grad.ravel(), new.ravel(), strict=True)))
    return Expect(ups, Loss("statement", quotes=tuple(s.inputs) + tuple(s.targets)), mover="number")


def _network(s: NetworkGradients) -> Expect:
    return Expect((), Loss("statement", quotes=(s.net.loss,)), mover="none", equations="none")


def _argmin_1d(f, w_range: tuple[float, float]) -> float:
    ws = np.linspace(w_range[0], w_range[1], 40001)
    ys = np.asarray(f(w=ws), dtype=float)
    return float(ws[int(np.nanargmin(np.where(np.isfinite(ys), ys, np.nan)))])


_BUILDERS = [
    (GradientDescent, _gradient_descent), (LearningRateComparison, _learning_rate),
    (GradientField, _gradient_field), (LossSurface, _loss_surface), (StochasticDescent, _stochastic),
    (OptimizerComparison, _optimizers), (WeightUpdate, _weight_update), (BatchUpdate, _batch_update),
    (WeightMatrixUpdate, _matrix_update), (NetworkGradients, _network),
]

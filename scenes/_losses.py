"""Loss set-up shared by the scenes: an author's loss text parsed, checked at the start, differentiated.

``OneWeightLoss`` serves the 1-D curve scenes, ``TwoWeightLoss`` the 2-D ones; both refuse a start
where the loss or its gradient is undefined, before anything is drawn.
"""

from __future__ import annotations

import numpy as np

from ._expr import parse
from ._maths import gd_path, nice_range
from ._params import ParameterError

__all__ = ["OneWeightLoss", "TwoWeightLoss"]


class OneWeightLoss:
    """Mixin for scenes on a loss L(w) of one weight."""

    def init_loss(self, source: str, start: float) -> None:
        """Parse ``source`` in w and check that loss and gradient are defined at ``start``."""
        self.expr = parse(source, ("w",))
        self.dexpr = self.expr.diff("w")
        if not (np.isfinite(self.expr(w=start)) and np.isfinite(self.dexpr(w=start))):
            raise ParameterError(f"start: the loss or its gradient is undefined at w = {start:g}")

    def loss_view(self, w_range: tuple[float, float, float], samples: int, pad: float):
        """Sample the curve over ``w_range``: ``(ws, L(ws), (low, high, tick) of the L axis)``.

        The L axis covers the finite values and 0, and starts at 0 for a loss that is never negative.
        """
        ws = np.linspace(w_range[0], w_range[1], samples)
        ls = self.expr(w=ws)
        finite = ls[np.isfinite(ls)]
        lo, hi, tick = nice_range(np.concatenate([finite, [0.0]]), pad=pad, min_span=0.5)
        return ws, ls, (0.0 if finite.min() >= 0 else lo, hi, tick)


class TwoWeightLoss:
    """Mixin for scenes on a loss of two weights: parsed from author text, with its exact gradient."""

    def init_loss(self, source: str, start: list[float]) -> None:
        """Parse ``source`` in w1, w2 and check that loss and gradient are defined at ``start``."""
        if len(start) != 2:
            raise ParameterError("start: give two numbers [w1, w2]")
        self.expr = parse(source, ("w1", "w2"))
        self.d1, self.d2 = self.expr.diff("w1"), self.expr.diff("w2")
        if not np.all(np.isfinite(self.grad(np.array(start)))) or not np.isfinite(self.value(start)):
            raise ParameterError(f"start: the loss or its gradient is undefined at {list(start)}")

    def value(self, p) -> float:
        return float(self.expr(w1=p[0], w2=p[1]))

    def grad(self, p) -> np.ndarray:
        return np.array([float(self.d1(w1=p[0], w2=p[1])), float(self.d2(w1=p[0], w2=p[1]))])

    def descend(self, start: list[float], learning_rate: float, steps: int, limit: float) -> np.ndarray:
        """Plain gradient descent from ``start``, refused with a clear message if it diverges."""
        path = gd_path(self.grad, start, learning_rate, steps)
        return self.bounded(path, start, limit,
                            f"learning_rate: η = {learning_rate:g} makes this descent diverge; try a smaller value")

    @staticmethod
    def bounded(path: np.ndarray, start: list[float], limit: float, message: str) -> np.ndarray:
        """``path`` unless it diverges (non-finite, or beyond ``limit`` times the start's scale)."""
        if not np.all(np.isfinite(path)) or np.abs(path).max() > limit * (1 + np.abs(np.asarray(start)).max()):
            raise ParameterError(message)
        return path

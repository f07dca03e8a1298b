"""Pure numpy maths behind the scenes: trajectories, optimisers, contours and backprop.

Nothing here draws; tests call these functions directly and compare against closed forms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "MLP", "Step", "adam_path", "batch_gradients", "contour_levels", "contour_segments", "gd_1d", "gd_path",
    "make_regression", "matrix_gradient", "minibatch_path", "mlp_backward", "momentum_path", "mse_grad",
    "mse_loss", "neuron_steps", "nice_range",
]

Grad = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Step:
    """One gradient-descent step: w, the gradient there, and the updated weight."""

    index: int
    w: float
    grad: float
    new_w: float


def gd_1d(f: Callable, df: Callable, start: float, lr: float, steps: int, tol: float,
          bound: float = 1e6) -> list[Step]:
    """Plain GD on one weight; stops when |grad| < tol, after ``steps``, or on divergence."""
    out: list[Step] = []
    w = float(start)
    for i in range(steps):
        g = float(df(w=w))
        if not np.isfinite(g) or abs(g) < tol:
            break
        new_w = w - lr * g
        out.append(Step(i + 1, w, g, new_w))
        if not np.isfinite(new_w) or abs(new_w) > bound or not np.isfinite(float(f(w=new_w))):
            break
        w = new_w
    return out


def gd_path(grad: Grad, start, lr: float, steps: int) -> np.ndarray:
    """Plain gradient descent from ``start``; returns the (steps+1, d) array of iterates."""
    p = [np.asarray(start, dtype=float)]
    for _ in range(steps):
        p.append(p[-1] - lr * grad(p[-1]))
    return np.array(p)


def momentum_path(grad: Grad, start, lr: float, beta: float, steps: int) -> np.ndarray:
    """Heavy-ball momentum: v <- beta v + g, x <- x - lr v."""
    x = np.asarray(start, dtype=float)
    v = np.zeros_like(x)
    p = [x]
    for _ in range(steps):
        v = beta * v + grad(x)
        x = x - lr * v
        p.append(x)
    return np.array(p)


def adam_path(grad: Grad, start, lr: float, steps: int, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8) -> np.ndarray:
    """Adam with bias correction (Kingma & Ba, 2015)."""
    x = np.asarray(start, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    p = [x]
    for t in range(1, steps + 1):
        g = grad(x)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        x = x - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        p.append(x)
    return np.array(p)


def nice_range(values, pad: float = 0.15, min_span: float = 1.0) -> tuple[float, float, float]:
    """An axis range (low, high, tick step) covering ``values`` with some padding."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    lo, hi = float(v.min()), float(v.max())
    span = max(hi - lo, min_span)
    lo, hi = lo - pad * span, hi + pad * span
    raw = (hi - lo) / 5
    mag = 10 ** np.floor(np.log10(raw))
    tick = float(min((m * mag for m in (1, 2, 5, 10) if m * mag >= raw), default=raw))
    return float(np.floor(lo / tick) * tick), float(np.ceil(hi / tick) * tick), tick


def contour_levels(z: np.ndarray, count: int) -> np.ndarray:
    """``count`` levels spaced quadratically from just above the minimum to the 60th percentile."""
    zf = z[np.isfinite(z)]
    lo, hi = float(zf.min()), float(np.percentile(zf, 60))
    t = np.linspace(0, 1, count + 1)[1:]
    return lo + (hi - lo) * t**2


def contour_segments(z: np.ndarray, xs: np.ndarray, ys: np.ndarray, level: float) -> list:
    """Marching squares: line segments ((x0, y0), (x1, y1)) where the grid ``z[iy, ix]`` = level."""
    segs = []
    above = z > level
    for iy in range(len(ys) - 1):
        for ix in range(len(xs) - 1):
            corners = [(ix, iy), (ix + 1, iy), (ix + 1, iy + 1), (ix, iy + 1)]
            flags = [above[cy, cx] for cx, cy in corners]
            if all(flags) or not any(flags):
                continue
            pts = []
            for k in range(4):
                (ax, ay), (bx, by) = corners[k], corners[(k + 1) % 4]
                za, zb = z[ay, ax], z[by, bx]
                if (za > level) != (zb > level) and np.isfinite(za) and np.isfinite(zb):
                    t = (level - za) / (zb - za)
                    pts.append((xs[ax] + t * (xs[bx] - xs[ax]), ys[ay] + t * (ys[by] - ys[ay])))
            for a in range(0, len(pts) - 1, 2):
                segs.append((pts[a], pts[a + 1]))
    return segs


def make_regression(n: int, seed: int, slope: float = 2.0, intercept: float = -1.0,
                    noise: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """A reproducible noisy line y = slope x + intercept + noise on x in [-1, 1]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    return x, slope * x + intercept + noise * rng.standard_normal(n)


def mse_loss(w, b, x: np.ndarray, y: np.ndarray):
    """Mean squared error of the line w x + b; broadcasts over grids of (w, b)."""
    w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    r = w[..., None] * x + b[..., None] - y
    return np.mean(r**2, axis=-1)


def mse_grad(p: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of ``mse_loss`` with respect to (w, b)."""
    r = p[0] * x + p[1] - y
    return np.array([2 * np.mean(r * x), 2 * np.mean(r)])


def minibatch_path(x, y, start, lr: float, steps: int, batch_size: int, seed: int) -> np.ndarray:
    """SGD on the MSE loss with mini-batches drawn without replacement each step."""
    rng = np.random.default_rng(seed)
    p = [np.asarray(start, dtype=float)]
    for _ in range(steps):
        idx = rng.choice(len(x), size=min(batch_size, len(x)), replace=False)
        p.append(p[-1] - lr * mse_grad(p[-1], x[idx], y[idx]))
    return np.array(p)


def neuron_steps(w0: float, x: float, target: float, lr: float, steps: int,
                 gradients: list[float] | None = None) -> list[Step]:
    """Updates of one weight on L = ½(w x − target)², or with the given gradients if any."""
    out, w = [], float(w0)
    for i in range(len(gradients) if gradients else steps):
        g = float(gradients[i]) if gradients else (w * x - target) * x
        out.append(Step(i + 1, w, g, w - lr * g))
        w = w - lr * g
    return out


def batch_gradients(w: float, xs, ys) -> np.ndarray:
    """Per-sample gradients of ½(w x − y)² with respect to w."""
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    return (w * xs - ys) * xs


def matrix_gradient(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∇W of L = ½‖W x − y‖², which is the outer product (W x − y) xᵀ."""
    return np.outer(w @ x - y, x)


@dataclass(frozen=True)
class MLP:
    """Result of one forward/backward pass through a tanh network with a linear output."""

    weights: list[np.ndarray]  # weights[l] has shape (sizes[l+1], sizes[l])
    activations: list[np.ndarray]  # activations[0] is the input
    deltas: list[np.ndarray]  # dL/dz per layer; deltas[0] is dL/dinput
    weight_grads: list[np.ndarray]
    loss: float


def mlp_backward(sizes: list[int], x, y, seed: int) -> MLP:
    """Forward and backward pass of L = ½‖out − y‖² with weights drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    ws = [rng.normal(0, 1 / np.sqrt(a), (b, a)) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    acts = [np.asarray(x, dtype=float)]
    for i, w in enumerate(ws):
        z = w @ acts[-1]
        acts.append(z if i == len(ws) - 1 else np.tanh(z))
    err = acts[-1] - np.asarray(y, dtype=float)
    deltas = [err]
    grads = []
    for i in range(len(ws) - 1, -1, -1):
        grads.insert(0, np.outer(deltas[0], acts[i]))
        back = ws[i].T @ deltas[0]
        deltas.insert(0, back * (1 - acts[i] ** 2) if i > 0 else back)
    return MLP(ws, acts, deltas, grads, float(0.5 * err @ err))

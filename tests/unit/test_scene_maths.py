"""Closed-form checks of the pure numpy maths in scenes/_maths.py, the loss set-up in scenes/_losses.py,
and the scenes' own numbers."""

from __future__ import annotations

import numpy as np
import pytest
from manim import tempconfig
from mkdocs_gradviz.scenes._base import fmt
from mkdocs_gradviz.scenes._expr import parse
from mkdocs_gradviz.scenes._losses import OneWeightLoss, TwoWeightLoss
from mkdocs_gradviz.scenes._maths import (
    adam_path,
    contour_segments,
    gd_1d,
    gd_path,
    matrix_gradient,
    mlp_backward,
    momentum_path,
    neuron_steps,
)
from mkdocs_gradviz.scenes._params import ParameterError
from mkdocs_gradviz.scenes.gradient_descent import GradientDescent
from mkdocs_gradviz.scenes.gradient_field import GradientField
from mkdocs_gradviz.scenes.learning_rate import LearningRateComparison
from mkdocs_gradviz.scenes.loss_surface import LossSurface
from mkdocs_gradviz.scenes.matrix_update import WeightMatrixUpdate
from mkdocs_gradviz.scenes.optimizers import OptimizerComparison
from mkdocs_gradviz.scenes.stochastic import StochasticDescent


@pytest.fixture(autouse=True)
def _scratch_media(tmp_path):
    """Scenes built here write nothing into the working tree."""
    with tempconfig({"media_dir": str(tmp_path)}):
        yield


@pytest.mark.parametrize("a,eta", [(1.0, 0.3), (0.5, 0.1), (2.0, 0.2), (1.0, 0.9), (3.0, 0.05)])
def test_gd_on_quadratic_contracts_by_one_minus_two_a_eta(a, eta):
    """GD on a·w² multiplies w by (1 − 2aη) each step."""
    e = parse(f"{a}*w**2")
    steps = gd_1d(e, e.diff("w"), 2.5, eta, 6, 0.0)
    for s in steps:
        assert s.new_w == pytest.approx((1 - 2 * a * eta) * s.w)


def test_gd_stops_at_tolerance():
    """GD stops before stepping once |∇L| is below the tolerance."""
    e = parse("w**2")
    steps = gd_1d(e, e.diff("w"), 2.5, 0.3, 60, 0.01)
    assert abs(2 * steps[-1].new_w) < 0.01 <= abs(steps[-1].grad)


def test_learning_rate_panels_cover_small_good_and_large():
    """The default comparison really crawls, converges, and diverges."""
    s = LearningRateComparison()
    assert s.verdicts == ["too small: crawls", "good: converges", "too large: diverges"]
    big = s.runs[2]
    assert abs(big[-1].new_w) > abs(big[0].w)  # |1 − 2·1.05| = 1.1 > 1
    assert all(np.sign(a.w) != np.sign(a.new_w) for a in big)  # it oscillates around 0 as it grows


def test_seed_lr_half_lands_on_minimum_is_not_called_too_large():
    """η = 0.5 on w² reaches the minimum in one step, so it is labelled good, not too large."""
    s = LearningRateComparison(learning_rates=[0.01, 0.1, 0.5])
    assert s.verdicts[2] == "good: converges"


@pytest.mark.parametrize("path", ["momentum", "adam"])
def test_momentum_and_adam_converge_on_a_bowl(path):
    """Momentum and Adam reach the minimum of a convex quadratic."""
    grad = lambda p: np.array([2 * p[0], 8 * p[1]])
    pts = momentum_path(grad, [3.0, 2.0], 0.05, 0.8, 200) if path == "momentum" else adam_path(grad, [3.0, 2.0], 0.1, 300)
    assert np.linalg.norm(pts[-1]) < 0.05


def test_momentum_with_zero_beta_is_plain_gd():
    """Momentum with β = 0 is exactly plain gradient descent."""
    grad = lambda p: np.array([2 * p[0], 4 * p[1]])
    assert np.allclose(momentum_path(grad, [1.0, 1.0], 0.1, 0.0, 10), gd_path(grad, [1.0, 1.0], 0.1, 10))


def test_adam_first_step_has_length_eta_per_coordinate():
    """Adam's bias-corrected first step moves each coordinate by η against the gradient sign."""
    pts = adam_path(lambda p: np.array([2 * p[0], -3.0]), [1.0, 0.0], 0.1, 1)
    assert np.allclose(pts[1] - pts[0], [-0.1, 0.1], atol=1e-6)


def test_contour_segments_lie_on_the_level():
    """Marching-squares points lie on the requested level set of x² + 3y²."""
    xs = np.linspace(-2, 2, 41)
    ys = np.linspace(-2, 2, 41)
    z = xs[None, :] ** 2 + 3 * ys[:, None] ** 2
    segs = contour_segments(z, xs, ys, 1.0)
    pts = np.array([p for s in segs for p in s])
    assert len(segs) > 20
    assert np.allclose(pts[:, 0] ** 2 + 3 * pts[:, 1] ** 2, 1.0, atol=0.02)
    assert np.ptp(pts[:, 0]) == pytest.approx(2.0, abs=0.05) and np.ptp(pts[:, 1]) == pytest.approx(2 / np.sqrt(3), abs=0.05)


def test_mlp_backward_matches_finite_differences():
    """Backprop weight gradients equal finite differences of the loss."""
    net = mlp_backward([3, 4, 2], [0.5, -1.0, 0.8], [1.0, -0.5], 0)

    def loss(ws):
        a = np.array([0.5, -1.0, 0.8])
        for i, w in enumerate(ws):
            a = w @ a if i == len(ws) - 1 else np.tanh(w @ a)
        return 0.5 * np.sum((a - [1.0, -0.5]) ** 2)

    for layer in range(2):
        for idx in np.ndindex(net.weights[layer].shape):
            ws = [w.copy() for w in net.weights]
            ws[layer][idx] += 1e-6
            up = loss(ws)
            ws[layer][idx] -= 2e-6
            assert (up - loss(ws)) / 2e-6 == pytest.approx(net.weight_grads[layer][idx], abs=1e-6)


def test_matrix_gradient_is_outer_product_and_decreases_loss():
    """∇W = (Wx − y)xᵀ matches finite differences and a small step lowers the loss."""
    w = np.array([[0.1, 0.3], [-0.2, 0.4], [0.5, -0.1]])
    x, y = np.array([1.0, 0.5]), np.array([0.2, 0.1, 0.3])
    g = matrix_gradient(w, x, y)
    loss = lambda m: 0.5 * np.sum((m @ x - y) ** 2)
    e = np.zeros_like(w)
    e[2, 1] = 1e-6
    assert (loss(w + e) - loss(w - e)) / 2e-6 == pytest.approx(g[2, 1])
    assert loss(w - 0.5 * g) < loss(w)


def test_neuron_steps_follow_squared_error():
    """A single weight on ½(wx − y)² moves by −η(wx − y)x."""
    s = neuron_steps(0.5, 2.0, 0.2, 0.1, 3)
    assert s[0].grad == pytest.approx((0.5 * 2 - 0.2) * 2)
    assert s[1].w == pytest.approx(s[0].new_w)


def test_gradient_descent_description_has_real_numbers():
    """describe() states the start, η and the actual final weight."""
    s = GradientDescent()
    assert "w = 2.50" in s.describe() and "η = 0.3" in s.describe()
    assert f"{0.4 ** 8 * 2.5:.3f}" in s.describe()
    head, rows = s.step_table()
    assert head == ["step", "w", "∇L", "new w"] and len(rows) == 8


@pytest.mark.parametrize("kwargs,message", [
    ({"learning_rate": -0.1}, "learning_rate"),
    ({"steps": 10000}, "steps"),
    ({"loss": "x**2"}, "unknown name 'x'"),
    ({"loss": "log(w)", "start": -1.0}, "start"),
    ({"loss": "__import__('os')"}, "loss"),
])
def test_bad_parameters_are_refused_before_drawing(kwargs, message):
    """Out-of-range or meaningless parameters raise ParameterError naming the parameter."""
    with pytest.raises(ParameterError, match=message):
        GradientDescent(**kwargs)


def test_matrix_shapes_are_checked():
    """A matrix scene with mismatched x refuses with a message about the columns."""
    with pytest.raises(ParameterError, match="columns"):
        WeightMatrixUpdate(inputs=[1.0, 2.0, 3.0])


def test_one_weight_loss_axis_starts_at_zero_for_a_nonnegative_loss():
    """The L axis of a never-negative loss starts at 0 and covers the curve's largest value."""
    loss = OneWeightLoss()
    loss.init_loss("(w - 1)**2", 2.0)
    ws, ls, (low, high, _) = loss.loss_view((-1.0, 3.0, 1.0), 41, pad=0.05)
    assert low == 0.0 and high >= ls.max() == pytest.approx(4.0) and ws[0] == -1.0 and ws[-1] == 3.0


def test_one_weight_loss_refuses_a_start_where_it_is_undefined():
    """A loss undefined at the start is refused, naming the start."""
    with pytest.raises(ParameterError, match="start"):
        OneWeightLoss().init_loss("log(w)", -1.0)


def test_two_weight_loss_has_the_exact_gradient_and_refuses_divergence():
    """The gradient of w1² + 3·w2² is (2·w1, 6·w2); a descent that blows up is refused."""
    loss = TwoWeightLoss()
    loss.init_loss("w1**2 + 3*w2**2", [1.0, 2.0])
    assert np.allclose(loss.grad([1.0, 2.0]), [2.0, 12.0]) and loss.value([1.0, 2.0]) == pytest.approx(13.0)
    assert np.allclose(loss.descend([1.0, 2.0], 0.1, 3, limit=10)[1], [0.8, 0.8])
    with pytest.raises(ParameterError, match="learning_rate"):
        loss.descend([1.0, 2.0], 1.0, 30, limit=10)


def test_gradient_descent_values_come_from_its_trace():
    """values() quotes the descent's own numbers, formatted as on screen, with no construct run."""
    s = GradientDescent(loss="(w-1)**2", start=-1.5, learning_rate=0.3, steps=8)
    v = s.values()
    assert v["steps_taken"] == "8" and v["first_grad"] == "−5.000" and v["first_w"] == "0.000"
    assert v["final_w"] == fmt(1 - 2.5 * 0.4**8) and v["converged"] == "no" and v["minimum_w"] == "1.00"
    stopped = GradientDescent(loss="w**4 - 3*w**2 + w", start=-0.3, learning_rate=0.05, steps=15).values()
    assert stopped["steps_taken"] == "12" and stopped["converged"] == "yes" and stopped["final_w"] == "−1.301"


def test_a_parameter_change_changes_the_quoted_value():
    """Another learning rate gives another final weight: prose quoting it cannot fall behind."""
    slow = GradientDescent(loss="w**2", start=2, learning_rate=0.1, steps=6).values()
    fast = GradientDescent(loss="w**2", start=2, learning_rate=0.25, steps=6).values()
    assert slow["final_w"] == fmt(2 * 0.8**6) and fast["final_w"] == fmt(2 * 0.5**6)


def test_a_diverging_descent_quotes_where_w_left_the_plot():
    """A run that leaves the plot says so, with w to three significant figures and no final loss."""
    v = GradientDescent(loss="w**2", start=1.8, learning_rate=1.5, steps=10).values()
    assert v["diverged"] == "yes" and v["converged"] == "no" and "final_loss" not in v
    assert v["final_w"] == f"{1.8 * (-2) ** 3:.3g}".replace("-", "−")


def test_learning_rate_values_per_panel():
    """Each panel's rate, final weight and verdict, numbered from the left."""
    v = LearningRateComparison(loss="w**2", start=1.8, learning_rates=[0.05, 0.3, 0.9, 1.05], steps=10).values()
    assert [v[f"rate_{k}"] for k in range(1, 5)] == ["0.05", "0.3", "0.9", "1.05"]
    assert v["final_w_1"] == fmt(1.8 * 0.9**10) and v["verdict_1"] == "too small: crawls"
    assert v["verdict_3"] == "too large: oscillates" and v["left_plot_4"] == "yes" and v["steps_4"] == "2"


def test_two_weight_values_match_their_paths():
    """GradientField, LossSurface, OptimizerComparison and StochasticDescent quote their paths' ends."""
    gf = GradientField()
    assert (gf.values()["final_w1"], gf.values()["final_loss"]) == (fmt(gf.path[-1][0]), fmt(gf.value(gf.path[-1])))
    surf = LossSurface(loss="w1**2 + 3*w2**2", start=[2.5, 2.0], learning_rate=0.12, steps=10)
    assert surf.values()["start_loss"] == "18.250" and surf.values()["final_loss"] == fmt(surf.value(surf.path[-1]))
    opt = OptimizerComparison(learning_rate=0.45, momentum=0.5)
    for name in ("GD", "Momentum", "Adam"):
        end = opt.paths[name][-1]
        assert opt.values()[f"{name.lower()}_loss"] == fmt(opt.value(end))
    sgd = StochasticDescent()
    assert sgd.values()["sgd_loss"] == fmt(sgd.loss(sgd.sgd[-1])) and sgd.values()["full_w"] == fmt(sgd.full[-1][0])


def test_plain_gradient_descent_zigzags_where_momentum_damps_it():
    """Lesson 6's valley: at η = 0.45 plain GD flips w2's sign every step (factor −0.8); momentum
    with β = 0.5 shrinks the swing faster and ends nearer the minimum."""
    opt = OptimizerComparison(loss="0.1*w1**2 + 2*w2**2", start=[-4, 1.5], learning_rate=0.45, momentum=0.5, steps=25)
    gd, mom = opt.paths["GD"], opt.paths["Momentum"]
    assert np.all(np.sign(gd[1:8, 1]) == -np.sign(gd[:7, 1]))
    assert np.allclose(gd[1:8, 1] / gd[:7, 1], -0.8)
    assert abs(mom[8, 1]) < 0.8**8 * 1.5 and opt.value(mom[-1]) < opt.value(gd[-1])

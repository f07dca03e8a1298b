"""The weight-update scenes' ``values()``: the numbers prose quotes, as the scene shows them.

Each value is checked against the scene's step table (the numbers its frames show) or its maths,
on a scene whose ``construct`` never ran; one recorded run per scene (with its defaults) checks that
the last picture shows the same numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import tempconfig
from mkdocs_gradviz.scenes._base import fmt
from mkdocs_gradviz.scenes._maths import mlp_backward, neuron_steps
from mkdocs_gradviz.scenes.batch_update import BatchUpdate
from mkdocs_gradviz.scenes.matrix_update import WeightMatrixUpdate
from mkdocs_gradviz.scenes.network_gradients import NetworkGradients
from mkdocs_gradviz.scenes.weight_update import WeightUpdate
from rulebook.recorder import recorded
from rulebook.view import shows

SCENES = (WeightUpdate, BatchUpdate, WeightMatrixUpdate, NetworkGradients)

# The blocks of lessons 4 and 5, whose prose quotes these values.
LESSON_WEIGHT = {"start": -0.5, "x": 2, "y": 1, "learning_rate": 0.15, "steps": 6, "tolerance": 0.02}
LESSON_BATCH = {"start": 1.0, "learning_rate": 0.2, "inputs": [1, 2, -1, 0.5], "targets": [0.5, 3, -1.5, 0.2]}
DEEP_NET = {"layers": [2, 5, 5, 5, 1], "inputs": [1.0, -0.5], "targets": [1.0], "seed": 3}


@pytest.fixture(autouse=True)
def _scratch_media(tmp_path):
    """Scenes built here write nothing into the working tree."""
    with tempconfig({"media_dir": str(tmp_path), "write_to_movie": False}):
        yield


def number(text: str) -> float:
    return float(text.replace("−", "-"))


def same(shown: str, row_value: float) -> bool:
    """A value (three decimals) and a step-table cell (rounded to four) are the same number."""
    return abs(number(shown) - row_value) <= 0.0005 + 0.00005 + 1e-12


@pytest.mark.parametrize("cls", SCENES, ids=lambda c: c.__name__)
def test_values_are_named_text_without_construct(cls):
    """values() of a scene that never drew anything maps identifiers to text, as the engine requires."""
    values = cls().values()
    assert values and all(name.isidentifier() and isinstance(v, str) for name, v in values.items())


def test_weight_update_values_are_its_step_table():
    """Each step's gradient and new weight, the final weight and the number of steps are the table's."""
    scene = WeightUpdate(**LESSON_WEIGHT)
    values, rows = scene.values(), scene.step_table()[1]
    for step, _w, grad, new_w in rows:
        assert same(values[f"grad_{step}"], grad) and same(values[f"w_{step}"], new_w)
    assert values["steps"] == str(len(rows)) == "6"
    assert same(values["final_w"], rows[-1][3]) and values["final_w"] == "0.496"
    assert (values["prediction"], values["error"], values["grad_1"], values["w_1"]) == ("−1.000", "−2.000", "−4.000", "0.100")
    assert (values["best_w"], values["error_factor"], values["converged"]) == ("0.500", "0.400", "yes")


def test_weight_update_values_follow_the_parameters():
    """Another learning rate gives the final weight of that run, and a run too short is not converged."""
    values = WeightUpdate(**{**LESSON_WEIGHT, "learning_rate": 0.05, "steps": 3}).values()
    assert values["final_w"] == fmt(neuron_steps(-0.5, 2, 1, 0.05, 3)[-1].new_w)
    assert values["converged"] == "no"
    assert number(values["final_grad"]) == pytest.approx((number(values["final_w"]) * 2 - 1) * 2, abs=2e-3)


def test_weight_update_with_given_gradients_has_no_data_point_values():
    """With author-given gradients there is no prediction or error to quote, only the steps."""
    values = WeightUpdate(start=0.5, learning_rate=0.5, gradients=[1.2, 0.6, -0.3, 0.1]).values()
    assert values["final_w"] == "−0.300" and values["grad_3"] == "−0.300" and "prediction" not in values


def test_batch_update_values_are_its_step_table():
    """Per-sample gradients, their sum and average, and the one update agree with the table and the rule."""
    scene = BatchUpdate(**LESSON_BATCH)
    values, rows = scene.values(), scene.step_table()[1]
    for sample, _x, _y, grad, _running in rows:
        assert same(values[f"grad_{sample}"], grad)
    assert values["sum"] == fmt(rows[-1][4]) == "−1.850"
    assert values["average"] == fmt(rows[-1][4] / len(rows)) == "−0.463"
    assert values["new_w"] == fmt(1.0 - 0.2 * rows[-1][4] / len(rows)) == "1.093"
    assert values["best_w"] == fmt(8.1 / 6.25)


def test_matrix_values_are_its_step_table_and_the_loss_it_shows():
    """Entries of W, ∇W and W_new are the table's; the loss falls by the square of the error factor."""
    scene = WeightMatrixUpdate()
    values, rows = scene.values(), scene.step_table()[1]
    for entry, w, grad, new in rows:
        ij = entry[2] + entry[4]  # "W[2,1]" -> "21"
        assert same(values[f"w_{ij}"], w) and same(values[f"grad_{ij}"], grad) and same(values[f"new_{ij}"], new)
    assert (values["new_21"], values["new_32"]) == ("−0.150", "−0.138")
    assert (values["loss_before"], values["loss_after"], values["loss_cut_percent"]) == ("0.0175", "0.0025", "86")
    assert (values["x_norm2"], values["error_factor"], values["exact_rate"]) == ("1.250", "0.375", "0.800")
    exact = WeightMatrixUpdate(learning_rate=number(values["exact_rate"])).values()
    assert exact["loss_after"] == "0.0000" and exact["error_factor"] == "0.000"
    assert number(values["loss_factor"]) == pytest.approx(number(values["error_factor"]) ** 2, abs=1e-3)
    errors = [number(values[f"error_{i}"]) for i in (1, 2, 3)]
    assert errors == pytest.approx([0.05, -0.1, 0.15])


@pytest.mark.parametrize("params", [{}, DEEP_NET], ids=["lesson-4-layers", "lesson-5-layers"])
def test_network_values_are_its_step_table_and_backward_pass(params):
    """Each neuron's ∂L/∂z and each layer's largest are the table's; weight gradients are the backward pass's."""
    scene = NetworkGradients(**params)
    values, rows = scene.values(), scene.step_table()[1]
    for layer, neuron, delta in rows:
        assert same(values[f"delta_{layer}_{neuron}"], delta)
    for layer in {r[0] for r in rows}:
        assert same(values[f"max_delta_{layer}"], max(abs(r[2]) for r in rows if r[0] == layer))
    net = mlp_backward(scene.layers, scene.inputs, scene.targets, scene.seed)
    grads = [np.abs(g) for g in net.weight_grads]
    assert [values[f"max_dw_{i + 1}"] for i in range(len(grads))] == [fmt(float(g.max())) for g in grads]
    assert values["mean_dw_shrink"] == fmt(float(grads[-1].mean() / grads[0].mean()), 1)
    assert values["loss"] == f"{net.loss:.3f}"


def test_lesson_5_numbers():
    """The largest error signals lesson 5 quotes, input to output, for both of its networks."""
    shallow, deep = NetworkGradients().values(), NetworkGradients(**DEEP_NET).values()
    assert [shallow[f"max_delta_{i}"] for i in range(1, 5)] == ["0.221", "0.314", "0.559", "1.228"]
    assert [deep[f"max_delta_{i}"] for i in range(1, 6)] == ["0.057", "0.091", "0.198", "0.338", "0.720"]


# -- what the last picture shows ------------------------------------------------------------------


def last_tokens(cls):
    """The numbers the scene's last picture shows, with its defaults (the run the rule tests record too)."""
    return recorded(cls, ()).plays[-1].after.tokens()


def test_weight_update_ends_showing_its_final_weight():
    """The weight label's last number is values()['final_w']."""
    values = WeightUpdate().values()
    assert shows(last_tokens(WeightUpdate), number(values["final_w"]))


def test_batch_update_ends_showing_its_values():
    """The last picture shows the new weight, the average gradient and each sample's gradient."""
    values = BatchUpdate().values()
    tokens = last_tokens(BatchUpdate)
    for name in ("new_w", "average", "sum", "grad_1", "grad_2", "grad_3", "grad_4"):
        assert shows(tokens, number(values[name])), name


def test_matrix_update_ends_showing_w_new():
    """The last picture's W_new holds every new_ij value."""
    values = WeightMatrixUpdate().values()
    tokens = last_tokens(WeightMatrixUpdate)
    for name in [n for n in values if n.startswith("new_")]:
        assert shows(tokens, number(values[name])), name


def test_network_gradients_ends_showing_each_layers_largest_signal():
    """Above each layer the last picture shows max_delta of that layer."""
    values = NetworkGradients().values()
    tokens = last_tokens(NetworkGradients)
    for layer in range(1, 5):
        assert shows(tokens, number(values[f"max_delta_{layer}"])), layer

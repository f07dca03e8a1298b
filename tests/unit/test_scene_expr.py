"""Tests for the safe loss-expression parser in scenes/_expr.py."""

from __future__ import annotations

import numpy as np
import pytest
from mkdocs_gradviz.scenes._expr import parse
from mkdocs_gradviz.scenes._params import ParameterError

EXPRESSIONS = [
    "w**2", "(w-1)**2 + 0.5*sin(3*w)", "exp(-w)/2 + w", "tanh(w)*w", "sqrt(w**2 + 1)", "log(w**2 + 1)",
    "abs(w - 0.3) + w**2", "cos(w)**3 - tan(w/4)", "2**w", "w**w", "-w**4 + 3*w**2 - pi*w + e",
]


@pytest.mark.parametrize("source", EXPRESSIONS)
def test_derivative_matches_central_differences(source):
    """The symbolic derivative agrees with central finite differences."""
    expr = parse(source)
    d = expr.diff("w")
    w = np.linspace(0.37, 2.9, 23)
    h = 1e-6
    numeric = (expr(w=w + h) - expr(w=w - h)) / (2 * h)
    assert np.allclose(d(w=w), numeric, rtol=1e-5, atol=1e-6)


def test_values_are_vectorised():
    """An expression evaluates elementwise on numpy arrays."""
    expr = parse("(w-1)**2 + 0.5*sin(3*w)")
    w = np.array([0.0, 1.0, 2.0])
    assert np.allclose(expr(w=w), (w - 1) ** 2 + 0.5 * np.sin(3 * w))


def test_two_variable_partials():
    """Partial derivatives in w1 and w2 are exact for a 2-D loss."""
    expr = parse("w1**2 + 3*w2**2 + w1*w2", ("w1", "w2"))
    assert float(expr.diff("w1")(w1=2.0, w2=1.0)) == pytest.approx(5.0)
    assert float(expr.diff("w2")(w1=2.0, w2=1.0)) == pytest.approx(8.0)


HOSTILE = [
    "__import__('os')", "__import__('os').system('ls')", "w.__class__", "w.real", "w**10**10", "9**9**9",
    "lambda w: w", "w[0]", "[w]", "(w, w)", "{w: 1}", "open('x')", "eval('1')", "x**2", "w if w else 1",
    "w < 1", "w; 1", "'text'", "w @ w", "w // 2", "sin(w, w)", "sin(w=1)", "1e300 * w", "not w",
    "w" + "+w" * 150, "-" * 150 + "w", "",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_is_refused(source):
    """Anything outside the whitelist raises ParameterError instead of running."""
    with pytest.raises(ParameterError):
        parse(source)


def test_unknown_name_message_lists_allowed_variables():
    """The error for an unknown name names it and lists the allowed variables."""
    with pytest.raises(ParameterError, match="unknown name 'x'; allowed variables: w"):
        parse("x**2")


def test_pretty_text_uses_superscripts_and_subscripts():
    """The readable form shows powers as superscripts and w1 as w₁."""
    assert parse("w**2").text == "w²"
    assert parse("w1**2 + 3*w2**2", ("w1", "w2")).text == "w₁² + 3·w₂²"

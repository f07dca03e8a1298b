"""A safe parser for loss expressions: a whitelist over Python's ``ast``, never ``eval``.

``parse("(w-1)**2 + 0.5*sin(3*w)", ("w",))`` returns an :class:`Expr` that evaluates on numpy
arrays and differentiates itself symbolically, so gradients are exact.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass

import numpy as np

from ._params import ParameterError

__all__ = ["FUNCTIONS", "MAX_LENGTH", "Expr", "parse"]

MAX_LENGTH = 200
MAX_NODES = 80
MAX_EXPONENT = 16.0
MAX_LITERAL = 1e6
FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh")
CONSTANTS = {"pi": math.pi, "e": math.e}
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_NUMPY = {"sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log,
          "sqrt": np.sqrt, "abs": np.abs, "tanh": np.tanh}

# A node is a tuple: ("num", x) | ("var", name) | (op, a, b) for op in + - * / ** | ("neg", a)
# | ("call", fname, a).


@dataclass(frozen=True)
class Expr:
    """A parsed expression over ``variables``; call it with numpy arrays by keyword."""

    node: tuple
    variables: tuple[str, ...]

    def __call__(self, **values: float | np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(_eval(self.node, values), dtype=float)

    def diff(self, var: str) -> Expr:
        """The exact partial derivative with respect to ``var``."""
        return Expr(_simplify(_diff(self.node, var)), self.variables)

    @property
    def text(self) -> str:
        """Readable Unicode form, e.g. ``(w − 1)² + 0.5·sin(3·w)``."""
        return _show(self.node, 0)


def parse(source: str, variables: tuple[str, ...] = ("w",), name: str = "loss") -> Expr:
    """Parse ``source`` into an :class:`Expr`, or raise ``ParameterError`` naming the problem."""
    if not isinstance(source, str) or not source.strip():
        raise ParameterError(f"{name}: expected an expression such as 'w**2'")
    if len(source) > MAX_LENGTH:
        raise ParameterError(f"{name}: expression is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, ValueError) as exc:
        raise ParameterError(f"{name}: not a valid expression ({exc.msg if hasattr(exc, 'msg') else exc})") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ParameterError(f"{name}: expression is too complex (more than {MAX_NODES} parts)")
    node = _convert(tree.body, variables, name)
    return Expr(_simplify(node), variables)


def _convert(n: ast.AST, variables: tuple[str, ...], name: str) -> tuple:
    allowed = ", ".join(variables)
    if isinstance(n, ast.Constant) and type(n.value) in (int, float):
        if abs(n.value) > MAX_LITERAL:
            raise ParameterError(f"{name}: number {n.value} is too large (limit {MAX_LITERAL:g})")
        return ("num", float(n.value))
    if isinstance(n, ast.Name):
        if n.id in variables:
            return ("var", n.id)
        if n.id in CONSTANTS:
            return ("num", CONSTANTS[n.id])
        raise ParameterError(f"{name}: unknown name '{n.id}'; allowed variables: {allowed}")
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, (ast.USub, ast.UAdd)):
        inner = _convert(n.operand, variables, name)
        return ("neg", inner) if isinstance(n.op, ast.USub) else inner
    if isinstance(n, ast.BinOp) and type(n.op) in _BINOPS:
        a, b = _convert(n.left, variables, name), _convert(n.right, variables, name)
        op = _BINOPS[type(n.op)]
        if op == "**":
            b = _simplify(b)
            if _is_const(b) and abs(_const(b)) > MAX_EXPONENT:
                raise ParameterError(f"{name}: exponent {_const(b):g} is too large (limit {MAX_EXPONENT:g})")
            if not _is_const(b) and _contains_pow_var(b):
                raise ParameterError(f"{name}: nested variable exponents are not allowed")
        return (op, a, b)
    if isinstance(n, ast.Call):
        fname = n.func.id if isinstance(n.func, ast.Name) else None
        if fname not in FUNCTIONS or n.keywords or len(n.args) != 1:
            raise ParameterError(f"{name}: only one-argument calls of {', '.join(FUNCTIONS)} are allowed")
        return ("call", fname, _convert(n.args[0], variables, name))
    kind = type(n).__name__
    raise ParameterError(f"{name}: '{kind}' is not allowed; use numbers, {allowed}, + - * / ** and "
                         f"{', '.join(FUNCTIONS)}")


def _contains_pow_var(n: tuple) -> bool:
    if n[0] == "**" and not _is_const(n[2]):
        return True
    return any(_contains_pow_var(c) for c in n[1:] if isinstance(c, tuple))


def _is_const(n: tuple) -> bool:
    return n[0] == "num"


def _const(n: tuple) -> float:
    return n[1]


def _eval(n: tuple, env: dict) -> np.ndarray | float:
    kind = n[0]
    if kind == "num":
        return n[1]
    if kind == "var":
        return np.asarray(env[n[1]], dtype=float)
    if kind == "neg":
        return -_eval(n[1], env)
    if kind == "call":
        return _NUMPY[n[1]](_eval(n[2], env))
    a, b = _eval(n[1], env), _eval(n[2], env)
    if kind == "+":
        return a + b
    if kind == "-":
        return a - b
    if kind == "*":
        return a * b
    if kind == "/":
        return np.divide(a, b)
    return np.power(np.asarray(a, dtype=float), b)


def _diff(n: tuple, v: str) -> tuple:
    kind = n[0]
    if kind == "num":
        return ("num", 0.0)
    if kind == "var":
        return ("num", 1.0 if n[1] == v else 0.0)
    if kind == "neg":
        return ("neg", _diff(n[1], v))
    if kind in "+-":
        return (kind, _diff(n[1], v), _diff(n[2], v))
    if kind == "*":
        a, b = n[1], n[2]
        return ("+", ("*", _diff(a, v), b), ("*", a, _diff(b, v)))
    if kind == "/":
        a, b = n[1], n[2]
        return ("/", ("-", ("*", _diff(a, v), b), ("*", a, _diff(b, v))), ("**", b, ("num", 2.0)))
    if kind == "**":
        a, b = n[1], n[2]
        if _is_const(b):
            return ("*", ("*", b, ("**", a, ("num", _const(b) - 1))), _diff(a, v))
        # d(a^b) = a^b (b' ln a + b a'/a)
        return ("*", n, ("+", ("*", _diff(b, v), ("call", "log", a)), ("/", ("*", b, _diff(a, v)), a)))
    f, u = n[1], n[2]
    du = _diff(u, v)
    outer = {
        "sin": ("call", "cos", u),
        "cos": ("neg", ("call", "sin", u)),
        "tan": ("/", ("num", 1.0), ("**", ("call", "cos", u), ("num", 2.0))),
        "exp": ("call", "exp", u),
        "log": ("/", ("num", 1.0), u),
        "sqrt": ("/", ("num", 0.5), ("call", "sqrt", u)),
        "abs": ("call", "sign", u),
        "tanh": ("-", ("num", 1.0), ("**", ("call", "tanh", u), ("num", 2.0))),
    }[f]
    return ("*", outer, du)


_NUMPY["sign"] = np.sign


def _simplify(n: tuple) -> tuple:
    kind = n[0]
    if kind in ("num", "var"):
        return n
    if kind == "neg":
        a = _simplify(n[1])
        if _is_const(a):
            return ("num", -a[1])
        return a[1] if a[0] == "neg" else ("neg", a)
    if kind == "call":
        a = _simplify(n[2])
        return ("num", float(_NUMPY[n[1]](a[1]))) if _is_const(a) and n[1] != "log" and n[1] != "sqrt" else ("call", n[1], a)
    a, b = _simplify(n[1]), _simplify(n[2])
    if _is_const(a) and _is_const(b) and kind != "/":
        with np.errstate(all="ignore"):
            val = float(_eval((kind, a, b), {}))
        if math.isfinite(val):
            return ("num", val)
    z = lambda x, c: _is_const(x) and x[1] == c
    if kind == "+":
        return b if z(a, 0) else a if z(b, 0) else (kind, a, b)
    if kind == "-":
        return a if z(b, 0) else ("neg", b) if z(a, 0) else (kind, a, b)
    if kind == "*":
        if z(a, 0) or z(b, 0):
            return ("num", 0.0)
        return b if z(a, 1) else a if z(b, 1) else (kind, a, b)
    if kind == "/":
        return ("num", 0.0) if z(a, 0) else a if z(b, 1) else (kind, a, b)
    if kind == "**":
        return ("num", 1.0) if z(b, 0) else a if z(b, 1) else (kind, a, b)
    return (kind, a, b)


_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")


def _num(x: float) -> str:
    return f"{x:g}" if abs(x - math.pi) > 1e-15 else "π"


def _show(n: tuple, parent: int) -> str:
    kind = n[0]
    if kind == "num":
        s = _num(n[1])
        return f"({s})" if n[1] < 0 and parent > 0 else s
    if kind == "var":
        return n[1][0] + n[1][1:].translate(_SUB)
    if kind == "call":
        return f"{n[1]}({_show(n[2], 0)})"
    if kind == "neg":
        s = "−" + _show(n[1], 3)
    elif kind == "**" and _is_const(n[2]) and float(n[2][1]).is_integer() and n[2][1] >= 0:
        s = _show(n[1], 5) + _num(n[2][1]).translate(_SUP)
    else:
        p = _PREC[kind]
        sym = {"+": " + ", "-": " − ", "*": "·", "/": "/", "**": "^"}[kind]
        right = p + 1 if kind in "-/" or kind == "**" else p
        s = _show(n[1], p + (1 if kind == "**" else 0)) + sym + _show(n[2], right)
    return f"({s})" if _PREC[kind] < parent else s

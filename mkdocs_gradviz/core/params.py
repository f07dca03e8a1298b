"""Scene parameters as declared in source: read from a class's ``__init__`` and checked against values."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from mkdocs_gradviz.core.errors import SpecError

_SCALARS = {"int": int, "float": float, "str": str, "bool": bool}
_LISTS = {"list[float]", "list[int]", "list[list[float]]"}


@dataclass(frozen=True)
class Param:
    """One keyword parameter of a scene."""

    name: str
    kind: str
    default: Any
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] | None = None
    doc: str = ""

    def describe_type(self) -> str:
        """The type as authors read it, e.g. ``float in [0.0001, 10]``."""
        if self.choices is not None:
            return " | ".join(repr(c) for c in self.choices)
        if self.low is None and self.high is None:
            return self.kind
        low = "-inf" if self.low is None else f"{self.low:g}"
        high = "inf" if self.high is None else f"{self.high:g}"
        return f"{self.kind} in [{low}, {high}]"

    def check(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ``SpecError``."""
        if self.choices is not None:
            if value not in self.choices:
                raise SpecError(f"parameter '{self.name}' must be one of {list(self.choices)}, not {value!r}")
            return value
        if self.kind in _LISTS:
            return self._check_list(value)
        return self._check_scalar(value, self.kind)

    def _check_list(self, value: Any) -> list[Any]:
        item_kind = self.kind[5:-1]
        if not isinstance(value, list):
            raise SpecError(f"parameter '{self.name}' must be a list ({self.kind}), not {value!r}")
        if item_kind == "list[float]":
            rows = [Param(self.name, "list[float]", None, self.low, self.high)._check_list(v) for v in value]
            if len({len(r) for r in rows}) > 1:
                raise SpecError(f"parameter '{self.name}' must be a rectangular matrix (rows of equal length)")
            return rows
        return [self._check_scalar(v, item_kind) for v in value]

    def _check_scalar(self, value: Any, kind: str) -> Any:
        if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        expected = _SCALARS[kind]
        if (isinstance(value, bool) and kind != "bool") or not isinstance(value, expected):
            raise SpecError(f"parameter '{self.name}' must be {'an' if kind[0] in 'aeiou' else 'a'} {kind}, "
                            f"not {value!r}")
        if kind in ("int", "float"):
            if value != value or value in (float("inf"), float("-inf")):
                raise SpecError(f"parameter '{self.name}' must be a finite number, not {value!r}")
            if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
                raise SpecError(f"parameter '{self.name}' = {value!r} is out of range; expected {self.describe_type()}")
        return value


def read_params(cls: ast.ClassDef, doc: str) -> tuple[Param, ...]:
    """The keyword-only parameters of ``cls.__init__``; ``SpecError`` (with its line) for one that cannot be read."""
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    if init is None:
        return ()
    docs = _arg_docs(doc)
    params = []
    for arg, default in zip(init.args.kwonlyargs, init.args.kw_defaults, strict=True):
        if default is None or arg.annotation is None:
            continue
        kind, low, high, choices = _read_annotation(arg.annotation)
        try:
            value = ast.literal_eval(default)
        except ValueError:
            raise SpecError(f"the default of parameter '{arg.arg}' must be a literal, not {ast.unparse(default)}",
                            line=default.lineno) from None
        params.append(Param(arg.arg, kind, _as_declared(value, kind), low, high, choices, docs.get(arg.arg, "")))
    return tuple(params)


def _as_declared(default: Any, kind: str) -> Any:
    """A default as ``Param.check`` would give it: ``= 1`` of a float parameter becomes ``1.0``.

    The defaults enter the cache key, so a block writing ``seconds: 1`` (checked into ``1.0``)
    must find the same value as a block leaving ``seconds`` out.
    """
    if kind == "float" and isinstance(default, int) and not isinstance(default, bool):
        return float(default)
    if kind.startswith("list[") and isinstance(default, list):
        return [_as_declared(item, kind[5:-1]) for item in default]
    return default


def _read_annotation(node: ast.expr) -> tuple[str, float | None, float | None, tuple[Any, ...] | None]:
    text = ast.unparse(node)
    if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("Annotated") \
            and isinstance(node.slice, ast.Tuple):
        base, *extras = node.slice.elts
        kind, low, high, choices = _read_annotation(base)
        for extra in extras:
            if isinstance(extra, ast.Call) and ast.unparse(extra.func).endswith("Range"):
                bounds = [ast.literal_eval(a) for a in extra.args] + [None, None]
                keywords = {k.arg: ast.literal_eval(k.value) for k in extra.keywords}
                low, high = keywords.get("low", bounds[0]), keywords.get("high", bounds[1])
        return kind, low, high, choices
    if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("Literal"):
        values = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return "choice", None, None, tuple(ast.literal_eval(v) for v in values)
    if text in _SCALARS or text in _LISTS:
        return text, None, None, None
    supported = ", ".join([*_SCALARS, *sorted(_LISTS), "Literal[...]", "Annotated[..., Range(low, high)]"])
    raise SpecError(f"unsupported parameter annotation {text!r}; use one of: {supported}", line=node.lineno)


def _arg_docs(doc: str) -> dict[str, str]:
    """Google-style ``Args:`` entries of a docstring, joined onto one line each."""
    match = re.search(r"^Args:\n((?:[ \t]+.*\n?|\n)+)", doc, re.MULTILINE)
    docs: dict[str, str] = {}
    current = None
    for line in (match.group(1) if match else "").splitlines():
        entry = re.match(r"\s{2,8}(\w+)(?: \(.*?\))?:\s*(.*)", line)
        if entry and len(line) - len(line.lstrip()) <= 8:
            current = entry.group(1)
            docs[current] = entry.group(2)
        elif current and line.strip():
            docs[current] += " " + line.strip()
    return docs

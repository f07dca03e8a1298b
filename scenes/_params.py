"""Parameter vocabulary shared by every scene: the ``Range`` marker and ``ParameterError``.

The plugin reads scene signatures with ``ast`` (never importing them), so annotations keep to a
few literal shapes; ``check_params`` enforces the same ranges at run time, before any drawing.
"""

from __future__ import annotations

import inspect
import math
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args, get_origin

__all__ = ["ParameterError", "Range", "check_params"]


class ParameterError(ValueError):
    """Raised by a scene about one of its parameters; the build shows the message as it is."""


@dataclass(frozen=True)
class Range:
    """Inclusive numeric bounds for a parameter; ``None`` leaves a side open."""

    low: float | None = None
    high: float | None = None


def check_params(cls: type, values: dict[str, Any]) -> None:
    """Check each keyword-only parameter of ``cls.__init__`` against its type and ``Range``."""
    hints = typing.get_type_hints(cls.__init__, include_extras=True)
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if param.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        _check_one(name, hints.get(name, Any), values[name])


def _check_one(name: str, hint: Any, value: Any) -> None:
    bounds: Range | None = None
    if get_origin(hint) is Annotated:
        hint, *extra = get_args(hint)
        bounds = next((e for e in extra if isinstance(e, Range)), None)
    _check_type(name, hint, value)
    if bounds is not None:
        for v in _flatten(value):
            if bounds.low is not None and v < bounds.low:
                raise ParameterError(f"{name}: {v} is below the minimum {bounds.low}")
            if bounds.high is not None and v > bounds.high:
                raise ParameterError(f"{name}: {v} is above the maximum {bounds.high}")


def _check_type(name: str, hint: Any, value: Any) -> None:
    origin = get_origin(hint)
    if origin is Literal:
        if value not in get_args(hint):
            choices = ", ".join(repr(a) for a in get_args(hint))
            raise ParameterError(f"{name}: {value!r} is not one of {choices}")
    elif hint is bool:
        if not isinstance(value, bool):
            raise ParameterError(f"{name}: expected true or false, got {value!r}")
    elif hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParameterError(f"{name}: expected a whole number, got {value!r}")
    elif hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ParameterError(f"{name}: expected a finite number, got {value!r}")
    elif hint is str:
        if not isinstance(value, str):
            raise ParameterError(f"{name}: expected text, got {value!r}")
    elif origin is list:
        if not isinstance(value, (list, tuple)):
            raise ParameterError(f"{name}: expected a list, got {value!r}")
        if len(value) > 64:
            raise ParameterError(f"{name}: at most 64 entries")
        (item,) = get_args(hint)
        for v in value:
            _check_type(name, item, v)


def _flatten(value: Any) -> list[float]:
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _flatten(v)]
    return [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else []

"""The scene library, read with ``ast`` so that nothing imports Manim until a render is needed.

A scene module lists its scenes in a literal ``__all__``; each scene declares its parameters as
keyword-only ``__init__`` arguments with annotations, literal defaults and optional
``Annotated[float, Range(low, high)]`` bounds. Helper modules (``_*.py``) are shared code whose
source takes part in the cache key of every scene that imports them.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs_gradviz.errors import SpecError

_SCALARS = {"int": int, "float": float, "str": str, "bool": bool}
_LISTS = {"list[float]", "list[int]", "list[list[float]]"}


@dataclass(frozen=True)
class Param:
    """One keyword parameter of a library scene."""

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
        return self._check_scalar(value, self.kind, self.name)

    def _check_list(self, value: Any) -> list[Any]:
        item_kind = self.kind[5:-1]
        if not isinstance(value, list):
            raise SpecError(f"parameter '{self.name}' must be a list ({self.kind}), not {value!r}")
        if item_kind == "list[float]":
            rows = [Param(self.name, "list[float]", None, self.low, self.high)._check_list(v) for v in value]
            if len({len(r) for r in rows}) > 1:
                raise SpecError(f"parameter '{self.name}' must be a rectangular matrix (rows of equal length)")
            return rows
        return [self._check_scalar(v, item_kind, self.name) for v in value]

    def _check_scalar(self, value: Any, kind: str, name: str) -> Any:
        if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        expected = _SCALARS[kind]
        if isinstance(value, bool) and kind != "bool" or not isinstance(value, expected):
            raise SpecError(f"parameter '{name}' must be {_article(kind)} {kind}, not {value!r}")
        if kind in ("int", "float"):
            if value != value or value in (float("inf"), float("-inf")):
                raise SpecError(f"parameter '{name}' must be a finite number, not {value!r}")
            if self.low is not None and value < self.low or self.high is not None and value > self.high:
                raise SpecError(f"parameter '{name}' = {value!r} is out of range; expected {self.describe_type()}")
        return value


@dataclass(frozen=True)
class SceneInfo:
    """What the plugin knows of a library scene without importing it."""

    name: str
    module: str
    summary: str
    params: tuple[Param, ...]
    #: Every source file whose text can change this scene's pixels: its module and the helpers
    #: it imports, transitively.
    sources: tuple[Path, ...] = field(default=())

    def param(self, name: str) -> Param:
        """The parameter called ``name``, or a ``SpecError`` with a did-you-mean."""
        for param in self.params:
            if param.name == name:
                return param
        names = [p.name for p in self.params]
        raise SpecError(f"unknown parameter '{name}' for scene {self.name}{_did_you_mean(name, names)}")


class SceneLibrary:
    """The scenes of one scenes directory, indexed by class name."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.scenes: dict[str, SceneInfo] = {}
        self._source_digests: dict[Path, str] = {}
        if root.is_dir():
            for path in sorted(root.glob("*.py")):
                if not path.name.startswith("_"):
                    for info in _read_module(path, root):
                        self.scenes[info.name] = info

    def get(self, name: str) -> SceneInfo:
        """The scene called ``name``, or a ``SpecError`` with a did-you-mean."""
        try:
            return self.scenes[name]
        except KeyError:
            hint = _did_you_mean(name, list(self.scenes)) or (
                f"; available: {', '.join(sorted(self.scenes))}" if self.scenes else f"; no scenes found in {self.root}"
            )
            raise SpecError(f"unknown scene '{name}'{hint}") from None

    def digest(self, info: SceneInfo) -> str:
        """A hash of every source file that can change ``info``'s pixels."""
        return self._digest(info.sources)

    def digest_code(self, code: str) -> str:
        """A hash of the library modules that a block's code imports (e.g. the palette), transitively."""
        seen: set[Path] = set()
        for path in _imported_modules(ast.parse(code), self.root):
            _local_imports(path, self.root, seen)
        return self._digest(tuple(sorted(seen)))

    def _digest(self, sources: tuple[Path, ...]) -> str:
        hasher = hashlib.sha256()
        for path in sources:
            if path not in self._source_digests:
                self._source_digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            hasher.update(f"{path.name}:{self._source_digests[path]}\n".encode())
        return hasher.hexdigest()


def _read_module(path: Path, root: Path) -> list[SceneInfo]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    exported = _literal_all(tree)
    sources = tuple(sorted(_local_imports(path, root)))
    scenes = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name in exported:
            doc = ast.get_docstring(node) or ""
            scenes.append(
                SceneInfo(
                    name=node.name,
                    module=path.stem,
                    summary=doc.strip().split("\n\n")[0].replace("\n", " "),
                    params=tuple(_read_params(node, _arg_docs(doc))),
                    sources=sources,
                )
            )
    return scenes


def _literal_all(tree: ast.Module) -> set[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    return set()


def _local_imports(path: Path, root: Path, seen: set[Path] | None = None) -> set[Path]:
    """``path`` and the modules of ``root`` it imports, transitively."""
    seen = set() if seen is None else seen
    seen.add(path)
    for candidate in _imported_modules(ast.parse(path.read_text(encoding="utf-8")), root):
        if candidate not in seen:
            _local_imports(candidate, root, seen)
    return seen


def _imported_modules(tree: ast.AST, root: Path) -> list[Path]:
    """Modules of ``root`` that ``tree`` imports directly."""
    found = []
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        found += [root / f"{name.split('.')[0]}.py" for name in names]
    return [path for path in found if path.is_file()]


def _read_params(cls: ast.ClassDef, docs: dict[str, str]) -> list[Param]:
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    if init is None:
        return []
    params = []
    for arg, default in zip(init.args.kwonlyargs, init.args.kw_defaults, strict=True):
        if default is None or arg.annotation is None:
            continue
        kind, low, high, choices = _read_annotation(arg.annotation)
        params.append(Param(arg.arg, kind, ast.literal_eval(default), low, high, choices, docs.get(arg.arg, "")))
    return params


def _read_annotation(node: ast.expr) -> tuple[str, float | None, float | None, tuple[Any, ...] | None]:
    text = ast.unparse(node)
    if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("Annotated"):
        base, *extras = node.slice.elts  # type: ignore[attr-defined]
        kind, low, high, choices = _read_annotation(base)
        for extra in extras:
            if isinstance(extra, ast.Call) and ast.unparse(extra.func).endswith("Range"):
                bounds = [ast.literal_eval(a) for a in extra.args]
                bounds += [None] * (2 - len(bounds))
                keywords = {k.arg: ast.literal_eval(k.value) for k in extra.keywords}
                low, high = keywords.get("low", bounds[0]), keywords.get("high", bounds[1])
        return kind, low, high, choices
    if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("Literal"):
        values = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return "choice", None, None, tuple(ast.literal_eval(v) for v in values)
    if text in _SCALARS or text in _LISTS:
        return text, None, None, None
    raise SpecError(f"unsupported parameter annotation {text!r}")


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


def _did_you_mean(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _article(kind: str) -> str:
    return "an" if kind[0] in "aeiou" else "a"

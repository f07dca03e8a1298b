"""The scene library, read with ``ast`` so that nothing imports Manim until a render is needed.

Scenes come from two folders: the library installed with gradviz (``mkdocs_gradviz.scenes``) and,
optionally, the site's own ``scenes_dir``. A scene module lists its scenes in a literal
``__all__``; each scene declares its parameters as keyword-only ``__init__`` arguments with
annotations, literal defaults and optional ``Annotated[float, Range(low, high)]`` bounds. Helper
modules (``_*.py``) are shared code whose source takes part in the cache key of every scene that
imports them, as does the library code a site scene imports through ``mkdocs_gradviz``.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from mkdocs_gradviz import AUTHORING_API
from mkdocs_gradviz.core.errors import LibraryError, SpecError, did_you_mean
from mkdocs_gradviz.core.params import Param, read_params

PACKAGE = "mkdocs_gradviz.scenes"


def library_root() -> Path:
    """The folder of the scene library installed with gradviz (wherever it was installed from)."""
    spec = find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise LibraryError(PACKAGE, None, "the scene library is missing from this installation of gradviz")
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass(frozen=True)
class SceneInfo:
    """What gradviz knows of a scene without importing it."""

    name: str
    module: str  # import name: mkdocs_gradviz.scenes.x for the library, the file's stem for a site scene
    origin: str  # "library" or "site"
    path: Path
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
        raise SpecError(f"unknown parameter '{name}' for scene {self.name}"
                        f"{did_you_mean(name, names, otherwise='; parameters: ' + ', '.join(names))}")


class SceneLibrary:
    """The installed library's scenes plus a site's own, indexed by class name.

    A site scene named like a library scene replaces it; ``warnings`` says so, naming both files.
    Modules that cannot be read are kept in ``problems`` and never listed as available.
    """

    def __init__(self, site_dir: Path | None = None, *, builtin: Path | None = None) -> None:
        self.builtin = builtin or library_root()
        self.site_dir = site_dir
        self.scenes: dict[str, SceneInfo] = {}
        self.problems: list[LibraryError] = []
        self.warnings: list[str] = []
        self._digests: dict[Path, str] = {}
        self._read_folder(self.builtin, "library")
        if site_dir is not None:
            if not site_dir.is_dir():
                raise LibraryError(str(site_dir), None, "scenes_dir is not a folder")
            self._read_folder(site_dir, "site")

    def get(self, name: str) -> SceneInfo:
        """The scene called ``name``, or a ``SpecError`` that suggests a name or names broken modules."""
        try:
            return self.scenes[name]
        except KeyError:
            pass
        hint = did_you_mean(name, list(self.scenes), otherwise=f"; available: {', '.join(sorted(self.scenes))}")
        broken = "".join(f"\n  (not available: {problem})" for problem in self.problems)
        raise SpecError(f"unknown scene '{name}'{hint}{broken}")

    def in_folder(self, origin: str) -> list[SceneInfo]:
        """Scenes of one origin, by name."""
        return sorted((s for s in self.scenes.values() if s.origin == origin), key=lambda s: s.name)

    def digest(self, info: SceneInfo) -> str:
        """A hash of every source file that can change ``info``'s pixels."""
        return self._digest(info.sources)

    def digest_code(self, code: str) -> str:
        """A hash of the library and site modules that a block's code imports, transitively."""
        seen: set[Path] = set()
        for path in self._imports(ast.parse(code), None):
            self._closure(path, seen)
        return self._digest(tuple(sorted(seen)))

    def _read_folder(self, folder: Path, origin: str) -> None:
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_"):
                continue
            try:
                scenes = self._read_module(path, origin)
            except LibraryError as error:
                self.problems.append(error)
                continue
            for info in scenes:
                if info.name in self.scenes:
                    self.warnings.append(f"the site scene {info.name} in {path} replaces the library scene of the "
                                         f"same name in {self.scenes[info.name].path}")
                self.scenes[info.name] = info

    def _read_module(self, path: Path, origin: str) -> list[SceneInfo]:
        try:
            tree = _parse(path)
        except SyntaxError as error:
            raise LibraryError(str(path), error.lineno, f"invalid Python: {error.msg}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise LibraryError(str(path), None, f"cannot be read: {error}") from None
        module = f"{PACKAGE}.{path.stem}" if origin == "library" else path.stem
        sources = tuple(sorted(self._closure(path, set())))
        exported = _literal_all(tree, path)
        scenes = []
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name in exported:
                doc = ast.get_docstring(node) or ""
                try:
                    params = read_params(node, doc)
                except SpecError as error:
                    raise LibraryError(str(path), error.line, f"scene {node.name}: {error.message}") from None
                summary = doc.strip().split("\n\n")[0].replace("\n", " ")
                scenes.append(SceneInfo(node.name, module, origin, path, summary, params, sources))
        return scenes

    def _closure(self, path: Path, seen: set[Path]) -> set[Path]:
        """``path`` and the library and site modules it imports, transitively."""
        seen.add(path)
        try:
            tree = _parse(path)
        except (SyntaxError, OSError, UnicodeDecodeError):
            return seen  # reported when the module itself is read
        for candidate in self._imports(tree, path.parent):
            if candidate not in seen:
                self._closure(candidate, seen)
        return seen

    def _imports(self, tree: ast.AST, folder: Path | None) -> list[Path]:
        """Files of the library or the site that ``tree`` imports directly; ``folder`` is its own package's."""
        found: list[Path] = []
        for node in _import_nodes(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level and folder is not None:
                found += [folder / f"{name}.py" for name in ([node.module] if node.module
                                                            else [a.name for a in node.names])]
                continue
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                found += self._files_of(name)
        return [path for path in found if path.is_file()]

    def _files_of(self, name: str) -> list[Path]:
        parts = name.split(".")
        if name == "mkdocs_gradviz":  # the authoring API re-exports library helpers
            return [self.builtin / f"{module}.py" for module in sorted(set(AUTHORING_API.values()))]
        if name.startswith(PACKAGE + ".") and len(parts) > 2:
            return [self.builtin / f"{parts[2]}.py"]
        if self.site_dir is not None and len(parts) == 1:
            return [self.site_dir / f"{name}.py"]
        return []

    def _digest(self, sources: tuple[Path, ...]) -> str:
        hasher = hashlib.sha256()
        for path in sources:
            if path not in self._digests:
                self._digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            origin = "library" if path.parent == self.builtin else "site"
            hasher.update(f"{origin}/{path.name}:{self._digests[path]}\n".encode())
        return hasher.hexdigest()


def _parse(path: Path) -> ast.Module:
    """The module at ``path``, parsed once per process for each text it has had.

    A library reads each helper module once for every scene module importing it, and every build
    (each rebuild under ``mkdocs serve``) makes a new library: keyed by the text, an edited file is
    parsed again and an unchanged one is not.
    """
    return _parse_text(path.read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=512)
def _parse_text(text: str, filename: str) -> ast.Module:
    return ast.parse(text, filename=filename)  # the tree is only read, never changed, so it can be shared


@lru_cache(maxsize=512)
def _import_nodes(tree: ast.AST) -> tuple[ast.Import | ast.ImportFrom, ...]:
    """Every import statement in ``tree``, at any depth (a walk of the whole tree, so kept per tree)."""
    return tuple(node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom))


def _literal_all(tree: ast.Module, path: Path) -> set[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            try:
                return set(ast.literal_eval(node.value))
            except ValueError:
                raise LibraryError(str(path), node.lineno, "__all__ must be a literal list of scene names") from None
    return set()



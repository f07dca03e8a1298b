"""Numbers in the prose that come from the maths: ``:gradviz[descent.final_w]`` replaced by the block's value.

A block with an ``id`` can be quoted on its page: a reference names the block and one of the
values its scene computes (``LessonMixin.values()``), and the build puts that value, formatted as
the scene formats it, where the reference stood. The syntax is a generic inline directive
(``:name[content]``): Python-Markdown, attr_list, the pymdownx extensions and Jinja (``{{ }}``)
give it no meaning, and ``\\:gradviz[...]`` shows it literally. References are replaced in the
page's HTML, so what Markdown made code (inline or fenced) stays as written.

Values cost no render: the scene is built with the block's parameters and asked for its values in
a process forked from the render fork server, and the answer is kept in the cache
(``values/<key>.json``) under a content key like a render's, so a warm build never starts Manim.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import yaml

from mkdocs_gradviz.core import manim_values
from mkdocs_gradviz.core.cache import cache_key
from mkdocs_gradviz.core.errors import BlockError, GradvizError, did_you_mean
from mkdocs_gradviz.core.fence import locate_blocks
from mkdocs_gradviz.core.manim_values import ValuesJob

if TYPE_CHECKING:
    from collections.abc import Callable

    from mkdocs_gradviz.core.cache import RenderCache
    from mkdocs_gradviz.core.library import SceneLibrary
    from mkdocs_gradviz.core.spec import BlockSpec

#: A reference, or an escaped one (``\\:gradviz[...]``), in text.
REFERENCE = re.compile(r"(?P<escape>\\?):gradviz\[(?P<body>[^\]\n]*)\]")
_BODY = re.compile(r"^(?P<id>[A-Za-z][\w-]*)\.(?P<name>[A-Za-z_]\w*)(?:@(?P<at>[^\s@]+))?$")
#: HTML that is never prose: code, scripts, comments, and the tags themselves (their attributes).
_NOT_PROSE = re.compile(r"<(pre|code|script|style|textarea)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)
_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")
#: An inline code span, which may run over several lines of one paragraph (never over a blank line).
_CODE_SPAN = re.compile(r"(`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))*?(?<!`)\1(?!`)")


class QuotedBlock(Protocol):
    """What a reference needs of a block: its spec (with ``id``), its fence line, its error."""

    line: int
    spec: BlockSpec | None
    error: BlockError | None


@dataclass
class ValueBook:
    """Blocks' values: from the cache when known, else computed once in a process that has Manim."""

    cache: RenderCache  # values are kept in its values/ folder, computed in its staging area
    library: SceneLibrary
    environment: dict[str, str]
    site_scenes: Path | None
    timeout: float
    computed: int = 0  # values processes this build started, one per block whose values the cache lacked
    _known: dict[str, dict[str, str]] = field(default_factory=dict)
    _failed: dict[str, GradvizError] = field(default_factory=dict)  # asked again, they fail again: no new process

    @property
    def root(self) -> Path:
        return self.cache.root / "values"

    def values_of(self, spec: BlockSpec) -> list[dict[str, str]]:
        """The values of each run of ``spec`` (one per sweep value), or a ``GradvizError`` saying why not."""
        runs = spec.runs()
        keys = [self.key(spec, params) for params in runs]
        missing = [i for i, key in enumerate(keys) if key not in self._known and not self._read(key)]
        if failed := next((self._failed[key] for key in keys if key in self._failed), None):
            raise failed
        if missing:
            self._compute(spec, [runs[i] for i in missing], [keys[i] for i in missing])
        return [self._known[key] for key in keys]

    def key(self, spec: BlockSpec, params: dict[str, Any]) -> str:
        """The content key of one run's values: what the render key hashes, less size and theme, plus this code."""
        module, sources = "", self.library.digest_code(spec.code) if spec.kind == "code" else ""
        if spec.kind == "scene":
            info = self.library.get(spec.scene)
            module, sources = info.module, self.library.digest(info)
        return cache_key(kind=f"{spec.kind}-values", scene=spec.scene, module=module, params=params, code=spec.code,
                         sources=sources, size=(0, 0, 0), theme="", still=False,
                         environment={**self.environment, "values_code": _values_code()})

    def _read(self, key: str) -> bool:
        try:
            data = json.loads((self.root / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False  # missing, or cut short: computed again and rewritten
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            return False
        self._known[key] = data
        return True

    def _compute(self, spec: BlockSpec, runs: list[dict[str, Any]], keys: list[str]) -> None:
        from mkdocs_gradviz.core.process import values_in_process  # the fork server starts on first use only

        module = self.library.get(spec.scene).module if spec.kind == "scene" else ""
        out = self.cache.staging(keys[0])  # swept with the renders' leftovers if this process is killed
        self.computed += 1
        try:
            job = ValuesJob(spec.kind, spec.scene, module, spec.code, tuple(runs), out, self.site_scenes)
            results = values_in_process(job, timeout=self.timeout)
        except GradvizError as error:
            self._failed.update(dict.fromkeys(keys, error))
            raise
        finally:
            shutil.rmtree(out, ignore_errors=True)
        for key, values in zip(keys, results, strict=True):
            self._known[key] = values
            _write_atomically(self.root / f"{key}.json", values)


def quote_values(html: str, *, page: str, source: str, blocks: list[QuotedBlock],
                 book: ValueBook) -> tuple[str, list[BlockError]]:
    """``html`` with every reference in its prose replaced by the value it names; the errors, with page and line.

    ``source`` is the page's Markdown, read for the line of each reference; ``blocks`` are the page's.
    A reference that cannot be resolved is replaced by its error, shown in the page.
    """
    lines = _source_lines(source)
    by_id: dict[str, QuotedBlock] = {}
    for block in blocks:  # the first block of an id is the one quoted: a second one is the error
        if block.spec is not None and block.spec.id:
            by_id.setdefault(block.spec.id, block)
    errors: list[BlockError] = []

    def replace(match: re.Match[str]) -> str:
        if match.group("escape"):
            return match.group(0)[1:]
        body = html_lib.unescape(match.group("body"))
        line = _claim_line(lines, body)
        try:
            value = _resolve(body, by_id, book)
        except GradvizError as error:
            errors.append(BlockError(page, line, f"{match.group(0)}: {error}"))
            return f'<strong class="gradviz-value-error">{html_lib.escape(f"{page}:{line}: {error}")}</strong>'
        return (f'<span class="gradviz-value" data-gradviz-ref="{html_lib.escape(body)}">'
                f"{html_lib.escape(value)}</span>")

    parts, start = [], 0
    for match in _NOT_PROSE.finditer(html):
        parts += [REFERENCE.sub(replace, html[start:match.start()]), match.group(0)]
        start = match.end()
    parts.append(REFERENCE.sub(replace, html[start:]))
    return "".join(parts), errors


def quotes_without_blocks(docs_dir: Path, skip: Callable[[str], bool]) -> list[tuple[str, int, str]]:
    """References on the pages of ``docs_dir`` that have no gradviz block: (page, line, error) each.

    Zensical converts a page without blocks without calling gradviz, so its references would stay
    as written; this finds them before the build, with the error a MkDocs build gives them.
    """
    found = []
    for path in sorted(docs_dir.rglob("*.md")):
        page = path.relative_to(docs_dir).as_posix()
        if any(part.startswith(".") for part in page.split("/")) or skip(page):
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        if not has_references(text) or locate_blocks(text):
            continue
        for ref in _source_lines(text):
            try:
                _resolve(ref.body, {}, None)
            except GradvizError as error:
                found.append((page, ref.line, f":gradviz[{ref.body}]: {error}"))
    return found


def has_references(text: str) -> bool:
    """Whether ``text`` may hold a reference: the cheap test before any work."""
    return ":gradviz[" in text


def _resolve(body: str, by_id: dict[str, QuotedBlock], book: ValueBook | None) -> str:
    match = _BODY.match(body)
    if match is None:
        raise GradvizError("a reference is :gradviz[<block id>.<value name>] (:gradviz[<id>.<name>@<value>] for a "
                           "sweep), e.g. :gradviz[descent.final_w]")
    block_id, name, at = match.group("id"), match.group("name"), match.group("at")
    block = by_id.get(block_id)
    if block is None:
        known = sorted(by_id)
        listed = f"; ids on this page: {', '.join(known)}" if known else "; no block on this page has an id"
        raise GradvizError(f"no block with id '{block_id}' on this page{did_you_mean(block_id, known, otherwise=listed)}"
                           " (give one with id: <name> in the block)")
    spec = block.spec
    if block.error is not None:
        raise GradvizError(f"the block '{block_id}' (line {block.line}) failed, so its values are unknown")
    runs = book.values_of(spec)
    values = runs[_run_index(spec, block_id, name, at)]
    if not values:
        raise GradvizError(f"the block '{block_id}' ({spec.scene}) has no values to quote: its scene defines no "
                           "values() (a scene lists what prose may quote in that method)")
    if name not in values:
        listed = f"its values: {', '.join(sorted(values))}"
        hint = did_you_mean(name, sorted(values))
        raise GradvizError(f"the block '{block_id}' ({spec.scene}) has no value '{name}'"
                           + (f"{hint} ({listed})" if hint else f"; {listed}"))
    return values[name]


def _run_index(spec: BlockSpec, block_id: str, name: str, at: str | None) -> int:
    """Which run of the block a reference means: the sweep value after ``@``, or the block's only run."""
    if not spec.sweep:
        if at is not None:
            raise GradvizError(f"the block '{block_id}' sweeps nothing: write :gradviz[{block_id}.{name}] without @{at}")
        return 0
    listed = ", ".join(_shown(v) for v in spec.sweep_values)
    if at is None:
        raise GradvizError(f"the block '{block_id}' sweeps {spec.sweep} over {listed}: say which value, e.g. "
                           f":gradviz[{block_id}.{name}@{_shown(spec.sweep_values[0])}]")
    try:
        wanted = yaml.safe_load(at)
    except yaml.YAMLError:
        wanted = at
    for index, value in enumerate(spec.sweep_values):
        if value == wanted or str(value) == at:
            return index
    raise GradvizError(f"the sweep of block '{block_id}' has no {spec.sweep} = {at}; its values: {listed}")


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass
class _SourceRef:
    body: str
    line: int
    claimed: bool = False


def _source_lines(source: str) -> list[_SourceRef]:
    """The references of a page's Markdown outside code, with their lines, in order."""
    prose, fence = [], ""
    for line in source.replace("\r\n", "\n").split("\n"):
        match = _FENCE.match(line)
        if match and (not fence or (match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence))):
            fence = "" if fence else match.group(1)
            line = ""
        prose.append("" if fence else line)  # blanked, not dropped: every line keeps its number
    text = _CODE_SPAN.sub(lambda span: "\n" * span.group(0).count("\n"), "\n".join(prose))
    return [_SourceRef(m.group("body"), text.count("\n", 0, m.start()) + 1) for m in REFERENCE.finditer(text)
            if not m.group("escape")]


def _claim_line(refs: list[_SourceRef], body: str) -> int:
    """The line of the first unclaimed source reference with ``body`` (1 if the page's Markdown was rewritten)."""
    for ref in refs:
        if not ref.claimed and ref.body == body:
            ref.claimed = True
            return ref.line
    return next((ref.line for ref in refs if ref.body == body), 1)


def _values_code() -> str:
    """A hash of the code that computes values: editing it computes them all again."""
    return hashlib.sha256(Path(manim_values.__file__).read_bytes()).hexdigest()


def _write_atomically(path: Path, values: dict[str, str]) -> None:
    """Write ``path`` under a temporary name, then rename: a reader never sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(values, out, sort_keys=True)
        os.replace(temporary, path)
    except OSError as error:
        raise GradvizError(f"cannot write to the cache folder {path.parent}: {error.strerror or error}") from None

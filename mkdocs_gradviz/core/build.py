"""One build's blocks, from discovery to HTML: submit renders early, collect them late.

A front end's fence formatter hands each block to ``BuildRun.add`` while pages are converted;
that parses the block, starts any missing renders and returns a slot for the page's HTML. After
every page is converted the renders are collected, and each slot is filled when its page is
written, with URLs the front end computes for that page.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mkdocs_gradviz.core import embed
from mkdocs_gradviz.core.cache import shard_of
from mkdocs_gradviz.core.errors import BlockError, CacheCorrupt, GradvizError, RenderError, SpecError
from mkdocs_gradviz.core.fence import UNCLOSED_FENCE
from mkdocs_gradviz.core.forecast import Outlook, describe, forecast
from mkdocs_gradviz.core.render_queue import BACKGROUND
from mkdocs_gradviz.core.spec import BlockSpec, parse_block, requests_for, scene_named_in
from mkdocs_gradviz.core.values import ValueBook, has_references, quote_values

if TYPE_CHECKING:
    from mkdocs_gradviz.core.cache import Entry, RenderCache
    from mkdocs_gradviz.core.edits import EditTracker
    from mkdocs_gradviz.core.fence import LocatedBlock
    from mkdocs_gradviz.core.job import RenderRequest
    from mkdocs_gradviz.core.library import SceneLibrary
    from mkdocs_gradviz.core.render_queue import RenderQueue
    from mkdocs_gradviz.core.settings import Settings

log = logging.getLogger(__name__)

@dataclass
class Block:
    """A block found in a page, and what became of it."""

    page: str
    line: int
    scene: str = ""  # the scene the block names, known even when the block is invalid
    spec: BlockSpec | None = None
    requests: list[RenderRequest] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)  # request key -> published render
    error: BlockError | None = None

    def entry(self, theme: str) -> Entry:
        """The published render of the block's first (or only) value in ``theme``."""
        return next(self.entries[r.key] for r in self.requests if r.theme == theme and r.key in self.entries)


@dataclass
class Report:
    """Counts for the end-of-build log line; each counts what happened, once."""

    found: int = 0
    rendered: int = 0  # renders of this build that succeeded
    images: int = 0  # how many of those are still pictures rather than videos
    cached: int = 0  # renders found in the cache
    failed: int = 0  # blocks with an error
    render_seconds: float = 0.0
    running: int = 0
    stopped: int = 0  # renders of a failed build ended unfinished
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        running = f", {self.running} still rendering in the background" if self.running else ""
        running += f", {_count(self.stopped, 'render')} stopped as the build failed" if self.stopped else ""
        made = [_count(n, noun) for n, noun in ((self.rendered - self.images, "video"), (self.images, "image")) if n]
        return (f"{_count(self.found, 'block')}, {' and '.join(made) or '0 videos'} rendered, {self.cached} reused from "
                f"cache, {self.failed} failed, {self.render_seconds:.1f} s rendering{running}")


class BuildRun:
    """The blocks of one build."""

    def __init__(self, *, settings: Settings, library: SceneLibrary, cache: RenderCache, renderer: RenderQueue,
                 quality: str, environment: dict[str, str], plan_only: bool = False,
                 edits: EditTracker | None = None, shard: tuple[int, int] | None = None) -> None:
        self.settings = settings
        self.library = library
        self.cache = cache
        self.renderer = renderer
        self.quality = quality
        self.environment = environment
        #: Only work out which renders the pages need (``gradviz cache prune``); render nothing.
        self.plan_only = plan_only
        #: (K, N): render only the keys of CI shard K of N (``cache.shard_of``); other blocks stay pending.
        self.shard = shard
        self.blocks: list[Block] = []
        self.report = Report(warnings=list(library.warnings) + [str(p) for p in library.problems])
        self._pending: dict[str, Future[Entry]] = {}
        self._fresh: set[str] = set()  # keys this build submitted for rendering
        self._started = 0.0
        #: Under a server: what the author edited since the last build, so its renders go first.
        self.edits = edits
        self._page_edited = False
        #: Blocks shown as placeholders, each with its page's URL function, until their renders are in.
        self._placeholders: dict[int, Callable[[str], str]] = {}
        #: The values blocks' scenes compute, for the references in the prose; and those that failed.
        self.values = ValueBook(cache, library=library, environment=environment,
                                site_scenes=renderer.site_scenes, timeout=renderer.timeout)
        self._reference_errors: list[BlockError] = []

    def begin_page(self, page: str, source: str) -> None:
        """Say which page the next blocks are on, and its text (an edited page's renders go first)."""
        self._page_edited = self.edits is not None and self.edits.page_edited(page, source)

    def add(self, page: str, line: int, source: str, options: dict[str, str]) -> str:
        """Register one block; return the slot that stands for it in the page's HTML."""
        block = Block(page, line, scene=str(options.get("scene") or scene_named_in(source)))
        slot = self._register(block)
        try:
            block.spec = parse_block(source, options, self.library, allow_code=self.settings.allow_code,
                                     max_sweep=self.settings.max_sweep)
            block.scene = block.spec.scene
            block.requests = requests_for(block.spec, quality=self.quality, theme=self.settings.theme,
                                          library=self.library, environment=self.environment)
        except SpecError as error:
            block.error = _located(page, line, error)
            return slot
        if block.spec.id and (same := [b.line for b in self.blocks if b.page == page and b is not block
                                       and b.spec is not None and b.spec.id == block.spec.id]):
            block.error = BlockError(page, line, f"id '{block.spec.id}' is already the id of the block at line "
                                     f"{same[0]}: ids are unique on a page")
            return slot
        try:
            for request in block.requests:
                self._start(request)
        except GradvizError as error:
            block.error = BlockError(page, line, str(error))
        return slot

    def quote_values(self, page: str, html: str, source: str) -> str:
        """``html`` of ``page`` (its Markdown: ``source``) with each value reference replaced by the value.

        Call it once the page's blocks are added. A reference that fails is an error of this build.
        """
        if self.plan_only or not has_references(html):
            return html
        blocks = [block for block in self.blocks if block.page == page]
        html, errors = quote_values(html, page=page, source=source, blocks=blocks, book=self.values)
        self._reference_errors += errors
        return html

    def add_error(self, page: str, line: int, message: str) -> str:
        """Register a block that failed before it could be parsed."""
        return self._register(Block(page, line, error=BlockError(page, line, message)))

    def add_guarded(self, page: str, line: int, source: str, options: dict[str, str]) -> str:
        """``add``, with any unexpected failure reported as that block's error rather than lost.

        Both front ends register the blocks Markdown kept through this, so a bug shows as one
        failed block with its page and line, never as a page without its figure and no word why.
        """
        try:
            return self.add(page, line, source, options)
        except Exception as error:
            log.exception("%s:%s: the block could not be registered", page, line)
            return self.add_error(page, line, f"{type(error).__name__}: {error}")

    def add_unclosed(self, blocks: list[LocatedBlock], page: str) -> str:
        """Register each fence of ``blocks`` that is never closed as a failed block; their slots' HTML."""
        return "".join(self.add_error(page, block.line, UNCLOSED_FENCE) for block in blocks if not block.closed)

    def collect(self, *, wait: bool = True) -> list[BlockError]:
        """Gather the renders this build started; return the blocks' errors in page order.

        With ``wait`` false (``mkdocs serve``), unfinished renders are left running and their
        blocks stay pending: the page shows a placeholder until the next build.
        """
        for block in self.blocks:
            for request in block.requests:
                if block.error is None and request.key in self._pending and (wait or self._pending[request.key].done()):
                    self._collect_one(block, request)
        if self._started:
            self.report.render_seconds = time.monotonic() - self._started
        done = [self._pending[key] for key in self._fresh if self._pending[key].done()]
        made = [future.result() for future in done if not future.cancelled() and future.exception() is None]
        self.report.rendered = len(made)
        self.report.images = sum(entry.result.kind == "image" for entry in made)
        errors = [b.error for b in self.blocks if b.error is not None] + self._reference_errors
        self.report.warnings.extend(self.cache.take_warnings())
        self.report.failed = len(errors)
        self.report.running = len(self.unfinished())
        return errors

    def cancel(self) -> None:
        """End this build's renders, for a build that failed: none starts, running ones are killed; waits for them."""
        unfinished = self.unfinished()
        wait(self.renderer.stop())
        self.report.stopped += len(unfinished)
        self.report.running = 0

    def is_pending(self, block: Block) -> bool:
        """Whether some render of ``block`` is still running."""
        return block.error is None and len(block.entries) < len(block.requests)

    def unfinished(self) -> list[Future[Entry]]:
        """Renders of this build still running."""
        return [future for future in self._pending.values() if not future.done()]

    def keys(self) -> set[str]:
        """Every render key this build's blocks need."""
        return {request.key for block in self.blocks for request in block.requests}

    def placeholders(self) -> list[int]:
        """Blocks that pages show as placeholders, by slot index, until ``live_state`` finds them done."""
        return list(self._placeholders)

    def live_state(self, index: int, outlooks: dict[str, Outlook]) -> tuple[str, dict[str, str], dict[str, str]]:
        """A placeholder's status now: its status file's site path, the file's JSON, and the site files it needs.

        Once every render of the block is in, the JSON carries the block's HTML (figure or error) to
        swap in, and the files are the renders'; the block is then no longer a placeholder.
        """
        block, base = self.blocks[index], self.settings.output_dir.strip("/")
        for request in block.requests:
            future = self._pending.get(request.key)
            if block.error is None and request.key not in block.entries and future and future.done() \
                    and not future.cancelled():
                try:
                    self._collect_one(block, request)
                except Exception as error:  # a bug, not the block's fault: still shown in its place, not lost
                    block.error = BlockError(block.page, block.line, f"{type(error).__name__}: {error}")
        status = self._status_uri(index)
        if self.is_pending(block):
            waiting = [outlooks[r.key] for r in block.requests if r.key not in block.entries and r.key in outlooks]
            return status, {"state": "rendering" if any(o.running for o in waiting) else "waiting",
                            "text": describe(waiting, block.spec.quality or self.quality)}, {}
        url = self._placeholders.pop(index)
        return status, {"state": "failed" if block.error else "done", "html": self._block_html(block, base, url)}, \
            self._files_of(block)

    def site_files(self) -> dict[str, str]:
        """Every file the built site needs, by its path in the site: the player and each render's files."""
        base = self.settings.output_dir.strip("/")
        files = {f"{base}/{name}": str(path) for name, path in embed.PLAYER_ASSETS.items()}
        for block in self.blocks:
            files.update(self._files_of(block))
        return files

    def fill_slots(self, html: str, url: Callable[[str], str], *, plain_url: Callable[[str], str] | None = None) -> str:
        """``html`` with each block's slot replaced by its figure; ``url`` makes a site path page-relative.

        ``plain_url`` (default: ``url``) does it for the attributes no site generator rewrites
        (``poster``, ``data-*``): Zensical rewrites ``src`` and ``href`` as relative to the page's
        source file, so there the two differ.
        """
        base = self.settings.output_dir.strip("/")
        return embed.fill_slots(html, lambda index: self._slot_html(index, base, url, plain_url or url),
                                embed.assets_html(lambda name: url(f"{base}/{name}")))

    def _slot_html(self, index: int, base: str, url: Callable[[str], str], plain_url: Callable[[str], str]) -> str:
        block = self.blocks[index]
        if not self.is_pending(block):
            return self._block_html(block, base, url, plain_url)
        self._placeholders[index] = url
        outlooks = forecast(self.renderer.snapshot(), self.cache.times.read())
        waiting = [outlooks[r.key] for r in block.requests if r.key in outlooks]
        return embed.pending_html(block.spec, block.scene, describe(waiting, block.spec.quality or self.quality),
                                  status_url=plain_url(self._status_uri(index)),
                                  size=(block.requests[0].width, block.requests[0].height))

    def _block_html(self, block: Block, base: str, url: Callable[[str], str],
                    plain_url: Callable[[str], str] | None = None) -> str:
        if block.error is not None:
            return embed.error_html(f"{block.error.page}:{block.error.line}", block.error.message)
        plain_url = plain_url or url
        variants = [embed.Variant(request.theme, {suffix: url(embed.render_uri(base, entry.key, suffix))
                                                  for suffix in entry.files()},
                                  entry.result, poster_url=plain_url(embed.render_uri(base, entry.key, "png")),
                                  plain_urls={suffix: plain_url(embed.render_uri(base, entry.key, suffix))
                                              for suffix in entry.files()},
                                  params=request.params)
                    for request in block.requests for entry in (block.entries[request.key],)]
        return embed.figure_html(block.spec, variants, defaults=self.settings.player_defaults(),
                                 dark_schemes=list(self.settings.dark_schemes))

    def _register(self, block: Block) -> str:
        self.blocks.append(block)
        self.report.found += 1
        return embed.slot_html(len(self.blocks) - 1)

    def _start(self, request: RenderRequest) -> None:
        if request.key in self._pending or self.plan_only or not self._in_shard(request.key):
            return
        try:
            entry = self.cache.lookup(request.key)
        except CacheCorrupt as damage:
            self.report.warnings.append(f"{damage}; rendering it again")
            entry = None
        if entry is not None:
            self.report.cached += 1
            self._pending[request.key] = _done(entry)
            return
        if not self._started:
            self._started = time.monotonic()
        self._fresh.add(request.key)
        priority = self.edits.priority(request.key, page_edited=self._page_edited) if self.edits else BACKGROUND
        self._pending[request.key] = self.renderer.submit(request, priority=priority)

    def _status_uri(self, index: int) -> str:
        """Where a placeholder's status file goes in the site: named after the block's place and renders."""
        block = self.blocks[index]
        name = hashlib.sha256(f"{block.page}:{block.line}:{sorted(r.key for r in block.requests)}".encode()).hexdigest()[:20]
        return f"{self.settings.output_dir.strip('/')}/status/{name}.json"

    def _files_of(self, block: Block) -> dict[str, str]:
        base = self.settings.output_dir.strip("/")
        return {embed.render_uri(base, entry.key, suffix): str(path)
                for entry in block.entries.values() for suffix, path in entry.files().items()}

    def _in_shard(self, key: str) -> bool:
        return self.shard is None or shard_of(key, self.shard[1]) == self.shard[0]

    def _collect_one(self, block: Block, request: RenderRequest) -> None:
        try:
            block.entries[request.key] = _outcome(self._pending[request.key])
        except RenderError as error:
            line = block.line + error.line if error.line else block.line
            block.error = BlockError(block.page, line, error.message)
        except GradvizError as error:
            block.error = BlockError(block.page, block.line, str(error))


#: Seconds between two looks at a render the build waits for: how soon it notices a Ctrl-C.
_SIGNAL_CHECK = 0.2


def _outcome(future: Future[Entry]) -> Entry:
    """``future.result()``, waited for in short slices so that Ctrl-C stops the build at once.

    The kernel may hand Ctrl-C's SIGINT to any thread of the build (a render thread, say), and
    Python raises ``KeyboardInterrupt`` only when the main thread next runs: blocked in one untimed
    wait, it would sleep on until the render ended, up to the render timeout.
    """
    while not future.done():
        wait([future], timeout=_SIGNAL_CHECK)
    return future.result()


def _located(page: str, line: int, error: SpecError) -> BlockError:
    """``error`` placed in the page: the block's fence line plus the line inside the block."""
    first = line + (error.line or 0)
    if len(error.problems) == 1:
        return BlockError(page, first, error.message)
    listed = "\n".join(f"{page}:{line + (p.line or 0)}: {p.message}" for p in error.problems)
    return BlockError(page, first, f"{len(error.problems)} problems in this block:\n{listed}")


def _done(entry: Entry) -> Future[Entry]:
    future: Future[Entry] = Future()
    future.set_result(entry)
    return future


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"

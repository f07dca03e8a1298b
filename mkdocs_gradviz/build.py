"""One build's blocks, from discovery to HTML: submit renders early, collect them late.

SuperFences calls the formatter while pages are converted; the formatter parses the block,
starts any missing renders and leaves a slot in the HTML. After every page is converted
(``on_env``) the renders are collected, and each slot is filled when its page is written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mkdocs_gradviz.cache import Corrupt
from mkdocs_gradviz.errors import BlockError, GradvizError, RenderError, SpecError
from mkdocs_gradviz.spec import BlockSpec, RenderRequest, parse_block, requests_for

if TYPE_CHECKING:
    from concurrent.futures import Future

    from mkdocs_gradviz.cache import Entry, RenderCache
    from mkdocs_gradviz.library import SceneLibrary
    from mkdocs_gradviz.render import Renderer

SLOT = '<div data-gradviz-slot="{}"></div>'


@dataclass
class Block:
    """A block found in a page, and what became of it."""

    page: str
    line: int
    spec: BlockSpec | None = None
    requests: list[RenderRequest] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)  # theme -> published render
    error: BlockError | None = None


@dataclass
class Report:
    """Counts for the end-of-build log line."""

    found: int = 0
    rendered: int = 0
    cached: int = 0
    failed: int = 0
    render_seconds: float = 0.0
    running: int = 0
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        running = f", {self.running} still rendering in the background" if self.running else ""
        return (f"{_count(self.found, 'block')}, {_count(self.rendered, 'video')} rendered, {self.cached} reused from "
                f"cache, {self.failed} failed, {self.render_seconds:.1f} s rendering{running}")


class BuildRun:
    """The blocks of one build."""

    def __init__(self, *, library: SceneLibrary, cache: RenderCache, renderer: Renderer, quality: str,
                 theme: str, allow_code: bool, environment: dict[str, str], plan_only: bool = False) -> None:
        self.library = library
        self.cache = cache
        self.renderer = renderer
        self.quality = quality
        self.theme = theme
        self.allow_code = allow_code
        self.environment = environment
        #: Only work out which renders the pages need (``gradviz cache prune``); render nothing.
        self.plan_only = plan_only
        self.blocks: list[Block] = []
        self.report = Report()
        self._pending: dict[str, Future[Entry]] = {}
        self._started = 0.0

    def add(self, page: str, line: int, source: str, options: dict[str, str]) -> str:
        """Register one block; return the slot that stands for it in the page's HTML."""
        block = Block(page, line)
        slot = self._register(block)
        try:
            block.spec = parse_block(source, options, self.library, allow_code=self.allow_code)
            block.requests = requests_for(block.spec, quality=self.quality, theme=self.theme,
                                          library=self.library, environment=self.environment)
        except SpecError as error:
            block.error = BlockError(page, line + (error.line or 0), str(error))
            return slot
        try:
            for request in block.requests:
                self._start(request)
        except GradvizError as error:
            block.error = BlockError(page, line, str(error))
        return slot

    def add_error(self, page: str, line: int, message: str) -> str:
        """Register a block that failed before it could be parsed (e.g. an unterminated fence)."""
        return self._register(Block(page, line, error=BlockError(page, line, message)))

    def collect(self, *, wait: bool = True) -> list[BlockError]:
        """Gather the renders this build started; return the blocks' errors in page order.

        With ``wait`` false (``mkdocs serve``), unfinished renders are left running and their
        blocks stay pending: the page shows a placeholder until the next build.
        """
        for block in self.blocks:
            for request in block.requests:
                if block.error is None and (wait or self._pending[request.key].done()):
                    self._collect_one(block, request)
        if self._started:
            self.report.render_seconds = time.monotonic() - self._started
        errors = [b.error for b in self.blocks if b.error is not None]
        self.report.failed = len(errors)
        self.report.running = len(self.unfinished())
        return errors

    def is_pending(self, block: Block) -> bool:
        """Whether some render of ``block`` is still running."""
        return block.error is None and len(block.entries) < len(block.requests)

    def unfinished(self) -> list[Future[Entry]]:
        """Renders of this build still running."""
        return [future for future in self._pending.values() if not future.done()]

    def _register(self, block: Block) -> str:
        self.blocks.append(block)
        self.report.found += 1
        return SLOT.format(len(self.blocks) - 1)

    def _start(self, request: RenderRequest) -> None:
        if request.key in self._pending or self.plan_only:
            return
        try:
            entry = self.cache.lookup(request.key)
        except Corrupt as damage:
            self.report.warnings.append(f"{damage}; rendering it again")
            entry = None
        if entry is not None:
            self.report.cached += 1
            self._pending[request.key] = _done(entry)
            return
        if not self._started:
            self._started = time.monotonic()
        self.report.rendered += 1
        self._pending[request.key] = self.renderer.submit(request)

    def _collect_one(self, block: Block, request: RenderRequest) -> None:
        try:
            block.entries[request.theme] = self._pending[request.key].result()
        except RenderError as error:
            line = block.line + error.line if error.line else block.line
            block.error = BlockError(block.page, line, error.message)
        except GradvizError as error:
            block.error = BlockError(block.page, block.line, str(error))


def _done(entry: Entry) -> Future[Entry]:
    from concurrent.futures import Future

    future: Future[Entry] = Future()
    future.set_result(entry)
    return future



def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"

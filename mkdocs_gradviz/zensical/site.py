"""One Zensical project's gradviz: the engine, the renders queued for the whole site, the files published.

The Zensical fence (``fence.py``) makes one ``ZensicalSite`` per configuration parse. It keeps
the engine across parses (``zensical serve`` parses again on every configuration change), queues
every block of ``docs_dir`` at once, and turns each converted page's blocks into figures through a
``BuildRun`` of that page.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs_gradviz.core import embed, fence
from mkdocs_gradviz.core.build import BuildRun, Report
from mkdocs_gradviz.core.engine import Engine
from mkdocs_gradviz.core.errors import BlockError, BuildFailed, GradvizError
from mkdocs_gradviz.core.fence import UNCLOSED_FENCE
from mkdocs_gradviz.core.progress import LogProgress
from mkdocs_gradviz.core.scan import scan_docs
from mkdocs_gradviz.core.settings import check_site_folder
from mkdocs_gradviz.core.values import quotes_without_blocks

if TYPE_CHECKING:
    import logging
    from collections.abc import Callable

    from mkdocs_gradviz.core.settings import Settings
    from mkdocs_gradviz.zensical.project import Project

_PACKAGE = Path(__file__).parent
_engines: dict[Path, Engine] = {}  # by project folder: one per process, kept across serve's configuration parses
_engines_lock = threading.Lock()
_publish_lock = threading.RLock()  # pages publish on Zensical's thread, site-wide renders on render threads


@dataclass
class ZensicalSite:
    """gradviz for one Zensical project during one configuration parse (one build, or one serve session)."""

    project: Project
    engine: Engine
    plan: BuildRun  # every block of docs_dir, as scanned; it queued their renders
    log: logging.Logger
    docs_dir: Path
    site_dir: Path
    published: set[str] = field(default_factory=set)
    total: Report = field(default_factory=Report)
    pages: int = 0
    keys: set[str] = field(default_factory=set)  # render keys of the converted pages
    began: float = field(default_factory=time.monotonic)
    last_render: float = 0.0
    failed: bool = False  # a block stopped the build
    others: dict[tuple[Path, str, str], ZensicalSite] = field(default_factory=dict)

    @classmethod
    def start(cls, project: Project, settings: Settings, log: logging.Logger) -> ZensicalSite:
        """The project's engine ready, every block of the site queued, renders already cached published."""
        base = check_site_folder(settings.output_dir, "output_dir")
        engine = _engine(project.root, settings)
        progress = LogProgress.for_build(log, settings.concurrency, serving=project.serving)
        plan = engine.start_build(serving=project.serving, progress=progress)
        site = cls(project, engine, plan, log, project.root / project.docs_dir, project.root / project.site_dir)
        for warning in plan.report.warnings:
            log.warning("%s", warning)
        for block in scan_docs(site.docs_dir, skip=_excluded(project.exclude_docs, base)):
            label = site.page_label(block.page)
            if not block.closed:
                error = BlockError(label, block.line, UNCLOSED_FENCE)
                if not project.serving:
                    raise error
                log.error("%s", error)
                continue
            # A block that fails here fails again, with page and line, when its page is converted.
            plan.add_guarded(label, block.line, block.source, block.options)
        for page, line, message in quotes_without_blocks(site.docs_dir, _excluded(project.exclude_docs, base)):
            error = BlockError(site.page_label(page), line, message)  # no formatter call will see these pages
            if not project.serving:
                raise error
            log.error("%s", error)
        # Renders of pages Zensical has cached are published as they finish: no formatter call will.
        for future in plan.unfinished():
            future.add_done_callback(lambda _: site.render_finished())
        site.publish_plan()
        if project.serving:
            engine.renderer.warm_up()  # the author's first edit should not wait for Manim's import
        return site

    @property
    def serving(self) -> bool:
        return self.project.serving

    def fingerprint(self) -> dict[str, Any]:
        """Everything besides a page's text that changes its HTML; Zensical re-converts pages when it changes.

        The site's render keys stand for what its videos show: each key already hashes the scene's
        sources, Manim's version and the render code. Scenes no page uses, edited, change nothing.
        """
        blocks = self.plan.blocks
        shown = json.dumps([sorted(request.key for block in blocks for request in block.requests),
                            sorted(str(block.error) for block in blocks if block.error is not None),
                            sorted(str(problem) for problem in self.plan.library.problems)])
        return {
            "gradviz": _gradviz_version(), "code": _package_digest(), **self.plan.environment,
            "renders": hashlib.sha256(shown.encode()).hexdigest(),
            "settings": asdict(self.engine.settings), "command": self.project.command, "quality": self.plan.quality,
        }

    def for_root(self, root: Path, config: dict[str, Any]) -> ZensicalSite:
        """This site, or, if Zensical's configuration names other folders than were guessed, one for those."""
        docs, output = str(config.get("docs_dir") or "docs"), str(config.get("site_dir") or "site")
        if (root, docs, output) == (self.project.root, self.project.docs_dir, self.project.site_dir):
            return self
        if (root, docs, output) not in self.others:
            project = type(self.project)(root=root, config_file=None, command=self.project.command,
                                         docs_dir=docs, site_dir=output, plugin_options=self.project.plugin_options)
            self.others[root, docs, output] = ZensicalSite.start(project, self.engine.settings, self.log)
        return self.others[root, docs, output]

    def page_label(self, page: str) -> str:
        """The page as authors find it in their editor: its path from the project folder."""
        return os.path.relpath(self.docs_dir / page, self.project.root)

    def locate(self, page: str) -> list[fence.LocatedBlock]:
        """The gradviz fences of a page's file, with their lines."""
        try:
            return fence.locate_blocks((self.docs_dir / page).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError):
            return []

    def finish_page(self, label: str, html: str, fences: fence.PageFences, src_url: Callable[[str], str],
                    plain_url: Callable[[str], str]) -> str:
        """A converted page's HTML with its blocks' figures, once their renders are in; their files published."""
        run = BuildRun(settings=self.engine.settings, library=self.plan.library, cache=self.engine.cache,
                       renderer=self.engine.renderer, quality=self.plan.quality, environment=self.plan.environment)

        html = fences.keep(html, lambda proposal: run.add_guarded(label, proposal.line, proposal.source,
                                                                   proposal.options))
        if not run.blocks:  # Markdown runs postprocessors on other snippets too (headings, for the toc)
            return html
        html += run.add_unclosed(fences.located, label)
        html = run.quote_values(label, html, _read_page(self.project.root / label))  # :gradviz[id.value] in the prose
        errors = run.collect(wait=True)
        self._count(run)
        for error in errors:
            self.log.error("%s", error)
        if errors and not self.serving:
            self.failed = True
            raise BuildFailed(errors)
        html = run.fill_slots(html, src_url, plain_url=plain_url)
        self.publish(run.site_files())
        return html

    def publish(self, files: dict[str, str]) -> None:
        """Copy files into ``docs_dir`` (later builds publish them) and ``site_dir`` (this build), where missing."""
        with _publish_lock:
            for uri, source in files.items():
                if uri not in self.published:
                    for root in (self.docs_dir, self.site_dir):
                        _copy_if_changed(Path(source), root / uri)
                    self.published.add(uri)

    def render_finished(self) -> None:
        """A render of the site-wide queue is done (called on its render thread): publish it."""
        self.last_render = time.monotonic()
        self.publish_plan()

    def publish_plan(self) -> None:
        """Publish what the site-wide renders have produced so far."""
        try:
            with _publish_lock:
                self.plan.collect(wait=False)
                files = self.plan.site_files()
            self.publish(files)
        except Exception:  # a render thread calls this: say what failed rather than lose it
            self.log.exception("the finished renders could not be copied into the site")

    def finish(self) -> None:
        """At the end of ``zensical build``: the site-wide renders in and published, the build's line logged.

        Pages Zensical had cached call no formatter, yet their renders may be missing (a deleted
        cache): the site-wide queue renders them, and they are published here at the latest. A
        build that failed ends its renders instead of waiting for them.
        """
        if self.failed:
            self.plan.cancel()
        else:
            self.plan.collect(wait=True)
            self.publish_plan()
        self.engine.shutdown(stop_running=self.failed)
        progress = self.engine.renderer.progress
        self.total.rendered = progress.done - progress.failed
        self.total.cached = max(0, len(self.keys) - self.total.rendered)
        self.total.render_seconds = max(0.0, self.last_render - self.began) if self.total.rendered else 0.0
        converted = f"on the {self.pages} page(s) Zensical converted" if self.pages else "no page needed converting"
        self.log.info("%s (%s; the site has %s)", self.total.line(), converted,
                      "1 block" if self.plan.report.found == 1 else f"{self.plan.report.found} blocks")

    def _count(self, run: BuildRun) -> None:
        """Add a converted page's blocks to the build's line."""
        self.pages += 1
        self.total.found += run.report.found
        self.total.failed += run.report.failed
        self.keys |= run.keys()


def _engine(root: Path, settings: Settings) -> Engine:
    """The project's engine: kept while its settings stay, so a serve reload neither re-renders nor restarts."""
    with _engines_lock:
        engine = _engines.get(root)
        if engine is not None and engine.settings == settings:
            return engine
        if engine is not None:  # running renders finish in the background; nothing waits for them
            threading.Thread(target=engine.shutdown, name="gradviz-old-engine", daemon=True).start()
        engine = _engines[root] = Engine(settings, root)
        return engine


def _read_page(path: Path) -> str:
    """A page's Markdown, for the lines of its value references; "" if it cannot be read."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


def _excluded(patterns: str, output_dir: str) -> Callable[[str], bool]:
    """Which pages the scan leaves out: those in the output folder, and ``exclude_docs`` matches."""
    spec = None
    if patterns.strip():
        try:
            import pathspec

            spec = pathspec.PathSpec.from_lines("gitwildmatch", patterns.splitlines())
        except ImportError:  # Zensical depends on pathspec; without it the scan queues a few renders too many
            spec = None
    return lambda page: page.startswith(output_dir + "/") or (spec is not None and spec.match_file(page))


def _copy_if_changed(source: Path, target: Path) -> None:
    """``target`` made a copy of ``source`` unless it already is one; written under a dot-name, then renamed.

    A render's files are named by its key, so an equal size means an equal file; the player's two
    small files keep their names across versions and are compared byte for byte. Zensical neither
    copies nor announces dot-files, so a half-written file is never published.
    """
    try:
        if target.is_file() and target.stat().st_size == source.stat().st_size and (
                target.name not in embed.PLAYER_ASSETS or target.read_bytes() == source.read_bytes()):
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    except OSError as error:
        raise GradvizError(f"cannot write {target}: {error.strerror or error}") from None


def _gradviz_version() -> str:
    try:
        return version("mkdocs-gradviz")
    except PackageNotFoundError:
        return "unknown"


def _package_digest() -> str:
    """A hash of gradviz's own Python code (not the scenes): a new gradviz may write other HTML."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.glob("*.py")) + sorted((_PACKAGE / "core").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in embed.PLAYER_ASSETS.values():
        digest.update(path.read_bytes())
    return digest.hexdigest()

"""The MkDocs front end: hooks only, each delegating to the engine and converting its errors once."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from mkdocs_gradviz.core import fence
from mkdocs_gradviz.core.engine import LATEX_PACKAGES, Engine, missing_latex_tools
from mkdocs_gradviz.core.errors import BuildFailed, GradvizError, stated
from mkdocs_gradviz.core.progress import LogProgress, RenderProgress
from mkdocs_gradviz.core.settings import Settings
from mkdocs_gradviz.mkdocs.config import GradvizConfig

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from mkdocs_gradviz.core.build import BuildRun

log = get_plugin_logger(__name__)


class _EngineLogs(logging.Handler):
    """The engine's records (``mkdocs_gradviz.core``, which knows no MkDocs) shown as the plugin's own.

    So that MkDocs prints them in its format, and ``--strict`` counts their warnings.
    """

    def emit(self, record: logging.LogRecord) -> None:
        log.log(record.levelno, "%s", record.getMessage(), exc_info=record.exc_info)


def _show_engine_logs() -> None:
    engine = logging.getLogger("mkdocs_gradviz.core")
    if not any(isinstance(handler, _EngineLogs) for handler in engine.handlers):
        engine.addHandler(_EngineLogs())
        engine.setLevel(logging.INFO)


class GradvizPlugin(BasePlugin[GradvizConfig]):
    """Renders ```` ```gradviz ```` blocks with Manim and embeds the videos."""

    def __init__(self) -> None:
        self.serving = False
        self._dirty = False
        self.engine: Engine | None = None
        self.run: BuildRun | None = None
        self._page: Page | None = None
        self._located: list[fence.LocatedBlock] = []
        self._source = ""
        self._fences = fence.PageFences([])
        self._files: dict[str, File] = {}
        #: How the render phase is shown; the ``gradviz`` command sets a live progress bar here.
        self.progress: RenderProgress | None = None
        #: Set by ``gradviz cache prune``: discover blocks and their keys, render and embed nothing.
        self.plan_only = False
        #: Set by ``gradviz render --shard K/N``: (K, N), render only that CI job's share of the keys.
        self.shard: tuple[int, int] | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self._dirty = dirty
        if self.config.enabled and (missing := missing_latex_tools()):
            log.warning("%s not found; formulas cannot render. Install them with: apt-get install %s",
                        " and ".join(missing), LATEX_PACKAGES)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        _show_engine_logs()
        if not self.config.enabled:
            # The same file's Zensical fence (mkdocs_gradviz.zensical) is no formatter MkDocs can call: drop it too.
            fences = config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", [])
            fences[:] = [f for f in fences if f.get("name") != fence.LANGUAGE]
            return config
        if "pymdownx.superfences" not in config.markdown_extensions:
            raise PluginError("gradviz needs the pymdownx.superfences Markdown extension; add it to markdown_extensions")
        project = Path(config.config_file_path or ".").resolve().parent
        with _plugin_errors():
            settings = Settings.from_mapping(dict(self.config), where=config.config_file_path or "mkdocs.yml")
            if self.engine is None or self.engine.settings != settings or self.engine.project_dir != project:
                self.on_shutdown()
                self.engine = Engine(settings, project)
            self.engine.live.pause()  # the build is about to empty the served site folder
            progress = self.progress or LogProgress.for_build(log, settings.concurrency, serving=self.serving)
            if self.serving and isinstance(self.engine.renderer.progress, LogProgress):
                progress = None  # one count for the session: renders outlive the rebuild that queued them
            self.run = self.engine.start_build(
                serving=self.serving, plan_only=self.plan_only, shard=self.shard, progress=progress)
        for warning in self.run.report.warnings:
            log.warning(warning)
        self.run.report.warnings.clear()
        fences = config.mdx_configs.setdefault("pymdownx.superfences", {}).setdefault("custom_fences", [])
        fences[:] = [f for f in fences if f.get("name") != fence.LANGUAGE] + [fence.fence_entry(self._format)]
        return config

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        self._page = page
        try:
            source = page.file.content_string
        except (OSError, UnicodeDecodeError):
            source = markdown
        self._located = fence.locate_blocks(source)
        self._source = source  # where the value references' lines are read
        self.run.begin_page(self._page_label(), source)
        if any(block.text not in markdown for block in self._located):
            self._located = fence.locate_blocks(markdown)  # another plugin rewrote the page first
        for block in self._located:
            block.used = block.used or not block.closed
        self.run.add_unclosed(self._located, self._page_label())  # reported when the build collects
        self._fences = fence.PageFences(self._located)
        return None

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        html = self._fences.keep(html, self._add_block)  # only fences Markdown kept are blocks
        return self.run.quote_values(self._page_label(), html, self._source)  # :gradviz[id.value] in the prose

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
        if not self.config.enabled or self.plan_only:
            return None
        errors = self.run.collect(wait=not self.serving)
        if errors and not self.serving:
            self.run.cancel()  # the build fails: renders its failed blocks still have running are stopped
        if self.serving and not self._dirty:  # a dirty rebuild skips unchanged pages, whose renders stay wanted
            self.engine.renderer.retain(self.run.keys())  # renders an edit made obsolete never start
        self._files = {uri: File.generated(config, uri, abs_src_path=path)
                       for uri, path in self.run.site_files().items()}
        for file in self._files.values():
            if files.get_file_from_path(file.src_uri) is None:
                files.append(file)
        for warning in self.run.report.warnings:
            log.warning(warning)
        log.info(self.run.report.line())
        if errors and not self.serving:
            with _plugin_errors():
                raise BuildFailed(errors)
        for error in errors:
            log.error("%s", error)
        return None

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled or self.plan_only:
            return None
        # Any site path, not just this build's files: a placeholder's status file and the renders it
        # swaps in later are written into the served site after the build.
        return self.run.fill_slots(output, lambda uri: get_relative_url(quote(uri), page.file.url))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled and self.serving and not self.plan_only:
            # Pages with placeholders poll these status files; a finished render updates them in place.
            self.engine.live.show(self.run, Path(config.site_dir))

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer | None:
        if not self.config.enabled or self.engine is None:
            return server
        if self.engine.site_scenes is not None and self.engine.site_scenes.is_dir():
            server.watch(str(self.engine.site_scenes))
        self.engine.renderer.warm_up()  # the author's first edit should not wait for Manim's import
        return server

    def on_build_error(self, *, error: Exception) -> None:
        if self.config.enabled and self.run is not None:
            self.run.cancel()  # a failed build ends its own renders before MkDocs reports it

    def on_shutdown(self) -> None:
        if self.engine is not None:
            # A build collects its renders before it ends; one still running means the build was
            # stopped (Ctrl-C, another plugin's error): end it now rather than wait for nobody.
            self.engine.shutdown(stop_running=not self.serving)
            self.engine = None  # MkDocs may reuse this instance for another build

    def _format(self, source: str, language: str, css_class: str, options: dict[str, str], md: Any,
                **kwargs: Any) -> str:
        """SuperFences formatter: propose a block; ``on_page_content`` registers it if Markdown keeps it."""
        return self._fences.propose(source, options)

    def _add_block(self, proposal: fence.Proposal) -> str:
        """Register a fence the page kept as a block; return the slot that stands for its HTML."""
        return self.run.add_guarded(self._page_label(), proposal.line, proposal.source, proposal.options)

    def _page_label(self) -> str:
        """The page as authors find it in their editor: its path from the project directory."""
        if self._page is None:
            return "?"
        path = self._page.file.abs_src_path
        project = self.engine.project_dir if self.engine else Path.cwd()
        return os.path.relpath(path, project) if path else self._page.file.src_uri


@contextmanager
def _plugin_errors() -> Iterator[None]:
    """The one place where gradviz's own errors become MkDocs' ``PluginError``."""
    try:
        yield
    except GradvizError as error:
        raise PluginError(stated(error)) from None

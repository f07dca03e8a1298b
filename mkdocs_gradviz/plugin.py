"""The MkDocs hooks of gradviz; each one delegates and stays short."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File

from mkdocs_gradviz import embed, fence, worker
from mkdocs_gradviz.build import BuildRun
from mkdocs_gradviz.cache import RenderCache
from mkdocs_gradviz.config import GradvizConfig
from mkdocs_gradviz.errors import CacheError
from mkdocs_gradviz.library import SceneLibrary
from mkdocs_gradviz.progress import LogProgress, RenderProgress
from mkdocs_gradviz.render import Renderer

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = get_plugin_logger(__name__)
ASSETS = Path(__file__).parent / "assets"
_SLOT = re.compile(r'<div data-gradviz-slot="(\d+)"></div>')
LATEX_PACKAGES = "texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended dvisvgm"


class GradvizPlugin(BasePlugin[GradvizConfig]):
    """Renders ```` ```gradviz ```` blocks with Manim and embeds the videos."""

    def __init__(self) -> None:
        self.serving = False
        self.renderer: Renderer | None = None
        self.run: BuildRun | None = None
        self._page: Page | None = None
        self._located: list[fence.LocatedBlock] = []
        self._files: dict[str, File] = {}
        self.project_dir = Path.cwd()
        #: How the render phase is shown; the ``gradviz`` command sets a live progress bar here.
        self.progress: RenderProgress | None = None
        #: Set by ``gradviz cache prune``: discover blocks and their keys, render and embed nothing.
        self.plan_only = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        if self.config.enabled:
            _check_latex()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        if "pymdownx.superfences" not in config.markdown_extensions:
            raise PluginError("gradviz needs the pymdownx.superfences Markdown extension; add it to markdown_extensions")
        project = self.project_dir = Path(config.config_file_path or ".").resolve().parent
        cache = RenderCache(_inside(project, self.config.cache_dir, "cache_dir"))
        scenes_dir = _inside(project, self.config.scenes_dir, "scenes_dir")
        _inside(Path(config.site_dir), self.config.output_dir, "output_dir")
        try:
            cache.prepare()
        except CacheError as error:
            raise PluginError(f"gradviz: {error}") from None
        if self.renderer is None or self.renderer.cache.root != cache.root:
            self.renderer = Renderer(cache, scenes_dir=scenes_dir, concurrency=self.config.concurrency,
                                     timeout=self.config.timeout, memory_limit=self.config.memory_limit)
        self.renderer.forget()
        self.renderer.progress = self.progress or LogProgress(log, self.renderer.concurrency)
        self.run = BuildRun(
            library=SceneLibrary(scenes_dir), cache=cache, renderer=self.renderer,
            quality=self.config.serve_quality if self.serving else self.config.quality,
            theme=self.config.theme, allow_code=self.config.allow_code, environment=_environment(),
            plan_only=self.plan_only,
        )
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
        if any(block.text not in markdown for block in self._located):
            self._located = fence.locate_blocks(markdown)  # another plugin rewrote the page first
        for block in self._located:
            if not block.closed:
                block.used = True
                self.run.add_error(self._page_label(), block.line, "unterminated gradviz fence: no closing fence "
                                   "before the end of the page")
        return None

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
        if not self.config.enabled or self.plan_only:
            return None
        errors = self.run.collect(wait=not self.serving)
        for render in self.run.unfinished():
            render.add_done_callback(self._announce_ready)
        self._files = self._publish(config, files)
        for warning in self.run.report.warnings:
            log.warning(warning)
        log.info(self.run.report.line())
        if errors and not self.serving:
            raise PluginError("gradviz could not render %d block(s):\n%s" % (len(errors), "\n".join(map(str, errors))))
        for error in errors:
            log.error("%s", error)
        return None

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled or self.plan_only or "data-gradviz-slot" not in output:
            return None
        css, js = (self._files[name].url_relative_to(page.file) for name in ("gradviz.css", "gradviz.js"))
        first_slot = _SLOT.search(output).group(0)
        output = output.replace(first_slot, embed.assets_html(css, js) + first_slot, 1)
        return _SLOT.sub(lambda match: self._block_html(int(match.group(1)), page), output)

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer | None:
        if not self.config.enabled or self.renderer is None:
            return server
        if self.renderer.scenes_dir.is_dir():
            server.watch(str(self.renderer.scenes_dir))
        server.watch(str(self._ready_dir()))  # a finished background render rebuilds the pages
        self.renderer.warm_up()  # the author's first edit should not wait for Manim's import
        return server

    def on_shutdown(self) -> None:
        if self.renderer is not None:
            self.renderer.shutdown()
            self.renderer = None  # MkDocs may reuse this instance for another build

    def _format(self, source: str, language: str, css_class: str, options: dict[str, str], md: Any,
                **kwargs: Any) -> str:
        """SuperFences formatter: register the block and leave a slot for its HTML."""
        page = self._page_label()
        located = fence.claim(self._located, source)
        line = located.line if located else 0
        try:
            return self.run.add(page, line, source, dict(options))
        except Exception as error:  # SuperFences would swallow it and show the block as plain code
            return self.run.add_error(page, line, f"{type(error).__name__}: {error}")

    def _ready_dir(self) -> Path:
        folder = self.renderer.cache.root / "ready"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _announce_ready(self, render: Any) -> None:
        """Under ``mkdocs serve``: touch a watched file so that the server rebuilds with the new video."""
        (self._ready_dir() / "stamp").write_text(str(time.time()), encoding="utf-8")

    def _page_label(self) -> str:
        """The page as authors find it in their editor: its path from the project directory."""
        if self._page is None:
            return "?"
        path = self._page.file.abs_src_path
        return os.path.relpath(path, self.project_dir) if path else self._page.file.src_uri

    def _publish(self, config: MkDocsConfig, files: Files) -> dict[str, File]:
        """Add each render and the player assets to the site as generated files."""
        published: dict[str, File] = {}
        base = self.config.output_dir.strip("/")
        for name in ("gradviz.css", "gradviz.js"):
            published[name] = File.generated(config, f"{base}/{name}", abs_src_path=str(ASSETS / name))
        for block in self.run.blocks:
            for entry in block.entries.values():
                for suffix, path in (("mp4", entry.video), ("png", entry.poster)):
                    uri = f"{base}/{entry.key}.{suffix}"
                    published.setdefault(uri, File.generated(config, uri, abs_src_path=str(path)))
        for file in published.values():
            if files.get_file_from_path(file.src_uri) is None:
                files.append(file)
        return published

    def _block_html(self, index: int, page: Page) -> str:
        block = self.run.blocks[index]
        if self.run.is_pending(block):
            return embed.pending_html(block.spec.scene, block.spec.caption, len(self.run.unfinished()))
        if block.error is not None:
            return embed.error_html(f"{block.error.page}:{block.error.line}", block.error.message)
        base = self.config.output_dir.strip("/")
        variants = [
            embed.Variant(theme, self._files[f"{base}/{e.key}.mp4"].url_relative_to(page.file),
                          self._files[f"{base}/{e.key}.png"].url_relative_to(page.file), e.meta)
            for theme, e in block.entries.items()
        ]
        flags = {"autoplay": self.config.autoplay, "loop": self.config.loop, "controls": self.config.controls}
        return embed.figure_html(block.spec, variants, defaults=flags, dark_schemes=self.config.dark_schemes)


def _environment() -> dict[str, str]:
    """What besides the block itself changes pixels: Manim's version and our render code."""
    render_code = hashlib.sha256(Path(worker.__file__).read_bytes()).hexdigest()
    return {"manim": version("manim"), "render_code": render_code}


def _inside(base: Path, value: str, option: str) -> Path:
    """``value`` resolved under ``base``; a path that climbs out of it is refused."""
    path = Path(os.path.normpath(base / value))
    if value.strip() in ("", ".") or not path.is_relative_to(base) or path == base:
        raise PluginError(f"gradviz: {option} must stay inside {base}, not {value!r}")
    return path


def _check_latex() -> None:
    missing = [tool for tool in ("latex", "dvisvgm") if shutil.which(tool) is None]
    if missing:
        log.warning("%s not found; formulas cannot render. Install them with: apt-get install %s",
                    " and ".join(missing), LATEX_PACKAGES)

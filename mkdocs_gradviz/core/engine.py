"""One site's gradviz, whatever builds it: settings, library, cache and renderer, and its builds.

A front end (the MkDocs plugin, the Zensical fence) makes one ``Engine`` per site, starts a
``BuildRun`` per build, and converts the ``GradvizError`` family into its own exceptions.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from mkdocs_gradviz.core.build import BuildRun
from mkdocs_gradviz.core.cache import RenderCache
from mkdocs_gradviz.core.edits import EditTracker
from mkdocs_gradviz.core.library import SceneLibrary
from mkdocs_gradviz.core.live import LiveStatus
from mkdocs_gradviz.core.process import run_in_process
from mkdocs_gradviz.core.progress import RenderProgress
from mkdocs_gradviz.core.render_queue import RenderQueue, environment
from mkdocs_gradviz.core.settings import check_site_folder, resolve_read_path, resolve_write_path

if TYPE_CHECKING:
    from pathlib import Path

    from mkdocs_gradviz.core.dask_executor import DaskExecutor
    from mkdocs_gradviz.core.settings import Settings
    from mkdocs_gradviz.core.shared_cache import SharedCache

#: Debian packages that provide what Manim's formulas need.
LATEX_PACKAGES = "texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended dvisvgm"


class Engine:
    """gradviz for one project folder; long-lived under a server, rebuilt when the settings change."""

    def __init__(self, settings: Settings, project_dir: Path) -> None:
        self.settings = settings
        self.project_dir = project_dir
        check_site_folder(settings.output_dir, "output_dir")
        self.cache = RenderCache(resolve_write_path(project_dir, settings.cache_dir, "cache_dir"), _shared(settings))
        self.site_scenes = resolve_read_path(project_dir, settings.scenes_dir) if settings.scenes_dir else None
        self.executor = _executor(settings, self.cache, self.site_scenes)
        self.renderer = RenderQueue(self.cache, site_scenes=self.site_scenes, concurrency=settings.concurrency,
                                 timeout=settings.timeout, memory_limit=settings.memory_limit,
                                 execute=self.executor or run_in_process)
        #: Under a server: what the author edits between builds, and the placeholders' status files.
        self.edits = EditTracker()
        self.live = LiveStatus(self.renderer, self.cache.times)

    def library(self) -> SceneLibrary:
        """The installed library plus the site's scenes, read afresh (authors edit them while serving)."""
        return SceneLibrary(self.site_scenes)

    def start_build(self, *, serving: bool, plan_only: bool = False,
                    progress: RenderProgress | None = None, shard: tuple[int, int] | None = None) -> BuildRun:
        """A new build: the cache ready, finished jobs forgotten, the library read.

        ``shard`` (K, N) renders only the keys of shard K of N (``gradviz render --shard K/N``).
        """
        self.cache.prepare()
        self.renderer.forget()
        if progress is not None:
            self.renderer.report_to(progress)
        if serving:
            self.edits.next_build()
        return BuildRun(settings=self.settings, library=self.library(), cache=self.cache, renderer=self.renderer,
                        quality=self.settings.serve_quality if serving else self.settings.quality,
                        environment=environment(), plan_only=plan_only, shard=shard,
                        edits=self.edits if serving else None)

    def shutdown(self, *, stop_running: bool = False) -> None:
        """Stop taking renders; running ones finish (or, with ``stop_running``, are killed); leave the Dask cluster."""
        self.live.close()
        self.renderer.shutdown(stop_running=stop_running)
        if self.executor is not None:
            self.executor.close()


def _shared(settings: Settings) -> SharedCache | None:
    """The shared cache level, when ``cache_url`` names one; fsspec is imported only then."""
    if not settings.cache_url:
        return None
    from mkdocs_gradviz.core.shared_cache import SharedCache

    return SharedCache(settings.cache_url, readonly=settings.cache_url_readonly)


def _executor(settings: Settings, cache: RenderCache, site_scenes: Path | None) -> DaskExecutor | None:
    """The Dask executor of ``executor: dask``; None for local render processes."""
    if settings.executor != "dask":
        return None
    from mkdocs_gradviz.core.dask_executor import DaskExecutor

    return DaskExecutor(address=settings.scheduler_address, workers=settings.concurrency, shared=cache.shared,
                        site_scenes=site_scenes, warnings=cache.warnings)


def missing_latex_tools() -> list[str]:
    """LaTeX tools Manim's formulas need that this machine lacks."""
    return [tool for tool in ("latex", "dvisvgm") if shutil.which(tool) is None]

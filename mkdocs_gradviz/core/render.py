"""Schedules renders: several at a time, each once per key, published to the cache when done.

Threads here only wait on render processes (see ``process.py``); a build with nothing to render
never starts one, so it never imports Manim.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs_gradviz.core import worker
from mkdocs_gradviz.core.job import RenderJob
from mkdocs_gradviz.core.process import run_in_process, start_fork_server
from mkdocs_gradviz.core.progress import RenderProgress

if TYPE_CHECKING:
    from mkdocs_gradviz.core.cache import Entry, RenderCache
    from mkdocs_gradviz.core.job import RenderRequest


@cache
def environment() -> dict[str, str]:
    """What besides a block itself changes pixels: Manim's version and gradviz's render code."""
    render_code = hashlib.sha256(Path(worker.__file__).read_bytes()).hexdigest()
    return {"manim": version("manim"), "render_code": render_code}


class Renderer:
    """A pool of render processes; identical requests share one render."""

    def __init__(self, cache: RenderCache, *, site_scenes: Path | None, concurrency: int, timeout: int,
                 memory_limit: int) -> None:
        self.concurrency = max(1, concurrency)
        self.progress = RenderProgress(self.concurrency)
        self.cache = cache
        self.site_scenes = site_scenes
        self.timeout = timeout
        self.memory_limit = memory_limit
        self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="gradviz-render")
        self._jobs: dict[str, Future[Entry]] = {}

    def submit(self, request: RenderRequest) -> Future[Entry]:
        """Start rendering ``request`` (once per key) and return the future of its cache entry."""
        if request.key not in self._jobs:
            self.progress.queued(request)
            self._jobs[request.key] = self._pool.submit(self._render, request)
        return self._jobs[request.key]

    def warm_up(self) -> None:
        """Start the fork server (importing Manim) in the background, so the first render need not wait."""
        threading.Thread(target=start_fork_server, name="gradviz-warm-up", daemon=True).start()

    def forget(self) -> None:
        """Drop jobs that succeeded, so the next build finds them in the cache instead.

        Running jobs are kept (a serve rebuild waits on them again) and so are failed ones: under
        ``mkdocs serve`` a block that failed is not retried until its inputs change.
        """
        self._jobs = {key: job for key, job in self._jobs.items()
                      if not job.done() or (not job.cancelled() and job.exception() is not None)}

    def shutdown(self) -> None:
        """Stop taking work; running renders finish."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _render(self, request: RenderRequest) -> Entry:
        self.progress.started(request)
        began = time.monotonic()
        staged = self.cache.staging(request.key)
        try:
            job = RenderJob(request, out=staged, tex_dir=self.cache.tex_dir, site_scenes=self.site_scenes,
                            memory_limit=self.memory_limit)
            result = run_in_process(job, timeout=self.timeout)
            shutil.rmtree(staged / "scratch", ignore_errors=True)
            for leftover in ("log.txt", worker.RESULT):
                (staged / leftover).unlink(missing_ok=True)
            entry = self.cache.publish(request.key, staged, result)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            self.progress.finished(request, time.monotonic() - began, failed=True)
            raise
        self.progress.finished(request, time.monotonic() - began, failed=False)
        return entry

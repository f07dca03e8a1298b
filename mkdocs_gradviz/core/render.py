"""Runs renders out of process, several at a time, and publishes their results to the cache.

Manim's config is a process-wide global and Cairo/Pango are not thread-safe, so every render gets
a process of its own; threads here only wait on those processes. Render processes are forked from
a multiprocessing fork server that imported Manim once, started on the first render: a build with
nothing to render never imports Manim at all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import threading
import time
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs_gradviz.core import worker
from mkdocs_gradviz.core.errors import CacheCorrupt, RenderError
from mkdocs_gradviz.core.job import RenderJob, RenderRequest, RenderResult
from mkdocs_gradviz.core.progress import RenderProgress

if TYPE_CHECKING:
    from mkdocs_gradviz.core.cache import Entry, RenderCache

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TAIL_LINES = 25
_LOW_DISK = 1024 * 1024  # below this much free space a failed render is put down to a full disk


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
        threading.Thread(target=_start_fork_server, name="gradviz-warm-up", daemon=True).start()

    def forget(self) -> None:
        """Drop jobs that succeeded, so the next build finds them in the cache instead.

        Running jobs are kept (a serve rebuild waits on them again) and so are failed ones: under
        ``mkdocs serve`` a block that failed is not retried until its inputs change.
        """
        self._jobs = {key: job for key, job in self._jobs.items()
                      if not job.done() or not job.cancelled() and job.exception() is not None}

    def shutdown(self) -> None:
        """Stop taking work; running renders finish."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _render(self, request: RenderRequest) -> Entry:
        self.progress.started(request)
        began = time.monotonic()
        staged = self.cache.staging(request.key)
        try:
            result = self._run_worker(request, staged)
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

    def _run_worker(self, request: RenderRequest, staged: Path) -> RenderResult:
        job = RenderJob(request, out=staged, tex_dir=self.cache.tex_dir, site_scenes=self.site_scenes,
                        memory_limit=self.memory_limit)
        process = _context().Process(target=worker.run_in_child, args=(job,), name=f"gradviz-{request.key[:8]}")
        process.start()
        try:
            process.join(self.timeout)
        finally:
            timed_out = process.exitcode is None
            if timed_out:  # also reached when the build itself is interrupted
                _kill_group(process.pid)
                process.join()
        if timed_out:
            raise RenderError(f"the render took longer than {self.timeout} s and was stopped "
                              "(raise the timeout option if the scene is meant to be this long)")
        if process.exitcode == 0 and (result := _read_report(staged / worker.RESULT)) is not None:
            try:
                return RenderResult.from_json(result, where=f"the render of {request.scene}")
            except CacheCorrupt as error:
                raise RenderError(str(error)) from None
        if (report := _read_report(staged / worker.ERROR)) is not None:
            raise RenderError(report["message"], line=report.get("line"))
        if shutil.disk_usage(staged).free < _LOW_DISK:
            raise RenderError(f"no space left on the disk holding the cache ({self.cache.root}); free some space "
                              "or point cache_dir elsewhere")
        how = (f"was killed by signal {signal.Signals(-process.exitcode).name}" if process.exitcode < 0
               else f"exited with status {process.exitcode}")
        raise RenderError(f"the render process {how}; its last output:\n{_tail(staged / 'log.txt')}")


def _read_report(path: Path) -> dict | None:
    """A JSON file the render process left, or None if it is missing or cut short (a full disk)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _context() -> multiprocessing.context.ForkServerContext:
    """The fork server context, preloading Manim so that each render skips the import."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["mkdocs_gradviz.core._preload"])
    return context


def _start_fork_server() -> None:
    _context()
    multiprocessing.forkserver.ensure_running()


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(log_path: Path) -> str:
    """The last lines of a render's output, without colour codes or runaway length."""
    if not log_path.is_file():
        return "(the render process ended before writing any output)"
    with open(log_path, "rb") as log:
        log.seek(0, os.SEEK_END)
        log.seek(max(0, log.tell() - 8192))
        text = _ANSI.sub("", log.read().decode("utf-8", errors="replace"))
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    return "\n".join(line[:300] for line in lines[-_TAIL_LINES:]) or "(no output)"

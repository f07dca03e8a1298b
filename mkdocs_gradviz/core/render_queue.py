"""Schedules renders: several at a time, each once per key, most urgent first, published to the cache.

A priority queue feeds ``concurrency`` worker threads. Threads here only wait on render processes
(see ``process.py``); a build with nothing to render never starts one, so it never imports Manim.
Under ``mkdocs serve`` the order matters: the renders of the block an author just edited go
ahead of the background renders of the rest of the site (see ``edits.py``), and get the whole
machine: an edited block's render that finds every process busy with other renders pauses one
of them (``pausing.py``) and runs beside it; paused renders resume, in the order they were
paused, once no edited block's render waits, before any other render starts.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs_gradviz.core import manim_render, steps
from mkdocs_gradviz.core.job import RenderJob
from mkdocs_gradviz.core.library import library_root
from mkdocs_gradviz.core.pausing import PAUSE_FILE
from mkdocs_gradviz.core.process import (
    pause_render,
    resume_render,
    run_in_process,
    start_fork_server,
    stop_running_renders,
)
from mkdocs_gradviz.core.progress import RenderProgress

if TYPE_CHECKING:
    from mkdocs_gradviz.core.cache import Entry, RenderCache
    from mkdocs_gradviz.core.job import RenderRequest, RenderResult

_log = logging.getLogger(__name__)
#: Queue priority of a render that nobody is waiting for in particular; lower tuples go first.
BACKGROUND = (0, 0)
#: The second part of the priority of a render of the block just edited (``edits.py``): such a
#: render pauses background renders, the other new renders of its page only go before them.
EDITED_BLOCK = 0


def pauses_others(priority: tuple[int, int]) -> bool:
    """Whether a render of ``priority`` is an edited block's, for which background renders are paused."""
    return priority < BACKGROUND and priority[1] == EDITED_BLOCK


@cache
def environment() -> dict[str, str]:
    """What besides a block itself changes pixels: Manim's version and gradviz's render code.

    The render code is the worker, the steps it records and the palette it takes code blocks'
    background and ink from.
    """
    sources = Path(manim_render.__file__).read_bytes() + Path(steps.__file__).read_bytes() \
        + (library_root() / "_palette.py").read_bytes()
    render_code = hashlib.sha256(sources).hexdigest()
    return {"manim": version("manim"), "render_code": render_code}


@dataclass(frozen=True)
class QueueSnapshot:
    """The render queue at one moment: what runs, what waits and in which order."""

    running: tuple[tuple[RenderRequest, float], ...]  # each running render with the seconds since it started
    waiting: tuple[RenderRequest, ...]  # in the order they will start
    concurrency: int
    paused: frozenset[str] = frozenset()  # keys of the running renders paused for an urgent one


@dataclass(order=True)
class _Waiting:
    """A render in the queue; entries compare by priority, then by the order they were submitted in."""

    priority: tuple[int, int]
    order: int
    request: RenderRequest = field(compare=False)
    future: Future[Entry] = field(compare=False)


class RenderQueue:
    """A pool of render processes fed by a priority queue; identical requests share one render."""

    def __init__(self, cache: RenderCache, *, site_scenes: Path | None, concurrency: int, timeout: int,
                 memory_limit: int, execute: Callable[..., RenderResult] = run_in_process) -> None:
        self.concurrency = max(1, concurrency)
        self.progress = RenderProgress(self.concurrency)
        self.cache = cache
        self.site_scenes = site_scenes
        self.timeout = timeout
        self.memory_limit = memory_limit
        #: Where a render runs: ``run_in_process`` here, or a cluster (``dask_executor``); fills ``job.out``.
        self.execute = execute
        self._jobs: dict[str, Future[Entry]] = {}
        self._waiting: dict[str, _Waiting] = {}  # a few hundred at most: a min() scan beats a heap of stale entries
        self._running: dict[str, tuple[RenderRequest, float]] = {}
        self._order = itertools.count()
        self._lock = threading.Condition()
        self._workers: list[threading.Thread] = []
        self._closed = False
        self._listeners: list[Callable[[], None]] = []
        self._stopping: set[str] = set()  # running renders being killed: they end without a report
        #: Pausing needs render processes of this machine; a cluster's renders are only ordered.
        self._pausable = execute is run_in_process
        self._urgent: set[str] = set()  # running renders of an edited block: never paused
        self._staged: dict[str, Path] = {}  # running renders' staging folders, where they can be paused
        self._paused: dict[str, Path] = {}  # paused renders' staging folders, in the order they were paused

    def submit(self, request: RenderRequest, *, priority: tuple[int, int] = BACKGROUND) -> Future[Entry]:
        """Queue ``request`` (once per key) and return the future of its cache entry.

        A request already waiting moves up if ``priority`` is more urgent than the one it has.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the renderer has been shut down")
            job = self._jobs.get(request.key)
            if job is None:
                job = self._jobs[request.key] = Future()
                self._waiting[request.key] = _Waiting(priority, next(self._order), request, job)
                self.progress.queued(request)
                self._start_workers()
                self._lock.notify()
            elif (waiting := self._waiting.get(request.key)) is not None and priority < waiting.priority:
                waiting.priority = priority
                self._lock.notify_all()
        self._changed()
        return job

    def retain(self, keys: set[str]) -> list[str]:
        """Cancel the waiting renders whose key is not in ``keys`` (made obsolete by an edit); return their keys.

        Running renders are left to finish: their result lands in the cache, where no page shows it.
        """
        with self._lock:
            dropped = [key for key in self._waiting if key not in keys]
            for key in dropped:
                waiting = self._waiting.pop(key)
                waiting.future.cancel()
                self.progress.dropped(waiting.request)
                del self._jobs[key]
            if dropped:  # an urgent render among them may have been what kept paused ones waiting
                self._resume_if_free()
                self._lock.notify_all()
        if dropped:
            self._changed()
        return dropped

    def snapshot(self) -> QueueSnapshot:
        """What runs and what waits right now, the waiting renders in the order they will start."""
        now = time.monotonic()
        with self._lock:
            waiting = sorted(w for w in self._waiting.values() if not w.future.cancelled())
            return QueueSnapshot(tuple((request, now - began) for request, began in self._running.values()),
                                 tuple(w.request for w in waiting), self.concurrency, frozenset(self._paused))

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (from a render thread) after every change of the queue: a render queued, started, done."""
        self._listeners.append(listener)

    def warm_up(self) -> None:
        """Start the fork server (importing Manim) in the background, so the first render need not wait."""
        threading.Thread(target=start_fork_server, name="gradviz-warm-up", daemon=True).start()

    def forget(self) -> None:
        """Drop jobs that succeeded, so the next build finds them in the cache instead.

        Running jobs are kept (a serve rebuild waits on them again) and so are failed ones: under
        ``mkdocs serve`` a block that failed is not retried until its inputs change.
        """
        with self._lock:
            self._jobs = {key: job for key, job in self._jobs.items()
                          if not job.done() or (not job.cancelled() and job.exception() is not None)}

    def report_to(self, progress: RenderProgress) -> None:
        """Count renders in ``progress`` from now on (a new build's): those still waiting or running count in its total."""
        with self._lock:
            progress.carry(len(self._waiting) + len(self._running))
            self.progress = progress

    def stop(self) -> list[Future[Entry]]:
        """End every render now, for a build that failed: none starts, running ones are killed, none is kept.

        Stopped renders report no progress and publish nothing; a later build renders them afresh.
        Returns the futures of the killed renders, done once their processes are gone.
        """
        with self._lock:
            for waiting in self._waiting.values():
                waiting.future.cancel()
                self.progress.dropped(waiting.request)
                self._jobs.pop(waiting.request.key, None)
            self._waiting.clear()
            self._stopping.update(self._running)
            killed = [self._jobs.pop(key) for key in self._running if key in self._jobs]
            self._paused.clear()  # killed with the others: a paused render sleeps, it is not stopped
        stop_running_renders()
        self._changed()
        return killed

    def shutdown(self, *, stop_running: bool = False) -> None:
        """Stop taking work and cancel what waits; running renders finish, or with ``stop_running`` are killed."""
        with self._lock:
            self._closed = True
            for waiting in self._waiting.values():
                waiting.future.cancel()
            self._waiting.clear()
            self._lock.notify_all()
            if stop_running:
                self._stopping.update(self._running)
                self._paused.clear()
            else:  # running renders finish, the paused ones too: nothing urgent will come any more
                self._resume_all()
        if stop_running:  # after closing, so that no worker starts another render
            stop_running_renders()
        for worker_thread in self._workers:
            if worker_thread is not threading.current_thread():
                worker_thread.join()

    def _start_workers(self) -> None:
        """Start the worker threads on the first render (called with the lock held).

        With pausing, twice ``concurrency``: a paused render keeps its thread, and an urgent render
        can pause at most each of the ``concurrency`` running ones.
        """
        while len(self._workers) < self.concurrency * (2 if self._pausable else 1):
            thread = threading.Thread(target=self._work, name=f"gradviz-render-{len(self._workers)}", daemon=True)
            self._workers.append(thread)
            thread.start()

    def _work(self) -> None:
        """One worker: take the most urgent waiting render, run it, publish its outcome; until shut down."""
        while (waiting := self._next()) is not None:
            request, future = waiting.request, waiting.future
            began = time.monotonic()
            try:
                entry = self._render(request)
            except BaseException as error:  # delivered to whoever waits on the future, like an executor does
                self._finish(request, future, error=error)
            else:
                self.cache.times.record(request, time.monotonic() - began)
                self._finish(request, future, entry=entry)

    def _next(self) -> _Waiting | None:
        """The most urgent render that may start now and was not cancelled, marked running; None once shut down."""
        with self._lock:
            while True:
                while not self._closed and (waiting := self._startable()) is None:
                    self._lock.wait()
                if self._closed:
                    return None
                del self._waiting[waiting.request.key]
                if waiting.future.set_running_or_notify_cancel():
                    self._running[waiting.request.key] = (waiting.request, time.monotonic())
                    if pauses_others(waiting.priority):
                        self._urgent.add(waiting.request.key)
                    break
                self.progress.dropped(waiting.request)
        self._changed()
        return waiting

    def _startable(self) -> _Waiting | None:
        """The waiting render to start now, pausing a background one for it if needed (lock held).

        Below ``concurrency`` active renders, the most urgent waiting one starts, unless paused
        renders wait to resume and it is not an edited block's: those resume first. At
        ``concurrency``, an edited block's render pauses the other render that started last and
        takes its place.
        """
        self._resume_if_free()
        if not self._waiting:
            return None
        first = min(self._waiting.values())
        active = len(self._running) - len(self._paused)
        if active < self.concurrency:
            return first if pauses_others(first.priority) or not self._paused else None
        if not self._pausable or not pauses_others(first.priority):
            return None
        pausable = [(began, key) for key, (_, began) in self._running.items()
                    if key in self._staged and key not in self._paused and key not in self._urgent]
        if not pausable:
            return None
        _, key = max(pausable)
        self._paused[key] = self._staged[key]
        pause_render(self._staged[key])
        return first

    def _resume_if_free(self) -> None:
        """Resume paused renders, first paused first, while cores are free and no edited block's render waits (lock held)."""
        urgent_waiting = any(pauses_others(w.priority) for w in self._waiting.values())
        while self._paused and not urgent_waiting and len(self._running) - len(self._paused) < self.concurrency:
            key = next(iter(self._paused))
            resume_render(self._paused.pop(key))

    def _resume_all(self) -> None:
        for staged in self._paused.values():
            resume_render(staged)
        self._paused.clear()

    def _finish(self, request: RenderRequest, future: Future[Entry], *, entry: Entry | None = None,
                error: BaseException | None = None) -> None:
        with self._lock:  # with the queue's change, so that a progress that takes over (report_to) counts it once
            _, began = self._running.pop(request.key, (request, time.monotonic()))
            self._urgent.discard(request.key)
            self._staged.pop(request.key, None)
            self._paused.pop(request.key, None)
            self._resume_if_free()
            self._lock.notify_all()  # a core came free: a waiting render may start
            if request.key in self._stopping:
                self._stopping.discard(request.key)
                self.progress.dropped(request)
            else:
                self.progress.finished(request, time.monotonic() - began, failed=error is not None)
        if error is None:
            future.set_result(entry)
        else:
            future.set_exception(error)
        self._changed()

    def _changed(self) -> None:
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:  # a listener's bug must not stop the worker thread that called it
                _log.exception("a render queue listener failed")

    def _render(self, request: RenderRequest) -> Entry:
        self.progress.started(request)
        staged = self.cache.staging(request.key)
        with self._lock:
            self._staged[request.key] = staged
            self._lock.notify_all()  # now it can be paused, should an urgent render be waiting
        try:
            job = RenderJob(request, out=staged, tex_dir=self.cache.tex_dir, site_scenes=self.site_scenes,
                            memory_limit=self.memory_limit)
            result = self.execute(job, timeout=self.timeout)
            shutil.rmtree(staged / "scratch", ignore_errors=True)
            for leftover in ("log.txt", manim_render.RESULT, PAUSE_FILE):
                (staged / leftover).unlink(missing_ok=True)
            entry = self.cache.publish(request.key, staged, result)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
        return entry

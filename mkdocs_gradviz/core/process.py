"""Runs one render job in a process of its own, with a timeout, and reads back what it left.

Manim's config is a process-wide global and Cairo/Pango are not thread-safe, so every render gets
a process of its own. Render processes are forked from a multiprocessing fork server that
imported Manim once, started on the first render, so a render does not pay for the import.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import multiprocessing.process
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import wait
from pathlib import Path
from typing import TypeVar

from mkdocs_gradviz.core import manim_render, manim_values
from mkdocs_gradviz.core.errors import CacheCorrupt, RenderError
from mkdocs_gradviz.core.job import RenderJob, RenderResult
from mkdocs_gradviz.core.manim_values import ValuesJob
from mkdocs_gradviz.core.pausing import PAUSE_FILE, RenderClock, pause_between_frames

_log = logging.getLogger(__name__)
T = TypeVar("T")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TAIL_LINES = 25
_LOW_DISK = 1024 * 1024  # below this much free space a failed render is put down to a full disk
#: Render processes running now, by process id, so that an interrupted build can stop them.
_running: set[int] = set()
_running_lock = threading.Lock()
#: The clock of each render running now, by its staging folder: its timeout counts active time only.
_clocks: dict[Path, RenderClock] = {}


def run_in_process(job: RenderJob, *, timeout: float) -> RenderResult:
    """Render ``job`` into ``job.out`` in a forked process; its result, or ``RenderError`` saying why not."""
    return _at_most_twice(lambda: _render_once(job, timeout=timeout), job.out,
                          f"the render process of {job.request.scene} ({job.request.theme})")


def values_in_process(job: ValuesJob, *, timeout: float) -> list[dict[str, str]]:
    """A block's ``values()`` for each of its runs, computed in a process forked like a render's; ``RenderError`` if not."""
    return _at_most_twice(lambda: _values_once(job, timeout=timeout), job.out,
                          f"the process computing the values of {job.scene}")


def _at_most_twice(attempt: Callable[[], T], out: Path, process: str) -> T:
    """``attempt()``, and once more if its process ended without a word (``_EndUnknown``).

    Status 255 with no report is also what multiprocessing says of a process whose fork server
    died (killed by the out-of-memory killer, say): a render must not fail for a server it does
    not control. The child code here never exits with 255, so a scene that does is tried twice, not forever.
    """
    try:
        return attempt()
    except _EndUnknown as lost:
        _log.info("%s %s; trying once more", process, lost)
        _start_afresh(out)
    try:
        return attempt()
    except _EndUnknown as lost:
        raise RenderError(f"{process} {lost} twice; its last output:\n{_tail(out / 'log.txt')}") from None


class _EndUnknown(Exception):
    """A render process ended with status 255 and left no report: gone with its fork server, or exit(255)."""

    def __str__(self) -> str:
        return "ended with status 255 and no report (it exited so, or the fork server that started it was lost)"


def _render_once(job: RenderJob, *, timeout: float) -> RenderResult:
    request = job.request
    process = _context().Process(target=_render_child, args=(job,), name=f"gradviz-{request.key[:8]}")
    clock = RenderClock()
    with _running_lock:
        if (job.out / PAUSE_FILE).exists():  # paused before it started
            clock.pause()
        _clocks[job.out] = clock
    _start(process)
    with _running_lock:
        _running.add(process.pid)
    try:
        # Unlike join(), wait() leaves an ended process unreaped: its id stays its own. Time spent
        # paused extends the timeout, so a wait that ends while the process runs on is resumed.
        while not wait([process.sentinel], clock.remaining(timeout)) and clock.remaining(timeout) > 0:
            pass
    finally:
        with _running_lock:
            _running.discard(process.pid)
            _clocks.pop(job.out, None)
        timed_out = process.exitcode is None
        if timed_out:  # also reached when the build itself is interrupted
            _kill_group(process.pid)
            process.join()
    if timed_out:
        raise RenderError(f"the render took longer than {timeout:g} s and was stopped "
                          "(raise the timeout option if the scene is meant to be this long)")
    staged = job.out
    if process.exitcode == 0 and (result := _read_report(staged / manim_render.RESULT)) is not None:
        try:
            return RenderResult.from_json(result, where=f"the render of {request.scene}")
        except CacheCorrupt as error:
            raise RenderError(str(error)) from None
    if (report := _read_report(staged / manim_render.ERROR)) is not None:
        raise RenderError(report["message"], line=report.get("line"))
    if shutil.disk_usage(staged).free < _LOW_DISK:
        raise RenderError(f"no space left on the disk holding the cache ({staged.parent.parent}); free some space "
                          "or point cache_dir elsewhere")
    if process.exitcode == 255:
        _stop_group(process.pid)  # it renders on if only its fork server was lost; seen ending a moment ago
        raise _EndUnknown
    how = (f"was killed by signal {signal.Signals(-process.exitcode).name}" if process.exitcode < 0
           else f"exited with status {process.exitcode}")
    raise RenderError(f"the render process {how}; its last output:\n{_tail(staged / 'log.txt')}")


def _start(process: multiprocessing.process.BaseProcess, *, tries: int = 40) -> None:
    """Start ``process``, giving a fork server that has just died the moment it needs to be replaced.

    Until the dead server is a zombie, multiprocessing takes it for alive and its socket refuses
    the connection; once it is, the next start launches a new server.
    """
    for attempt in range(tries):
        try:
            process.start()
            return
        except ConnectionRefusedError:
            if attempt == tries - 1:
                raise
            time.sleep(0.05)


def _start_afresh(out: Path) -> None:
    """Empty a staging folder for a second attempt, keeping its pause request."""
    for path in out.iterdir():
        if path.name == PAUSE_FILE:
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _stop_group(pid: int, *, within: float = 10.0) -> None:
    """Kill process group ``pid`` (a render and what it started) and wait until it is gone."""
    _kill_group(pid)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.05)


def _values_once(job: ValuesJob, *, timeout: float) -> list[dict[str, str]]:
    process = _context().Process(target=manim_values.run_in_child, args=(job,), name=f"gradviz-values-{job.scene}")
    _start(process)
    with _running_lock:
        _running.add(process.pid)
    try:
        wait([process.sentinel], timeout)
    finally:
        with _running_lock:
            _running.discard(process.pid)
        if process.exitcode is None:
            _kill_group(process.pid)
        process.join()
    if process.exitcode is None or process.exitcode < 0:
        raise RenderError(f"computing the values of {job.scene} did not finish (stopped after {timeout:g} s, or killed)")
    report = _read_report(job.out / manim_values.VALUES)
    if process.exitcode == 0 and report is not None:
        return report["values"]
    error = _read_report(job.out / manim_render.ERROR)
    if error is None and process.exitcode == 255:
        _stop_group(process.pid)  # it computes on if only its fork server was lost
        raise _EndUnknown
    raise RenderError(error["message"] if error else f"computing the values of {job.scene} failed:\n{_tail(job.out / 'log.txt')}")


def stop_running_renders() -> None:
    """Kill every render process running now, with what it started; each of their renders fails.

    For a build stopped before it collected its renders (Ctrl-C): nobody will use them, and
    waiting for them could take up to the timeout.
    """
    with _running_lock:  # a listed process has not been reaped yet, so its id cannot be another's
        for pid in _running:
            _kill_group(pid)


def pause_render(out: Path) -> None:
    """Pause the render writing into ``out`` before its next frame (or before its first, if not started yet)."""
    with _running_lock:
        (out / PAUSE_FILE).touch()
        if (clock := _clocks.get(out)) is not None:
            clock.pause()


def resume_render(out: Path) -> None:
    """Let the render writing into ``out`` go on; its timeout counts again from where it stood."""
    with _running_lock:
        (out / PAUSE_FILE).unlink(missing_ok=True)
        if (clock := _clocks.get(out)) is not None:
            clock.resume()


def start_fork_server() -> None:
    """Start the fork server now (it imports Manim), so that the first render need not wait for it."""
    _context()
    multiprocessing.forkserver.ensure_running()


def _render_child(job: RenderJob) -> None:
    """Body of a render process: a render that can be paused between frames (``pausing.py``)."""
    pause_between_frames(job.out)
    manim_render.run_in_child(job)


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


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


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

"""What a placeholder says while its block renders: running or waiting, its place in the queue, how long.

Estimates come from the cache's own history of render times (``timings.py``): the queue is played
forward on ``concurrency`` workers, each render taking the median of its scene's earlier times at
that size (or, for a scene never rendered at that size, the median of all scenes at it).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs_gradviz.core.timings import estimate, typical

if TYPE_CHECKING:
    from mkdocs_gradviz.core.job import RenderRequest
    from mkdocs_gradviz.core.render_queue import QueueSnapshot


@dataclass(frozen=True)
class Outlook:
    """Where one render stands."""

    running: bool
    position: int  # 1 for the next render to start; 0 while running
    elapsed: float  # seconds since it started; 0 while waiting
    left: float | None  # seconds until it is expected to be done; None when nothing can be estimated
    basis: int  # earlier renders of this scene at this size the estimate comes from (0: other scenes')
    paused: bool = False  # running, but paused while an edited block's renders run (pausing.py)


def forecast(snapshot: QueueSnapshot, history: dict[str, list[float]]) -> dict[str, Outlook]:
    """The outlook of every running and waiting render in ``snapshot``, by key."""
    outlooks: dict[str, Outlook] = {}
    free: list[float] = []  # when each worker is expected to be free, in seconds from now
    unknown = False  # once one duration is unknown, every later start time is too
    for request, elapsed in snapshot.running:
        seconds, basis = _duration(history, request)
        left = None if seconds is None else max(seconds - elapsed, 0.0)
        outlooks[request.key] = Outlook(True, 0, elapsed, left, basis, paused=request.key in snapshot.paused)
        unknown = unknown or left is None
        heapq.heappush(free, left or 0.0)
    free += [0.0] * max(0, snapshot.concurrency - len(free))
    heapq.heapify(free)
    for position, request in enumerate(snapshot.waiting, start=1):
        seconds, basis = _duration(history, request)
        start = heapq.heappop(free)
        done = None if unknown or seconds is None else start + seconds
        outlooks[request.key] = Outlook(False, position, 0.0, done, basis)
        unknown = unknown or seconds is None
        heapq.heappush(free, done or 0.0)
    return outlooks


def describe(outlooks: list[Outlook], quality: str) -> str:
    """One block's status in words, from the outlooks of its renders (one per theme variant) still to come."""
    running = [o for o in outlooks if o.running]
    lefts = [o.left for o in outlooks]
    left = None if not outlooks or None in lefts else max(lefts)
    if running and all(o.paused for o in running):
        # Its time left is the edited block's, which nothing here can estimate; the clock would mislead.
        return "paused while the block you just edited renders; it goes on where it stopped once that is done."
    if running:
        elapsed = max(o.elapsed for o in running)
        state = f"rendering now, {_duration_words(elapsed)} so far"
        if left is not None and left <= 0:
            return f"{state}, longer than earlier renders took."
    elif outlooks:
        state = f"waiting, {_ordinal(min(o.position for o in outlooks))} in the render queue"
    else:
        return "finishing."
    if left is None:
        return f"{state}; no estimate yet (no earlier render at {quality} quality to go by)."
    basis = min(o.basis for o in outlooks)
    where = (f"from {basis} earlier render{'s' if basis > 1 else ''} of this scene" if basis
             else "from other scenes: this one has not been rendered")
    return f"{state}; about {_duration_words(left)} to go (estimated {where} at {quality} quality)."


def _duration(history: dict[str, list[float]], request: RenderRequest) -> tuple[float | None, int]:
    seconds, basis = estimate(history, request)
    return (seconds, basis) if seconds is not None else (typical(history, request), 0)


def _duration_words(seconds: float) -> str:
    seconds = max(1, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"

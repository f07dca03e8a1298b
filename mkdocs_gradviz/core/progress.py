"""Progress of the render phase: through MkDocs' log during builds, as a live bar in the CLI."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging

    from mkdocs_gradviz.core.spec import RenderRequest


class RenderProgress:
    """Counts one build's renders as they are queued, started and finished; subclasses show it. Thread-safe.

    ``total`` is what the build will see finish: the renders it queued, plus those an earlier build
    left running (``carry``), minus those dropped before finishing (cancelled, or stopped).
    """

    def __init__(self, concurrency: int = 1) -> None:
        self.concurrency = max(1, concurrency)
        self.total = 0
        self.done = 0
        self.failed = 0
        self.seconds = 0.0
        self._lock = threading.Lock()

    def queued(self, request: RenderRequest) -> None:
        with self._lock:
            self.total += 1
        self.changed(request, None)

    def started(self, request: RenderRequest) -> None:
        self.changed(request, None)

    def carry(self, running: int) -> None:
        """Count ``running`` renders that an earlier build started and this one will see finish."""
        with self._lock:
            self.total += running

    def dropped(self, request: RenderRequest) -> None:
        """A render that will not finish after all: cancelled before it started, or stopped."""
        with self._lock:
            self.total -= 1
        self.changed(request, None)

    def finished(self, request: RenderRequest, seconds: float, failed: bool) -> None:
        with self._lock:
            self.done += 1
            self.failed += failed
            self.seconds += seconds
        self.changed(request, seconds)

    def eta(self) -> float | None:
        """Seconds left, from the mean render time so far and the number of parallel renders."""
        if not self.done:
            return None
        return (self.total - self.done) * (self.seconds / self.done) / self.concurrency

    def changed(self, request: RenderRequest, seconds: float | None) -> None:
        """Called after every event; ``seconds`` is set when ``request`` just finished."""


class LogProgress(RenderProgress):
    """One log line per finished render once the phase is long enough to be worth reporting."""

    def __init__(self, log: logging.Logger | logging.LoggerAdapter, concurrency: int = 1, *, after: float = 3.0) -> None:
        super().__init__(concurrency)
        self.log = log
        self.after = after
        self._began = time.monotonic()

    @classmethod
    def for_build(cls, log: logging.Logger | logging.LoggerAdapter, concurrency: int, *, serving: bool) -> LogProgress:
        """The progress lines of a build, or of a whole serve session.

        A build waits for its renders and its summary line counts them, so a short phase needs no
        lines of its own. Under serve, renders finish after the build that queued them ("still
        rendering in the background"): each one's line is the only word that it is done.
        """
        return cls(log, concurrency, after=0.0) if serving else cls(log, concurrency)

    def changed(self, request: RenderRequest, seconds: float | None) -> None:
        if seconds is None or time.monotonic() - self._began < self.after:
            return
        eta = self.eta()
        left = f", about {eta:.0f} s left" if eta and self.done < self.total else ""
        self.log.info("rendered %d/%d: %s (%s, %.1f s)%s", self.done, self.total, request.scene, request.theme,
                      seconds, left)

"""How long renders took, kept in the cache so that a placeholder can say how long the next one will take.

One small JSON file maps each scene at each size to its last few render times in seconds. It is
advice, not data a page is built from: a missing or damaged file only means "no estimate yet",
and it is replaced whole (written aside, then renamed) so no reader ever sees half of it.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs_gradviz.core.job import RenderRequest

#: Render times kept per scene and size; the estimate is their median, so one slow render does not skew it.
KEPT = 10


def timing_key(request: RenderRequest) -> str:
    """What render times are grouped by: the scene (its module for library and site scenes) and the size."""
    scene = f"{request.module}.{request.scene}" if request.module else f"{request.kind}:{request.scene}"
    return f"{scene}@{size_label(request)}"


def size_label(request: RenderRequest) -> str:
    """A request's size as people read it, e.g. ``854x480@15``; times are only comparable at one size."""
    return f"{request.width}x{request.height}@{request.fps}"


class RenderTimes:
    """The render-time history file of one cache."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, request: RenderRequest, seconds: float) -> None:
        """Remember that a render of ``request`` took ``seconds``; a cache that cannot be written is left as it is."""
        with self._lock:
            history = self.read()
            times = history.setdefault(timing_key(request), [])
            times.append(round(seconds, 2))
            del times[:-KEPT]
            with contextlib.suppress(OSError):  # advice only: a full disk must not fail the render that worked
                _replace(self.path, history)

    def read(self) -> dict[str, list[float]]:
        """Every recorded time by ``timing_key``; empty if the file is missing or damaged."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {key: [float(t) for t in times if isinstance(t, (int, float)) and t >= 0]
                for key, times in data.items() if isinstance(times, list)}


def estimate(history: dict[str, list[float]], request: RenderRequest) -> tuple[float | None, int]:
    """The median of earlier render times of ``request``'s scene at its size, and how many there were."""
    times = history.get(timing_key(request), [])
    return (statistics.median(times) if times else None), len(times)


def typical(history: dict[str, list[float]], request: RenderRequest) -> float | None:
    """The median render time of any scene at ``request``'s size: a stand-in for a scene never rendered."""
    suffix = "@" + size_label(request)
    times = [t for key, values in history.items() if key.endswith(suffix) for t in values]
    return statistics.median(times) if times else None


def _replace(path: Path, data: dict[str, list[float]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""Pausing a render between two frames, so that the block an author just saved gets every core.

A render is paused by a flag file in its staging folder: while the file exists, the render
process waits before writing its next frame (see ``pause_between_frames``), sleeping, its memory
kept. Pausing between frames rather than stopping the process (SIGSTOP) matters: between frames a
render holds no lock, whereas a stopped render could hold the shared LaTeX cache's lock on a
formula that the edited block then waits for; and a sleeping render still watches the build that
asked for it, so it ends with it (a stopped one would be left behind, stopped, if the build died).
The time a render spends paused does not count against its timeout (``RenderClock``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The flag file in a render's staging folder that pauses it before its next frame.
PAUSE_FILE = "paused"
#: How often a paused render looks whether it may go on: the delay it adds when resumed.
_POLL = 0.02


class RenderClock:
    """The active seconds of one render: wall time since it began, less the time it spent paused."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._began = now()
        self._paused_since: float | None = None
        self._paused = 0.0

    @property
    def paused(self) -> bool:
        return self._paused_since is not None

    def pause(self) -> None:
        if self._paused_since is None:
            self._paused_since = self._now()

    def resume(self) -> None:
        if self._paused_since is not None:
            self._paused += self._now() - self._paused_since
            self._paused_since = None

    def active(self) -> float:
        """Seconds the render has been allowed to run."""
        now = self._now()
        paused = self._paused + (now - self._paused_since if self._paused_since is not None else 0.0)
        return now - self._began - paused

    def remaining(self, timeout: float) -> float:
        """Seconds left of ``timeout``, counted in active time; 0 once it has run that long."""
        return max(0.0, timeout - self.active())


def pause_between_frames(out: Path) -> None:
    """In a render process: wait before each frame while ``out``'s pause file exists.

    One ``stat`` per frame when not paused, microseconds beside a frame's milliseconds.
    """
    from manim.scene.scene_file_writer import SceneFileWriter

    flag = str(out / PAUSE_FILE)
    write_frame = SceneFileWriter.write_frame

    def write_frame_unless_paused(self: SceneFileWriter, *args: Any, **kwargs: Any) -> None:
        while os.path.exists(flag):
            time.sleep(_POLL)
        return write_frame(self, *args, **kwargs)

    SceneFileWriter.write_frame = write_frame_unless_paused

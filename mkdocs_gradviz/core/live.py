"""Under a server: one status file per placeholder in the served site, kept up to date as renders go.

The player script of an open page polls the status files of that page's placeholders and swaps the
figure in when its file says the block is done. A finished render thus changes only the pages
that show it, in place, and never reloads a page; pages with nothing pending poll nothing.

Files are written aside and renamed into place, so the server never serves half of one. A build
owns the site folder (it empties it first), so nothing is written between ``pause`` and ``show``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs_gradviz.core.forecast import forecast

if TYPE_CHECKING:
    from mkdocs_gradviz.core.build import BuildRun
    from mkdocs_gradviz.core.render_queue import RenderQueue
    from mkdocs_gradviz.core.timings import RenderTimes

_log = logging.getLogger(__name__)


class LiveStatus:
    """The status files of the latest served build's placeholders."""

    def __init__(self, renderer: RenderQueue, times: RenderTimes, *, interval: float = 1.0) -> None:
        self.renderer = renderer
        self.times = times
        #: Seconds between refreshes when the queue does not change (so "12 s so far" keeps counting).
        self.interval = interval
        self._lock = threading.Lock()
        self._run: BuildRun | None = None
        self._site: Path | None = None
        self._written: dict[str, str] = {}  # status file -> the JSON it holds
        self._due: dict[str, tuple[str, dict[str, str]]] = {}  # status file -> JSON and render files to write
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        renderer.subscribe(self.refresh)

    def pause(self) -> None:
        """A build is about to empty and rewrite the site folder: write nothing until ``show``."""
        with self._lock:
            self._run = None

    def show(self, run: BuildRun, site_dir: Path) -> None:
        """``run`` has written its pages into ``site_dir``: from now on keep its placeholders' status files."""
        with self._lock:
            self._run, self._site = run, site_dir
            # An open page may ask for a placeholder of the previous build before its live reload:
            # tell it the block was replaced (the build emptied the folder) rather than answer 404.
            replaced = json.dumps({"state": "replaced"})
            self._due = {status: (replaced, {}) for status, text in self._written.items() if text != replaced}
            self._written.clear()
            if self._ticker is None:
                self._ticker = threading.Thread(target=self._tick, name="gradviz-live-status", daemon=True)
                self._ticker.start()
        self.refresh()

    def refresh(self) -> None:
        """Bring every placeholder's status file up to date with the render queue."""
        with self._lock:
            run, site = self._run, self._site
            if run is None or site is None:
                return
            if placeholders := run.placeholders():
                outlooks = forecast(self.renderer.snapshot(), self.times.read())
                for index in placeholders:
                    status, state, files = run.live_state(index, outlooks)
                    text = json.dumps(state, sort_keys=True)
                    if self._written.get(status) != text:
                        self._due[status] = (text, files)
            for status, (text, files) in list(self._due.items()):
                try:
                    for target, source in files.items():  # the video first, so a swapped-in figure finds it
                        _copy(Path(source), site / target)
                    _write(site / status, text)
                except OSError:
                    continue  # the site folder is going away (shutdown) or full; tried again next time
                self._written[status] = text
                del self._due[status]

    def close(self) -> None:
        """Stop the periodic refresh."""
        self._stop.set()
        if self._ticker is not None and self._ticker is not threading.current_thread():
            self._ticker.join()

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.refresh()
            except Exception:  # keep counting for the other placeholders
                _log.exception("could not update the status of a block still rendering")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def _copy(source: Path, target: Path) -> None:
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)

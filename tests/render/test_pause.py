"""Background renders paused for an edited block: they resume and finish, or die with their server.

Real renders at tiny size. Each waits on events: a file the scene writes once it has written
frames, the queue's own change notifications, a process's exit; never on a clock.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

import av
import psutil
import pytest

from mkdocs_gradviz.core.cache import RenderCache
from mkdocs_gradviz.core.job import RenderRequest
from mkdocs_gradviz.core.render_queue import BACKGROUND, RenderQueue

EVENT = 120  # seconds: only a safety net against a hang, never a measure of speed
EDITED = (-2, 0)  # the queue priority of an edited block's render (edits.py)
#: A scene that writes ``started`` in its working folder once it has written frames, then plays on
#: (if ``gated``, only once a file ``go`` appears there: a tiny render writes the rest of its frames
#: in a few hundredths of a second, before a pause asked for after ``started`` could take effect).
SLOW_SCENE = """\
import time
from pathlib import Path

class Slow(Scene):
    def construct(self):
        square = Square()
        self.add(square)
        self.wait(0.5)
        Path("started").touch()
        while {gated} and not Path("go").exists():
            time.sleep(0.02)
        self.play(Rotate(square, {turn}), run_time={seconds})
"""


def scene_request(name: str, seconds: float, turn: float = 1.0, *, gated: bool = False) -> RenderRequest:
    """A code block's render at tiny size (256x144, 10 fps): 0.5 s still, then ``seconds`` of rotation."""
    code = SLOW_SCENE.format(seconds=seconds, turn=turn, gated=gated)
    key = hashlib.sha256(f"{name}\n{code}".encode()).hexdigest()
    return RenderRequest("code", "Slow", "", {}, code, 256, 144, 10, "dark", key)


def wait_for_file(pattern: str, root: Path) -> Path:
    """The first file matching ``pattern`` under ``root``, once it exists."""
    deadline = time.monotonic() + EVENT
    while time.monotonic() < deadline:
        if found := sorted(root.glob(pattern)):
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"nothing matched {pattern} under {root}")


@pytest.fixture
def cache(tmp_path: Path) -> RenderCache:
    cache = RenderCache(tmp_path / "cache")
    cache.prepare()
    return cache


def test_a_paused_background_render_resumes_and_completes_with_a_valid_entry(cache: RenderCache) -> None:
    """An edit's render on a one-process queue runs while the background render is paused; both end in the cache."""
    queue = RenderQueue(cache, site_scenes=None, concurrency=1, timeout=600, memory_limit=0)
    paused_while_edit_ran = threading.Event()
    background_request, edited_request = scene_request("background", 4.0, gated=True), scene_request("edited", 1.0, 2.0)

    def watch() -> None:
        snapshot = queue.snapshot()
        running = {request.key for request, _ in snapshot.running}
        if edited_request.key in running and background_request.key in snapshot.paused:
            paused_while_edit_ran.set()

    queue.subscribe(watch)
    finished: list[str] = []
    try:
        background = queue.submit(background_request, priority=BACKGROUND)
        background.add_done_callback(lambda _: finished.append("background"))
        started = wait_for_file(f"{background_request.key}.*/scratch/started", cache.staging_root)  # frames written
        edited = queue.submit(edited_request, priority=EDITED)
        edited.add_done_callback(lambda _: finished.append("edited"))
        assert paused_while_edit_ran.wait(EVENT)
        (started.parent / "go").touch()  # the background's rotation: its first frame meets the pause
        edited_entry = edited.result(timeout=EVENT)
        background_entry = background.result(timeout=EVENT)
    finally:
        queue.shutdown(stop_running=True)
    assert paused_while_edit_ran.is_set()
    assert finished == ["edited", "background"]  # with one process and no pausing, the edit would wait
    for entry in (edited_entry, background_entry):
        assert cache.lookup(entry.key) == entry  # sealed, verified
        assert sorted(p.name for p in entry.path.iterdir()) == ["manifest.json", "poster.png", "video.mp4"]
    with av.open(str(background_entry.path / "video.mp4")) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == 45  # 0.5 s + 4 s at 10 fps: every frame, none lost or doubled by the pause


#: The server of the next test: a one-process queue, a background render paused for an edit.
SERVER = """\
import json, sys, threading
from pathlib import Path
from mkdocs_gradviz.core.cache import RenderCache
from mkdocs_gradviz.core.job import RenderRequest
from mkdocs_gradviz.core.render_queue import BACKGROUND, RenderQueue

cache = RenderCache(Path(sys.argv[1]))
cache.prepare()
queue = RenderQueue(cache, site_scenes=None, concurrency=1, timeout=600, memory_limit=0)
background, edited = (RenderRequest(**json.loads(line)) for line in sys.argv[2:4])
paused = threading.Event()
queue.subscribe(lambda: paused.set() if background.key in queue.snapshot().paused else None)
queue.submit(background, priority=BACKGROUND)
def wait_until_started(request):
    while not list(cache.staging_root.glob(request.key + ".*/scratch/started")):
        threading.Event().wait(0.05)

wait_until_started(background)
queue.submit(edited, priority=(-2, 0))
paused.wait()
wait_until_started(edited)
print("paused", flush=True)
if sys.stdin.readline().strip() == "shutdown":
    queue.shutdown(stop_running=True)  # what a failed or interrupted build does
    print("shut down", flush=True)
threading.Event().wait()  # until killed
"""


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "shutdown"])
def test_ending_the_server_while_renders_are_paused_leaves_no_entry_and_no_process(tmp_path: Path, how: str) -> None:
    """Killing the queue's process (or shutting its queue down) with a render paused ends every render, publishing none."""
    root = tmp_path / "cache"
    # Gated, so that neither can finish first: a tiny render of 30 s of video takes about a second,
    # which a loaded machine can let pass before the processes are counted.
    background, edited = scene_request("background", 30.0, gated=True), scene_request("edited", 30.0, gated=True)
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(root), *(json.dumps(asdict(r)) for r in (background, edited))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    with server:
        try:
            renders, alive = end_while_paused(server, how)
        finally:
            server.kill()  # Popen's exit waits for it
    assert len(renders) == 2  # the paused render and the edit's, both running when the server ended
    assert alive == []  # none is left behind, stopped (state T) or running
    cache = RenderCache(root)
    assert cache.lookup(background.key) is None and cache.lookup(edited.key) is None
    assert not any((root / "entries").iterdir())


def end_while_paused(server: subprocess.Popen, how: str) -> tuple[list[psutil.Process], list[psutil.Process]]:
    """Once ``server`` says a render is paused, end it ``how``; its render processes, and those still alive after."""
    assert server.stdout.readline().strip() == "paused"
    descendants = psutil.Process(server.pid).children(recursive=True)
    renders = [p for p in descendants if p.ppid() != server.pid]  # the fork server's children
    if how == "shutdown":
        server.stdin.write("shutdown\n")
        server.stdin.flush()
        assert server.stdout.readline().strip() == "shut down"
        ending = renders  # the server lives on, and so does its fork server
    else:
        os.kill(server.pid, getattr(signal, how))
        server.wait(timeout=EVENT)
        ending = descendants
    _, alive = psutil.wait_procs(ending, timeout=EVENT)
    return renders, alive

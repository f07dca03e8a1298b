"""The render queue under ``mkdocs serve``: edited first, obsolete renders cancelled, truthful estimates.

Renders here are gated: a test decides when each one finishes, and waits on events (never on a
clock) for each to start, so what is tested is the scheduling and nothing else.
"""

from __future__ import annotations

import functools
import json
import queue
import threading
from collections import defaultdict
from concurrent.futures import wait
from pathlib import Path

import pytest

from mkdocs_gradviz.core import engine
from mkdocs_gradviz.core.cache import RenderCache
from mkdocs_gradviz.core.edits import EditTracker
from mkdocs_gradviz.core.errors import RenderError
from mkdocs_gradviz.core.forecast import Outlook, describe, forecast
from mkdocs_gradviz.core.job import RenderRequest, RenderResult
from mkdocs_gradviz.core.render_queue import BACKGROUND, QueueSnapshot, RenderQueue
from mkdocs_gradviz.core.timings import KEPT, RenderTimes, timing_key

RESULT = RenderResult(width=256, height=144, duration=1.0, codec="h264", pix_fmt="yuv420p")
EVENT = 60  # seconds: only a safety net against a hang, never a measure of speed


class Gates:
    """Which renders have started, and the switch that lets each one finish."""

    def __init__(self) -> None:
        self.started: queue.Queue[str] = queue.Queue()
        self.open: dict[str, threading.Event] = defaultdict(threading.Event)
        self.failing: set[str] = set()

    def next_started(self) -> str:
        return self.started.get(timeout=EVENT)

    def finish(self, name: str) -> None:
        self.open[name].set()


class GatedRenderer(RenderQueue):
    """The real queue and workers around a render that starts and ends when the test says."""

    def __init__(self, cache: RenderCache, *, gates: Gates, **options) -> None:
        super().__init__(cache, **{"site_scenes": None, "timeout": 60, "memory_limit": 0, **options})
        self.gates = gates

    def _render(self, request: RenderRequest):
        name = _name(request)
        self.gates.started.put(name)
        assert self.gates.open[name].wait(EVENT), f"{name} was never let finish"
        if name in self.gates.failing:
            raise RenderError(f"{name} failed on purpose")
        staged = self.cache.staging(request.key)
        (staged / "video.mp4").write_bytes(b"a stand-in video")
        (staged / "poster.png").write_bytes(b"a stand-in poster")
        return self.cache.publish(request.key, staged, RESULT)


def _name(request: RenderRequest) -> str:
    return str(request.params.get("word", request.scene))


def request(name: str) -> RenderRequest:
    """A render of a scene of its own called ``name`` (its times are its own), at tiny size."""
    return RenderRequest("scene", name, "words", {"word": name}, "", 256, 144, 10, "dark", f"key-{name}")


@pytest.fixture
def gates() -> Gates:
    return Gates()


@pytest.fixture
def renderer(tmp_path: Path, gates: Gates):
    cache = RenderCache(tmp_path / "cache")
    cache.prepare()
    gated = GatedRenderer(cache, gates=gates, concurrency=1)
    yield gated
    for event in gates.open.values():
        event.set()
    gated.shutdown()


def occupy(renderer: GatedRenderer, gates: Gates) -> None:
    """Start one render that holds the only worker until the test finishes it."""
    renderer.submit(request("busy"))
    assert gates.next_started() == "busy"


def start_order(gates: Gates, count: int) -> list[str]:
    """Finish the running render, then each one that starts next; the order they started in."""
    gates.finish("busy")
    order = []
    for _ in range(count):
        order.append(gates.next_started())
        gates.finish(order[-1])
    return order


def test_latest_edit_goes_first_then_its_page_then_older_edits_then_the_background(renderer, gates) -> None:
    """Renders start by edit recency, the edited block before the rest of its page, the background last in order."""
    occupy(renderer, gates)
    for name, priority in [("background-1", BACKGROUND), ("older-page", (-1, 1)), ("background-2", BACKGROUND),
                           ("older-block", (-1, 0)), ("latest-page", (-2, 1)), ("latest-block", (-2, 0))]:
        renderer.submit(request(name), priority=priority)
    assert start_order(gates, 6) == ["latest-block", "latest-page", "older-block", "older-page",
                                     "background-1", "background-2"]


def test_a_waiting_render_asked_for_again_more_urgently_moves_up(renderer, gates) -> None:
    """Submitting a waiting key again with a higher priority moves it up; a lower one never moves it down."""
    occupy(renderer, gates)
    first = renderer.submit(request("first"))
    second = renderer.submit(request("second"))
    assert renderer.submit(request("second"), priority=(-1, 1)) is second
    assert renderer.submit(request("second"), priority=BACKGROUND) is second
    assert [r.key for r in renderer.snapshot().waiting] == ["key-second", "key-first"]
    assert start_order(gates, 2) == ["second", "first"]
    assert wait([first, second], timeout=EVENT).not_done == set()


def test_retain_cancels_obsolete_renders_that_have_not_started(renderer, gates) -> None:
    """A waiting render no block needs any more is cancelled and never runs; a running one finishes."""
    occupy(renderer, gates)
    obsolete = renderer.submit(request("obsolete"))
    kept = renderer.submit(request("kept"))
    assert renderer.retain({"key-kept"}) == ["key-obsolete"]
    assert obsolete.cancelled()
    assert start_order(gates, 1) == ["kept"]
    assert kept.result(timeout=EVENT).key == "key-kept"
    assert renderer.snapshot() == QueueSnapshot((), (), 1)
    assert renderer.cache.lookup("key-obsolete") is None, "the obsolete render never ran"
    again = renderer.submit(request("obsolete"))
    assert again is not obsolete and not again.cancelled(), "asked for again (an edit undone), it renders"


def test_a_cancelled_future_is_skipped_and_shutdown_cancels_what_waits(renderer, gates) -> None:
    """A future cancelled while waiting never starts; shutdown cancels the rest and lets the running one finish."""
    occupy(renderer, gates)
    cancelled = renderer.submit(request("cancelled"))
    waiting = renderer.submit(request("waiting"))
    assert cancelled.cancel()
    assert [r.key for r in renderer.snapshot().waiting] == ["key-waiting"]
    gates.finish("busy")
    assert gates.next_started() == "waiting"
    stopper = threading.Thread(target=renderer.shutdown)
    stopper.start()
    gates.finish("waiting")
    stopper.join(EVENT)
    assert not stopper.is_alive()
    assert waiting.result(timeout=0).key == "key-waiting"
    with pytest.raises(RuntimeError):
        renderer.submit(request("late"))


def test_listeners_hear_every_change_and_durations_are_recorded_for_successes_only(renderer, gates) -> None:
    """A listener is called on queue, start and finish; the cache keeps the time of each successful render."""
    changes = []
    renderer.subscribe(lambda: changes.append(renderer.snapshot()))
    gates.failing.add("broken")
    good, bad = renderer.submit(request("good")), renderer.submit(request("broken"))
    gates.finish("good")
    gates.finish("broken")
    assert wait([good, bad], timeout=EVENT).not_done == set()
    assert isinstance(bad.exception(), RenderError)
    renderer.shutdown()  # the workers have called the listeners of the last finish by now
    assert any(snapshot.running for snapshot in changes) and changes[-1].running == ()
    history = renderer.cache.times.read()
    assert list(history) == [timing_key(request("good"))] and len(history[timing_key(request("good"))]) == 1


def test_render_times_keep_the_latest_few_and_survive_a_damaged_file(tmp_path: Path) -> None:
    """The history keeps the last KEPT times per scene and size, is replaced whole, and a damaged file reads as empty."""
    times = RenderTimes(tmp_path / "times.json")
    for seconds in range(KEPT + 3):
        times.record(request("x"), float(seconds))
    assert times.read() == {timing_key(request("x")): [float(s) for s in range(3, KEPT + 3)]}
    assert [p.name for p in tmp_path.iterdir()] == ["times.json"], "no temporary file is left behind"
    (tmp_path / "times.json").write_text('{"words.x@256x144@10": [1.0, 2', encoding="utf-8")
    assert times.read() == {}
    times.record(request("x"), 4.0)
    assert json.loads((tmp_path / "times.json").read_text()) == {timing_key(request("x")): [4.0]}


@pytest.mark.parametrize(("running", "waiting", "history", "expected"), [
    # One worker busy for 10 s more; two renders of 20 s each wait behind it.
    ([("a", 5.0)], ["b", "c"], {"a": [15.0], "b": [20.0], "c": [20.0]},
     {"a": Outlook(True, 0, 5.0, 10.0, 1), "b": Outlook(False, 1, 0.0, 30.0, 1), "c": Outlook(False, 2, 0.0, 50.0, 1)}),
    # A scene never rendered at this size is estimated from the others (basis 0).
    ([], ["a", "new"], {"a": [10.0, 30.0, 20.0]},
     {"a": Outlook(False, 1, 0.0, 20.0, 3), "new": Outlook(False, 2, 0.0, 40.0, 0)}),
    # Nothing rendered at this size yet: no estimate for anyone.
    ([("a", 3.0)], ["b"], {}, {"a": Outlook(True, 0, 3.0, None, 0), "b": Outlook(False, 1, 0.0, None, 0)}),
    # A render paused for an edited block is marked so.
    ([("p", 8.0)], [], {"p": [10.0]}, {"p": Outlook(True, 0, 8.0, 2.0, 1, paused=True)}),
])
def test_forecast_plays_the_queue_forward_on_the_workers(running, waiting, history, expected) -> None:
    """Each render's place and time left come from the queue order and the median of its scene's earlier times."""
    times = {timing_key(request(name)): values for name, values in history.items()}
    snapshot = QueueSnapshot(tuple((request(n), elapsed) for n, elapsed in running),
                             tuple(request(n) for n in waiting), 1, frozenset({"key-p"}))
    assert forecast(snapshot, times) == {f"key-{name}": outlook for name, outlook in expected.items()}


@pytest.mark.parametrize(("outlooks", "words"), [
    ([Outlook(False, 3, 0.0, 95.0, 4)], ("waiting, 3rd in the render queue; about 1 min 35 s to go "
                                         "(estimated from 4 earlier renders of this scene at low quality).")),
    ([Outlook(True, 0, 12.0, 8.0, 1)], ("rendering now, 12 s so far; about 8 s to go "
                                        "(estimated from 1 earlier render of this scene at low quality).")),
    ([Outlook(True, 0, 12.0, 0.0, 1)], "rendering now, 12 s so far, longer than earlier renders took."),
    ([Outlook(True, 0, 2.0, 30.0, 0), Outlook(False, 1, 0.0, 60.0, 0)],
     ("rendering now, 2 s so far; about 1 min to go (estimated from other scenes: this one has not been "
      "rendered at low quality).")),
    ([Outlook(False, 11, 0.0, None, 0)],
     "waiting, 11th in the render queue; no estimate yet (no earlier render at low quality to go by)."),
    # Paused for an edited block: no clock running on, no estimate that cannot hold.
    ([Outlook(True, 0, 40.0, 5.0, 2, paused=True), Outlook(True, 0, 41.0, 6.0, 2, paused=True)],
     "paused while the block you just edited renders; it goes on where it stopped once that is done."),
    # One variant paused, the other still rendering: the block is rendering.
    ([Outlook(True, 0, 40.0, 5.0, 2, paused=True), Outlook(True, 0, 3.0, 6.0, 2)],
     ("rendering now, 40 s so far; about 6 s to go (estimated from 2 earlier renders of this scene at low "
      "quality).")),
])
def test_a_placeholder_says_where_its_renders_stand(outlooks, words) -> None:
    """The status text names running or the place in the queue, and an estimate with what it is based on."""
    assert describe(outlooks, "low") == words


def test_edit_tracker_ranks_edited_blocks_then_edited_pages_then_the_rest() -> None:
    """The first build is all background; later, a new key is an edited block and a changed page an edited page."""
    edits = EditTracker()
    edits.next_build()
    assert not edits.page_edited("a.md", "one") and edits.priority("k1", page_edited=False) == BACKGROUND
    edits.next_build()
    assert edits.page_edited("a.md", "two")
    assert edits.page_edited("b.md", "new"), "a page added while serving counts as edited"
    assert edits.priority("k2", page_edited=True) == (-2, 0)
    assert edits.priority("k1", page_edited=True) == (-2, 1)
    assert edits.priority("k1", page_edited=False) == BACKGROUND
    edits.next_build()
    assert not edits.page_edited("a.md", "two"), "an unchanged page is not edited again"
    assert edits.priority("k3", page_edited=False) == (-3, 0), "a new key on an unchanged page: a scene module edit"


# --- the same through real `mkdocs serve` builds -------------------------------------------------

def page(*words: str) -> str:
    return "# Page\n\n" + "\n".join(f"```gradviz\nscene: Label\nword: {word}\n```\n" for word in words)


@pytest.fixture
def gated_site(site, gates, monkeypatch):
    """A site whose renders are gated, served with one render at a time."""
    monkeypatch.setattr(engine, "RenderQueue", functools.partial(GatedRenderer, gates=gates))
    site.configure(plugin="theme: dark\nconcurrency: 1\n")
    yield site
    for event in gates.open.values():
        event.set()
    site.stop_serving()


def statuses(site) -> dict[str, dict]:
    """Each status file of the served site, by file name."""
    return {path.name: json.loads(path.read_text(encoding="utf-8"))
            for path in (site.site / "assets" / "gradviz" / "status").glob("*.json")}


def test_saving_a_page_puts_its_edited_block_first_and_cancels_the_render_it_replaced(gated_site, gates) -> None:
    """After an edit, the edited block renders next, then the rest of its page, then other pages; the old key never."""
    gated_site.page("a.md", page("a1", "a2"))
    gated_site.page("b.md", page("b1", "b2"))
    plugin = gated_site.serve_build()
    assert gates.next_started() == "a1"
    old = plugin.run

    gated_site.page("b.md", page("b1", "b2-edited"))
    plugin = gated_site.serve_build()
    obsolete = old._pending[next(r.key for b in old.blocks for r in b.requests if _name(r) == "b2")]
    assert obsolete.cancelled(), "the render the edit replaced was cancelled before it started"

    gates.finish("a1")
    order = []
    for _ in range(3):
        order.append(gates.next_started())
        gates.finish(order[-1])
    assert order == ["b2-edited", "b1", "a2"]
    wait(plugin.run.unfinished(), timeout=EVENT)
    assert gates.started.empty(), "b2 was never rendered"


def test_an_obsolete_render_already_running_is_never_shown(gated_site, gates) -> None:
    """A block edited while its render runs shows the new render's progress, never the old render's video."""
    gated_site.page("index.md", page("first"))
    first_key = gated_site.serve_build().run.blocks[0].requests[0].key
    assert gates.next_started() == "first"

    gated_site.page("index.md", page("second"))
    plugin = gated_site.serve_build()
    (placeholder,) = plugin.run.placeholders()
    gates.finish("first")
    assert gates.next_started() == "second"
    plugin.engine.live.refresh()
    old, state = sorted(statuses(gated_site).values(), key=lambda state: state["state"] != "replaced")
    assert old == {"state": "replaced"}, "a page still showing the old placeholder is told, not answered 404"
    assert state["state"] == "rendering" and "html" not in state
    assert (gated_site.root / ".cache" / "gradviz" / "entries" / first_key).is_dir(), "the old render finished"
    served = [p.read_text(errors="ignore") for p in gated_site.site.rglob("*") if p.is_file()]
    assert not any(first_key in text for text in served), "nothing in the served site shows the old render"

    gates.finish("second")
    wait(plugin.run.unfinished(), timeout=EVENT)
    plugin.engine.live.refresh()
    (state,) = [state for state in statuses(gated_site).values() if state["state"] != "replaced"]
    second_key = plugin.run.blocks[0].requests[0].key
    assert state["state"] == "done" and f"{second_key}.mp4" in state["html"] and first_key not in state["html"]
    assert placeholder not in plugin.run.placeholders()

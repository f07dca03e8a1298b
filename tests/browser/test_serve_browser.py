"""``mkdocs serve`` in Chromium: a finished render swaps into its page in place and reloads nothing.

The server is MkDocs' own LiveReloadServer, set up as ``mkdocs serve`` does, in this process, so
that the test decides when each render finishes: the renders are real, but each waits for the test
to open its gate. Every wait is for an event in the page or the queue, never for a fixed time.
"""

from __future__ import annotations

import functools
import queue
import tempfile
import textwrap
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer
from playwright.sync_api import Browser, Page
from support.paths import FIXTURE_SCENES
from support.waiting import free_port

from mkdocs_gradviz.core import engine
from mkdocs_gradviz.core.render_queue import RenderQueue

EVENT = 60_000  # ms: a safety net against a hang, never a measure of speed
FILLER = "\n".join(f"Paragraph {n}: a line of prose long enough to wrap once or twice in a reading column, so that "
                   "the page scrolls well past one screen.\n" for n in range(1, 30))
PLAYING = "```gradviz\nscene: Pulse\nradius: 1.5\ncaption: Already rendered\n```\n"


def gated(word: str, caption: str, *, table: bool = False) -> str:
    """A block whose render waits for the test; with ``table`` its figure is taller than its placeholder."""
    if table:
        return f"```gradviz\nscene: Pulse\nradius: 0.7\ntable: true\ncaption: {caption}\n```\n"
    return f"```gradviz\nscene: Label\nword: {word}\ncaption: {caption}\n```\n"


def gate_of(request) -> str:
    """The name a render is gated by: the Label's word, or ``table`` for the Pulse with a step table."""
    return str(request.params.get("word", "table" if request.params.get("radius") == 0.7 else ""))


class Gates:
    """Renders that wait for the test: which have started, and the switch that lets each finish."""

    def __init__(self, words: set[str]) -> None:
        self.words = words
        self.started: queue.Queue[str] = queue.Queue()
        self.open: dict[str, threading.Event] = defaultdict(threading.Event)

    def finish(self, word: str) -> None:
        self.open[word].set()


class GatedRenderer(RenderQueue):
    """The real renderer, except that a gated block's render waits for its gate before it runs."""

    def __init__(self, *args, gates: Gates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gates = gates

    def _render(self, request):
        word = gate_of(request)
        if word in self.gates.words:
            self.gates.started.put(word)
            assert self.gates.open[word].wait(EVENT / 1000)
        return super()._render(request)


@dataclass
class Served:
    """A project served by MkDocs' live-reload server on ``url``, its gated renders in ``gates``."""

    url: str
    gates: Gates
    server: LiveReloadServer
    builds: list[str] = field(default_factory=list)

    def assert_no_rebuild_coming(self) -> None:
        """No watched file has changed: let the watcher look now and deliver what it saw, then check."""
        for emitter in self.server.observer.emitters:
            emitter.queue_events(timeout=0)
        self.server.observer.event_queue.join()
        assert not self.server._want_rebuild and self.builds == ["first"], "no rebuild, so no page reloads"


def _project(root: Path, pages: dict[str, str]) -> Path:
    """A Material site whose Pulse block is already in the cache, the other blocks not yet rendered."""
    (root / "docs").mkdir(parents=True)
    (root / "scenes").symlink_to(FIXTURE_SCENES, target_is_directory=True)
    (root / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: gradviz serve test
        theme:
          name: material
          font: false
          features: [navigation.instant]
        plugins:
          - gradviz:
              quality: tiny
              serve_quality: tiny
              theme: dark
              concurrency: 1
              scenes_dir: scenes
        markdown_extensions:
          - pymdownx.superfences
        """), encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Warm-up\n\n" + PLAYING, encoding="utf-8")
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "prebuilt"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)  # renders the Pulse block into the cache
    finally:
        config.plugins.on_shutdown()
    for name, text in pages.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    return root / "mkdocs.yml"


@contextmanager
def serving(config_file: Path, words: set[str]) -> Iterator[Served]:
    """Serve the project as ``mkdocs serve`` does (live reload on), with the renders of ``words`` gated."""
    gates = Gates(words)
    site_dir = tempfile.mkdtemp(prefix="gradviz-serve-")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"

    def get_config():
        config = load_config(str(config_file), site_dir=site_dir)
        config.site_url = url
        return config

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "RenderQueue", functools.partial(GatedRenderer, gates=gates))
        config = get_config()
        config.plugins.on_startup(command="serve", dirty=False)
        served = Served(url, gates, None)

        def builder() -> None:
            served.builds.append("rebuild")
            build(get_config(), serve_url=url)

        served.server = server = LiveReloadServer(builder=builder, host="127.0.0.1", port=port, root=site_dir)
        try:
            build(config, serve_url=url)
            served.builds.append("first")
            server.watch(config.docs_dir)
            server.watch(str(config_file))
            server = config.plugins.on_serve(server, config=config, builder=server.builder)
            thread = threading.Thread(target=server.serve, daemon=True)
            thread.start()
            yield served
        finally:
            for event in gates.open.values():
                event.set()
            server.shutdown(wait=thread.is_alive() if "thread" in locals() else False)
            config.plugins.on_shutdown()


def _open(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(url)
    page.evaluate("window.sameDocument = true")  # a reload would drop it
    return page


def _pending(page: Page) -> int:
    return page.locator("figure.gradviz-pending").count()


def _wait_pending(page: Page, count: int) -> None:
    page.wait_for_function("n => document.querySelectorAll('figure.gradviz-pending').length === n", arg=count,
                           timeout=EVENT)


@pytest.mark.parametrize("anchoring", [True, False], ids=["scroll-anchoring", "no-scroll-anchoring"])
def test_a_finished_render_swaps_in_without_moving_the_view_or_stopping_a_video(tmp_path: Path, browser: Browser,
                                                                                 anchoring: bool) -> None:
    """With two renders pending, each finishing turns its placeholder into the figure; scroll and playback stay.

    The figure above the view is taller than its placeholder (a step table); without the browser's
    scroll anchoring (Safari before 2024) the player keeps the view still itself.
    """
    config = _project(tmp_path, {"index.md": "# Serve\n\n" + gated("table", "Above", table=True) + FILLER
                                 + PLAYING + FILLER + gated("below", "Below")})
    with serving(config, {"table", "below"}) as served:
        page = _open(browser, served.url)
        if not anchoring:
            page.add_style_tag(content="* { overflow-anchor: none !important; }")
        assert _pending(page) == 2
        for caption, says in (("Above", "rendering now"), ("Below", "waiting, 1st in the render queue")):
            page.wait_for_function("([caption, says]) => Array.from(document.querySelectorAll('figure.gradviz-pending'))"
                                   ".some(f => f.innerText.includes(caption) && f.innerText.includes(says))",
                                   arg=[caption, says], timeout=EVENT)

        playing = page.locator("figure.gradviz", has=page.locator("figcaption", has_text="Already rendered"))
        playing.evaluate("f => f.scrollIntoView({block: 'center'})")
        video = playing.locator("video")
        page.wait_for_function("v => !v.paused && v.currentTime > 0.1", arg=video.element_handle(), timeout=EVENT)
        video.evaluate("v => { v.dataset.sameElement = 'yes'; }")
        where = "() => document.querySelectorAll('figure.gradviz')[1].getBoundingClientRect().top"
        view = page.evaluate(where)  # where the playing figure is in the window: what the reader sees
        above = page.locator("figure.gradviz-pending").first.bounding_box()
        assert above["y"] + above["height"] < 0, "the first placeholder is above the reader's view"

        for word, left in (("table", 1), ("below", 0)):
            served.gates.finish(word)
            _wait_pending(page, left)
            served.assert_no_rebuild_coming()
            assert page.evaluate("window.sameDocument") is True, "no reload"
            assert page.evaluate(where) == pytest.approx(view, abs=1), f"the view moved when {word} finished"
            assert video.evaluate("v => v.dataset.sameElement") == "yes"
            page.wait_for_function("v => !v.paused && v.currentTime > 0", arg=video.element_handle(), timeout=EVENT)

        for caption in ("Above", "Below"):
            figure = page.locator("figure.gradviz", has=page.locator("figcaption", has_text=caption))
            assert figure.get_attribute("data-gradviz-ready") == "true" and figure.get_attribute("data-gradviz-show")
            assert figure.locator("video").get_attribute("src").endswith(".mp4")
        page.close()


def test_a_page_with_nothing_pending_is_not_reloaded_or_polling(tmp_path: Path, browser: Browser) -> None:
    """A render finishing for another page reloads nothing here, and a page with no placeholder asks for no status."""
    config = _project(tmp_path, {"index.md": "# Busy\n\n" + gated("elsewhere", "Elsewhere"),
                                 "quiet.md": "# Quiet\n\n" + PLAYING})
    with serving(config, {"elsewhere"}) as served:
        quiet = _open(browser, served.url + "quiet/")
        asked: list[str] = []
        quiet.on("request", lambda request: asked.append(request.url))
        busy = _open(browser, served.url)
        assert _pending(busy) == 1 and _pending(quiet) == 0

        served.gates.finish("elsewhere")
        _wait_pending(busy, 0)
        served.assert_no_rebuild_coming()
        assert busy.evaluate("window.sameDocument") is True
        # A reload would start a new document without the marker; Material's own same-document
        # history updates are not reloads, so the marker is the measure, not navigation events.
        assert quiet.evaluate("window.sameDocument") is True
        assert not [url for url in asked if "/status/" in url]
        quiet.close()
        busy.close()

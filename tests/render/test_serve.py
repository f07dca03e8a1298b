"""``mkdocs serve``: pages come at once with placeholders; finished renders reach them in place, errors too."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from concurrent.futures import wait
from html import unescape

import av
import pytest
from support.paths import FIXTURE_SCENES
from support.waiting import PATIENCE, fetch, poll

BROKEN = "class Broken(Scene):\n    def construct(self):\n        self.wait(0.1)\n        x = 1 / 0\n"
STATUS = re.compile(r'data-gradviz-status="([^"]+)"')
#: A placeholder figure (``embed.pending_html``); every page links the player's gradviz-pending.js, placeholder or not.
PLACEHOLDER = re.compile(r'<figure class="gradviz[^"]*gradviz-pending".*?</figure>', re.DOTALL)


def settle(plugin) -> None:
    """Wait for the build's renders, then bring the status files up to date (as a finished render does)."""
    wait(plugin.run.unfinished(), timeout=PATIENCE)
    plugin.engine.live.refresh()


def shown(site, page: str = "index.html") -> str:
    """The page as the player shows it: each placeholder replaced by what its status file holds."""
    html = site.html(page)
    folder = (site.site / page).parent

    def swapped(match: re.Match) -> str:
        state = json.loads((folder / STATUS.search(match.group(0)).group(1)).read_text(encoding="utf-8"))
        return state.get("html", match.group(0))

    return PLACEHOLDER.sub(swapped, html)


def test_serve_shows_placeholders_then_swaps_in_videos_and_errors_in_place(site) -> None:
    """The first build does not wait; each placeholder's status file then carries its video or its error."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", "# T\n\n```gradviz\n" + BROKEN + "```\n\n```gradviz\nscene: Label\ncaption: Soon\n```\n")
    plugin = site.serve_build()
    try:
        first = site.html()
        assert first.count('aria-busy="true"') == 2 and len(PLACEHOLDER.findall(first)) == 2
        # What the page says while its renders run (a tiny render may be over by the time the page is
        # written, and then it says "finishing."); the status file may already hold the result.
        assert re.search(r"<strong>Label</strong>: <span data-gradviz-status-text>(waiting|rendering|finishing)", first)
        assert "<figcaption>Soon</figcaption>" in first
        for url in STATUS.findall(first):
            state = json.loads((site.site / url).read_text(encoding="utf-8"))
            assert state["state"] in ("waiting", "rendering", "done", "failed"), state

        settle(plugin)
        now = shown(site)
        assert not PLACEHOLDER.search(now) and 'aria-busy="true"' not in now
        assert "gradviz could not render the block at docs/index.md:7" in now
        assert "ZeroDivisionError: division by zero" in now
        (video,) = re.findall(r'<video src="([^"]+)"', now)
        assert (site.site / video).is_file(), "the finished render is copied into the served site"
        assert site.html() == first, "the page itself is not rebuilt or reloaded"

        site.serve_build()
        rebuilt = site.html()
        assert not PLACEHOLDER.search(rebuilt) and not STATUS.search(rebuilt), "the next build shows no placeholder"
        assert rebuilt.count("<video ") == 1, "the next build embeds it"
        assert "ZeroDivisionError" in rebuilt
    finally:
        plugin.on_shutdown()


FAULTY = '''"""A site scene for the serve tests."""

from manim import Circle, Create, Scene

__all__ = ["Faulty"]


class Faulty(Scene):
    """A circle."""

    def construct(self) -> None:
        self.play(Create(Circle()), run_time=0.3)
'''


@pytest.mark.parametrize(("options", "environment", "size"), [
    ("quality: tiny\nserve_quality: low\n", {}, (854, 480)),  # serve renders at serve_quality, not quality
    ("quality: low\nserve_quality: low\n", {"GRADVIZ_SERVE_QUALITY": "tiny"}, (256, 144)),  # the variable wins
    ("quality: low\nserve_quality: tiny\n", {"GRADVIZ_QUALITY": "low"}, (256, 144)),  # GRADVIZ_QUALITY is not serve's
], ids=["serve_quality", "GRADVIZ_SERVE_QUALITY", "GRADVIZ_QUALITY leaves serve alone"])
def test_serve_renders_at_the_serve_quality(site, monkeypatch, options: str, environment: dict[str, str],
                                            size: tuple[int, int]) -> None:
    """Under serve a block renders at serve_quality, or GRADVIZ_SERVE_QUALITY when set; quality is for builds."""
    for name in ("GRADVIZ_QUALITY", "GRADVIZ_SERVE_QUALITY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    site.root.joinpath("mkdocs.yml").write_text(site.root.joinpath("mkdocs.yml").read_text(encoding="utf-8").replace(
        "      quality: tiny\n      serve_quality: tiny\n", textwrap.indent(options, " " * 6)), encoding="utf-8")
    site.page("index.md", "# T\n\n```gradviz theme=\"dark\"\nscene: Label\nword: draft\n```\n")
    plugin = site.serve_build()
    try:
        settle(plugin)
        (video,) = re.findall(r"<video [^>]*>", shown(site))
    finally:
        plugin.on_shutdown()
    assert f'width="{size[0]}" height="{size[1]}"' in video
    (entry,) = plugin.run.blocks[0].entries.values()
    with av.open(str(entry.video)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == size


@pytest.mark.parametrize(("breakage", "message"), [
    ("import not_a_module_anywhere\n", "No module named 'not_a_module_anywhere'"),  # fails inside the render
    ("def broken(:\n", "invalid Python"),  # fails when the library is read
])
def test_a_broken_scene_module_shows_its_error_on_every_page_and_clears_when_fixed(site, breakage, message) -> None:
    """Every page using a scene whose module cannot load shows the module's error; fixing it brings the videos."""
    (site.root / "scenes").unlink()
    shutil.copytree(FIXTURE_SCENES, site.root / "scenes")
    module = site.root / "scenes" / "faulty.py"
    module.write_text(breakage + FAULTY, encoding="utf-8")
    site.configure(plugin="theme: dark\n")
    for name in ("index.md", "other.md"):
        site.page(name, f"# {name}\n\n```gradviz\nscene: Faulty\n```\n")
    plugin = site.serve_build()
    try:
        settle(plugin)
        for page in ("index.html", "other/index.html"):
            assert message in unescape(shown(site, page)), page

        module.write_text(FAULTY, encoding="utf-8")
        plugin = site.serve_build()
        settle(plugin)
        for page in ("index.html", "other/index.html"):
            assert "<video " in shown(site, page) and "gradviz-error" not in shown(site, page), page
    finally:
        plugin.on_shutdown()


def epoch(html: str) -> str:
    """The site version MkDocs' live-reload script in a served page knows; a rebuild changes it."""
    return re.search(r"livereload\((\d+), \d+\)", html).group(1)


def swapped_in(url: str, html: str) -> set[str]:
    """Poll each placeholder's status file of a served page as the player does; the videos they bring."""
    videos = set(re.findall(r'<video src="([^"]+)"', html))
    for status in STATUS.findall(html):
        state = json.loads(poll(url + status, lambda text: '"html"' in text))
        videos |= set(re.findall(r'<video src="([^"]+)"', state["html"]))
    return videos


def test_real_mkdocs_serve_renders_in_the_background_and_rerenders_only_edits(site) -> None:
    """A real server answers with placeholders that turn into videos without a rebuild; an edit re-renders one block."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", "# T\n\n```gradviz\nscene: Label\nword: one\n```\n\n```gradviz\nscene: Pulse\n```\n")
    log = site.root / "serve.log"
    with site.real_serve(log) as url:
        first = poll(url, lambda html: "gradviz" in html)
        assert len(STATUS.findall(first)) == 2, "the page is served before the renders finish"
        before = swapped_in(url, first)
        assert len(before) == 2
        assert epoch(fetch(url)) == epoch(first), "finished renders rebuild nothing"

        (site.docs / "index.md").write_text("# T\n\n```gradviz\nscene: Label\nword: two\n```\n\n```gradviz\nscene: Pulse\n```\n")
        edited = poll(url, lambda html: epoch(html) != epoch(first))
        assert len(STATUS.findall(edited)) == 1 and edited.count("<video ") == 1
        after = swapped_in(url, edited)
        assert len(after - before) == 1, "only the edited block has a new video"
    reports = [tuple(int(n or 0) for n in r) for r in re.findall(
        r"(\d+) videos? rendered, (\d+) reused from cache, \d+ failed, [\d.]+ s rendering"
        r"(?:, (\d+) still rendering in the background)?", log.read_text())]
    assert reports == [(0, 0, 2), (0, 1, 1)], "two builds: the first, and the edit's; finished renders rebuild nothing"

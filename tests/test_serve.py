"""``mkdocs serve``: pages come at once with placeholders, videos arrive by rebuild, errors show in place."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import wait

from mkdocs.commands.build import build
from mkdocs.config import load_config

BROKEN = "class Broken(Scene):\n    def construct(self):\n        self.wait(0.1)\n        x = 1 / 0\n"


def serve_build(site):
    """One build as ``mkdocs serve`` runs it; returns the live plugin."""
    config = load_config(str(site.root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")
    return config.plugins["gradviz"]


def test_serve_shows_placeholders_then_videos_and_errors_in_place(site) -> None:
    """The first build does not wait; a finished render stamps the watched folder; the rebuild embeds it."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", "# T\n\n```gradviz\n" + BROKEN + "```\n\n```gradviz\nscene: Label\ncaption: Soon\n```\n")
    plugin = serve_build(site)
    try:
        first = site.html()
        assert first.count('aria-busy="true"') == 2 and "Rendering <strong>Label</strong>" in first
        assert "<figcaption>Soon</figcaption>" in first
        wait(plugin.run.unfinished(), timeout=120)
        time.sleep(0.2)  # done-callbacks run right after the futures complete
        assert (site.root / ".cache" / "gradviz" / "ready" / "stamp").is_file()

        serve_build(site)
        second = site.html()
        assert "gradviz-pending" not in second
        assert "gradviz could not render the block at docs/index.md:7" in second
        assert "ZeroDivisionError: division by zero" in second
        assert second.count("<video ") == 1
    finally:
        plugin.on_shutdown()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def poll(url: str, ready, seconds: float = 120) -> str:
    """The page at ``url`` once ``ready(html)`` holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            html = fetch(url)
            if ready(html):
                return html
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never became ready")


def sources(html: str) -> set[str]:
    return set(re.findall(r'<video src="([^"]+)"', html))


def finished(html: str) -> bool:
    return "gradviz-pending" not in html and html.count("<video ") == 2


def test_real_mkdocs_serve_renders_in_the_background_and_rerenders_only_edits(site) -> None:
    """A real server answers with a placeholder, then the video; editing one block re-renders just it."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", "# T\n\n```gradviz\nscene: Label\nword: one\n```\n\n```gradviz\nscene: Pulse\n```\n")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = site.root / "serve.log"
    with open(log, "w") as output:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}",
                                   "-f", str(site.root / "mkdocs.yml")], cwd=site.root, stdout=output,
                                  stderr=subprocess.STDOUT)
    try:
        first = poll(url, lambda html: "gradviz" in html)
        assert "gradviz-pending" in first, "the page is served before the renders finish"
        videos = poll(url, finished)
        (site.docs / "index.md").write_text("# T\n\n```gradviz\nscene: Label\nword: two\n```\n\n```gradviz\nscene: Pulse\n```\n")
        before = sources(videos)
        edited = poll(url, lambda html: finished(html) and sources(html) != before)
        assert len(sources(edited) - before) == 1, "only the edited block has a new video"
    finally:
        server.terminate()
        server.wait(timeout=30)
    reports = [tuple(int(n or 0) for n in r) for r in re.findall(
        r"(\d+) videos? rendered, (\d+) reused from cache, \d+ failed, [\d.]+ s rendering"
        r"(?:, (\d+) still rendering in the background)?", log.read_text())]
    assert reports[0] == (0, 0, 2), "the first build starts both renders and waits for neither"
    assert all(sum(report) == 2 for report in reports), reports  # every render counted once, as what it was
    assert (0, 1, 1) in reports[1:], "the edit renders one block and reuses the other"

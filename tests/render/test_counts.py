"""Every count gradviz prints equals what happened: the build line, the progress lines, the CLI table.

And a failed build ends its own work: renders still running when it fails are stopped, say nothing
afterwards and leave nothing in the cache.
"""

from __future__ import annotations

import re
from concurrent.futures import wait
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from support.waiting import PATIENCE, poll, wait_for_file, wait_until

from mkdocs_gradviz.cli import build_site, main
from mkdocs_gradviz.core.progress import RenderProgress

STILL = "```gradviz\nclass Still(Scene):\n    def construct(self):\n        self.add(Square())\n```\n"
BROKEN = "```gradviz theme=\"dark\"\nclass Broken(Scene):\n    def construct(self):\n        self.wait(0.1)\n        1 / 0\n```\n"
INVALID = "```gradviz\nscene: Pulse\nradius: many\n```\n"


def held(name: str, folder: Path) -> str:
    """A code block whose render says it started (``<folder>/<name>.started``), then runs until ``<folder>/release`` exists."""
    started, release = folder / f"{name}.started", folder / "release"
    return (f"```gradviz\nimport pathlib, time\n\nclass {name}(Scene):\n    def construct(self):\n"
            f"        pathlib.Path({str(started)!r}).touch()\n"
            f"        while not pathlib.Path({str(release)!r}).exists():\n            time.sleep(0.02)\n"
            f"        self.wait(0.1)\n```\n")


class Recording(RenderProgress):
    """A progress display that remembers every state it was asked to show."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[tuple[int, int]] = []

    def changed(self, request, seconds) -> None:
        self.shown.append((self.done, self.total))


def entries(site) -> set[str]:
    folder = site.root / ".cache" / "gradviz" / "entries"
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def test_build_line_progress_and_table_count_what_happened(site, capsys, monkeypatch) -> None:
    """Renders made, reused and failed are each counted once, as what they were, everywhere they are shown."""
    site.page("cached.md", "```gradviz\nscene: Label\nword: kept\n```\n")
    site.build()
    before = entries(site)
    site.page("index.md", "\n".join([STILL, "```gradviz\nscene: Pulse\n```\n", BROKEN, INVALID]))
    progress = Recording()
    config = load_config(str(site.root / "mkdocs.yml"))
    with pytest.raises(Abort):
        build_site(config, progress=progress)
    report = config.plugins["gradviz"].run.report
    gained = entries(site) - before
    assert len(gained) == 4 and (report.rendered, report.images) == (4, 2)
    assert report.line().startswith("5 blocks, 2 videos and 2 images rendered, 2 reused from cache, 2 failed")
    assert (progress.total, progress.done, progress.failed) == (5, 5, 1), "five renders started: four made, one failed"
    assert all(done <= total for done, total in progress.shown)

    monkeypatch.chdir(site.root)
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["render"]) == 1
    out = capsys.readouterr().out
    rows = {line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:4]]
            for line in out.splitlines() if line.startswith("│ docs/")}
    assert rows == {"docs/cached.md:1": ["Label", "2 videos"], "docs/index.md:1": ["Still", "2 images"],
                    "docs/index.md:7": ["Pulse", "2 videos"], "docs/index.md:11": ["Broken", "0"],
                    "docs/index.md:18": ["Pulse", "0"]}
    assert "5 blocks, 0 videos rendered, 6 reused from cache, 2 failed" in out, "the failed block is tried again"


def test_serve_rebuild_counts_renders_still_running_from_the_build_before(site, tmp_path: Path) -> None:
    """A rebuild's progress counts the renders an earlier build left running: never more done than total."""
    site.configure(plugin="theme: dark\nconcurrency: 2\n")
    site.page("index.md", held("Slow", tmp_path))
    config = load_config(str(site.root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    plugin = config.plugins["gradviz"]
    first, second = Recording(), Recording()
    try:
        plugin.progress = first
        build(config, serve_url="http://127.0.0.1:8000/")
        site.page("index.md", held("Slow", tmp_path) + "\n" + "```gradviz\nscene: Label\nword: quick\n```\n")
        plugin.progress = second
        build(config, serve_url="http://127.0.0.1:8000/")  # Slow is still running: it waits for the release
        (tmp_path / "release").touch()
        wait(plugin.run.unfinished(), timeout=PATIENCE)
    finally:
        plugin.on_shutdown()
    assert (second.total, second.done) == (2, 2), "the rebuild sees the slow render it inherited, and its own"
    assert all(done <= total for done, total in first.shown + second.shown)


def test_real_mkdocs_serve_progress_lines_never_count_past_their_total(site, tmp_path: Path) -> None:
    """Under a real `mkdocs serve`, every "rendered k/n" line after an edit has k <= n and names each render once."""
    site.configure(plugin="theme: dark\nconcurrency: 2\n")
    site.page("index.md", held("Slow", tmp_path))
    log = site.root / "serve.log"
    with site.real_serve(log) as url:
        poll(url, lambda html: "gradviz" in html)
        wait_for_file(tmp_path / "Slow.started")
        # The edit's rebuild inherits Slow, still running, and starts Quick beside it.
        site.page("index.md", held("Slow", tmp_path) + "\n" + held("Quick", tmp_path))
        wait_for_file(tmp_path / "Quick.started")
        (tmp_path / "release").touch()
        wait_until(lambda: log.read_text().count("rendered ") >= 2, "two renders reported in the server's log")
    lines = re.findall(r"rendered (\d+)/(\d+): (\w+)", log.read_text())
    assert sorted(scene for _, _, scene in lines) == ["Quick", "Slow"], lines
    assert all(int(done) <= int(total) for done, total, _ in lines), lines


def test_a_failed_build_stops_its_running_renders(site, caplog) -> None:
    """When a block fails, its other render still running is stopped: nothing is logged after the errors, nothing cached."""
    site.configure(plugin="concurrency: 2\n")
    site.page("index.md", "```gradviz\nimport os, threading\n\nclass Half(Scene):\n    def construct(self):\n"
              "        if os.environ['GRADVIZ_THEME'] == 'dark':\n            raise ValueError('the dark half fails')\n"
              "        threading.Event().wait()\n        self.wait(0.1)\n```\n")  # only stopping it ends it
    with pytest.raises(Abort):
        site.build()
    messages = [record.getMessage() for record in caplog.records]
    failure = next(i for i, m in enumerate(messages) if m.startswith("gradviz could not render 1 block(s)"))
    assert "docs/index.md:7: ValueError: the dark half fails" in messages[failure]
    assert any("1 block, 0 videos rendered, 0 reused from cache, 1 failed" in m and m.endswith(
        ", 1 render stopped as the build failed") for m in messages[:failure])
    assert not [m for m in messages[failure:] if re.search(r"rendered \d+/\d+", m)], "no render reports after the failure"
    assert entries(site) == set() and not any((site.root / ".cache" / "gradviz" / "staging").iterdir())

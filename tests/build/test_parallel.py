"""Renders run side by side: proved by two scenes that can only finish together, not by a stopwatch."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

#: How long a scene waits for its partner before giving up: longer than the timeouts below, so
#: that a render left waiting is stopped by the timeout, which the build reports.
PATIENCE = 120
#: The timeout of the side-by-side build: a render that meets its partner takes a second or two, so
#: this fails quickly if renders ran one at a time, yet leaves room for a busy machine.
TIMEOUT = 30


def rendezvous_page(folder: Path) -> str:
    """Two code blocks whose scenes each leave a marker, then wait for the other's before finishing.

    Run one at a time, the first waits for a partner that cannot start until it ends.
    """
    blocks = []
    for mine, other in (("a", "b"), ("b", "a")):
        blocks.append(f"""\
```gradviz
import pathlib, time
class Meet{mine.upper()}(Scene):
    def construct(self):
        pathlib.Path({str(folder / mine)!r}).touch()
        deadline = time.monotonic() + {PATIENCE}
        while not pathlib.Path({str(folder / other)!r}).exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the other render never started")
            time.sleep(0.02)
        self.play(Create(Circle()), run_time=0.2)
```
""")
    return "\n".join(blocks)


def test_two_renders_run_at_the_same_time(site, tmp_path: Path) -> None:
    """With concurrency 2, two renders that each wait for the other both finish."""
    site.configure(plugin=f"theme: dark\nconcurrency: 2\ntimeout: {TIMEOUT}\n")
    site.page("index.md", rendezvous_page(tmp_path))
    report = site.build().run.report
    assert (report.rendered, report.failed) == (2, 0)
    assert (tmp_path / "a").exists() and (tmp_path / "b").exists()


def test_the_rendezvous_fails_when_renders_run_one_at_a_time(site, caplog, tmp_path: Path) -> None:
    """With concurrency 1 the first waiting render is stopped by the timeout: the test above detects serial renders."""
    site.configure(plugin="theme: dark\nconcurrency: 1\ntimeout: 2\n")
    site.page("index.md", rendezvous_page(tmp_path))
    with pytest.raises(Abort):
        site.build()
    assert "docs/index.md:1: the render took longer than 2 s and was stopped" in caplog.text
    assert (tmp_path / "a").exists()

"""Renders run side by side: proved by two scenes that can only finish together, not by a stopwatch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

#: How long a scene waits for its partner: only a hang (renders run one at a time) takes this long.
PATIENCE = 240


def rendezvous_page(folder: Path, patience: float) -> str:
    """Two code blocks whose scenes each leave a marker, then wait for the other's before finishing.

    Run one at a time, the first waits for a partner that cannot start until it ends, and gives up
    after ``patience`` seconds of waiting inside ``construct`` (it has started by then: no race
    with a slow start).
    """
    blocks = []
    for mine, other in (("a", "b"), ("b", "a")):
        blocks.append(f"""\
```gradviz
import pathlib, time
class Meet{mine.upper()}(Scene):
    def construct(self):
        pathlib.Path({str(folder / mine)!r}).touch()
        deadline = time.monotonic() + {patience}
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
    site.configure(plugin="theme: dark\nconcurrency: 2\n")
    # Each waits as long as a hang would take: run side by side they meet at once, however loaded the machine.
    site.page("index.md", rendezvous_page(tmp_path, patience=PATIENCE))
    report = site.build().run.report
    assert (report.rendered, report.failed) == (2, 0)
    assert (tmp_path / "a").exists() and (tmp_path / "b").exists()


def test_the_rendezvous_fails_when_renders_run_one_at_a_time(site, caplog, tmp_path: Path) -> None:
    """With concurrency 1 the first render waits in vain and gives up: the test above would detect serial renders."""
    site.configure(plugin="theme: dark\nconcurrency: 1\n")
    # One at a time, the partner cannot start while the first waits, whatever the patience: a short one will do.
    site.page("index.md", rendezvous_page(tmp_path, patience=1))
    with pytest.raises(Abort):
        site.build()
    # Whichever starts first waits in vain (its raise is on line 9 or 23); its partner then runs alone and finishes.
    failures = re.findall(r"docs/index.md:(\d+): RuntimeError: the other render never started", caplog.text)
    assert failures in (["9"], ["23"]), caplog.text
    assert (tmp_path / "a").exists() and (tmp_path / "b").exists(), "the second started only after the first gave up"

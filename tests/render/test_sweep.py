"""Sweeps: one parameter given as a list of values, each value its own render, chosen in the page."""

from __future__ import annotations

import html
import json
import re

import pytest
from mkdocs.exceptions import Abort

SWEEP = """\
# Sweep

```gradviz
scene: Pulse
radius: {values}
sweep: radius
theme: dark
table: true
caption: "A circle of radius {{radius}}, not {{diameter}}"
```
"""


def test_adding_a_value_renders_only_that_value(site) -> None:
    """A sweep given one more value renders exactly one new entry; the others come from the cache."""
    site.page("index.md", SWEEP.format(values="[0.5, 1]"))
    assert site.build().run.report.rendered == 2
    entries = site.root / ".cache" / "gradviz" / "entries"
    before = {path.name for path in entries.iterdir()}
    site.page("index.md", SWEEP.format(values="[0.5, 1, 2]"))
    report = site.build().run.report
    assert (report.rendered, report.cached) == (1, 2)
    assert len({path.name for path in entries.iterdir()} - before) == 1


def test_the_figure_shows_the_first_value_and_carries_the_others(site) -> None:
    """The page shows value 1 with a labelled control; each value has its files, text alternative, caption and table."""
    site.page("index.md", SWEEP.format(values="[0.5, 1.5]"))
    site.build()
    figure = re.search(r"<figure .*?</figure>", site.html(), re.DOTALL).group(0)
    assert '<fieldset class="gradviz-sweep" hidden><legend>radius</legend>' in figure
    assert re.findall(r'<input type="radio" value="(\d)"( checked)?><span>([^<]*)</span>', figure) == [
        ("0", " checked", "0.5"), ("1", "", "1.5")]
    assert "<figcaption>A circle of radius 0.5, not {diameter}</figcaption>" in figure
    values = json.loads(html.unescape(re.search(r'data-gradviz-values="([^"]*)"', figure).group(1)))
    assert [value["text"] for value in values] == ["0.5", "1.5"]
    second = values[1]["media"]["dark"]
    assert second["label"] == "A circle of radius 1.5, not {diameter}. A circle of radius 1.5 grows in over 1 s."
    assert (site.site / second["src"]).is_file() and (site.site / second["poster"]).is_file()
    template = re.search(r'<template data-gradviz-value="1">(.*?)</template>', figure).group(1)
    assert "<figcaption>A circle of radius 1.5, not {diameter}</figcaption>" in template
    assert '<tr data-gradviz-row="0"><td>1</td><td>1.5</td></tr>' in template


def test_a_sweep_longer_than_max_sweep_stops_the_build_with_page_and_line(site, caplog) -> None:
    """The site's max_sweep bounds every sweep; the error names page and line."""
    site.configure(plugin="max_sweep: 2\n")
    site.page("index.md", SWEEP.format(values="[0.5, 1, 2]"))
    with pytest.raises(Abort):
        site.build()
    assert "docs/index.md:5: the sweep of 'radius' lists 3 values; at most 2 are allowed" in caplog.text

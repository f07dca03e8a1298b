"""Sweeps without rendering: the values a block lists are checked, keyed and limited like single values."""

from __future__ import annotations

import pytest
from support.paths import FIXTURE_SCENES

from mkdocs_gradviz.core.errors import ConfigError, SpecError
from mkdocs_gradviz.core.library import SceneLibrary
from mkdocs_gradviz.core.settings import Settings
from mkdocs_gradviz.core.spec import parse_block, requests_for

LIBRARY = SceneLibrary(FIXTURE_SCENES)


ENVIRONMENT = {"manim": "1", "render_code": "a"}



def parse(body: str, header: dict[str, str] | None = None, *, max_sweep: int = 8):
    return parse_block(body, header or {}, LIBRARY, allow_code=True, max_sweep=max_sweep)



def keys(spec, theme: str = "auto") -> list[str]:
    return [r.key for r in requests_for(spec, quality="tiny", theme=theme, library=LIBRARY, environment=ENVIRONMENT)]



def test_a_sweep_lists_checked_values_and_runs_each() -> None:
    """Each value is checked like the parameter itself; the spec runs once per value with the others unchanged."""
    spec = parse("scene: Pulse\nradius: [0.5, 1, 2]\nsweep: radius\nseconds: 2\n")
    assert spec.sweep == "radius" and spec.sweep_values == (0.5, 1.0, 2.0)
    assert spec.params["radius"] == 0.5
    assert [run["radius"] for run in spec.runs()] == [0.5, 1.0, 2.0]
    assert all(run["seconds"] == 2.0 and run["style"] == "solid" for run in spec.runs())



def test_each_value_is_keyed_as_the_same_block_with_that_value_alone() -> None:
    """A sweep's renders are the renders of its values as single blocks: two variants each, in value order."""
    swept = keys(parse("scene: Pulse\nradius: [0.5, 1, 2]\nsweep: radius\n"))
    alone = [key for radius in ("0.5", "1", "2") for key in keys(parse(f"scene: Pulse\nradius: {radius}\n"))]
    assert swept == alone and len(set(swept)) == 6



def test_the_header_can_name_the_swept_parameter_and_list_parameters_sweep_lists() -> None:
    """sweep may come from the fence header; a list parameter sweeps over lists."""
    spec = parse("scene: Pulse\nvalues:\n  - [1, 2]\n  - [3]\n", {"sweep": "values"})
    assert spec.sweep_values == ([1.0, 2.0], [3.0])


BAD = {
    "unknown parameter": ("scene: Pulse\nsweep: radios\nradius: [1, 2]\n", {}, 8,
                          "unknown parameter 'radios' for scene Pulse; did you mean 'radius'?", 2),
    "no list": ("scene: Pulse\nradius: 1\nsweep: radius\n", {}, 8,
                "'sweep: radius' needs a list of at least two values for radius, e.g. radius: [1.0, …]", 2),
    "one value": ("scene: Pulse\nradius: [1]\nsweep: radius\n", {}, 8, "at least two values", 2),
    "values missing": ("scene: Pulse\nsweep: radius\n", {}, 8, "needs a list of values for radius in the block", 2),
    "too many": ("scene: Pulse\nradius: [0.5, 1, 1.5]\nsweep: radius\n", {}, 2,
                 "the sweep of 'radius' lists 3 values; at most 2 are allowed (site option max_sweep)", 2),
    "out of range, on its own line": ("scene: Pulse\nsweep: radius\nradius:\n  - 1\n  - 30\n", {}, 8,
                                      "parameter 'radius' = 30.0 is out of range", 5),
    "wrong type": ("scene: Pulse\nradius: [1, big]\nsweep: radius\n", {}, 8, "parameter 'radius' must be a float", 2),
    "twice": ("scene: Pulse\nradius: [1, 2, 1.0]\nsweep: radius\n", {}, 8, "the sweep of 'radius' lists 1.0 twice", 2),
    "a list without sweep": ("scene: Pulse\nradius: [1, 2]\n", {}, 8,
                             "must be a float, not [1, 2]; to let readers compare these values, add 'sweep: radius'", 2),
    "a block option": ("scene: Pulse\nsweep: caption\ncaption: [a, b]\n", {}, 8, "unknown parameter 'caption'", 2),
    "a code block": ("class A(Scene):\n    pass\n", {"sweep": "radius"}, 8, "sweep works in scene blocks only", None),
}



@pytest.mark.parametrize("body, header, limit, message, line", BAD.values(), ids=BAD.keys())
def test_bad_sweeps_are_refused_with_their_line(body: str, header: dict, limit: int, message: str, line) -> None:
    """Each bad sweep names what is wrong and the block line at fault."""
    with pytest.raises(SpecError) as caught:
        parse(body, header, max_sweep=limit)
    assert message in str(caught.value)
    assert caught.value.line == line



def test_max_sweep_is_a_checked_site_option() -> None:
    """max_sweep defaults to 8 and must be a whole number of at least 1."""
    assert Settings().max_sweep == 8
    assert Settings.from_mapping({"max_sweep": 3}, where="mkdocs.yml").max_sweep == 3
    with pytest.raises(ConfigError, match="max_sweep must be at least 1"):
        Settings.from_mapping({"max_sweep": 0}, where="mkdocs.yml")

"""Block bodies become validated specs; bad ones become clear errors."""

from __future__ import annotations

import pytest
from support.paths import FIXTURE_SCENES

from mkdocs_gradviz.core.errors import SpecError
from mkdocs_gradviz.core.library import SceneLibrary
from mkdocs_gradviz.core.spec import parse_block

LIBRARY = SceneLibrary(FIXTURE_SCENES)


def parse(body: str, header: dict[str, str] | None = None, *, allow_code: bool = True):
    return parse_block(body, header or {}, LIBRARY, allow_code=allow_code)


def test_library_reads_signatures_without_importing_manim() -> None:
    """Parameters, types, defaults, ranges and docs come from the source text."""
    pulse = LIBRARY.get("Pulse")
    radius = pulse.param("radius")
    assert (radius.kind, radius.default, radius.low, radius.high) == ("float", 1.0, 0.1, 3)
    assert radius.doc == "Circle radius in scene units."
    assert pulse.param("style").choices == ("solid", "thick")
    assert pulse.param("values").kind == "list[float]"
    assert {p.name for p in pulse.sources} == {"shapes.py", "_shared.py", "_params.py"}


def test_scene_block_fills_defaults_and_splits_html_options() -> None:
    """Parameters not given take their defaults; caption and width are HTML options."""
    spec = parse("scene: Pulse\nradius: 2\ncaption: Big circle\nwidth: 300")
    assert spec.kind == "scene" and spec.scene == "Pulse"
    assert spec.params == {"radius": 2.0, "seconds": 1.0, "style": "solid", "values": [1.0, 2.0]}
    assert spec.caption == "Big circle" and spec.width == "300px"


def test_header_options_apply_to_code_blocks() -> None:
    """Options in the fence header configure code blocks."""
    spec = parse("class A(Scene):\n    def construct(self):\n        pass\n", {"caption": "Hi", "autoplay": "false"})
    assert spec.kind == "code" and spec.scene == "A" and spec.caption == "Hi" and spec.player == {"autoplay": False}


BAD = {
    "empty": ("", {}, "empty gradviz block"),
    "yaml syntax": ("scene: Pulse\nradius: [1, 2\n", {}, "invalid YAML: expected ',' or ']'"),
    "yaml list": ("- scene: Pulse\n", {}, "neither a YAML mapping nor valid Python"),
    "no scene key": ("radius: 2\n", {}, "needs 'scene:"),
    "unknown scene": ("scene: Pulsee\n", {}, "unknown scene 'Pulsee'; did you mean 'Pulse'?"),
    "unknown parameter": ("scene: Pulse\nradios: 2\n", {}, "unknown parameter 'radios' for scene Pulse; did you mean 'radius'?"),
    "wrong type": ("scene: Pulse\nradius: big\n", {}, "parameter 'radius' must be a float, not 'big'"),
    "bool for float": ("scene: Pulse\nradius: true\n", {}, "parameter 'radius' must be a float"),
    "out of range": ("scene: Pulse\nradius: 30\n", {}, "radius' = 30.0 is out of range; expected float in [0.1, 3]"),
    "negative": ("scene: Label\nsteps: -1\n", {}, "steps' = -1 is out of range"),
    "float for int": ("scene: Label\nsteps: 1.5\n", {}, "parameter 'steps' must be an int"),
    "not a choice": ("scene: Pulse\nstyle: dotted\n", {}, "parameter 'style' must be one of ['solid', 'thick']"),
    "list of text": ("scene: Pulse\nvalues: [a, b]\n", {}, "parameter 'values' must be a float"),
    "nan": ("scene: Pulse\nradius: .nan\n", {}, "must be a finite number"),
    "bad quality": ("scene: Pulse\nquality: ultra\n", {}, "option 'quality' must be one of"),
    "bad bool option": ("scene: Pulse\nloop: maybe\n", {}, "option 'loop' must be true or false"),
    "bad width": ("scene: Pulse\nwidth: wide\n", {}, "option 'width' must be a CSS length"),
    "unknown header option": ("scene: Pulse\n", {"captoin": "x"}, "unknown block option 'captoin'; did you mean 'caption'?"),
    "python syntax": ("class A(Scene):\n    def construct(self)\n", {}, "neither a YAML mapping nor valid Python"),
    "no scene class": ("x = 1\n", {}, "defines no Scene subclass"),
    "two scenes": ("class A(Scene):\n    pass\nclass B(Scene):\n    pass\n", {}, "several scenes (A, B)"),
    "named scene missing": ("class A(Scene):\n    pass\n", {"scene": "B"}, "scene='B' is not defined"),
}


@pytest.mark.parametrize("body, header, message", BAD.values(), ids=BAD.keys())
def test_bad_blocks_raise_clear_errors(body: str, header: dict[str, str], message: str) -> None:
    """Each kind of bad input names what is wrong (and suggests a fix where it can)."""
    with pytest.raises(SpecError) as caught:
        parse(body, header)
    assert message in str(caught.value)


def test_syntax_errors_say_which_line_of_the_block() -> None:
    """YAML and Python syntax errors carry the block line at fault."""
    with pytest.raises(SpecError) as yaml_error:
        parse("scene: Pulse\nradius: 1\nstyle: [solid\n")
    with pytest.raises(SpecError) as python_error:
        parse("class A(Scene):\n    def construct(self):\n        x = (\n")
    assert yaml_error.value.line == 3 and python_error.value.line == 3


def test_two_scenes_with_a_name_pick_that_one() -> None:
    """With several Scene subclasses, scene= chooses."""
    spec = parse("class A(Scene):\n    pass\nclass B(Scene):\n    pass\n", {"scene": "B"})
    assert spec.scene == "B"


def test_code_is_refused_when_the_site_disallows_it() -> None:
    """allow_code: false limits blocks to library scenes."""
    with pytest.raises(SpecError, match="does not allow Manim code"):
        parse("class A(Scene):\n    pass\n", allow_code=False)
    assert parse("scene: Pulse", allow_code=False).scene == "Pulse"

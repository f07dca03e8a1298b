"""Fuzzing the block parser and the spec validator: any input gives a spec or a clean, located error."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.paths import FIXTURE_SCENES

from mkdocs_gradviz.core.errors import SpecError
from mkdocs_gradviz.core.fence import claim, locate_blocks
from mkdocs_gradviz.core.library import SceneLibrary
from mkdocs_gradviz.core.spec import OPTIONS, parse_block

LIBRARIES = [SceneLibrary(FIXTURE_SCENES), SceneLibrary()]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.lists(st.floats(-1e6, 1e6), max_size=5),
    st.lists(st.lists(st.integers(-5, 5), max_size=4), max_size=4),
)
names = st.sampled_from(["scene", "loss", "start", "learning_rate", "steps", "radius", "word", "style", "values",
                         "weights", "layers", "caption", "quality", "theme", "width", "align", "loop", "table"]
                        + list(OPTIONS)) | st.text(string.ascii_letters + "_", min_size=1, max_size=12)
scene_names = st.sampled_from(sorted({n for lib in LIBRARIES for n in lib.scenes}) + ["Nope", ""])


def check(body: str, header: dict[str, str], library: SceneLibrary) -> None:
    try:
        spec = parse_block(body, header, library, allow_code=True)
    except SpecError as error:
        failure = error
    else:
        assert spec.kind in ("scene", "code") and spec.scene
        return
    assert str(failure).strip() and "Traceback" not in str(failure)
    assert failure.line is None or failure.line >= 1


@FUZZ
@given(st.text(max_size=400), st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
       st.sampled_from(LIBRARIES))
def test_arbitrary_text_never_crashes_the_parser(body: str, header: dict[str, str], library: SceneLibrary) -> None:
    """Random text and header options yield a spec or a SpecError, nothing else."""
    check(body, header, library)


@FUZZ
@given(scene_names, st.dictionaries(names, yaml_scalars, max_size=6), st.sampled_from(LIBRARIES))
def test_arbitrary_parameters_never_crash_the_validator(scene: str, params: dict, library: SceneLibrary) -> None:
    """Well-formed YAML with random keys and values of every type validates or fails cleanly."""
    import yaml

    body = yaml.safe_dump({"scene": scene, **params}, allow_unicode=True)
    check(body, {}, library)


@FUZZ
@given(st.lists(st.sampled_from(["```gradviz", "````markdown", "```", "````", "~~~gradviz", "~~~", "    ```gradviz",
                                 "scene: Pulse", "text", "", "!!! note", "\t```", "> ```gradviz"]), max_size=30))
def test_the_fence_scanner_accepts_any_arrangement_of_fences(lines: list[str]) -> None:
    """Any arrangement of fence lines is scanned without error; lines point into the page."""
    source = "\n".join(lines)
    blocks = locate_blocks(source)
    for block in blocks:
        assert 1 <= block.line <= len(lines)
        assert lines[block.line - 1].lstrip(" \t>").startswith(("```", "~~~"))
    for block in blocks:
        claim(blocks, block.text)


def test_a_one_megabyte_block_is_refused_quickly() -> None:
    """A 1 MB block is a clear error, not a 1 MB render."""
    with pytest.raises(SpecError, match="blocks are limited to 64 KiB"):
        parse_block("scene: Label\nword: " + "x" * 1_000_000, {}, LIBRARIES[0], allow_code=True)

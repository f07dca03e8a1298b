"""Steps without rendering: section marks become step times, a chapters file, and checked manifest data."""

from __future__ import annotations

import json

import pytest
from support.webvtt import parse_webvtt

from mkdocs_gradviz.core.errors import CacheCorrupt
from mkdocs_gradviz.core.job import RenderResult
from mkdocs_gradviz.core.steps import tidy_steps, webvtt

TIDY = {
    "starts snapped to frames": ([("a", 0.0, None), ("b", 0.5000000001, 0), ("c", 1.19999, 1)], 2.0,
                                 [[0.0, "a", None], [0.5, "b", 0], [1.2, "c", 1]]),
    "the time before the first mark opens": ([("a", 0.4, None), ("b", 1.0, None)], 2.0,
                                             [[0.0, "Opening", None], [0.4, "a", None], [1.0, "b", None]]),
    "an empty section gives way": ([("a", 0.0, None), ("empty", 0.5, None), ("b", 0.5, 2)], 1.0,
                                   [[0.0, "a", None], [0.5, "b", 2]]),
    "a mark at the end is dropped": ([("a", 0.0, None), ("b", 0.5, None), ("after", 1.0, None)], 1.0,
                                     [[0.0, "a", None], [0.5, "b", None]]),
    "one step is no stepping": ([("only", 0.0, None)], 1.0, []),
    "no marks": ([], 1.0, []),
    "rows that are not table rows": ([("a", 0.0, -1), ("b", 0.5, True), ("c", 0.7, "2")], 1.0,
                                     [[0.0, "a", None], [0.5, "b", None], [0.7, "c", None]]),
    "labels made one line, or numbered": ([("  two\n lines ", 0.0, None), ("", 0.5, None)], 1.0,
                                          [[0.0, "two lines", None], [0.5, "Step 2", None]]),
}



@pytest.mark.parametrize("marks, duration, expected", TIDY.values(), ids=TIDY.keys())
def test_marks_become_steps(marks, duration, expected) -> None:
    """Section marks become frame-exact step starts; empty and late sections go, an opening step is added."""
    assert tidy_steps(marks, duration=duration, fps=10) == expected



def test_chapters_file_has_one_cue_per_step_with_escaped_labels() -> None:
    """The WebVTT file times each step from its start to the next one's, and escapes what WebVTT reads as markup."""
    text = webvtt([[0.0, "Loss & gradient", None], [1.25, "w <- w - η∇L", 0]], 3723.5)
    assert text.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.250\nLoss &amp; gradient\n")
    assert "2\n00:00:01.250 --> 01:02:03.500\nw &lt;- w - η∇L\n" in text
    assert parse_webvtt(text) == [(0.0, 1.25, "Loss &amp; gradient"), (1.25, 3723.5, "w &lt;- w - η∇L")]



@pytest.mark.parametrize("steps", [[[0, "a"]], [["0", "a", None]], [[0.0, 3, None]], "0 a", [[0.0, "a", 1.5]]])
def test_a_manifest_with_steps_of_the_wrong_shape_is_corrupt(steps) -> None:
    """Steps read back from a manifest must be [start, label, row] lists, or the entry is rendered again."""
    data = {"width": 256, "height": 144, "duration": 1.0, "codec": "h264", "pix_fmt": "yuv420p", "steps": steps}
    with pytest.raises(CacheCorrupt, match="steps"):
        RenderResult.from_json(data, where="entry")



def test_only_a_video_with_steps_has_a_chapters_file() -> None:
    """The chapters file is one of a render's files exactly when it has steps."""
    plain = RenderResult(256, 144, 1.0, "h264", "yuv420p")
    stepped = RenderResult(256, 144, 1.0, "h264", "yuv420p", steps=[[0.0, "a", None], [0.5, "b", None]])
    assert "vtt" not in plain.file_names() and stepped.file_names()["vtt"] == "chapters.vtt"
    assert RenderResult.from_json(json.loads(json.dumps(stepped.to_json())), where="entry") == stepped

"""A strict reader of WebVTT chapter files, to check the ones gradviz writes."""

from __future__ import annotations

import re


def parse_webvtt(text: str) -> list[tuple[float, float, str]]:
    """The cues of a WebVTT file, checked strictly: header, blank-line separated cues, increasing times."""
    blocks = text.strip("\n").split("\n\n")
    assert blocks[0] == "WEBVTT"
    cues: list[tuple[float, float, str]] = []
    for block in blocks[1:]:
        identifier, timing, *payload = block.split("\n")
        match = re.fullmatch(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})", timing)
        assert identifier.isdigit() and match and payload, block
        h1, m1, s1, f1, h2, m2, s2, f2 = map(int, match.groups())
        start, end = h1 * 3600 + m1 * 60 + s1 + f1 / 1000, h2 * 3600 + m2 * 60 + s2 + f2 / 1000
        assert start < end and (not cues or cues[-1][1] == start)
        cues.append((start, end, "\n".join(payload)))
    return cues

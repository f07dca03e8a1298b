"""Examples the documentation shows, read back out of its pages so tests run what readers copy."""

from __future__ import annotations

import re


def between(text: str, marker: str) -> str:
    """The fenced code between ``<!-- marker:start -->`` and ``<!-- marker:end -->`` of a docs page."""
    section = text.split(f"<!-- {marker}:start -->", 1)[1].split(f"<!-- {marker}:end -->", 1)[0]
    return re.search(r"^(`{3,})[^\n]*\n(.*?)^\1\s*$", section, re.MULTILINE | re.DOTALL).group(2)

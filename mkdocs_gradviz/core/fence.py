"""Finding gradviz blocks: the SuperFences custom fence, and the page lines its blocks start on.

SuperFences hands a formatter the block's text but not where it came from, so the plugin scans
each page's source with the same fence rules and matches blocks by their normalised text.

SuperFences also formats every fence it finds before Markdown decides what is code: a fence inside
an indented code block is formatted, then put back as text. A fence therefore only proposes a
block (``PageFences``); the blocks are the proposals whose marker is still in the page's HTML, so
the plugin never renders, counts or fails on what the page shows as code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mkdocs_gradviz.core import embed
from mkdocs_gradviz.core.spec import normalise

LANGUAGE = "gradviz"
_FENCE = re.compile(r"^(?P<indent>[ \t]*(?:>[ \t]?)*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>.*)$")
_GRADVIZ_INFO = re.compile(r"^(?:\{[ \t]*\.?)?gradviz(?=[\s}]|$)")


#: What a fence never closed is told, whichever front end finds it.
UNCLOSED_FENCE = "unterminated gradviz fence: no closing fence before the end of the page"


@dataclass
class LocatedBlock:
    """A gradviz fence in a page's source."""

    line: int  # 1-based line of the opening fence
    text: str  # normalised body
    closed: bool = True
    used: bool = False


def locate_blocks(source: str) -> list[LocatedBlock]:
    """Every gradviz fence of ``source`` that Markdown would render, in order.

    Fences inside another (longer or different) fence are examples, not blocks.
    """
    blocks: list[LocatedBlock] = []
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        fence, info = match.group("fence"), match.group("info")
        if fence[0] == "`" and "`" in info:  # not a fence: inline code such as ```a```
            index += 1
            continue
        end = _closing_line(lines, index + 1, fence)
        if _GRADVIZ_INFO.match(info.strip()):
            body = [_strip_prefix(line, match.group("indent")) for line in lines[index + 1:end]]
            blocks.append(LocatedBlock(index + 1, normalise("\n".join(body)), closed=end < len(lines)))
        index = end + 1
    return blocks


def claim(blocks: list[LocatedBlock], source: str) -> LocatedBlock | None:
    """The first not-yet-claimed located block whose text equals ``source``."""
    text = normalise(source)
    for block in blocks:
        if not block.used and block.text == text:
            block.used = True
            return block
    return None


@dataclass(frozen=True)
class Proposal:
    """A fence SuperFences formatted: a block if Markdown keeps it."""

    line: int  # 1-based line of the opening fence; 0 if it could not be located
    source: str
    options: dict[str, str]


class PageFences:
    """One page's gradviz fences, from SuperFences' formatter calls to the blocks the page's HTML keeps."""

    def __init__(self, located: list[LocatedBlock]) -> None:
        self.located = located
        self.proposals: list[Proposal] = []

    def propose(self, source: str, options: dict[str, str]) -> str:
        """Note a fence and return the marker that stands for it in the page's HTML."""
        located = claim(self.located, source)
        self.proposals.append(Proposal(located.line if located else 0, source, dict(options)))
        return embed.fence_marker_html(len(self.proposals) - 1)

    def keep(self, html: str, register: Callable[[Proposal], str]) -> str:
        """``html`` with each marker Markdown kept replaced by ``register(proposal)``, in page order."""
        return embed.replace_fence_markers(html, lambda index: register(self.proposals[index]))


def fence_entry(formatter: Callable[..., str]) -> dict[str, Any]:
    """The ``custom_fences`` entry that routes gradviz blocks to ``formatter``."""
    return {"name": LANGUAGE, "class": LANGUAGE, "validator": _accept_any_options, "format": formatter}


def _accept_any_options(language: str, inputs: dict[str, str], options: dict[str, str], attrs: dict[str, str],
                        md: Any) -> bool:
    # Keep every header option: the formatter reports unknown ones with page and line instead of
    # SuperFences silently treating the block as plain code.
    options.update(inputs)
    return True


def _closing_line(lines: list[str], start: int, fence: str) -> int:
    for index in range(start, len(lines)):
        match = _FENCE.match(lines[index])
        if match and match.group("fence")[0] == fence[0] and len(match.group("fence")) >= len(fence) \
                and not match.group("info").strip():
            return index
    return len(lines)


def _strip_prefix(line: str, prefix: str) -> str:
    return line[len(prefix):] if line.startswith(prefix) else line.lstrip(" \t>")

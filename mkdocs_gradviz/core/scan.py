"""Every gradviz block of a docs folder, read from the files, with the header options SuperFences would pass.

A front end that sees blocks one page at a time (Zensical converts pages serially, one thread) can
queue the renders of the whole site at once from this list, so that a cold build renders in
parallel across pages. The header is read with SuperFences' own expressions, so a block gets the
same options here as in its formatter call, and therefore the same cache keys.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from markdown.extensions.attr_list import get_attrs
from pymdownx.superfences import RE_NESTED_FENCE_START, RE_OPTIONS

from mkdocs_gradviz.core.fence import LANGUAGE, locate_blocks

_QUOTE_PREFIX = " \t>"


@dataclass(frozen=True)
class FoundBlock:
    """A gradviz block of a page, as its formatter call will see it."""

    page: str  # path inside the docs folder, with forward slashes: lessons/intro.md
    line: int  # 1-based line of the opening fence in the file
    source: str  # the block's body
    options: dict[str, str] = field(default_factory=dict)  # header options, as strings
    closed: bool = True


def scan_docs(docs_dir: Path, *, skip: Callable[[str], bool] = lambda page: False) -> list[FoundBlock]:
    """Every gradviz block in the Markdown files of ``docs_dir``, pages in sorted path order.

    Dot-folders and dot-files are left out (site generators do not build them), and so is every
    page for which ``skip(page)`` is true. A block whose header SuperFences would not accept as a
    gradviz fence is left out too: it never reaches a formatter.
    """
    found: list[FoundBlock] = []
    for page in _markdown_pages(docs_dir):
        if skip(page):
            continue
        try:
            text = (docs_dir / page).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for block in locate_blocks(text):
            options = header_options(lines[block.line - 1])
            if options is not None:
                found.append(FoundBlock(page, block.line, block.text, options, block.closed))
    return found


def header_options(line: str) -> dict[str, str] | None:
    """The options SuperFences reads from a gradviz fence's opening line; ``None`` if it is no gradviz fence.

    ``gradviz caption="A" table`` gives ``{"caption": "A", "table": "table"}``, as SuperFences does
    (a bare key stands for itself); ``{.gradviz caption="A"}`` is read as an attribute list.
    """
    match = RE_NESTED_FENCE_START.match(line.lstrip(_QUOTE_PREFIX))
    if match is None or match.group("unrecognized"):
        return None
    if match.group("attrs") is not None:
        values: dict[str, str] = {}
        classes: list[str] = []
        for key, value in get_attrs(match.group("attrs")):
            if key == ".":
                classes.append(value)
            elif key != "id":
                values[key] = value
        language = match.group("lang") or (classes[0] if classes else "")
        return values if language == LANGUAGE else None
    if match.group("lang") != LANGUAGE:
        return None
    return {m.group("key"): m.group("value") if m.group("value") is not None else m.group("key")
            for m in RE_OPTIONS.finditer(match.group("options") or "")}


def _markdown_pages(docs_dir: Path) -> list[str]:
    pages = []
    for folder, subfolders, files in os.walk(docs_dir):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        relative = Path(folder).relative_to(docs_dir)
        pages += [(relative / name).as_posix() for name in files if name.endswith(".md") and not name.startswith(".")]
    return sorted(pages)

"""Proof sheets: every block of a page as frames at the end of each of its steps, beside the prose around it.

An author reads words and pictures together on one sheet per page (``gradviz proof``). The frames
come from the renders of a finished build (the cached videos, at the build's quality), decoded
with PyAV; the prose is the page's Markdown from the previous block or heading to the next one,
converted by the caller (with the site's extensions) and with its value references filled in.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs_gradviz.core import proof_html
from mkdocs_gradviz.core.errors import GradvizError
from mkdocs_gradviz.core.fence import locate_blocks
from mkdocs_gradviz.core.values import has_references, quote_values

if TYPE_CHECKING:
    from collections.abc import Callable

    from mkdocs_gradviz.core.build import Block, BuildRun
    from mkdocs_gradviz.core.cache import Entry

_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
#: The theme whose frames a sheet shows when a block has both: dark ink on white, as the sheet is.
SHEET_THEME = "light"


@dataclass
class Frame:
    """One picture of a sheet: a PNG beside it and what it shows."""

    path: str  # relative to the sheet
    label: str
    seconds: float | None  # where in the video it was taken; None for a still picture
    width: int
    height: int


@dataclass
class ProofBlock:
    """A block as its sheet shows it."""

    block: Block
    heading: str
    before: str  # HTML
    after: str  # HTML
    runs: list[tuple[str, list[Frame]]] = field(default_factory=list)  # (sweep value or "", frames), per run
    values: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    values_error: str = ""


@dataclass
class ProofReport:
    """What ``write_proof`` wrote, counted."""

    out: Path
    sheets: list[Path] = field(default_factory=list)
    blocks: int = 0
    frames: int = 0
    failed: int = 0  # blocks shown with their error instead of frames

    def line(self) -> str:
        return (f"wrote {len(self.sheets)} proof sheet{'' if len(self.sheets) == 1 else 's'} and index.html in "
                f"{self.out}: {self.blocks} block{'' if self.blocks == 1 else 's'}, {self.frames} frames"
                + (f", {self.failed} blocks failed (their errors are on the sheets)" if self.failed else ""))


def write_proof(run: BuildRun, *, project_dir: Path, out: Path, markdown: Callable[[str], str]) -> ProofReport:
    """Write one sheet per page of ``run`` that has blocks, their frames, and ``index.html`` into ``out``.

    ``markdown`` turns a stretch of a page's Markdown into HTML (the site's extensions).
    """
    report = ProofReport(out)
    pages: dict[str, list[Block]] = {}
    for block in run.blocks:
        pages.setdefault(block.page, []).append(block)
    out.mkdir(parents=True, exist_ok=True)
    listed = []
    for page, blocks in pages.items():
        slug = re.sub(r"[^\w.-]+", "-", page.removesuffix(".md")).strip("-")
        frames_dir = out / "frames" / slug
        shutil.rmtree(frames_dir, ignore_errors=True)  # this page's frames of an earlier run: stale now
        frames_dir.mkdir(parents=True)
        source = _read(project_dir / page)
        shown = [_proof_block(run, block, source, markdown, frames_dir, f"frames/{slug}") for block in blocks]
        sheet = out / f"{slug}.html"
        sheet.write_text(proof_html.sheet(page, shown), encoding="utf-8")
        report.sheets.append(sheet)
        report.blocks += len(shown)
        report.frames += sum(len(frames) for b in shown for _, frames in b.runs)
        report.failed += sum(b.block.error is not None for b in shown)
        listed.append((page, sheet.name, shown))
    (out / "index.html").write_text(proof_html.index(listed), encoding="utf-8")
    return report


def prose_around(source: str, line: int) -> tuple[str, str, str]:
    """The Markdown before and after the block whose fence opens on ``line``, and the heading above it.

    Before: from the previous block or heading (exclusive) to the fence; after: from the closing
    fence to the next block or heading.
    """
    lines = source.replace("\r\n", "\n").split("\n")
    spans = _block_spans(source, lines)
    headings = _heading_lines(lines)
    end = next((stop for start, stop in spans if start == line), line)
    earlier = [stop for _, stop in spans if stop < line] + [number for number in headings if number < line]
    later = [start for start, _ in spans if start > end] + [number for number in headings if number > end]
    first, last = max(earlier, default=0) + 1, min(later, default=len(lines) + 1) - 1
    heading = next((headings[n] for n in sorted(headings, reverse=True) if n < line), "")
    return "\n".join(lines[first - 1:line - 1]), "\n".join(lines[end:last]), heading


def frames_at_step_ends(video: Path, ends: list[float]) -> list[tuple[float, Any]]:
    """For each time of ``ends``, the last frame shown before it (the video's last for the end), as (time, PIL image)."""
    import av  # the proof command only: a build never decodes its videos

    chosen: list[Any] = []
    with av.open(str(video)) as container:
        previous = None
        for frame in container.decode(container.streams.video[0]):
            while len(chosen) < len(ends) - 1 and frame.time >= ends[len(chosen)] - 1e-6:
                chosen.append(previous or frame)
            previous = frame  # converted to a picture only if chosen: most frames are not
        if previous is None:
            raise GradvizError(f"{video} holds no frame")
        chosen += [previous] * (len(ends) - len(chosen))
        return [(frame.time, frame.to_image()) for frame in chosen]


def _proof_block(run: BuildRun, block: Block, source: str, markdown: Callable[[str], str], folder: Path,
                 href: str) -> ProofBlock:
    before, after, heading = prose_around(source, block.line)
    page_blocks = [b for b in run.blocks if b.page == block.page]
    shown = ProofBlock(block, heading, _html(before, markdown, run, block.page, source, page_blocks),
                       _html(after, markdown, run, block.page, source, page_blocks))
    if block.error is not None or block.spec is None:
        return shown
    requests = [r for r in block.requests if r.theme == SHEET_THEME] or \
        [r for r in block.requests if r.theme == block.requests[0].theme]
    for index, request in enumerate(requests):
        entry = block.entries.get(request.key)
        title = f"{block.spec.sweep} = {request.params[block.spec.sweep]}" if block.spec.sweep else ""
        if entry is not None:
            shown.runs.append((title, _frames(entry, folder, href, f"L{block.line}-{index + 1}")))
    try:
        for index, values in enumerate(run.values.values_of(block.spec)):
            title = f"{block.spec.sweep} = {block.spec.sweep_values[index]}" if block.spec.sweep else ""
            shown.values.append((title, values))
    except GradvizError as error:
        shown.values_error = str(error)
    return shown


def _frames(entry: Entry, folder: Path, href: str, stem: str) -> list[Frame]:
    result = entry.result
    if result.kind == "image":
        from PIL import Image

        name = f"{stem}.png"
        with Image.open(entry.files()[result.codec]) as picture:
            picture.save(folder / name)
        return [Frame(f"{href}/{name}", "The picture", None, result.width, result.height)]
    steps = result.steps or [[0.0, "The whole video", None]]
    ends = [float(step[0]) for step in steps[1:]] + [result.duration]
    frames = []
    for number, ((seconds, image), step) in enumerate(zip(frames_at_step_ends(entry.video, ends), steps,
                                                          strict=True), start=1):
        name = f"{stem}-{number:02d}.png"
        image.save(folder / name)
        label = f"Step {number} of {len(steps)} · {step[1]}" if result.steps else str(step[1])
        frames.append(Frame(f"{href}/{name}", label, float(seconds), image.width, image.height))
    return frames


def _html(text: str, markdown: Callable[[str], str], run: BuildRun, page: str, source: str,
          blocks: list[Block]) -> str:
    if not text.strip():
        return ""
    html = markdown(text)
    if has_references(html):
        html, _ = quote_values(html, page=page, source=source, blocks=blocks, book=run.values)
    return html


def _block_spans(source: str, lines: list[str]) -> list[tuple[int, int]]:
    """(opening line, closing line) of each block of the page, 1-based."""
    spans = []
    for block in locate_blocks(source):
        opening = _FENCE.match(lines[block.line - 1])
        fence = opening.group(1) if opening else "```"
        stop = next((number for number in range(block.line + 1, len(lines) + 1)
                     if (m := _FENCE.match(lines[number - 1])) and m.group(1)[0] == fence[0]
                     and len(m.group(1)) >= len(fence) and not m.group(2).strip()), len(lines))
        spans.append((block.line, stop))
    return spans


def _heading_lines(lines: list[str]) -> dict[int, str]:
    """Headings outside code, by line."""
    headings, fence = {}, ""
    for number, line in enumerate(lines, start=1):
        match = _FENCE.match(line)
        if match and (not fence or (match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence)
                                    and not match.group(2).strip())):
            fence = "" if fence else match.group(1)
        elif not fence and (heading := _HEADING.match(line)):
            headings[number] = heading.group(2)
    return headings


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""

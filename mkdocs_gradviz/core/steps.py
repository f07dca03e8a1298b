"""The steps of a video: where its scene started each Manim section, tidied, and written as WebVTT chapters.

A scene marks a step with ``self.next_section("label")``; the render process notes the scene's
clock at each call (``worker.py``) and hands the marks to ``tidy_steps``. A step is stored as
``[start_seconds, label, table_row]``, where ``table_row`` (0-based, or ``None``) is the row of the
scene's step table that the step shows: the scene's ``table_row`` attribute when the section began.
The player steps through them, and the site publishes them as a chapters track beside the video.
This module's source is part of every cache key (``render_queue.environment``), like ``manim_render``'s.
"""

from __future__ import annotations

from typing import Any

#: The name of the step before a scene's first mark, when that mark is not at the start.
OPENING = "Opening"
#: Longer labels are cut: a step's label is a caption, not a paragraph.
MAX_LABEL = 120


def tidy_steps(marks: list[tuple[Any, float, Any]], *, duration: float, fps: int) -> list[list[Any]]:
    """The steps a video has, from the ``(label, seconds, row)`` marks its scene made while rendering.

    Starts are snapped to the frame that begins them. A section in which nothing played gives way
    to the one after it, a mark at or after the video's end is dropped, and the time before a first
    mark later than 0 becomes an ``Opening`` step. A video with fewer than two steps has none: there
    is nothing to step through.
    """
    steps: list[list[Any]] = []
    for label, seconds, row in marks:
        start = round(round(float(seconds) * fps) / fps, 6)
        if start >= duration:
            continue
        step = [start, _label(label, len(steps) + 1), row if _is_row(row) else None]
        if steps and steps[-1][0] == start:
            steps[-1] = step
        else:
            steps.append(step)
    if steps and steps[0][0] > 0:
        steps.insert(0, [0.0, OPENING, None])
    return steps if len(steps) >= 2 else []


def webvtt(steps: list[list[Any]], duration: float) -> str:
    """The steps as a WebVTT chapters file: one cue per step, from its start to the next one's."""
    cues = ["WEBVTT", ""]
    ends = [step[0] for step in steps[1:]] + [duration]
    for number, (step, end) in enumerate(zip(steps, ends, strict=True), start=1):
        cues += [str(number), f"{_timestamp(step[0])} --> {_timestamp(end)}", _cue_text(step[1]), ""]
    return "\n".join(cues)


def check_steps(steps: Any) -> bool:
    """Whether ``steps`` has the shape ``tidy_steps`` gives (as read back from a manifest)."""
    return isinstance(steps, list) and all(
        isinstance(step, list) and len(step) == 3 and isinstance(step[0], (int, float)) and not isinstance(step[0], bool)
        and isinstance(step[1], str) and (step[2] is None or _is_row(step[2])) for step in steps)


def _label(label: Any, number: int) -> str:
    text = " ".join(str(label or "").split())
    return (text[:MAX_LABEL - 1] + "…" if len(text) > MAX_LABEL else text) or f"Step {number}"


def _is_row(row: Any) -> bool:
    return isinstance(row, int) and not isinstance(row, bool) and row >= 0


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _cue_text(label: str) -> str:
    """A label as cue text: WebVTT reads ``&``, ``<`` and ``>`` as markup (and so ``-->`` too)."""
    return label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

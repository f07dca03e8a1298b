"""How small a scene's text gets on screen, read from a recording: no render needed.

Every text's digit height comes from its font size (which follows any scaling) times the digit
height per point of its kind (``_typography.DIGIT_PER_POINT``); a text without digits counts as
the digits it would have at that size. ``css_px`` turns a height in frame units into CSS pixels
at the width a page shows the figure at.
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import config

from .recorder import Recording, record

MIN_OPACITY = 0.5  # a text counts once it is half visible


@dataclass(frozen=True)
class SmallestText:
    height: float  # digit height in frame units
    string: str  # the text that has it
    play: int  # the first play in which it is shown that small


def smallest_text(rec: Recording) -> SmallestText:
    """The smallest digit height of any text the recording shows at least half visible.

    Read where each play settles (a text mid-``Write`` is not yet its size); every text the viewer
    can stop at is settled at the end of some play.
    """
    best = SmallestText(float("inf"), "", -1)
    for play in rec.plays:
        for view in (play.views[-1], play.after):
            for t in view.texts.values():
                if t.opacity >= MIN_OPACITY and 0 < t.digit < best.height:
                    best = SmallestText(t.digit, t.string, play.index)
    return best


def smallest_text_of(scene_cls: type, params: dict | None = None) -> SmallestText:
    """Record ``scene_cls(**params)`` (construct runs, nothing renders) and return its smallest text."""
    return smallest_text(record(scene_cls, params))


def css_px(height: float, figure_px: float) -> float:
    """A height in frame units as CSS pixels, for a figure shown ``figure_px`` CSS pixels wide."""
    return height * figure_px / config.frame_width

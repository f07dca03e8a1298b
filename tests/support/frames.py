"""A rendered video's frames, and how much of a frame shows a colour."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np


def frames(path: Path) -> list[np.ndarray]:
    """Every frame of the video at ``path``, as (rows, columns, RGB) arrays."""
    with av.open(str(path)) as box:
        return [f.to_ndarray(format="rgb24") for f in box.decode(video=0)]


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as a tuple of integers."""
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def share(frame: np.ndarray, hex_colour: str, tol: float = 12.0, background: str | None = None) -> float:
    """Fraction of pixels showing ``hex_colour``, allowing antialiased blends with the background.

    With ``background`` given, a pixel counts if it lies (within 28 levels) on the segment from the
    background towards the colour, at least 45 % of the way; otherwise it must be within ``tol``.
    """
    px = frame.reshape(-1, 3).astype(float)
    c = np.array(rgb(hex_colour), dtype=float)
    if background is None:
        return float(np.mean(np.linalg.norm(px - c, axis=-1) < tol))
    bg = np.array(rgb(background), dtype=float)
    d = c - bg
    t = (px - bg) @ d / (d @ d)
    resid = np.linalg.norm(px - bg - t[:, None] * d, axis=-1)
    return float(np.mean((t > 0.45) & (t < 1.25) & (resid < 28)))

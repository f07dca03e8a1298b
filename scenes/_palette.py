"""Colour roles for every scene, in a dark and a light variant chosen by ``GRADVIZ_THEME``."""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["DARK", "LIGHT", "Palette", "palette"]


@dataclass(frozen=True)
class Palette:
    """Hex colours by role; each is readable on ``background`` (contrast at least 3:1).

    The step shares the current point's colour on purpose: it is where that point goes next, and
    its trail is drawn there once it has moved. Dashed and labelled −η∇L, it is never solid red.
    """

    name: str
    background: str
    foreground: str  # text, axes and current weight values
    gradient: str  # the gradient ∇L: red arrows (uphill, at the current point) and gradient values
    current: str  # the current point and the path it has travelled (yellow / amber)
    step: str  # the step −η∇L about to be taken: a dashed arrow from the point to where it goes
    minimum: str  # minimum, converged point (green)
    updated: str  # freshly updated weights (green)
    curve: str  # loss curve, contours (blue)
    muted: str  # grid, field arrows, secondary text (grey)
    path_b: str  # extra optimizer path colour (purple)
    path_c: str  # extra optimizer path colour (cyan / teal)


DARK = Palette(
    name="dark",
    background="#111418",
    foreground="#ECEFF4",
    gradient="#FF5555",
    current="#FFD43B",
    step="#FFD43B",
    minimum="#51CF66",
    updated="#51CF66",
    curve="#4DABF7",
    muted="#7A828E",
    path_b="#CC5DE8",
    path_c="#22D3EE",
)

LIGHT = Palette(
    name="light",
    background="#FFFFFF",
    foreground="#1A1D21",
    gradient="#D62828",
    current="#B36B00",
    step="#B36B00",
    minimum="#1E8C3A",
    updated="#1E8C3A",
    curve="#1C64C8",
    muted="#8A929C",
    path_b="#8A2BB9",
    path_c="#00838F",
)


def palette() -> Palette:
    """The palette named by ``GRADVIZ_THEME`` ("dark", the default, or "light")."""
    return LIGHT if os.environ.get("GRADVIZ_THEME", "dark").strip().lower() == "light" else DARK

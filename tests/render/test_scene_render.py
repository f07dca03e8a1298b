"""Every scene renders at 256x144@10fps through the manim CLI, and its frames show the colour roles."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import av
import numpy as np
import pytest
from mkdocs_gradviz.scenes._palette import DARK, LIGHT

# module, class, colour roles that must appear in some frame
SCENES = [
    ("gradient_descent", "GradientDescent", ("gradient", "current", "minimum", "curve")),
    ("gradient_field", "GradientField", ("gradient", "current", "minimum")),
    ("learning_rate", "LearningRateComparison", ("gradient", "current", "minimum", "curve")),
    ("network_gradients", "NetworkGradients", ("gradient",)),
    ("weight_update", "WeightUpdate", ("gradient", "updated", "minimum")),
    ("batch_update", "BatchUpdate", ("gradient", "current", "updated")),
    ("matrix_update", "WeightMatrixUpdate", ("gradient", "current", "updated")),
    ("optimizers", "OptimizerComparison", ("gradient", "current", "path_b", "path_c")),
    ("stochastic", "StochasticDescent", ("gradient", "current")),
    ("loss_surface", "LossSurface", ("minimum",)),
]


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("render")


@cache  # the tests below read GradientDescent's dark render too: it is made once
def render(module: str, cls: str, media: Path, theme: str = "dark") -> Path:
    env = {**os.environ, "GRADVIZ_THEME": theme}
    out = f"{cls}-{theme}"
    # The manim command renders scenes defined in the file it is given; the library's modules use
    # package-relative imports, so a one-line subclass in a file of its own stands in for each.
    entry = media / f"render_{module}.py"
    entry.write_text(f"from mkdocs_gradviz.scenes.{module} import {cls} as Library\n\n\n"
                     f"class {cls}(Library):\n    pass\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "manim", "render", "-r", "256,144", "--fps", "10", "--disable_caching",
         "--progress_bar", "none", "--media_dir", str(media), "-o", out, str(entry), cls],
        cwd=media, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    found = list(media.rglob(f"{out}.mp4"))
    assert found, "no mp4 written"
    return found[0]


def frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as box:
        return [f.to_ndarray(format="rgb24") for f in box.decode(video=0)]


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def share(frame: np.ndarray, hex_colour: str, tol: float = 12.0, background: str | None = None) -> float:
    """Fraction of pixels showing ``hex_colour``, allowing antialiased blends with the background.

    With ``background`` given, a pixel counts if it lies (within 28 levels) on the segment from the
    background towards the colour, at least 45 % of the way; otherwise it must be within ``tol``.
    """
    px = frame.reshape(-1, 3).astype(float)
    c = _rgb(hex_colour)
    if background is None:
        return float(np.mean(np.linalg.norm(px - c, axis=-1) < tol))
    bg = _rgb(background)
    d = c - bg
    t = (px - bg) @ d / (d @ d)
    resid = np.linalg.norm(px - bg - t[:, None] * d, axis=-1)
    return float(np.mean((t > 0.45) & (t < 1.25) & (resid < 28)))


@pytest.mark.parametrize("module,cls,roles", SCENES, ids=[s[1] for s in SCENES])
def test_scene_renders_and_shows_its_colour_roles(module, cls, roles, media):
    """The scene renders to mp4 and some frame shows each of its colour roles and the background."""
    video = render(module, cls, media)
    fs = frames(video)
    assert len(fs) >= 50  # at least five seconds at 10 fps
    assert share(fs[0], DARK.background, 12) > 0.8
    for role in roles:
        colour = getattr(DARK, role)
        assert max(share(f, colour, background=DARK.background) for f in fs) > 1e-4, f"{role} {colour} never visible"


def test_light_theme_uses_dark_amber_for_the_current_point(media):
    """In the light theme the moving point is the dark amber, and the background is white."""
    fs = frames(render("gradient_descent", "GradientDescent", media, "light"))
    assert share(fs[0], LIGHT.background, 12) > 0.8
    assert max(share(f, LIGHT.current, background=LIGHT.background) for f in fs) > 1e-4
    assert max(share(f, DARK.current, tol=30) for f in fs) == 0.0


def test_gradient_descent_final_frame_marks_the_minimum_near_the_curve_bottom(media):
    """The last frame of GradientDescent has green minimum pixels in the lower plot area."""
    fs = frames(render("gradient_descent", "GradientDescent", media))
    last = fs[-1].astype(float)
    d = _rgb(DARK.minimum) - _rgb(DARK.background)
    t = (last - _rgb(DARK.background)) @ d / (d @ d)
    resid = np.linalg.norm(last - _rgb(DARK.background) - t[..., None] * d, axis=-1)
    ys, _xs = np.nonzero((t > 0.45) & (resid < 28))
    assert len(ys) > 5
    assert np.any(ys > last.shape[0] * 0.5)  # the marker near the curve's bottom, not just the caption

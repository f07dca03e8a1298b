"""A library scene renders through the manim CLI too, in either palette (``GRADVIZ_THEME``).

Every scene's default video, and the colour roles it shows, is checked through the plugin
(test_scene_plugin.py); here one scene proves that a library class also renders in a file of an
author's own, by Manim alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from mkdocs_gradviz.scenes._palette import DARK, LIGHT
from support.frames import frames, rgb, share


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("render")


@cache  # each test below reads one of the two renders
def render(module: str, cls: str, media: Path, theme: str) -> Path:
    env = {**os.environ, "GRADVIZ_THEME": theme}
    out = f"{cls}-{theme}"
    # The manim command renders scenes defined in the file it is given; the library's modules use
    # package-relative imports, so a one-line subclass in a file of its own stands in for the scene.
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


def test_dark_render_marks_the_minimum_near_the_curve_bottom(media):
    """Through the CLI in the dark palette: its background, and the last frame's green minimum low in the plot."""
    fs = frames(render("gradient_descent", "GradientDescent", media, "dark"))
    assert len(fs) >= 50  # at least five seconds at 10 fps
    assert share(fs[0], DARK.background, 12) > 0.8
    last = fs[-1].astype(float)
    background = np.array(rgb(DARK.background), dtype=float)
    d = np.array(rgb(DARK.minimum), dtype=float) - background
    t = (last - background) @ d / (d @ d)
    resid = np.linalg.norm(last - background - t[..., None] * d, axis=-1)
    ys, _xs = np.nonzero((t > 0.45) & (resid < 28))
    assert len(ys) > 5
    assert np.any(ys > last.shape[0] * 0.5)  # the marker near the curve's bottom, not just the caption


def test_light_theme_uses_dark_amber_for_the_current_point(media):
    """In the light theme the moving point is the dark amber, and the background is white."""
    fs = frames(render("gradient_descent", "GradientDescent", media, "light"))
    assert share(fs[0], LIGHT.background, 12) > 0.8
    assert max(share(f, LIGHT.current, background=LIGHT.background) for f in fs) > 1e-4
    assert max(share(f, DARK.current, tol=30) for f in fs) == 0.0

#!/usr/bin/env python3
"""What one library scene costs to render against its raster limit; run by scripts/benchmark.py.

    python3 scripts/scene_cost.py MODULE CLASS WIDTH HEIGHT FPS OUT_DIR   # prints one JSON line

In one process (Manim imported once, before any clock starts): the scene with its defaults, then
its raster limit, the scene's final mobjects drawn for the same number of frames with no updater
or transform, so that only Cairo and the encoder work. Both write a video as a build does. Times
are CPU seconds of this process (its encoder threads included), which a shared machine's other
load barely moves; LaTeX runs in child processes and is left out: a site's cache keeps formulas
across renders, so a build pays for each once, not per render. The scene's module is imported
from whichever gradviz is first on ``sys.path`` (PYTHONPATH selects an older tree).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    module, name, width, height, fps, out = sys.argv[1:7]
    os.environ["GRADVIZ_THEME"] = "dark"
    from manim import Animation, Group, Scene, tempconfig
    from mkdocs_gradviz.scenes._palette import palette

    settings = {"pixel_width": int(width), "pixel_height": int(height), "frame_rate": int(fps),
                "media_dir": tempfile.mkdtemp(dir=out), "tex_dir": tempfile.mkdtemp(dir=out),
                "disable_caching": True, "progress_bar": "none", "verbosity": "ERROR",
                "background_color": palette().background}
    scene_class = getattr(importlib.import_module(module), name)
    with tempconfig(settings):
        began, cpu = time.perf_counter(), time.process_time()
        scene = scene_class()
        scene.render()
        render, render_wall = time.process_time() - cpu, time.perf_counter() - began
        duration = scene.renderer.time
        frames = round(duration * int(fps))
        final = [mobject.copy() for mobject in scene.mobjects]

    class Hold(Animation):
        """Keeps its mobject as it is: every frame is drawn again, nothing is computed."""

        def interpolate_mobject(self, alpha: float) -> None:
            pass

    class RasterLimit(Scene):
        def construct(self) -> None:
            shown = Group(*final)
            for mobject in shown.get_family():
                mobject.clear_updaters()
            self.add(shown)
            self.play(Hold(shown), run_time=duration)

    with tempconfig({**settings, "media_dir": tempfile.mkdtemp(dir=out)}):
        began, cpu = time.perf_counter(), time.process_time()
        RasterLimit().render()
        raster, raster_wall = time.process_time() - cpu, time.perf_counter() - began
    print(json.dumps({"render": render, "raster": raster, "render_wall": render_wall, "raster_wall": raster_wall,
                      "duration": duration, "frames": frames, "module_file": sys.modules[module].__file__}))
    return 0


if __name__ == "__main__":
    Path(sys.argv[6]).mkdir(parents=True, exist_ok=True)
    sys.exit(main())

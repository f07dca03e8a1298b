#!/usr/bin/env python3
"""What one library scene costs to render against its raster limit; run by scripts/benchmark.py.

    python3 scripts/scene_cost.py MODULE CLASS WIDTH HEIGHT FPS OUT_DIR   # prints one JSON line

In one process (Manim imported once, before any clock starts): the scene with its defaults, then
its raster limit, the scene's final mobjects drawn for the same number of frames with no updater
or transform, so that only Cairo and the encoder work. The limit is drawn through the scene's own
camera (a 3-D scene's orientation, and what it keeps fixed in the frame), so that it draws the
picture the scene ends on; how far the two final frames differ is reported as a check. Both write
a video as a build does, with its H.264 settings. Times are CPU seconds of this process (its
encoder threads included), which a shared machine's other load barely moves; LaTeX runs in child
processes and is left out: a site's cache keeps formulas across renders, so a build pays for each
once, not per render. The scene's module is imported from whichever gradviz is first on
``sys.path`` (PYTHONPATH selects an older tree).
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
    import numpy as np
    from manim import Animation, Group, Scene, ThreeDScene, tempconfig
    from manim.camera.three_d_camera import ThreeDCamera
    from mkdocs_gradviz.scenes._palette import palette

    settings = {"pixel_width": int(width), "pixel_height": int(height), "frame_rate": int(fps),
                "media_dir": tempfile.mkdtemp(dir=out), "tex_dir": tempfile.mkdtemp(dir=out),
                "disable_caching": True, "progress_bar": "none", "verbosity": "ERROR",
                "background_color": palette().background}
    from manim import config

    from mkdocs_gradviz.core import manim_render

    encoder = getattr(manim_render, "ENCODER_OPTIONS", None)  # a build's H.264 settings (an older tree: Manim's own)
    if encoder and hasattr(config, "video_encoder_options"):
        settings["video_encoder_options"] = encoder
    scene_class = getattr(importlib.import_module(module), name)
    with tempconfig(settings):
        began, cpu = time.perf_counter(), time.process_time()
        scene = scene_class()
        scene.render()
        render, render_wall = time.process_time() - cpu, time.perf_counter() - began
        duration = scene.renderer.time
        frames = round(duration * int(fps))
        final = [mobject.copy() for mobject in scene.mobjects]
        last_frame = scene.renderer.get_frame().astype(float)
    camera = scene.renderer.camera
    copy_of = {id(part): twin for mobject, copy in zip(scene.mobjects, final, strict=True)
               for part, twin in zip(mobject.get_family(), copy.get_family(), strict=True)}

    class Hold(Animation):
        """Keeps its mobject as it is: every frame is drawn again, nothing is computed."""

        def interpolate_mobject(self, alpha: float) -> None:
            pass

    three_d = isinstance(camera, ThreeDCamera)

    class RasterLimit(ThreeDScene if three_d else Scene):
        def construct(self) -> None:
            shown = Group(*final)
            for mobject in shown.get_family():
                mobject.clear_updaters()
            if three_d:
                self.set_camera_orientation(phi=camera.get_phi(), theta=camera.get_theta(), gamma=camera.get_gamma(),
                                            zoom=camera.get_zoom(), focal_distance=camera.get_focal_distance(),
                                            frame_center=camera.frame_center)
                own = self.renderer.camera
                own.add_fixed_in_frame_mobjects(*(copy_of[id(m)] for m in camera.fixed_in_frame_mobjects if id(m) in copy_of))
                own.add_fixed_orientation_mobjects(*(copy_of[id(m)] for m in camera.fixed_orientation_mobjects
                                                     if id(m) in copy_of))
            self.add(shown)
            self.play(Hold(shown), run_time=duration)

    with tempconfig({**settings, "media_dir": tempfile.mkdtemp(dir=out)}):
        began, cpu = time.perf_counter(), time.process_time()
        limit = RasterLimit()
        limit.render()
        raster, raster_wall = time.process_time() - cpu, time.perf_counter() - began
        # Mean difference of the two final frames in 0-255 steps: near 0 when the limit drew the scene's picture.
        difference = float(np.abs(limit.renderer.get_frame().astype(float) - last_frame).mean())
    print(json.dumps({"render": render, "raster": raster, "render_wall": render_wall, "raster_wall": raster_wall,
                      "duration": duration, "frames": frames, "frame_difference": difference,
                      "module_file": sys.modules[module].__file__}))
    return 0


if __name__ == "__main__":
    Path(sys.argv[6]).mkdir(parents=True, exist_ok=True)
    sys.exit(main())

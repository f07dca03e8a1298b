"""Runs inside a values process: a block's scene built with its parameters, its ``values()`` read, nothing drawn.

The process is forked from the render fork server, which imported Manim once, so asking a scene
for its numbers costs the scene's ``__init__`` and its maths, never a frame. The scene is built
under a Manim config whose media folder is the job's scratch folder, as a render's is: building a
Scene sets up its file writer, which makes folders.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs_gradviz.core import manim_render
from mkdocs_gradviz.core.errors import GradvizError
from mkdocs_gradviz.core.job import write_json

VALUES = "values.json"


@dataclass(frozen=True)
class ValuesJob:
    """The scene of one block and the parameters of each of its runs (one per value of a sweep)."""

    kind: str  # "scene" or "code", as in ``RenderRequest``
    scene: str
    module: str
    code: str
    runs: tuple[dict[str, Any], ...]
    out: Path  # private folder the process writes values.json (or error.json) into
    site_scenes: Path | None


def run_in_child(job: ValuesJob) -> None:
    """Body of a values process: write each run's values, or an error; never return."""
    os.setsid()  # its own process group, so that a timeout stops what the scene started
    log = os.open(job.out / "log.txt", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    status = 0
    try:
        write_json(job.out / VALUES, {"values": compute(job)})
    except BaseException as error:
        write_json(job.out / manim_render.ERROR, _explain(error))
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def compute(job: ValuesJob) -> list[dict[str, str]]:
    """Each run's ``values()``, checked to be names mapped to text; {} for a scene that defines none."""
    scratch = job.out / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    os.chdir(scratch)
    os.environ["GRADVIZ_THEME"] = "dark"  # values never depend on the theme; one fixed choice keeps them so
    if job.site_scenes is not None:
        sys.path.insert(0, str(job.site_scenes))
    from manim import tempconfig

    settings = {"media_dir": str(scratch / "media"), "disable_caching": True, "progress_bar": "none",
                "verbosity": "ERROR", "write_to_movie": False}
    results = []
    with tempconfig(settings):
        scene_class = manim_render._load_scene_class(job)  # the same loading as a render's: same module, same code
        for params in job.runs:
            scene = scene_class(**params)
            values = getattr(scene, "values", None)  # a parameter may be called "values": only a method counts
            results.append(_checked(values() if callable(values) else {}, job.scene))
    return results


def _checked(values: Any, scene: str) -> dict[str, str]:
    if not isinstance(values, dict):
        raise GradvizError(f"{scene}.values() returned {type(values).__name__}, not a dict of names to text")
    for name, value in values.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise GradvizError(f"{scene}.values(): the name {name!r} is not an identifier (letters, digits, _)")
        if not isinstance(value, str):
            raise GradvizError(f"{scene}.values()['{name}'] is {type(value).__name__} {value!r}; values are text, "
                               "formatted as the scene shows them (fmt)")
    return dict(values)


def _explain(error: BaseException) -> dict[str, Any]:
    if isinstance(error, GradvizError):
        return {"message": str(error)}
    return {"message": f"{type(error).__name__}: {error}"}

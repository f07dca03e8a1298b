"""Runs inside a render process: one job in, a video and its poster (or a still picture) and a result file out.

Only this module imports Manim. Render processes are forked from a server that has imported Manim
once (see ``process.py``), so a render does not pay for the import. This module's source is part of
every cache key: editing it re-renders everything.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from pathlib import Path
from typing import Any

from mkdocs_gradviz.core.errors import GradvizError, LibraryError, RenderError
from mkdocs_gradviz.core.job import CHAPTERS_FILE, POSTER_FILE, VIDEO_FILE, RenderJob, RenderResult, write_json
from mkdocs_gradviz.core.steps import tidy_steps, webvtt
from mkdocs_gradviz.core.support import blame

CODE_FILENAME = "<gradviz block>"
RESULT = "result.json"
ERROR = "error.json"
#: H.264 settings of every video, where Manim lets a render choose them (0.22 and later; older Manim
#: keeps its own). Manim's (x264's "medium" preset, crf 23) spend about half of a 1280x720, 30 fps
#: render in the encoder; the "veryfast" preset tuned for flat animation spends about 40 % less
#: there. With x264's usual adaptive quantisation (the animation tune's weaker one thins small
#: marks, such as a point at a small size), medium's look-ahead and half a step finer than Manim,
#: its videos are as large as Manim's (within 1 %) and within about 1 dB as sharp.
ENCODER_OPTIONS = {"preset": "veryfast", "tune": "animation", "crf": "22.5",
                   "x264-params": "aq-strength=1.0:rc-lookahead=40"}


def preload() -> None:
    """Import what every render needs, once, in the process that render processes are forked from."""
    import threading

    import av  # noqa: F401
    import manim  # noqa: F401
    import numpy  # noqa: F401
    from PIL import Image  # noqa: F401
    from tqdm import tqdm

    # Manim builds a (disabled) tqdm bar per animation, and tqdm's default lock is a
    # multiprocessing semaphore that a render process exiting with os._exit would leak.
    tqdm.set_lock(threading.RLock())


def run_in_child(job: RenderJob) -> None:
    """Body of a render process: render ``job`` and leave a result or an error file; never return."""
    os.setsid()  # its own process group, so a timeout also stops LaTeX and anything it started
    _end_with_the_build()
    log = os.open(job.out / "log.txt", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    _limit_resources(job.memory_limit)
    status = 0
    try:
        # Already done by the fork server; repeated in case its preload failed, so that a missing or
        # unsupported Manim, PyAV or Pillow is reported like any other failure of the block.
        preload()
        write_json(job.out / RESULT, run_job(job).to_json())
    except BaseException as error:
        write_json(job.out / ERROR, _explain(error))
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _end_with_the_build() -> None:
    """Kill this render, and what it started, as soon as the build that asked for it is gone.

    A build killed outright (SIGKILL, out of memory) cannot stop its renders itself; without this
    they would run on, unwatched by any timeout, for a build that will never collect them.
    """
    import multiprocessing
    import signal
    import threading

    build = multiprocessing.parent_process()  # its sentinel closes when the build process ends
    if build is None:
        return

    def watch() -> None:
        build.join()
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="gradviz-build-watch", daemon=True).start()


def _limit_resources(memory_limit_mib: int) -> None:
    """Bound what one render may take: address space, and file size (a runaway print loop)."""
    import resource

    if memory_limit_mib > 0:
        limit = memory_limit_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_FSIZE, (2 * 1024**3, 2 * 1024**3))


def run_job(job: RenderJob) -> RenderResult:
    """Render ``job`` into ``job.out``; return what the scene says of itself."""
    from mkdocs_gradviz.scenes._palette import palette

    request = job.request
    scratch = job.out / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    os.chdir(scratch)
    os.environ["GRADVIZ_THEME"] = request.theme
    if job.site_scenes is not None:
        sys.path.insert(0, str(job.site_scenes))

    from manim import config, tempconfig  # imported here: the parent process never pays for Manim

    _share_tex_cache_safely(job.tex_dir)
    _refuse_formulas_manim_would_patch()
    colours = palette()  # GRADVIZ_THEME is set: code blocks get the library scenes' background and text colour
    settings = {
        "pixel_width": request.width,
        "pixel_height": request.height,
        "frame_rate": request.fps,
        "media_dir": str(scratch / "media"),
        "tex_dir": str(job.tex_dir),
        "disable_caching": True,
        "no_latex_cleanup": True,  # Manim's cleanup deletes other renders' files from the shared tex dir
        "progress_bar": "none",
        "verbosity": "ERROR",
        "background_color": colours.background,
        # A still renders only the last frame, as `manim -s` does, skipping the animations' frames.
        "save_last_frame": request.still,
        "write_to_movie": not request.still,
    }
    if hasattr(config, "video_encoder_options"):  # older Manim encodes with its own fixed settings
        settings["video_encoder_options"] = ENCODER_OPTIONS
    with tempconfig(settings):
        if request.theme == "light":
            _white_drawn_as(colours.foreground)  # scenes that keep Manim's default white must stay visible
        scene = _load_scene_class(request)(**request.params)
        describe = getattr(scene, "describe", None)
        step_table = getattr(scene, "step_table", None)
        words = {
            "description": describe() if callable(describe) else "",
            "table": step_table() if callable(step_table) else None,
        }
        marks = _record_sections(scene)
        scene.render()
        movie = None if request.still else Path(scene.renderer.file_writer.movie_file_path or "")
        last_frame = scene.renderer.get_frame()
    if movie is None or not movie.is_file():  # a scene that plays nothing is a picture, as Manim makes it
        return RenderResult(**_save_still(last_frame, job.out), **words, kind="image")
    video = _publish_video(movie, job.out / VIDEO_FILE)
    _save_poster(last_frame, job.out / POSTER_FILE)
    steps = tidy_steps(marks, duration=video["duration"], fps=request.fps)
    if steps:
        (job.out / CHAPTERS_FILE).write_text(webvtt(steps, video["duration"]), encoding="utf-8")
    return RenderResult(**video, **words, steps=steps)


def _record_sections(scene: Any) -> list[tuple[Any, float, Any]]:
    """Note the scene's clock at each ``next_section`` call: where the player's steps begin.

    The clock counts the frames written so far, so a mark is the time of a frame of the video.
    The scene's ``table_row`` at that moment says which row of its step table the step shows.
    """
    marks: list[tuple[Any, float, Any]] = []
    begin_section = scene.next_section

    def next_section(name: str = "unnamed", *args: Any, **kwargs: Any) -> None:
        marks.append((name, scene.renderer.time, getattr(scene, "table_row", None)))
        begin_section(name, *args, **kwargs)

    scene.next_section = next_section
    return marks


def _share_tex_cache_safely(tex_dir: Path) -> None:
    """Let renders in parallel share one LaTeX cache: each formula is handled under its own file lock.

    Manim compiles a formula to ``<hash>.svg`` and then parses it through a temporary
    ``<hash>_.svg`` beside it; two renders of the same formula at once would see each other's
    half-written files. The lock covers compiling and parsing.
    """
    from filelock import FileLock
    from manim.mobject.svg.svg_mobject import SVGMobject
    from manim.mobject.text import tex_mobject

    compile_formula = tex_mobject.tex_to_svg_file
    parse_svg = SVGMobject.generate_mobject

    def compile_locked(expression: str, environment: str | None = None, tex_template: Any = None) -> Path:
        with FileLock(_formula_lock(tex_dir, expression, environment, tex_template)):
            svg = compile_formula(expression, environment, tex_template)
        for leftover in (".aux", ".dvi", ".log", ".xdv"):
            svg.with_suffix(leftover).unlink(missing_ok=True)
        return svg

    def parse_locked(self: SVGMobject) -> SVGMobject:
        path = Path(self.get_file_path())
        if path.parent != tex_dir:
            return parse_svg(self)
        with FileLock(path.with_suffix(".svg.lock")):
            return parse_svg(self)

    tex_mobject.tex_to_svg_file = compile_locked
    SVGMobject.generate_mobject = parse_locked


def _refuse_formulas_manim_would_patch() -> None:
    """Stop a render on a formula that is not valid TeX, instead of letting Manim patch it silently.

    Before LaTeX sees a formula, MathTex balances stray braces, turns an unmatched ``\\left`` or
    ``\\right`` into ``\\big`` and drops a half ``array``, so that a formula split over several
    strings still compiles. A typo such as ``\\frac{1}{`` then renders as something else without a
    word. When Manim changes a formula, the formula as written is compiled too (only then, so a
    correct formula costs nothing more), and LaTeX's own error stops the render.
    """
    from manim.mobject.text.tex_mobject import SingleStringMathTex

    modify = SingleStringMathTex._get_modified_expression

    def checked(self: SingleStringMathTex, tex_string: str) -> str:
        modified = modify(self, tex_string)
        if modified != tex_string.strip():
            problem = _latex_error(tex_string.strip(), self.tex_environment, self.tex_template)
            if problem:
                raise RenderError(f"LaTeX rejects the formula \"{_as_written(tex_string)}\" (Manim would patch it "
                                  f"and render something else):\n{problem}")
        return modified

    SingleStringMathTex._get_modified_expression = checked


def _latex_error(expression: str, environment: str | None, template: Any) -> str:
    """LaTeX's first error line for ``expression`` in ``environment``, or "" if it compiles."""
    import subprocess
    import tempfile

    from manim.utils.tex_file_writing import make_tex_compilation_command

    code = (template.get_texcode_for_expression_in_env(expression, environment) if environment
            else template.get_texcode_for_expression(expression))
    compiler = template.tex_compiler if isinstance(template.tex_compiler, str) else template.tex_compiler[0]
    with tempfile.TemporaryDirectory(prefix="formula.", dir=Path.cwd()) as folder:  # in the render's scratch folder
        tex = Path(folder) / "formula.tex"
        tex.write_text(code, encoding="utf-8")
        command = make_tex_compilation_command(compiler, template.output_format, tex, Path(folder))
        status = subprocess.run(command, cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, check=False).returncode
        log = tex.with_suffix(".log")
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.is_file() else []
    errors = [line for line in lines if line.startswith("!")]
    if errors:
        return errors[0]
    return f"{compiler} failed with status {status}" if status else ""


def _as_written(tex: str) -> str:
    """A formula as its author wrote it: without the markers MathTex puts around each of its strings."""
    return re.sub(r"\\special\{dvisvgm:raw </?g[^}]*\}", "", tex).strip()


def _formula_lock(tex_dir: Path, expression: str, environment: str | None, tex_template: Any) -> Path:
    import hashlib

    name = hashlib.sha256(repr((expression, environment, getattr(tex_template, "body", None))).encode())
    return tex_dir / f"{name.hexdigest()[:20]}.lock"


def _load_scene_class(request: Any) -> type:
    if request.kind == "scene":
        return getattr(_import_scene_module(request.module), request.scene)
    namespace: dict[str, Any] = {"__name__": "gradviz_block"}
    exec("from manim import *", namespace)  # the implied import of every code block
    exec(compile(request.code, CODE_FILENAME, "exec"), namespace)
    return namespace[request.scene]


def _import_scene_module(name: str) -> Any:
    """Import a scene's module; a failure names the module's file and the line that failed."""
    import importlib
    import importlib.util

    try:
        return importlib.import_module(name)
    except Exception as error:
        spec = importlib.util.find_spec(name)
        path = spec.origin if spec and spec.origin else name
        lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == path]
        raise LibraryError(path, lines[-1] if lines else None,
                           f"the scene module cannot be imported: {type(error).__name__}: {error}") from None


def _white_drawn_as(ink: str) -> None:
    """Draw white strokes and fills in ``ink``: Manim's default white would vanish on the light background.

    Many Manim classes name white in their own signature (``Square``, ``Arrow``, ``Dot``...), so
    changing class defaults misses some; every stroke and fill passes through the camera instead.
    White on purpose keeps its colour: a ``BackgroundRectangle`` (the background's colour), and a
    white fill inside an outline of another colour, a shape filled with the background (the
    library's neurons, filled with the light palette's white), which in ink would be a dark disc.
    """
    import numpy as np
    from manim import BackgroundRectangle, ManimColor
    from manim.camera.camera import Camera

    rgb = np.array(ManimColor(ink).to_rgb())
    paint = Camera.set_cairo_context_color

    def outlined(vmobject: Any) -> bool:
        """Whether ``vmobject`` has a visible stroke that is not white."""
        stroke = vmobject.get_stroke_rgbas()
        return (vmobject.get_stroke_width() > 0 and bool(np.any(stroke[:, 3] > 0))
                and not bool(np.all(stroke[:, :3] >= 0.999)))

    def set_colour(self: Camera, ctx: Any, rgbas: Any, vmobject: Any) -> Camera:
        if isinstance(vmobject, BackgroundRectangle) or outlined(vmobject):
            return paint(self, ctx, rgbas, vmobject)
        rgbas = np.array(rgbas, dtype=float)
        white = np.all(rgbas[:, :3] >= 0.999, axis=1)
        rgbas[white, :3] = rgb
        return paint(self, ctx, rgbas, vmobject)

    Camera.set_cairo_context_color = set_colour


def _publish_video(movie: Path, target: Path) -> dict[str, Any]:
    """Copy Manim's H.264 stream into an MP4 with its index first, so playback starts at once."""
    import av

    with av.open(str(movie)) as source, av.open(str(target), "w", options={"movflags": "+faststart"}) as sink:
        stream = source.streams.video[0]
        codec = stream.codec_context
        output = _stream_copying(sink, stream)
        for packet in source.demux(stream):
            if packet.dts is not None:
                packet.stream = output
                sink.mux(packet)
        duration = float(stream.duration * stream.time_base) if stream.duration else float(source.duration or 0) / 1e6
        return {"width": codec.width, "height": codec.height, "duration": round(duration, 3),
                "codec": codec.name, "pix_fmt": codec.pix_fmt}


def _stream_copying(sink: Any, stream: Any) -> Any:
    """A new stream of ``sink`` with ``stream``'s codec settings, under either PyAV API.

    PyAV 14 moved stream copying to ``add_stream_from_template``; the PyAV 13 that Manim 0.19
    (the last Manim for Python 3.10) requires still spells it ``add_stream(template=...)``.
    """
    copy = getattr(sink, "add_stream_from_template", None)
    return copy(stream) if copy is not None else sink.add_stream(template=stream)


def _save_poster(frame: Any, target: Path) -> None:
    from PIL import Image

    Image.fromarray(frame[..., :3]).save(target, optimize=True)


def _save_still(frame: Any, folder: Path) -> dict[str, Any]:
    """Save ``frame`` as the render's picture: lossless PNG or lossless WebP, whichever is smaller."""
    import io

    from PIL import Image

    picture = Image.fromarray(frame[..., :3])
    encoded = {}
    for name, options in (("png", {"optimize": True}), ("webp", {"lossless": True, "quality": 100, "method": 4})):
        buffer = io.BytesIO()
        picture.save(buffer, format=name.upper(), **options)
        encoded[name] = buffer.getvalue()
    chosen = min(encoded, key=lambda name: len(encoded[name]))
    (folder / f"image.{chosen}").write_bytes(encoded[chosen])
    return {"width": picture.width, "height": picture.height, "duration": 0.0, "codec": chosen, "pix_fmt": "rgb24"}


def _explain(error: BaseException) -> dict[str, Any]:
    """An author-facing account of ``error``: what went wrong and where in the block."""
    if isinstance(error, SystemExit):
        return {"message": f"the block called sys.exit({error.code!r}); a scene must not exit the render"}
    if isinstance(error, MemoryError):
        return {"message": "the render ran out of memory (see the memory_limit option)"}
    latex = _latex_failure(error)
    if latex:
        return {"message": latex}
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == CODE_FILENAME:
            line = frame.lineno
    from mkdocs_gradviz.scenes._params import ParameterError  # the scene library's own, for its scenes' use

    if isinstance(error, GradvizError | ParameterError):  # written for authors already
        return {"message": str(error), "line": line}
    message = f"{type(error).__name__}: {error}"
    outside = blame(error)  # a Manim, PyAV or Pillow release that gradviz does not support
    # The environment first: it is the cause, and the first line is what summaries show.
    return {"message": f"{outside}\n{message}" if outside else message, "line": line}


def _latex_failure(error: BaseException) -> str:
    """LaTeX's own error lines when ``error`` is Manim's report of a failed compile."""
    text = str(error)
    match = re.search(r"log file: (\S+\.log)", text)
    if "error converting to" not in text or not match:
        return ""
    try:
        log = Path(match.group(1)).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return f"LaTeX failed: {text}"
    lines = []
    for index, line in enumerate(log):
        if line.startswith("!"):
            lines += [line] + [ln for ln in log[index + 1:index + 3] if ln.strip()]
    source = re.search(r"l\.\d+ (.*)", "\n".join(lines))
    detail = "\n".join(lines[:6]) or "\n".join(log[-8:])
    return f"LaTeX could not compile a formula{' near ' + repr(source.group(1)) if source else ''}:\n{detail}"


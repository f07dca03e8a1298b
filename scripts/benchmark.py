#!/usr/bin/env python3
"""Speed and size benchmark of gradviz, as ratios measured in one run on this machine.

    python3 scripts/benchmark.py                      # the full run (tens of minutes)
    python3 scripts/benchmark.py --quick              # fewer scenes and sizes, to check that it works
    python3 scripts/benchmark.py --scenes             # only the per-scene rows (8), a few minutes
    python3 scripts/benchmark.py --scenes --baseline 1e1f209   # the same rows for that commit too
    python3 scripts/benchmark.py --course --baseline 1e1f209   # only the course's cold build (9), both commits

Targets: (1) a cold `mkdocs build` takes at most 0.6x the sum of `manim render` per scene;
(2) a warm build takes at most 1.05x the same site without the plugin, plus 0.3 s; (3) under
`mkdocs serve`, save-to-video of an edited block is within 1.2x of rendering that scene alone;
(4) build time grows linearly with blocks to render and stays flat with cached ones; (5) videos
are H.264 yuv420p with faststart and no larger than Manim's own output; (6) the same renders on a
Dask cluster of 1 and 2 workers against the local pool: the speed-up and Dask's cost per task
(`--cluster` runs only this part; the model it feeds is in docs/reference/scaling.md); (7) the
course served with a cold cache, one block edited 2 s after the server is up: edit-to-figure is at
most 1.3x rendering that block alone, the background renders being paused meanwhile (`--serve` runs
only this part); (8) each library scene with its defaults at low quality: CPU seconds of render per
second of video within 2x of its raster limit (its final mobjects drawn through its own camera for
as many frames with no updater or transform: Cairo and the encoder alone), next to the seeds' own
scenes through Manim's CLI, the naive anchor (`--scenes` runs only this part); (9) with `--baseline COMMIT`, the course's
cold build at its default quality against that commit's, on this machine in the same run: at most
0.40x (`--course` runs only this part).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av

REPO = Path(__file__).resolve().parents[1]
SIZES = {"tiny": (256, 144, 10), "low": (854, 480, 15), "medium": (1280, 720, 30)}
MKDOCS_YML = """\
site_name: Benchmark
plugins:
  - gradviz:
      enabled: {enabled}
      quality: {quality}
      serve_quality: {quality}
      theme: dark
markdown_extensions:
  - pymdownx.superfences
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer scenes and sizes: checks that the benchmark works")
    parser.add_argument("--quality", default="low", choices=sorted(SIZES))
    parser.add_argument("--cluster", action="store_true", help="only the Dask scaling run (6)")
    parser.add_argument("--serve", action="store_true", help="only the course serve run (7)")
    parser.add_argument("--scenes", action="store_true", help="only the per-scene rows (8)")
    parser.add_argument("--course", action="store_true", help="only the course's cold build against --baseline (9)")
    parser.add_argument("--baseline", metavar="COMMIT", help="also measure this commit (rows 8 and 9): today's start")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="measurements of (8) at once (CPU seconds: more at once barely moves them)")
    parser.add_argument("--course-quality", choices=sorted(SIZES), help="the course builds' quality (9); default: its own")
    args = parser.parse_args()
    if args.serve:
        with tempfile.TemporaryDirectory(prefix="gradviz-bench-") as folder:
            rows = [serve_course(Path(folder) / "course", args.quality)]
            if args.baseline:
                tree = source_tree(args.baseline, Path(folder) / "baseline")
                rows.append(serve_course(Path(folder) / "course-baseline", args.quality, tree=tree,
                                         label=f" at {args.baseline}"))
            return report(rows)
    if args.cluster:
        return report(cluster_scaling(4 if args.quick else 8, args.quality, rounds=1 if args.quick else 2))
    if args.scenes or args.course:
        with tempfile.TemporaryDirectory(prefix="gradviz-bench-") as folder:
            work = Path(folder)
            baseline = source_tree(args.baseline, work / "baseline") if args.baseline else None
            rows = scene_rows(work / "scenes", library_scenes()[:3] if args.quick else library_scenes(),
                              "low", baseline, args.jobs) if args.scenes else []
            if args.course:
                if baseline is None:
                    raise SystemExit("benchmark: --course compares with --baseline COMMIT; name the commit")
                rows.append(course_cold_build(work / "course", baseline, args.course_quality))
            return report(rows)
    scenes = library_scenes()[:3] if args.quick else library_scenes()
    counts = [2, 4] if args.quick else [5, 10, 20, 40]
    rows: list[tuple[str, str, str, bool]] = []
    with tempfile.TemporaryDirectory(prefix="gradviz-bench-") as folder:
        work = Path(folder)
        rows.append(cold_build(work / "cold", scenes, args.quality))
        rows.append(warm_build(work / "cold", args.quality))
        rows.append(serve_edit(work / "cold", scenes[0], args.quality))
        rows.extend(scaling(work / "scaling", counts, args.quality))
        rows.extend(sizes(work / "size", scenes[0], ["tiny"] if args.quick else ["tiny", "low", "medium"]))
        rows.append(serve_course(work / "course", "tiny" if args.quick else args.quality))
        baseline = source_tree(args.baseline, work / "baseline") if args.baseline else None
        rows.extend(scene_rows(work / "scenes", scenes, "low", baseline, args.jobs))
        if baseline is not None and not args.quick:
            rows.append(course_cold_build(work / "course-cold", baseline, args.course_quality))
    rows.extend(cluster_scaling(4 if args.quick else 8, args.quality, rounds=1 if args.quick else 2))
    return report(rows)


def report(rows: list[tuple[str, str, str, bool]]) -> int:
    print()
    print(f"{'measure':<58} {'target':<22} {'measured':<28} ok")
    for name, target, measured, ok in rows:
        print(f"{name:<58} {target:<22} {measured:<28} {'yes' if ok else 'NO'}")
    return 0 if all(ok for *_, ok in rows) else 1


def at_most(value: float, bound: float) -> bool:
    """The check of a row whose target is an upper bound: ``value`` does not exceed ``bound``."""
    return value <= bound


def within(value: float, low: float, high: float) -> bool:
    """The check of a row whose target is a range: ``low <= value <= high``."""
    return low <= value <= high


def library_scenes() -> list[tuple[str, str]]:
    """(module, class) of every library scene, as the plugin sees them."""
    sys.path.insert(0, str(REPO))
    from mkdocs_gradviz.core.library import SceneLibrary

    library = SceneLibrary()
    return sorted((info.module, info.name) for info in library.scenes.values())


def make_site(root: Path, blocks: list[str], quality: str, enabled: bool = True) -> Path:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    if not (root / "scenes").exists():
        (root / "scenes").symlink_to(REPO / "scenes")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(enabled=str(enabled).lower(), quality=quality))
    (root / "docs" / "index.md").write_text("# Benchmark\n\n" + "\n\n".join(blocks) + "\n")
    return root


def mkdocs_build(root: Path) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, check=True)
    return time.perf_counter() - began


def manim_render(root: Path, module: str, scene: str, quality: str) -> tuple[float, Path]:
    """One `manim render` from the command line, cold (its own media folder); returns time and video."""
    width, height, fps = SIZES[quality]
    media = root / f"media-{module}-{scene}-{quality}"
    shutil.rmtree(media, ignore_errors=True)
    # Library modules use relative imports, so Manim's CLI gets a small file naming the scene; a
    # subclass, because Manim 0.22's CLI lists only the scenes a file defines, not those it imports.
    script = root / f"{scene}_cli.py"
    script.write_text(f"from {module} import {scene} as Library\n\n\nclass {scene}(Library):\n    pass\n",
                      encoding="utf-8")
    began = time.perf_counter()
    subprocess.run(["manim", "render", "-q", "l", "-r", f"{width},{height}", "--fps", str(fps), "--disable_caching",
                    "--media_dir", str(media), "--progress_bar", "none", "-v", "WARNING", str(script), scene],
                   cwd=root, check=True, env={**os.environ, "GRADVIZ_THEME": "dark"}, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - began
    (video,) = [p for p in media.rglob(f"{scene}.mp4") if "partial" not in str(p)]
    return elapsed, video


def cold_build(root: Path, scenes: list[tuple[str, str]], quality: str) -> tuple[str, str, str, bool]:
    root.mkdir(parents=True)
    manim_total = sum(manim_render(root, module, scene, quality)[0] for module, scene in scenes)
    make_site(root, [f"```gradviz\nscene: {scene}\n```" for _, scene in scenes], quality)
    cold = mkdocs_build(root)
    ratio = cold / manim_total
    print(f"cold: {len(scenes)} scenes at {quality}: manim CLI {manim_total:.1f} s, gradviz cold build {cold:.1f} s")
    return (f"(1) cold build / sum of manim render ({len(scenes)} scenes)", "<= 0.60",
            f"{ratio:.2f} ({cold:.1f} s / {manim_total:.1f} s)", at_most(ratio, 0.6))


def warm_build(root: Path, quality: str) -> tuple[str, str, str, bool]:
    warm = statistics.median(mkdocs_build(root) for _ in range(3))
    text = (root / "docs" / "index.md").read_text()
    plain_root = make_site(root.parent / "plain", [text], quality, enabled=False)
    plain = statistics.median(mkdocs_build(plain_root) for _ in range(3))
    ok = at_most(warm, 1.05 * plain + 0.3)
    print(f"warm: with every block cached {warm:.2f} s, plugin disabled {plain:.2f} s")
    return ("(2) warm build / plugin disabled", "<= 1.05 (+0.3 s)",
            f"{warm / plain:.2f} ({warm:.2f} s / {plain:.2f} s)", ok)


def serve_edit(root: Path, scene: tuple[str, str], quality: str) -> tuple[str, str, str, bool]:
    module, name = scene
    alone, _ = manim_render(root, module, name, quality)
    url = f"http://127.0.0.1:{free_port()}/"
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", url[7:-1]], cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with chromium_page() as page:
            wait_for(url, lambda html: True)
            page.goto(url)
            old = page.evaluate("Array.from(document.querySelectorAll('video')).map(v => v.getAttribute('src'))")
            page.evaluate("window.beforeEdit = true")
            marker = f"```gradviz\nscene: {name}\n```"
            # Edit one real render input of one block (its theme), as an author changing a block would.
            edit(root / "docs" / "index.md", marker, f"```gradviz\nscene: {name}\ntheme: light\n```")
            began = time.perf_counter()
            wait_in_page(page, "old => !window.beforeEdit && Array.from(document.querySelectorAll("
                               "'figure.gradviz:not(.gradviz-pending) video')).some(v => !old.includes(v.getAttribute('src')))",
                         old)
            elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    ratio = elapsed / alone
    print(f"serve: save-to-video {elapsed:.1f} s; manim render of {name} alone {alone:.1f} s")
    return (f"(3) serve save-to-video / manim render alone ({name})", "<= 1.20",
            f"{ratio:.2f} ({elapsed:.1f} s / {alone:.1f} s)", at_most(ratio, 1.2))


#: The block edited in the course run (7): the home page's, whose old render is among the first running.
COURSE_EDIT = ("index.md", "start: -1.5\n", "start: -1.4\n")
#: A render logged by mkdocs serve: "rendered 3/76: GradientDescent (dark, 25.1 s)".
RENDERED = re.compile(r"rendered \d+/\d+: \S+ \(\w+, ([\d.]+) s\)")


def serve_course(root: Path, quality: str, edit_after: float = 2.0, tree: Path = REPO,
                 label: str = "") -> tuple[str, str, str, bool]:
    """(7) The course served with a cold cache; one block edited ``edit_after`` s after the server is up.

    Measured: from saving the page to the edited block's figure in the open page (reloaded once
    by the edit, then swapped in place by the player). The goal is at most 1.3x the time to render
    that block alone: the edit goes ahead of the whole queue, and the background renders running
    when the page was saved are paused until the edited block's renders are done. ``tree`` is the
    gradviz source tree served (an older commit's, from ``source_tree``), with its own course.
    """
    root.mkdir(parents=True)
    shutil.copytree(tree / "docs", root / "docs")
    shutil.copy(tree / "mkdocs.yml", root / "mkdocs.yml")
    (root / "scenes").symlink_to(tree / "scenes")
    name, old, new = COURSE_EDIT
    url = f"http://127.0.0.1:{free_port()}/"
    log = root / "serve.log"
    env = {**os.environ, "GRADVIZ_SERVE_QUALITY": quality, "PYTHONPATH": str(tree)}
    with open(log, "w") as output:
        server = subprocess.Popen([sys.executable, "-c", MKDOCS_DRIVER, "serve", "-a", url[7:-1]], cwd=root, env=env,
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for(url, lambda html: True)
        up = time.perf_counter()
        with chromium_page() as page:
            page.goto(url)
            time.sleep(max(0.0, up + edit_after - time.perf_counter()))
            page.evaluate("window.beforeEdit = true")  # gone once the edit's live reload has happened
            edit(root / "docs" / name, old, new)
            saved = time.perf_counter()
            wait_in_page(page, "() => { const f = document.querySelector('article figure.gradviz');"
                               " return !window.beforeEdit && f && !f.classList.contains('gradviz-pending')"
                               " && !!f.querySelector('video'); }")
            elapsed = time.perf_counter() - saved
    finally:
        server.terminate()
        server.wait(timeout=60)
    concurrency = os.cpu_count() or 1
    logged = [float(seconds) for seconds in RENDERED.findall(log.read_text())]
    edited = logged[:concurrency]  # the edit's renders end first: the background ones were paused for them
    alone = render_alone_in(tree, root.parent / f"{root.name}-alone", (root / "docs" / name).read_text(), quality)
    ratio = elapsed / alone
    print(f"serve course{label}: save-to-figure {elapsed:.1f} s; that block alone {alone:.1f} s (under serve: "
          f"{', '.join(f'{r:.1f}' for r in edited)} s); load average {os.getloadavg()[0]:.1f}")
    return (f"(7) course serve{label}: edit-to-figure / that block alone", "<= 1.30",
            f"{ratio:.2f} ({elapsed:.1f} s / {alone:.1f} s)", at_most(ratio, 1.3))


#: Each seed scene (scripts/seed_scenes.py) beside the library scene that shows the same idea.
SEED_OF = {"GradientDescent": "GradientDescent2D", "GradientField": "GradientVectorField",
           "LearningRateComparison": "LearningRateComparison", "WeightUpdate": "WeightUpdateDemo",
           "BatchUpdate": "BatchWeightUpdate", "WeightMatrixUpdate": "WeightMatrixUpdate"}
#: The most a library scene may cost beside its raster limit, in CPU seconds per second of video (8).
RASTER_BOUND = 2.0


def scene_rows(root: Path, scenes: list[tuple[str, str]], quality: str, baseline: Path | None = None,
               jobs: int = 1) -> list[tuple[str, str, str, bool]]:
    """(8) Each library scene's CPU seconds per second of video against its raster limit and its seed.

    Every measurement is a process of its own (``scene_cost.py``, or Manim's CLI for a seed),
    ``jobs`` at a time; CPU time, not wall time, so that other load on a shared machine
    and the measurements running beside each other barely move the numbers. With ``baseline`` (a
    source tree of an earlier commit) its scenes are measured in the same run for comparison.
    """
    root.mkdir(parents=True)
    width, height, fps = SIZES[quality]
    trees = {"now": REPO, **({"before": baseline} if baseline is not None else {})}
    measurements = {(tree, name): (scene_cost, (root / f"{tree}-{name}", path, module, name, (width, height, fps)))
            for module, name in scenes for tree, path in trees.items()}
    measurements.update({("seed", seed): (seed_cost, (root / f"seed-{seed}", seed, quality))
                 for _, name in scenes if (seed := SEED_OF.get(name))})
    with ThreadPoolExecutor(jobs) as pool:
        futures = {key: pool.submit(function, *arguments) for key, (function, arguments) in measurements.items()}
        costs = {key: future.result() for key, future in futures.items()}
    rows = []
    for _, name in scenes:
        now = costs["now", name]
        ratio = now["render"] / now["raster"]
        seed = SEED_OF.get(name)
        parts = [f"{per_second(now, 'render'):.2f} s/s = {ratio:.2f}x raster ({per_second(now, 'raster'):.2f})"]
        if ("before", name) in costs:
            before = costs["before", name]
            parts.append(f"before {per_second(before, 'render'):.2f} s/s = "
                         f"{before['render'] / before['raster']:.2f}x")
        parts.append(f"seed {seed} {per_second(costs['seed', seed], 'render'):.2f} s/s" if seed else "no seed")
        print(f"scene {name}: {now['frames']} frames, {now['duration']:.1f} s of video; "
              f"render {now['render']:.1f} s CPU ({now['render_wall']:.1f} s wall), raster limit {now['raster']:.1f} s CPU; "
              f"final frames differ by {now['frame_difference']:.2f} of 255")
        rows.append((f"(8) {name}: CPU s per s of video at {quality}", f"<= {RASTER_BOUND:.2f}x raster limit",
                     "; ".join(parts), at_most(ratio, RASTER_BOUND)))
    return rows


def per_second(cost: dict, which: str) -> float:
    """CPU seconds of ``which`` (the render, or its raster limit) per second of video."""
    return cost[which] / cost["duration"]


def scene_cost(root: Path, tree: Path, module: str, name: str, size: tuple[int, int, int]) -> dict:
    """scripts/scene_cost.py for one scene of the gradviz source ``tree``: its costs, as it reports them."""
    root.mkdir(parents=True)
    command = [sys.executable, str(REPO / "scripts" / "scene_cost.py"), module, name, *map(str, size), str(root)]
    output, _ = run_measured(command, root, {"PYTHONPATH": str(tree)})
    cost = json.loads(output.strip().splitlines()[-1])
    if not cost["module_file"].startswith(str(tree)):
        raise SystemExit(f"benchmark: {name} came from {cost['module_file']}, not from {tree}")
    return cost


def seed_cost(root: Path, seed: str, quality: str) -> dict:
    """A seed scene through Manim's CLI, as its author would run it: CPU seconds (import and LaTeX included)."""
    width, height, fps = SIZES[quality]
    root.mkdir(parents=True)
    command = ["manim", "render", "-r", f"{width},{height}", "--fps", str(fps), "--disable_caching",
               "--media_dir", str(root / "media"), "--progress_bar", "none", "-v", "WARNING",
               str(REPO / "scripts" / "seed_scenes.py"), seed]
    _, cpu = run_measured(command, root, {})
    (video,) = [p for p in (root / "media").rglob(f"{seed}.mp4") if "partial" not in str(p)]
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        duration = float(stream.duration * stream.time_base)
    return {"render": cpu, "duration": duration}


def run_measured(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[str, float]:
    """Run ``command`` to its end; its standard output and the CPU seconds it and its children used."""
    with open(cwd / "output.txt", "w+") as output, open(cwd / "errors.txt", "w+") as errors:
        process = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=errors,
                                   env={**os.environ, "GRADVIZ_THEME": "dark", **env})
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"benchmark: {' '.join(command)} failed:\n{errors.read()[-3000:]}")
        output.seek(0)
        return output.read(), usage.ru_utime + usage.ru_stime


def source_tree(commit: str, root: Path) -> Path:
    """The gradviz sources of ``commit`` in ``root`` (``git archive``), importable with PYTHONPATH=root."""
    root.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", commit], cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    (root / "mkdocs_gradviz" / "scenes").symlink_to("../scenes")  # as the installed package maps it
    return root


#: Lets the installed entry point find the plugin of whichever tree is first on ``sys.path``, an
#: older layout's (mkdocs_gradviz.plugin) too.
PLUGIN_ALIAS = """\
import importlib, pathlib, sys, types
import mkdocs_gradviz
if not (pathlib.Path(mkdocs_gradviz.__file__).parent / "mkdocs" / "plugin.py").is_file():  # not the editable one's
    sys.modules["mkdocs_gradviz.mkdocs"] = types.ModuleType("mkdocs_gradviz.mkdocs")
    sys.modules["mkdocs_gradviz.mkdocs.plugin"] = importlib.import_module("mkdocs_gradviz.plugin")
"""
#: ``mkdocs`` with its arguments, run with the gradviz of the tree on PYTHONPATH.
MKDOCS_DRIVER = PLUGIN_ALIAS + """\
from mkdocs.__main__ import cli
cli(sys.argv[1:])
"""


#: Runs the command it is given as a child subreaper: every process the command leaves behind is
#: reaped here, so the CPU time of render processes (children of a fork server the build leaves
#: to exit after it) is counted. Prints the command's status, wall and CPU seconds as JSON.
REAPER = """\
import ctypes, json, os, resource, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
began = time.perf_counter()
status = subprocess.call(sys.argv[1:])
wall = time.perf_counter() - began
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"status": status, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime}))
"""


def course_cold_build(root: Path, baseline: Path, quality: str | None = None) -> tuple[str, str, str, bool]:
    """(9) Each tree's own course built cold, the baseline first, then this one: CPU and wall seconds.

    At the course's default quality unless ``quality`` is given. The check is on CPU seconds, which
    other load on a shared machine barely moves; on an idle machine the wall time follows them
    (every render process is busy until the last few renders).
    """
    env = {key: value for key, value in os.environ.items() if key not in ("GRADVIZ_QUALITY", "GRADVIZ_SERVE_QUALITY")}
    if quality is not None:
        env["GRADVIZ_QUALITY"] = quality
    cost = {}
    for name, tree in (("before", baseline), ("now", REPO)):
        site = root / name
        shutil.copytree(tree / "docs", site / "docs")
        shutil.copy(tree / "mkdocs.yml", site / "mkdocs.yml")
        load = os.getloadavg()[0]
        output = subprocess.run([sys.executable, "-c", REAPER, sys.executable, "-c", MKDOCS_DRIVER, "build", "-q"], cwd=site,
                                env={**env, "PYTHONPATH": str(tree)}, check=True, capture_output=True, text=True).stdout
        cost[name] = json.loads(output.strip().splitlines()[-1])
        if cost[name]["status"] != 0:
            raise SystemExit(f"benchmark: the course build of {name} ({tree}) failed")
        renders = len(list((site / ".cache" / "gradviz").rglob("manifest.json")))
        print(f"course cold build, {name}: {cost[name]['cpu']:.0f} s CPU, {cost[name]['wall']:.0f} s wall, "
              f"{renders} renders; load average {load:.1f} before")
    ratio = cost["now"]["cpu"] / cost["before"]["cpu"]
    return (f"(9) course cold build at {quality or 'its default quality'} vs baseline, CPU", "<= 0.40",
            (f"{ratio:.2f} ({cost['now']['cpu']:.0f} s / {cost['before']['cpu']:.0f} s; wall "
             f"{cost['now']['wall']:.0f} s / {cost['before']['wall']:.0f} s)"), at_most(ratio, 0.40))


def render_alone_in(tree: Path, root: Path, page_text: str, quality: str) -> float:
    """``render_alone`` with the gradviz of ``tree``, in a process of its own."""
    code = (f"import sys; sys.path[:0] = [{str(tree)!r}, {str(REPO / 'scripts')!r}]\n" + PLUGIN_ALIAS
            + f"import benchmark; from pathlib import Path; benchmark.REPO = Path({str(tree)!r})\n"
            f"print(benchmark.render_alone(Path({str(root)!r}), sys.stdin.read(), {quality!r}))\n")
    output = subprocess.run([sys.executable, "-c", code], input=page_text, capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(tree)}).stdout
    return float(output.strip().splitlines()[-1])


def render_alone(root: Path, page_text: str, quality: str) -> float:
    """Seconds to render the first block of ``page_text`` alone (all its variants, fork server warm)."""
    sys.path.insert(0, str(REPO))
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from mkdocs_gradviz.core.process import start_fork_server

    block = re.search(r"```gradviz\n.*?\n```", page_text, re.DOTALL).group(0)
    site = make_site(root, [block], quality)
    (site / "mkdocs.yml").write_text((site / "mkdocs.yml").read_text().replace("      theme: dark\n", ""))
    start_fork_server()  # as under mkdocs serve, which starts it when it starts serving
    times = []
    for _ in range(2):  # cold, then warm: the difference is the rendering
        config = load_config(str(site / "mkdocs.yml"))
        config.plugins.on_startup(command="build", dirty=False)
        began = time.perf_counter()
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        times.append(time.perf_counter() - began)
    return times[0] - times[1]


def edit(page: Path, old: str, new: str) -> None:
    text = page.read_text()
    if old not in text:
        raise SystemExit(f"benchmark: {page} no longer contains {old!r}; update the benchmark's edit")
    page.write_text(text.replace(old, new, 1))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def chromium_page():
    """A page in Debian's headless Chromium, as the browser tests drive it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            yield browser.new_page()
        finally:
            browser.close()


def wait_in_page(page, condition: str, arg=None, seconds: float = 1800) -> None:
    """Poll ``condition`` in the page (through live reloads, which interrupt an evaluation) until it holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if page.evaluate(condition, arg):
                return
        except Exception:  # the page is reloading
            pass
        time.sleep(0.1)
    raise TimeoutError(condition)


def wait_for(url: str, ready, seconds: float = 600) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                html = response.read().decode()
            if ready(html):
                return html
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(url)


def scaling(root: Path, counts: list[int], quality: str) -> list[tuple[str, str, str, bool]]:
    cold, warm = {}, {}
    for count in counts:
        blocks = [f"```gradviz\nscene: GradientDescent\nstart: {1 + i / 10:.1f}\nsteps: 2\n```" for i in range(count)]
        site = make_site(root / f"n{count}", blocks, quality)
        cold[count] = mkdocs_build(site)
        warm[count] = mkdocs_build(site)
        print(f"scaling: {count} distinct blocks: cold {cold[count]:.1f} s, all cached {warm[count]:.2f} s")
    small, large = counts[0], counts[-1]
    # Linear: each added block costs about the same (the slope between successive sizes), whatever
    # the fixed start-up cost of the build.
    slopes = [(cold[b] - cold[a]) / (b - a) for a, b in zip(counts, counts[1:], strict=False)]
    linear = max(slopes) <= 1.35 * min(slopes)
    flat = warm[large] - warm[small] <= 0.5 + 0.02 * (large - small)
    curve = ", ".join(f"{n}: {cold[n]:.1f}s" for n in counts) + " (s/block: " + ", ".join(f"{x:.2f}" for x in slopes) + ")"
    cached = ", ".join(f"{n}: {warm[n]:.2f}s" for n in counts)
    return [
        ("(4a) cold build time by blocks to render (linear)", "slopes within 1.35x", curve, linear),
        ("(4b) warm build time by cached blocks (flat)", "+<=0.5 s", cached, flat),
    ]


def sizes(root: Path, scene: tuple[str, str], qualities: list[str]) -> list[tuple[str, str, str, bool]]:
    module, name = scene
    root.mkdir(parents=True)
    rows = []
    for quality in qualities:
        _, manim_video = manim_render(root, module, name, quality)
        site = make_site(root / quality, [f"```gradviz\nscene: {name}\n```"], quality)
        mkdocs_build(site)
        (ours,) = (site / "site" / "assets" / "gradviz").glob("*.mp4")
        with av.open(str(ours)) as container:
            stream = container.streams.video[0]
            seconds = float(stream.duration * stream.time_base)
            web = (stream.codec_context.name, stream.codec_context.pix_fmt) == ("h264", "yuv420p")
        faststart = ours.read_bytes().find(b"moov") < ours.read_bytes().find(b"mdat")
        size, theirs = ours.stat().st_size, manim_video.stat().st_size
        rows.append((f"(5) {quality}: bytes vs manim's own, bytes per second", "<= 1.00, h264/yuv420p",
                     f"{size / theirs:.2f}, {size / seconds / 1000:.0f} kB/s", size <= theirs and web and faststart))
    return rows


def cluster_scaling(count: int, quality: str, rounds: int = 2) -> list[tuple[str, str, str, bool]]:
    """The same ``count`` renders through the local pool (1 and 2 at a time) and a Dask cluster of 1 and 2 workers.

    Every mode is warmed first (Manim imported in each fork server, formulas in the LaTeX cache),
    so the times compare rendering and dispatch, not start-up. The modes take turns for ``rounds``
    rounds and each keeps its fastest round: on a shared machine that is the least disturbed one.
    Dask's cost per task, the ``o`` of the model in docs/reference/scaling.md, is measured apart
    (``dispatch_cost``): the wall times move too much with other load to yield it by difference.
    """
    sys.path.insert(0, str(REPO))
    from mkdocs_gradviz.core.dask_executor import DaskExecutor
    from mkdocs_gradviz.core.process import run_in_process

    requests = plan_requests(count + 2, quality)
    warm_ups, timed = requests[:2], requests[2:]
    times: dict[str, float] = {}
    singles: list[float] = []
    dispatch = float("inf")
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="gradviz-bench-cluster-") as folder:
        work = Path(folder)
        for _ in range(rounds):
            for processes in (1, 2):
                render_all(work, warm_ups[:processes], run_in_process, processes)
                durations: list[float] = []
                seconds = render_all(work, timed, run_in_process, processes, durations)
                if processes == 1 and seconds < times.get("local 1", float("inf")):
                    singles = durations
                times[f"local {processes}"] = min(seconds, times.get(f"local {processes}", float("inf")))
            for workers in (1, 2):
                with dask_cluster(work, workers) as address:
                    executor = DaskExecutor(address=address, workers=workers, shared=None, site_scenes=None, warnings=[])
                    try:
                        render_all(work, warm_ups[:workers], executor, workers)  # one each: every worker imports Manim
                        seconds = render_all(work, timed, executor, workers)
                    finally:
                        executor.close()
                    if workers == 1:
                        dispatch = min(dispatch_cost(address, timed[0], work), dispatch)
                times[f"dask {workers}"] = min(seconds, times.get(f"dask {workers}", float("inf")))
    print("cluster: " + ", ".join(f"{mode} {seconds:.1f} s" for mode, seconds in times.items())
          + f"; {count} renders at {quality} of {sum(singles) / count:.2f} s on average, longest {max(singles):.2f} s;"
          f" best of {rounds} rounds; load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    return cluster_rows(times, dispatch, singles)


def cluster_rows(times: dict[str, float], overhead: float, singles: list[float],
                 cores: int = 2) -> list[tuple[str, str, str, bool]]:
    """The rows (6a)-(6c) from the fastest wall time of each mode, Dask's cost per task and the renders' own times.

    Dask's cost must stay small beside a render (5% of the average one), the slow-down of one
    Dask worker against one local process must be about that cost, two workers on ``cores``
    cores must speed up by at least nothing and at most ``cores`` (5% for noise), and the time of
    two workers must match the model of docs/reference/scaling.md.
    """
    count = len(singles)
    mean, longest, total = sum(singles) / count, max(singles), sum(singles)
    difference = (times["dask 1"] - times["local 1"]) / count
    speed_up = times["dask 1"] / times["dask 2"]
    model = max((total + overhead * count) / 2, longest + overhead)
    return [
        ("(6a) Dask's cost per render task (median round trip)", "<= 5% of a render",
         f"{overhead * 1000:.0f} ms ({overhead / mean:.1%})", at_most(overhead, 0.05 * mean)),
        (f"(6a') {count} renders, 1 Dask worker vs 1 local process", "<= (6a) + 5% of a render",
         f"{times['dask 1']:.1f} s vs {times['local 1']:.1f} s: {difference * 1000:+.0f} ms/task",
         at_most(difference, overhead + 0.05 * mean)),
        ("(6b) speed-up of 2 Dask workers over 1", f"1 to {cores} ({cores} cores)",
         f"{speed_up:.2f} (local pool: {times['local 1'] / times['local 2']:.2f})", within(speed_up, 1.0, cores * 1.05)),
        ("(6c) 2 Dask workers: measured vs the model", "within 25%",
         f"{times['dask 2']:.1f} s vs {model:.1f} s", abs(times["dask 2"] - model) <= 0.25 * model),
    ]


def dispatch_cost(address: str, request, work: Path, rounds: int = 30) -> float:
    """Median seconds of a Dask task that carries a render's request to a worker and its files back.

    It is what a render on the cluster pays beyond the render itself (which runs in a process of
    its own either way), measured without rendering so that other load on the machine barely moves it.
    """
    from distributed import Client

    entry = next(work.rglob("entries/*/manifest.json")).parent
    sizes = {path.name: path.stat().st_size for path in entry.iterdir() if path.name != "manifest.json"}
    seconds = []
    with Client(address) as client:
        for _ in range(rounds):
            began = time.perf_counter()
            client.submit(_round_trip, request, sizes, pure=False).result()
            seconds.append(time.perf_counter() - began)
    return statistics.median(seconds)


def _round_trip(request, sizes: dict[str, int]) -> dict:
    """Runs on the worker: hands back as many bytes as a finished render does."""
    return {"result": {"key": request.key}, "files": {name: bytes(size) for name, size in sizes.items()}}


def plan_requests(count: int, quality: str) -> list:
    """The render requests of ``count`` distinct GradientDescent blocks, as a build would key them."""
    from mkdocs_gradviz.core.library import SceneLibrary
    from mkdocs_gradviz.core.render_queue import environment
    from mkdocs_gradviz.core.spec import parse_block, requests_for

    library = SceneLibrary()
    requests = []
    for i in range(count):
        spec = parse_block(f"scene: GradientDescent\nstart: {1 + i / 10:.1f}\nsteps: 2\n", {}, library, allow_code=False)
        requests.extend(requests_for(spec, quality=quality, theme="dark", library=library, environment=environment()))
    return requests


def render_all(work: Path, requests: list, execute, concurrency: int, seconds: list[float] | None = None) -> float:
    """Render ``requests`` into a fresh cache (sharing one LaTeX cache) ``concurrency`` at a time; wall time."""
    from mkdocs_gradviz.core.cache import RenderCache
    from mkdocs_gradviz.core.progress import RenderProgress
    from mkdocs_gradviz.core.render_queue import RenderQueue

    class Durations(RenderProgress):
        def changed(self, request, seconds: float | None) -> None:
            if seconds is not None and durations is not None:
                durations.append(seconds)

    durations = seconds
    cache = RenderCache(Path(tempfile.mkdtemp(dir=work)))
    (work / "tex").mkdir(exist_ok=True)
    cache.tex_dir = work / "tex"
    cache.prepare()
    renderer = RenderQueue(cache, site_scenes=None, concurrency=concurrency, timeout=600, memory_limit=4096, execute=execute)
    renderer.progress = Durations(concurrency)
    began = time.perf_counter()
    futures = [renderer.submit(request) for request in requests]
    for future in futures:
        future.result()
    elapsed = time.perf_counter() - began
    renderer.shutdown()
    return elapsed


@contextlib.contextmanager
def dask_cluster(work: Path, workers: int):
    """A scheduler and ``workers`` single-thread workers on 127.0.0.1, stopped on exit; yields the address."""
    from distributed import Client

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": work, "start_new_session": True}
    processes = [subprocess.Popen(["dask", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard",
                                   "--no-show"], **quiet)]
    try:
        processes.append(subprocess.Popen(["dask", "worker", address, "--nworkers", str(workers), "--nthreads", "1",
                                           "--no-dashboard"], env=env, **quiet))
        with Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)


if __name__ == "__main__":
    sys.exit(main())

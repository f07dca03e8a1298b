"""The ``gradviz`` command: render a site's blocks ahead of time, list scenes, manage the cache, check the machine."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from mkdocs_gradviz.plugin import LATEX_PACKAGES
from mkdocs_gradviz.progress import RenderProgress

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from mkdocs_gradviz.plugin import GradvizPlugin
    from mkdocs_gradviz.spec import RenderRequest

console = Console(highlight=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gradviz`` command."""
    parser = argparse.ArgumentParser(prog="gradviz", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="render every block of the site ahead of time (for CI)")
    render.add_argument("config", nargs="?", default="mkdocs.yml", help="path to mkdocs.yml")
    scenes = commands.add_parser("scenes", help="list the library's scenes and their parameters")
    scenes.add_argument("config", nargs="?", default="mkdocs.yml")
    cache = commands.add_parser("cache", help="cache statistics, prune unused entries, or clear it")
    cache.add_argument("action", nargs="?", choices=("stats", "prune", "clear"), default="stats")
    cache.add_argument("config", nargs="?", default="mkdocs.yml")
    commands.add_parser("doctor", help="check LaTeX, dvisvgm, fonts, Cairo/Pango and Manim")
    args = parser.parse_args(argv)
    return {"render": _render, "scenes": _scenes, "cache": _cache, "doctor": _doctor}[args.command](args)


class BarProgress(RenderProgress):
    """A live progress bar: renders done of total, the current scene, time left."""

    def __init__(self, bar: Progress, concurrency: int) -> None:
        super().__init__(concurrency)
        self.bar = bar
        self.task = bar.add_task("waiting for blocks", total=0)

    def changed(self, request: RenderRequest, seconds: float | None) -> None:
        self.bar.update(self.task, total=self.total, completed=self.done, description=f"{request.scene} ({request.theme})")


def _render(args: argparse.Namespace) -> int:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, PluginError

    config = _load(args.config)
    plugin = _plugin(config)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with tempfile.TemporaryDirectory() as site_dir, Progress(*columns, console=console, transient=True) as bar:
        config.site_dir = site_dir
        plugin.progress = BarProgress(bar, plugin.config.concurrency)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        except (Abort, PluginError) as error:
            console.print(f"[red]{escape(str(error))}[/red]")
            _summary(plugin)
            return 1
        finally:
            config.plugins.on_shutdown()
            plugin.progress = None  # MkDocs reuses plugin instances within a process
    _summary(plugin)
    return 0


def _summary(plugin: GradvizPlugin) -> None:
    if plugin.run is None:
        return
    table = Table("page:line", "scene", "videos", "outcome")
    for block in plugin.run.blocks:
        outcome = f"[red]{escape(block.error.message.splitlines()[0])}[/red]" if block.error else "ok"
        table.add_row(f"{block.page}:{block.line}", block.spec.scene if block.spec else "?", str(len(block.entries)), outcome)
    console.print(table)
    console.print(plugin.run.report.line())


def _scenes(args: argparse.Namespace) -> int:
    from mkdocs_gradviz.library import SceneLibrary

    config = _load(args.config)
    library = SceneLibrary(Path(config.config_file_path).parent / _plugin(config).config.scenes_dir)
    for info in sorted(library.scenes.values(), key=lambda s: s.name):
        table = Table("parameter", "type and range", "default", "meaning", title=escape(f"{info.name}: {info.summary}"),
                      title_justify="left")
        for param in info.params:
            table.add_row(param.name, escape(param.describe_type()), escape(repr(param.default)), escape(param.doc))
        console.print(table)
    return 0


def _cache(args: argparse.Namespace) -> int:
    from mkdocs_gradviz.cache import RenderCache

    config = _load(args.config)
    plugin = _plugin(config)
    cache = RenderCache(Path(config.config_file_path).parent / plugin.config.cache_dir)
    if args.action == "clear":
        cache.clear()
        console.print(f"cleared {cache.root}")
    elif args.action == "prune":
        removed = cache.prune(_keys_in_use(args.config))
        console.print(f"removed {len(removed)} entries no page uses any more")
    else:
        console.print(f"{cache.root}: {len(cache.keys())} entries, {cache.size() / 1e6:.1f} MB")
    return 0


def _keys_in_use(config_file: str) -> set[str]:
    """Keys of every render the site's pages ask for, at build and at serve quality, without rendering."""
    from mkdocs.commands.build import build

    keys: set[str] = set()
    for command in ("build", "serve"):
        config = _load(config_file)
        plugin = _plugin(config)
        with tempfile.TemporaryDirectory() as site_dir:
            config.site_dir = site_dir
            plugin.plan_only = True
            config.plugins.on_startup(command=command, dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
                plugin.plan_only = False  # MkDocs reuses plugin instances within a process
        keys |= {request.key for block in plugin.run.blocks for request in block.requests}
    return keys


def _doctor(args: argparse.Namespace) -> int:
    checks = [
        ("latex", shutil.which("latex"), "texlive-latex-base"),
        ("dvisvgm", shutil.which("dvisvgm"), "dvisvgm"),
        ("standalone.cls", _kpsewhich("standalone.cls"), "texlive-latex-extra"),
        ("amsmath.sty", _kpsewhich("amsmath.sty"), "texlive-latex-base"),
        ("fonts (fc-list)", _command_output(["fc-list"]) and "found", "fontconfig fonts-dejavu-core"),
        ("Cairo (pycairo)", _module_version("pycairo"), "libcairo2-dev pkg-config, then pip install pycairo"),
        ("Pango (manimpango)", _module_version("manimpango"), "libpango1.0-dev, then pip install manimpango"),
        ("Manim", _module_version("manim"), "pip install manim"),
        ("PyAV", _module_version("av"), "pip install av"),
    ]
    table = Table("check", "found", "install with")
    missing = 0
    for name, found, remedy in checks:
        missing += not found
        table.add_row(name, f"[green]{found}[/green]" if found else "[red]missing[/red]", "" if found else remedy)
    console.print(table)
    if missing:
        console.print(f"Debian/Ubuntu, as root: apt-get install {LATEX_PACKAGES} libcairo2-dev libpango1.0-dev pkg-config")
    return 1 if missing else 0


def _load(config_file: str) -> MkDocsConfig:
    from mkdocs.config import load_config

    if not Path(config_file).is_file():
        console.print(f"[red]no MkDocs configuration at {config_file}[/red]")
        raise SystemExit(2)
    return load_config(config_file)


def _plugin(config: MkDocsConfig) -> GradvizPlugin:
    try:
        return config.plugins["gradviz"]
    except KeyError:
        console.print("[red]the gradviz plugin is not enabled in this mkdocs.yml[/red]")
        raise SystemExit(2) from None


def _kpsewhich(name: str) -> str | None:
    return _command_output(["kpsewhich", name])


def _command_output(command: list[str]) -> str | None:
    try:
        output = subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return output.splitlines()[0] if output else None


def _module_version(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


if __name__ == "__main__":
    sys.exit(main())

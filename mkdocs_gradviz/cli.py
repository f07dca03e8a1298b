"""The ``gradviz`` command: render a site's blocks ahead of time, list scenes, manage the cache, check the machine."""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from mkdocs_gradviz.core.cache import shard_of
from mkdocs_gradviz.core.engine import LATEX_PACKAGES, Engine
from mkdocs_gradviz.core.errors import ConfigError, GradvizError, stated
from mkdocs_gradviz.core.progress import RenderProgress
from mkdocs_gradviz.core.settings import Settings

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from mkdocs_gradviz.core.job import RenderRequest
    from mkdocs_gradviz.mkdocs.plugin import GradvizPlugin

#: Messages that name a file (and line) are printed with ``soft_wrap=True``: never broken at the
#: console's width (80 columns in CI), so paths stay whole and ``page:line: message`` stays one line.
console = Console(highlight=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gradviz`` command."""
    parser = argparse.ArgumentParser(prog="gradviz", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="render every block of the site ahead of time (for CI)")
    render.add_argument("config", nargs="?", default="mkdocs.yml", help="path to mkdocs.yml")
    render.add_argument("--shard", type=_shard, metavar="K/N",
                        help="render only share K of N of the site's renders (a CI matrix of N jobs filling a shared cache)")
    scenes = commands.add_parser("scenes", help="list the library's scenes and their parameters")
    scenes.add_argument("config", nargs="?", default="mkdocs.yml")
    cache = commands.add_parser("cache", help="cache statistics, prune unused entries, or clear it")
    cache.add_argument("action", nargs="?", choices=("stats", "prune", "clear"), default="stats")
    cache.add_argument("config", nargs="?", default="mkdocs.yml")
    commands.add_parser("doctor", help="check LaTeX, dvisvgm, fonts, Cairo/Pango, and the Python and dependency versions")
    new = commands.add_parser("new", help="start a new MkDocs site with gradviz in DIR")
    new.add_argument("dir", help="folder of the new site (created if missing)")
    new.add_argument("--name", help="the site's name (default: from the folder's name)")
    proof = commands.add_parser("proof", help="write proof sheets: each page's blocks, frame by step, beside their prose")
    proof.add_argument("config", nargs="?", default="mkdocs.yml", help="path to mkdocs.yml")
    proof.add_argument("--out", help="folder for the sheets (default: proof/ in the cache folder)")
    args = parser.parse_args(argv)
    commands_by_name = {"render": _render, "scenes": _scenes, "cache": _cache, "doctor": _doctor, "new": _new,
                        "proof": _proof}
    try:
        return commands_by_name[args.command](args)
    except GradvizError as error:  # the one place where the command states gradviz's own errors
        console.print(f"[red]{escape(stated(error))}[/red]", soft_wrap=True)
        return 2 if isinstance(error, ConfigError) and args.command != "new" else 1


class BarProgress(RenderProgress):
    """A live progress bar: renders done of total, the current scene, time left."""

    def __init__(self, bar: Progress, concurrency: int) -> None:
        super().__init__(concurrency)
        self.bar = bar
        self.task = bar.add_task("waiting for blocks", total=0)

    def changed(self, request: RenderRequest, seconds: float | None) -> None:
        self.bar.update(self.task, total=self.total, completed=self.done, description=f"{request.scene} ({request.theme})")


def build_site(config: MkDocsConfig, *, command: str = "build", plan_only: bool = False,
               progress: RenderProgress | None = None, shard: tuple[int, int] | None = None) -> GradvizPlugin:
    """Build like ``mkdocs build`` (or as ``mkdocs serve`` would with ``command="serve"``); return the plugin.

    MkDocs reuses plugin instances within a process, so what this sets on the plugin is reset after.
    """
    from mkdocs.commands.build import build

    plugin = _plugin(config)
    plugin.plan_only, plugin.progress, plugin.shard = plan_only, progress, shard
    config.plugins.on_startup(command=command, dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
        plugin.plan_only, plugin.progress, plugin.shard = False, None, None
    return plugin


def _render(args: argparse.Namespace) -> int:
    config = _load(args.config)
    plugin = _plugin(config)
    failure = _build_with_bar(config, plugin, shard=args.shard)
    _summary(plugin)
    if args.shard and plugin.run is not None:
        keys = {request.key for block in plugin.run.blocks for request in block.requests}
        mine = sum(shard_of(key, args.shard[1]) == args.shard[0] for key in keys)
        console.print(f"shard {args.shard[0]}/{args.shard[1]}: {mine} of the site's {len(keys)} renders are this job's")
    if failure:
        console.print(f"[red]{escape(failure)}[/red]", soft_wrap=True)
    return 1 if failure else 0


def _build_with_bar(config: MkDocsConfig, plugin: GradvizPlugin, *, shard: tuple[int, int] | None = None) -> str:
    """Build the site into a throwaway folder with a live progress bar; the failure MkDocs reported, or ""."""
    from mkdocs.exceptions import Abort, PluginError

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with tempfile.TemporaryDirectory() as site_dir, _errors_held_back() as held, \
            Progress(*columns, console=console, transient=True) as bar:
        config.site_dir = site_dir
        try:
            build_site(config, progress=BarProgress(bar, plugin.config.concurrency), shard=shard)
        except (Abort, PluginError) as error:
            return "\n".join(held) or str(error)  # MkDocs' own "Aborted with a BuildError!" says nothing more
    return ""


@contextmanager
def _errors_held_back() -> Iterator[list[str]]:
    """Keep the errors MkDocs logs while the progress bar runs, to print them after the summary table."""
    held: list[str] = []

    def hold(record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            held.append(record.getMessage())
            return False
        return True

    logger = logging.getLogger("mkdocs.commands.build")
    logger.addFilter(hold)
    try:
        yield held
    finally:
        logger.removeFilter(hold)


def _summary(plugin: GradvizPlugin) -> None:
    if plugin.run is None:
        return
    table = Table("page:line", "scene", "renders", "outcome")
    for block in plugin.run.blocks:
        outcome = f"[red]{escape(block.error.message.splitlines()[0])}[/red]" if block.error else "ok"
        kinds = [entry.result.kind for entry in block.entries.values()]
        made = ", ".join(f"{kinds.count(kind)} {kind}{'' if kinds.count(kind) == 1 else 's'}" for kind in sorted(set(kinds)))
        table.add_row(f"{block.page}:{block.line}", escape(block.scene or "?"), made or "0", outcome)
    console.print(table)
    console.print(plugin.run.report.line())


def _shard(text: str) -> tuple[int, int]:
    """``K/N`` with 1 <= K <= N, for ``--shard``."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        index = count = 0
    if not 1 <= index <= count:
        raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N, such as 2/4, not {text!r}")
    return index, count


def _scenes(args: argparse.Namespace) -> int:
    # Outside a site (no mkdocs.yml here and none named), list the installed library alone.
    alone = args.config == "mkdocs.yml" and not Path(args.config).is_file()
    library = Engine(Settings(), Path.cwd()).library() if alone else _engine(args.config).library()
    folders = [("library", f"installed library ({library.builtin})")]
    if library.site_dir is not None:
        folders.append(("site", f"site scenes ({library.site_dir})"))
    for origin, title in folders:
        scenes = library.in_folder(origin)
        console.print(f"[bold]{escape(title)}[/bold]: {len(scenes)} scene{'' if len(scenes) == 1 else 's'}", soft_wrap=True)
        if not scenes:
            console.print("  no scene found: a scene is a class listed in a module's __all__ (see 'Write a scene')")
        for info in scenes:
            table = Table("parameter", "type and range", "default", "meaning", title_justify="left",
                          title=escape(f"{info.name} ({info.origin}: {info.path.name}): {info.summary}"))
            for param in info.params:
                table.add_row(param.name, escape(param.describe_type()), escape(repr(param.default)), escape(param.doc))
            console.print(table)
    for warning in library.warnings:
        console.print(f"[yellow]{escape(warning)}[/yellow]", soft_wrap=True)
    for problem in library.problems:
        console.print(f"[red]cannot be read, not available: {escape(str(problem))}[/red]", soft_wrap=True)
    return 1 if library.problems else 0


def _cache(args: argparse.Namespace) -> int:
    cache = _engine(args.config).cache
    if args.action == "clear":
        cache.clear()
        console.print(f"cleared {cache.root}", soft_wrap=True)
    elif args.action == "prune":
        removed = cache.prune(_keys_in_use(args.config))
        console.print(f"removed {len(removed)} entries no page uses any more")
    else:
        console.print(f"{cache.root}: {len(cache.keys())} entries, {cache.size() / 1e6:.1f} MB", soft_wrap=True)
    return 0


def _keys_in_use(config_file: str) -> set[str]:
    """Keys of every render the site's pages ask for, at build and at serve quality, without rendering."""
    keys: set[str] = set()
    for command in ("build", "serve"):
        config = _load(config_file)
        with tempfile.TemporaryDirectory() as site_dir:
            config.site_dir = site_dir
            plugin = build_site(config, command=command, plan_only=True)
        keys |= {request.key for block in plugin.run.blocks for request in block.requests}
    return keys


def _proof(args: argparse.Namespace) -> int:
    """Build the site as ``render`` does (rendering what is missing), then write a proof sheet per page."""
    from mkdocs_gradviz.core.proof import write_proof

    config = _load(args.config)
    plugin = _plugin(config)
    if failure := _build_with_bar(config, plugin):
        console.print(f"[red]{escape(failure)}[/red]", soft_wrap=True)
    if plugin.run is None:
        return 1
    out = Path(args.out) if args.out else plugin.run.cache.root / "proof"
    report = write_proof(plugin.run, project_dir=Path(config.config_file_path).resolve().parent, out=out.resolve(),
                         markdown=_site_markdown(config))
    for sheet in report.sheets:
        console.print(f"wrote {escape(str(sheet))}")
    console.print(report.line())
    return 1 if report.failed else 0


def _site_markdown(config: MkDocsConfig) -> Callable[[str], str]:
    """Markdown to HTML with the site's extensions (gradviz's fence left out), or plain Markdown if they fail."""
    import markdown

    configs = {name: dict(options) for name, options in config.mdx_configs.items()}
    fences = configs.get("pymdownx.superfences", {}).get("custom_fences")
    if fences:
        configs["pymdownx.superfences"]["custom_fences"] = [f for f in fences if f.get("name") != "gradviz"]
    try:
        converter = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=configs)
    except Exception:  # an extension that needs MkDocs' page context: the words matter more than their style
        converter = markdown.Markdown()

    def convert(text: str) -> str:
        try:
            return converter.reset().convert(text)
        except Exception:
            return markdown.markdown(text)

    return convert


def _new(args: argparse.Namespace) -> int:
    from mkdocs_gradviz.scaffold import new_site

    folder = Path(args.dir)
    written = new_site(folder, site_name=args.name)
    for path in written:
        console.print(f"created {escape(str(path))}")
    console.print(f"\nNext: cd {escape(str(folder))} && mkdocs serve   (videos render in the background)")
    return 0


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
    outside = _doctor_versions()
    return 1 if missing or outside else 0


def _doctor_versions() -> int:
    """Print Python's and each dependency's version against the range gradviz supports; return how many are outside."""
    from mkdocs_gradviz.core.support import report

    table = Table("package", "installed", "supported", "status")
    outside = 0
    for row in report():
        outside += not row.ok
        status = "[green]ok[/green]" if row.ok else f"[red]outside the supported range: {escape(row.advice())}[/red]"
        if row.installed is None and row.optional:
            status = escape("not installed (optional, for Zensical: pip install 'mkdocs-gradviz[zensical]')")
        table.add_row(row.name, row.installed or "missing", escape(row.supported or "any"), status)
    console.print(table)
    return outside


def _load(config_file: str) -> MkDocsConfig:
    from mkdocs.config import load_config

    if not Path(config_file).is_file():
        console.print(f"[red]no MkDocs configuration at {config_file}[/red]")
        raise SystemExit(2)
    return load_config(config_file)


def _engine(config_file: str) -> Engine:
    """The site's engine, its paths resolved exactly as the plugin resolves them."""
    config = _load(config_file)
    settings = Settings.from_mapping(dict(_plugin(config).config), where=config_file)
    return Engine(settings, Path(config.config_file_path).resolve().parent)


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

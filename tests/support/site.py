"""A throwaway MkDocs project built through MkDocs' own API, with real renders at tiny quality."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from mkdocs_gradviz.cli import build_site
from support.paths import FIXTURE_SCENES
from support.waiting import free_port


@dataclass
class Site:
    """A throwaway MkDocs project: write pages, build, inspect the output."""

    root: Path
    serving: MkDocsConfig | None = field(default=None, init=False, repr=False)  # set by serve_build

    @classmethod
    def with_test_scenes(cls, root: Path, scenes: Path = FIXTURE_SCENES) -> Site:
        """A configured project in ``root`` whose scene library is ``scenes`` (linked, not copied)."""
        root.mkdir(parents=True, exist_ok=True)
        (root / "scenes").symlink_to(scenes, target_is_directory=True)
        project = cls(root)
        project.configure()
        return project

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def page(self, name: str, text: str) -> Path:
        path = self.docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def configure(self, extra: str = "", *, plugin: str = "", theme: str = "mkdocs") -> None:
        plugin_options = textwrap.indent(textwrap.dedent(plugin), " " * 6)
        (self.root / "mkdocs.yml").write_text(
            textwrap.dedent(f"""\
            site_name: Test site
            theme:
              name: {theme}
            plugins:
              - gradviz:
                  quality: tiny
                  serve_quality: tiny
                  scenes_dir: scenes
            """) + plugin_options + "\n" + textwrap.dedent("""\
            markdown_extensions:
              - admonition
              - pymdownx.details
              - pymdownx.superfences
              - pymdownx.tabbed:
                  alternate_style: true
            """) + textwrap.dedent(extra),
            encoding="utf-8",
        )

    def build(self, **overrides):
        """Build like ``mkdocs build``; return the plugin instance (its run report holds the counts)."""
        return build_site(load_config(str(self.root / "mkdocs.yml"), **overrides))

    def serve_build(self):
        """One build as ``mkdocs serve`` runs it (the plugin instance lives on between builds); return the plugin."""
        if self.serving is None:
            self.serving = load_config(str(self.root / "mkdocs.yml"))
            self.serving.plugins.on_startup(command="serve", dirty=False)
        build(self.serving, serve_url="http://127.0.0.1:8000/")
        return self.serving.plugins["gradviz"]

    def stop_serving(self) -> None:
        """What ``mkdocs serve`` does when it stops, if ``serve_build`` ran."""
        if self.serving is not None:
            self.serving.plugins.on_shutdown()

    @contextmanager
    def real_serve(self, log: Path) -> Iterator[str]:
        """A real ``mkdocs serve`` of the project on a free port, its output in ``log``; yields its URL.

        Stopped as Ctrl+C stops it (SIGTERM, then its shutdown) when the block ends.
        """
        port = free_port()
        with open(log, "w") as output:
            server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}",
                                       "-f", str(self.root / "mkdocs.yml")], cwd=self.root, stdout=output,
                                      stderr=subprocess.STDOUT)
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.terminate()
            server.wait(timeout=60)

    def html(self, page: str = "index.html") -> str:
        return (self.site / page).read_text(encoding="utf-8")

"""A small Material for MkDocs site with the light/dark palette toggle, built with gradviz at tiny quality.

The browser tests read the player on such sites: the same theme, palette and plugin settings,
their own pages and scene library.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import load_config

from mkdocs_gradviz.cli import build_site
from support.web import serving, static_server

#: The sweep page the player's tests share: three values of Stepper's shift, one figure.
SWEEP_PAGE = """\
    # Sweep

    Back to [the steps](index.md).

    ```gradviz
    scene: Stepper
    shift: [0.5, 1.0, 1.5]
    sweep: shift
    autoplay: false
    table: true
    caption: Each step moves the dot by {shift}
    ```
    """

MKDOCS_YML = """\
site_name: {name}
site_url: {url}
site_dir: {site_dir}
theme:
  name: material
  font: false
  features: [{features}]
  palette:
    - scheme: default
      toggle: {{icon: material/brightness-7, name: Switch to dark mode}}
    - scheme: slate
      toggle: {{icon: material/brightness-4, name: Switch to light mode}}
plugins:
{search}  - gradviz:
      quality: tiny
      scenes_dir: scenes
markdown_extensions:
  - pymdownx.superfences
"""


def build_material_site(project: Path, pages: dict[str, str], *, name: str, url: str, scenes: Path,
                        site_dir: Path | None = None, instant: bool = False, search: bool = False) -> Path:
    """Write ``pages`` (indented text, dedented here) and mkdocs.yml into ``project``, build it, return the site.

    ``url`` is the site's URL (instant navigation needs it); ``scenes`` the scene library it uses;
    ``instant`` turns on Material's instant navigation and ``search`` its search plugin.
    """
    for page, text in pages.items():
        path = project / "docs" / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (project / "scenes").symlink_to(scenes, target_is_directory=True)
    site = site_dir or project / "site"
    (project / "mkdocs.yml").write_text(MKDOCS_YML.format(
        name=name, url=url, site_dir=site, features="navigation.instant" if instant else "",
        search="  - search\n" if search else ""), encoding="utf-8")
    build_site(load_config(str(project / "mkdocs.yml")))
    return site


@dataclass(frozen=True)
class Served:
    """A built site being served: its folder and its URL."""

    site: Path
    url: str


@contextmanager
def serving_material_site(root: Path, pages: dict[str, str], *, name: str, scenes: Path,
                          instant: bool = False) -> Iterator[Served]:
    """``build_material_site`` in ``root``, built for and served on a free port of 127.0.0.1 until the block ends."""
    webroot = root / "www"
    server = static_server(webroot)
    url = f"http://127.0.0.1:{server.server_port}/"  # known before the build: the site's own URL
    build_material_site(root / "project", pages, name=name, url=url, scenes=scenes, site_dir=webroot,
                        instant=instant)
    with serving(webroot, server):
        yield Served(webroot, url)

"""Link check of built sites: every internal href/src of every page names a file of the site."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from mkdocs.config import load_config
from support.links import broken_links
from support.paths import FIXTURE_SCENES

from mkdocs_gradviz.cli import build_site

SITE_URL = "https://example.github.io/course/"
PAGES = {
    "index.md": """\
        # Home

        Start with [the first lesson](lessons/one.md#a-circle), or read [the notes](notes.md?from=home).

        ![A diagram](images/diagram.png)

        ```gradviz
        scene: Pulse
        radius: 1.2
        caption: A circle
        ```
        """,
    "notes.md": """\
        # Notes

        Back [home](index.md). Elsewhere: [MkDocs](https://www.mkdocs.org/), <mailto:someone@example.org>.
        """,
    "lessons/one.md": """\
        # One

        ## A circle

        ```gradviz
        scene: Pulse
        radius: 2
        table: true
        ```

        ```gradviz align="left"
        scene: Label
        word: hi
        ```

        See [the notes](../notes.md) and [the diagram](../images/diagram.png).
        """,
}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small Material project with gradviz blocks, links and an image; its builds share one render cache."""
    return _write_project(tmp_path_factory.mktemp("links"))


@pytest.mark.parametrize("directory_urls", [True, False])
def test_site_on_a_sub_path_has_no_broken_internal_link(project: Path, directory_urls: bool) -> None:
    """Built for https://example.github.io/course/, every page's links, videos, posters, CSS and JS resolve."""
    site = _build(project, directory_urls)
    html = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert html.count("<video ") == 6 and "gradviz.js" in html and "gradviz.css" in html
    assert broken_links(site, SITE_URL) == []


def _write_project(root: Path) -> Path:
    (root / "scenes").symlink_to(FIXTURE_SCENES, target_is_directory=True)
    for name, text in PAGES.items():
        page = root / "docs" / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "docs" / "images").mkdir()
    (root / "docs" / "images" / "diagram.png").write_bytes(PNG)
    (root / "mkdocs.yml").write_text(textwrap.dedent(f"""\
        site_name: Links
        site_url: {SITE_URL}
        theme:
          name: material
          font: false
          features: [navigation.instant]
        plugins:
          - search
          - gradviz:
              quality: tiny
              scenes_dir: scenes
        markdown_extensions:
          - pymdownx.superfences
        """), encoding="utf-8")
    return root


def _build(root: Path, directory_urls: bool) -> Path:
    site = root / f"site-{'directories' if directory_urls else 'files'}"
    config = load_config(str(root / "mkdocs.yml"), strict=True, use_directory_urls=directory_urls,
                         site_dir=str(site))
    build_site(config)
    return site

"""The site ``gradviz new`` writes builds with MkDocs and with Zensical, and both show the same figures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from mkdocs.config import load_config

from mkdocs_gradviz.cli import build_site
from mkdocs_gradviz.scaffold import new_site

FIGURE = re.compile(r'<figure class="gradviz[^"]*".*?</figure>', re.DOTALL)


def figures(html: str) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Each gradviz figure of a page: its caption, its video sources and its posters."""
    found = []
    for figure in FIGURE.findall(html):
        caption = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", figure, re.DOTALL)
        found.append((re.sub(r"<[^>]+>", "", caption.group(1)).strip() if caption else "",
                      tuple(re.findall(r'<video src="([^"]+)"', figure)),
                      tuple(re.findall(r'poster="([^"]+)"', figure))))
    return found


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new site, as `gradviz new` writes it."""
    root = tmp_path_factory.mktemp("scaffold") / "demo"
    new_site(root)
    return root


@pytest.fixture(scope="module")
def built_with_mkdocs(scaffold: Path) -> Path:
    """The new site built by MkDocs (at tiny quality), into site-mkdocs/."""
    previous = os.environ.get("GRADVIZ_QUALITY")
    os.environ["GRADVIZ_QUALITY"] = "tiny"
    try:
        build_site(load_config(str(scaffold / "mkdocs.yml"), site_dir=str(scaffold / "site-mkdocs"), strict=True))
    finally:
        if previous is None:
            os.environ.pop("GRADVIZ_QUALITY")
        else:
            os.environ["GRADVIZ_QUALITY"] = previous
    return scaffold / "site-mkdocs"


@pytest.fixture(scope="module")
def built_with_zensical(scaffold: Path, built_with_mkdocs: Path) -> tuple[Path, str]:
    """The same site built by `zensical build` (after MkDocs, whose renders it finds in the cache); its output."""
    result = subprocess.run([sys.executable, "-m", "zensical", "build"], cwd=scaffold,
                            env={**os.environ, "GRADVIZ_QUALITY": "tiny"}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stdout
    return scaffold / "site", result.stdout


def test_the_new_config_declares_the_zensical_fence(scaffold: Path) -> None:
    """mkdocs.yml has the documented gradviz fence entry, with no options of its own (they come from the plugin)."""
    config = yaml.load((scaffold / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_EnvLoader)
    (superfences,) = [entry["pymdownx.superfences"] for entry in config["markdown_extensions"]
                      if isinstance(entry, dict) and "pymdownx.superfences" in entry]
    (fence,) = superfences["custom_fences"]
    assert fence == {"name": "gradviz", "class": "gradviz",
                     "format": {"object": "mkdocs_gradviz.zensical.formatter"},
                     "validator": {"object": "mkdocs_gradviz.zensical.validator"}}
    assert any(isinstance(p, dict) and "gradviz" in p for p in config["plugins"])


def test_mkdocs_builds_both_blocks_of_the_new_site(built_with_mkdocs: Path) -> None:
    """`mkdocs build --strict` of the new site shows its library block and its code block as videos."""
    found = figures((built_with_mkdocs / "index.html").read_text(encoding="utf-8"))
    assert [caption for caption, _, _ in found] == ["Five steps of gradient descent on a parabola", "The update rule"]
    for _, videos, posters in found:
        assert len(videos) == 2 and len(posters) == 2  # one render per theme of the palette toggle
        assert all((built_with_mkdocs / path).stat().st_size > 1000 for path in videos + posters)


def test_zensical_builds_the_same_figures(built_with_mkdocs: Path, built_with_zensical: tuple[Path, str]) -> None:
    """`zensical build` of the same files shows the same figures, with the same renders, reusing MkDocs' cache."""
    site, output = built_with_zensical
    with_zensical = figures((site / "index.html").read_text(encoding="utf-8"))
    with_mkdocs = figures((built_with_mkdocs / "index.html").read_text(encoding="utf-8"))
    assert with_zensical == with_mkdocs and len(with_zensical) == 2
    for _, videos, posters in with_zensical:
        for path in videos + posters:
            assert (site / path).read_bytes() == (built_with_mkdocs / path).read_bytes()
    assert "gradviz: 2 blocks, 0 videos rendered, 4 reused from cache, 0 failed" in output


def test_the_new_site_ignores_what_zensical_copies_into_docs(scaffold: Path, built_with_zensical: tuple[Path, str]) -> None:
    """The renders Zensical copies into docs/assets/gradviz are listed in the new site's .gitignore."""
    assert any((scaffold / "docs" / "assets" / "gradviz").glob("*.mp4"))
    subprocess.run(["git", "init", "-q"], cwd=scaffold, check=True)  # as a new site's author would
    ignored = subprocess.run(["git", "check-ignore", "docs/assets/gradviz/x.mp4", "site/index.html", "docs/index.md"],
                             cwd=scaffold, capture_output=True, text=True, check=False)
    assert ignored.stdout.split() == ["docs/assets/gradviz/x.mp4", "site/index.html"]


class _EnvLoader(yaml.SafeLoader):
    """YAML with MkDocs' ``!ENV`` tag read as its default."""


_EnvLoader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])

"""How the Zensical front end finds its project and reads fence headers, without building a site."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_gradviz.core.scan import header_options
from mkdocs_gradviz.zensical.project import find_project, read_config


@pytest.mark.parametrize(("line", "options"), [
    ("```gradviz", {}),
    ('```gradviz caption="A b" table', {"caption": "A b", "table": "table"}),
    ("~~~~gradviz theme='dark'", {"theme": "dark"}),
    ('  > ```{.gradviz caption="x" #anchor}', {"caption": "x"}),
    ("```gradviz caption=unquoted", None),  # SuperFences does not take it for a gradviz fence either
    ("```python", None),
])
def test_the_scan_reads_fence_headers_as_superfences_does(line: str, options: dict[str, str] | None) -> None:
    """The site-wide scan gets the options a formatter call would get, so it queues the same cache keys."""
    assert header_options(line) == options



def test_the_project_is_found_as_zensicals_command_line_finds_it(tmp_path: Path, monkeypatch) -> None:
    """``-f``/``--config-file`` or the working folder name the file; plugin options and ``!ENV`` are read from it."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "other.yml").write_text(
        "site_name: x\ndocs_dir: pages\nplugins:\n  - search\n  - gradviz:\n      quality: !ENV [Q_FOR_TEST, low]\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.nowhere.twemoji\n",
        encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: y\nplugins: [search]\n", encoding="utf-8")
    monkeypatch.setenv("Q_FOR_TEST", "tiny")
    named = find_project(["zensical", "serve", "-f", "other.yml"], cwd=tmp_path)
    assert (named.command, named.docs_dir, named.plugin_options) == ("serve", "pages", {"quality": "tiny"})
    assert find_project(["zensical", "build", "--config-file=other.yml"], cwd=tmp_path).config_file == tmp_path / "other.yml"
    default = find_project(["__main__.py", "build"], cwd=tmp_path)
    assert (default.config_file, default.plugin_options, default.serving) == (tmp_path / "mkdocs.yml", {}, False)
    assert read_config(tmp_path / "other.yml")["markdown_extensions"][0]["pymdownx.emoji"] == {"emoji_index": None}

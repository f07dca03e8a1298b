"""Numbers in the prose come from the maths: real builds (MkDocs and Zensical) quoting a real scene's values()."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from mkdocs_gradviz.cli import build_site

VALUE_SCENES = Path(__file__).parents[1] / "fixtures" / "value_scenes"
CONFIG = """\
site_name: Values
theme:
  name: material
plugins:
  - gradviz:
      quality: tiny
      serve_quality: tiny
      scenes_dir: scenes
      concurrency: 2
markdown_extensions:
  - attr_list
  - pymdownx.superfences:
      custom_fences:
        - name: gradviz
          class: gradviz
          format: {object: mkdocs_gradviz.zensical.formatter}
          validator: {object: mkdocs_gradviz.zensical.validator}
"""
PAGE = """\
# Descent

```gradviz
scene: Descent
id: descent
lr: {lr}
```

After :gradviz[descent.steps_taken] steps the weight is :gradviz[descent.final_w] (converged: :gradviz[descent.converged]).
Written as `:gradviz[descent.final_w]`, or \\:gradviz[descent.final_w].
"""
_VALUE = re.compile(r'<span class="gradviz-value" data-gradviz-ref="([^"]+)">([^<]*)</span>')


class Project:
    """A project of one page quoting the Descent scene; MkDocs and Zensical build it from the same files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "docs").mkdir(parents=True)
        (root / "scenes").symlink_to(VALUE_SCENES, target_is_directory=True)
        (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")

    def page(self, text: str) -> None:
        (self.root / "docs" / "index.md").write_text(textwrap.dedent(text), encoding="utf-8")

    def build(self):
        """``mkdocs build``; the plugin, whose run holds the blocks and the values book."""
        return build_site(load_config(str(self.root / "mkdocs.yml")))

    def quoted(self, site: str = "site") -> list[tuple[str, str]]:
        return _VALUE.findall((self.root / site / "index.html").read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "project")


def test_changing_a_blocks_parameter_changes_the_number_quoted_in_the_text(project: Project) -> None:
    """The prose quotes what the scene computes: a new learning rate gives a new final weight, with no word edited."""
    project.page(PAGE.format(lr=0.25))
    project.build()
    assert project.quoted() == [("descent.steps_taken", "3"), ("descent.final_w", "0.250"), ("descent.converged", "no")]
    project.page(PAGE.format(lr=0.45))  # 2 · (1 − 0.9)³ = 0.002
    project.build()
    assert project.quoted() == [("descent.steps_taken", "3"), ("descent.final_w", "0.002"), ("descent.converged", "yes")]
    html = (project.root / "site" / "index.html").read_text(encoding="utf-8")
    assert "<code>:gradviz[descent.final_w]</code>, or :gradviz[descent.final_w]." in html


def test_a_warm_build_reads_the_values_from_the_cache_and_computes_nothing(project: Project) -> None:
    """Values are computed once per content key and kept in the cache; the next build finds them there."""
    project.page(PAGE.format(lr=0.3))
    first = project.build()
    assert first.run.values.computed == 1
    stored = list((project.root / ".cache" / "gradviz" / "values").glob("*.json"))
    assert len(stored) == 1 and '"final_w": "0.128"' in stored[0].read_text(encoding="utf-8")
    second = project.build()
    assert second.run.values.computed == 0 and second.run.report.cached == 2
    assert ("descent.final_w", "0.128") in project.quoted()


def test_a_bad_reference_fails_the_build_with_page_and_line(project: Project, caplog) -> None:
    """A missing block, an unknown value and a duplicate id each stop the build, naming page and line."""
    project.page("""\
        # Bad

        ```gradviz
        scene: Descent
        id: descent
        ```

        ```gradviz id="descent"
        scene: Silent
        ```

        Missing :gradviz[descnt.final_w].
        Unknown :gradviz[descent.final]
        """)
    with pytest.raises(Abort):
        project.build()
    message = "\n".join(r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    assert "docs/index.md:8: id 'descent' is already the id of the block at line 3" in message
    assert ("docs/index.md:12: :gradviz[descnt.final_w]: no block with id 'descnt' on this page; did you mean "
            "'descent'?") in message
    assert ("docs/index.md:13: :gradviz[descent.final]: the block 'descent' (Descent) has no value 'final'; did you "
            "mean 'final_w'? (its values: converged, final_w, steps_taken)") in message


def test_zensical_quotes_the_same_values_as_mkdocs(project: Project) -> None:
    """The same page built by Zensical carries the same numbers in the same places."""
    project.page(PAGE.format(lr=0.2))
    project.build()
    mkdocs = project.quoted()
    assert mkdocs == [("descent.steps_taken", "3"), ("descent.final_w", "0.432"), ("descent.converged", "no")]
    built = subprocess.run([sys.executable, "-m", "zensical", "build"], cwd=project.root, env={**os.environ},
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    assert built.returncode == 0, built.stdout
    assert project.quoted() == mkdocs, "site/ now holds Zensical's build"


def test_zensical_fails_on_a_bad_reference_with_page_and_line(project: Project) -> None:
    """Zensical stops its build on a reference to a missing value, naming page and line like MkDocs."""
    project.page(PAGE.format(lr=0.2).replace("descent.converged", "descent.convergd"))
    built = subprocess.run([sys.executable, "-m", "zensical", "build"], cwd=project.root, env={**os.environ},
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    assert built.returncode != 0
    assert ("docs/index.md:9: :gradviz[descent.convergd]: the block 'descent' (Descent) has no value 'convergd'; "
            "did you mean 'converged'?") in built.stdout, built.stdout


def test_a_reference_on_a_page_without_blocks_fails_both_builds_alike(project: Project, caplog) -> None:
    """A page that quotes a block it does not have stops MkDocs and Zensical with the same page, line and words."""
    project.page(PAGE.format(lr=0.2))
    (project.root / "docs" / "other.md").write_text("# Other\n\nIt ends at :gradviz[descent.final_w].\n", encoding="utf-8")
    expected = ("docs/other.md:3: :gradviz[descent.final_w]: no block with id 'descent' on this page; no block on this "
                "page has an id")
    with pytest.raises(Abort):
        project.build()
    assert expected in "\n".join(r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    built = subprocess.run([sys.executable, "-m", "zensical", "build"], cwd=project.root, env={**os.environ},
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    assert built.returncode != 0 and expected in " ".join(built.stdout.split()), built.stdout


def test_a_scene_whose_values_fail_is_reported_at_each_reference_and_computed_once(project: Project, caplog) -> None:
    """values() raising stops the build at every reference to it, with the scene's words; one process tried."""
    project.page("# Broken\n\n```gradviz\nscene: Broken\nid: b\n```\n\nOne :gradviz[b.x], two :gradviz[b.y].\n")
    config = load_config(str(project.root / "mkdocs.yml"))
    with pytest.raises(Abort):
        build_site(config)
    errors = "\n".join(r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    assert "docs/index.md:8: :gradviz[b.x]: ValueError: the loss has no minimum" in errors
    assert "docs/index.md:8: :gradviz[b.y]: ValueError: the loss has no minimum" in errors
    assert config.plugins["gradviz"].run.values.computed == 1
    assert not list((project.root / ".cache" / "gradviz").glob("values/*.json")), "a failure is not cached"

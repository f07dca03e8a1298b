"""A scene library reads each module's text once per process, and an edited module again."""

from __future__ import annotations

from pathlib import Path

from mkdocs_gradviz.core.library import SceneLibrary

SCENE = '''\
from manim import Scene

from helpers import size

__all__ = ["Growing"]


class Growing(Scene):
    """A scene of the site."""

    def __init__(self, *, {name}: float = 1.0, **kwargs):
        super().__init__(**kwargs)
'''


def test_an_edited_site_scene_is_read_again(tmp_path: Path) -> None:
    """An edit between two builds (as under mkdocs serve) shows in the next library: its parameters, its digest."""
    (tmp_path / "helpers.py").write_text("size = 1\n", encoding="utf-8")
    module = tmp_path / "growing.py"
    module.write_text(SCENE.format(name="radius"), encoding="utf-8")
    before = SceneLibrary(tmp_path)
    assert [p.name for p in before.get("Growing").params] == ["radius"]
    digest = before.digest(before.get("Growing"))
    module.write_text(SCENE.format(name="length"), encoding="utf-8")  # same size, maybe the same mtime
    after = SceneLibrary(tmp_path)
    assert [p.name for p in after.get("Growing").params] == ["length"]
    assert after.digest(after.get("Growing")) != digest
    assert after.get("Growing").sources == (tmp_path / "growing.py", tmp_path / "helpers.py")
    digest = after.digest(after.get("Growing"))
    (tmp_path / "helpers.py").write_text("size = 2\n", encoding="utf-8")  # an imported module, edited
    assert SceneLibrary(tmp_path).digest(after.get("Growing")) != digest

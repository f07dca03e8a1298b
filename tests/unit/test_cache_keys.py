"""Cache keys: stable across processes, sensitive to everything that changes pixels, and only that."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support.paths import FIXTURE_SCENES

from mkdocs_gradviz.core.library import SceneLibrary, library_root
from mkdocs_gradviz.core.render_queue import environment as _environment
from mkdocs_gradviz.core.spec import parse_block, requests_for

BLOCK = "scene: Pulse\nradius: 1.5\ncaption: A circle\n"
CODE = "class A(Scene):\n    def construct(self):\n        self.wait()\n"


def keys(body: str = BLOCK, header: dict | None = None, *, scenes: Path = FIXTURE_SCENES, quality: str = "tiny",
         theme: str = "dark", environment: dict | None = None, library: SceneLibrary | None = None) -> dict[str, str]:
    """The keys of a block's renders, by theme variant."""
    library = library or (_test_library() if scenes == FIXTURE_SCENES else SceneLibrary(scenes))
    spec = parse_block(body, header or {}, library, allow_code=True)
    requests = requests_for(spec, quality=quality, theme=theme, library=library,
                            environment=environment or {"manim": "1", "render_code": "a"})
    return {request.theme: request.key for request in requests}


@functools.cache
def _test_library() -> SceneLibrary:
    """The installed library plus the test scenes, read once: tests that edit sources use copies."""
    return SceneLibrary(FIXTURE_SCENES)


def key(body: str = BLOCK, header: dict | None = None, **options) -> str:
    """The key of a block rendered in one theme."""
    (only,) = keys(body, header, **options).values()
    return only


def test_the_same_block_has_the_same_key_in_another_process() -> None:
    """Keys come from content only: a fresh interpreter (new hash seed) computes the same key."""
    script = (
        # The installed gradviz: the working directory (the checkout, first on sys.path with -c) is left out.
        "import sys; sys.path[:] = ['tests', 'tests/unit'] + [p for p in sys.path if p]; "
        "from test_cache_keys import key; print(key())"
    )
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).parents[2], env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout.strip()
               for seed in ("1", "2")}
    assert outputs == {key()}


@pytest.mark.parametrize("body, header", [
    (BLOCK.replace("caption: A circle", "caption: Another caption"), {}),
    (BLOCK + "width: 50%\nalign: left\nautoplay: false\nloop: false\ncontrols: false\ntable: true\nalt: x\n", {}),
    (BLOCK, {"caption": "From the header"}),
    ("\n" + BLOCK.replace("radius: 1.5", "radius:   1.5") + "\n\n", {}),
    ("radius: 1.5\nscene: Pulse\n", {}),
])
def test_html_only_options_and_formatting_do_not_change_the_key(body: str, header: dict) -> None:
    """Captions, sizes, playback flags, key order and whitespace never re-render."""
    assert key(body, header) == key()


def test_code_formatting_is_normalised() -> None:
    """Indentation, CRLF and trailing spaces of a code block do not change its key."""
    indented = "    " + CODE.replace("\n", "  \r\n    ")
    assert key(indented) == key(CODE)


@pytest.mark.parametrize("change", [
    lambda: key(BLOCK.replace("1.5", "1.6")),
    lambda: key(BLOCK + "seconds: 2\n"),
    lambda: key(BLOCK, {"quality": "low"}),
    lambda: key(quality="low"),
    lambda: key(theme="light"),
    lambda: key(environment={"manim": "2", "render_code": "a"}),
    lambda: key(environment={"manim": "1", "render_code": "b"}),
    lambda: key("scene: Label\n"),
], ids=["parameter", "another parameter", "block quality", "site quality", "theme", "manim version",
        "render code", "scene"])
def test_everything_that_changes_pixels_changes_the_key(change) -> None:
    """Parameters, quality, theme, Manim version and render code are all in the key."""
    assert change() != key()


@pytest.mark.parametrize("edited, changes", [("shapes.py", True), ("_shared.py", True), ("words.py", False)])
def test_scene_sources_and_their_helpers_are_in_the_key(tmp_path: Path, edited: str, changes: bool) -> None:
    """Editing the scene module or a helper it imports changes its key; other modules do not."""
    scenes = tmp_path / "scenes"
    shutil.copytree(FIXTURE_SCENES, scenes)
    before = key(scenes=scenes)
    (scenes / edited).write_text((scenes / edited).read_text() + "\n# edited\n")
    assert (key(scenes=scenes) != before) is changes


def test_code_blocks_key_on_their_code() -> None:
    """A one-character change of inline code changes the key."""
    assert key(CODE) != key(CODE.replace("wait()", "wait(2)"))


def test_environment_names_the_installed_manim_and_hashes_the_worker() -> None:
    """The environment part of the key tracks Manim's version and the render code's source."""
    from importlib.metadata import version

    environment = _environment()
    assert environment["manim"] == version("manim") and len(environment["render_code"]) == 64


def test_code_importing_a_library_helper_keys_on_its_source(tmp_path: Path) -> None:
    """A code block that imports a scenes/ module re-renders when that module changes."""
    scenes = tmp_path / "scenes"
    shutil.copytree(FIXTURE_SCENES, scenes)
    code = "from _shared import RADIUS_SCALE\n" + CODE
    before, plain = key(code, scenes=scenes), key(CODE, scenes=scenes)
    (scenes / "_shared.py").write_text((scenes / "_shared.py").read_text() + "\n# edited\n")
    assert key(code, scenes=scenes) != before
    assert key(CODE, scenes=scenes) == plain


def _scene_params() -> list[tuple[str, str, object]]:
    """Every (scene, parameter, default) of the installed library and of the test scenes."""
    return [(info.name, param.name, param.default) for info in _test_library().scenes.values() for param in info.params]


@pytest.mark.parametrize("scene, name, default", _scene_params(), ids=lambda value: value if isinstance(value, str) else "")
def test_a_parameter_set_to_its_default_has_the_key_of_leaving_it_out(scene: str, name: str, default: object) -> None:
    """Writing a scene parameter's default value in a block does not re-render."""
    written = yaml.safe_dump({name: default}, default_flow_style=True).strip()[1:-1]
    assert key(f"scene: {scene}\n{written}\n") == key(f"scene: {scene}\n")


def test_a_float_default_written_as_an_integer_has_the_key_of_leaving_it_out(tmp_path: Path) -> None:
    """Float parameters declared `= 1` or `= [1, 2]` share the key of omitting them with `1`, `1.0` or `[1, 2.0]`."""
    scenes = tmp_path / "scenes"
    shutil.copytree(FIXTURE_SCENES, scenes)
    shapes = scenes / "shapes.py"
    source = shapes.read_text()
    for declared, integral in (("Range(0.1, 10)] = 1.0", "Range(0.1, 10)] = 1"), ("= [1.0, 2.0]", "= [1, 2]")):
        assert declared in source
        source = source.replace(declared, integral)
    shapes.write_text(source)
    omitted = key("scene: Pulse\n", scenes=scenes)
    for written in ("seconds: 1", "seconds: 1.0", "values: [1, 2]", "values: [1.0, 2]"):
        assert key(f"scene: Pulse\n{written}\n", scenes=scenes) == omitted, written


@pytest.mark.parametrize("body", [BLOCK, CODE], ids=["scene", "code"])
def test_a_dark_only_block_shares_the_render_of_the_dark_half_of_auto(body: str) -> None:
    """`theme: dark` (site or block) gives the key of the dark variant of `theme: auto`; light likewise."""
    both = keys(body, theme="auto")
    assert set(both) == {"dark", "light"} and both["dark"] != both["light"]
    for variant in ("dark", "light"):
        assert key(body, theme=variant) == both[variant]
        assert key(body, {"theme": variant}, theme="auto") == both[variant]
    if body == BLOCK:
        assert key("theme: dark\n" + body, theme="auto") == both["dark"]


@pytest.mark.parametrize("statement", [
    "import mkdocs_gradviz.scenes._palette",
    "import mkdocs_gradviz.scenes._palette as colours",
    "import numpy, mkdocs_gradviz.scenes._palette",
    "from mkdocs_gradviz.scenes._palette import palette",
    "from mkdocs_gradviz.scenes import _palette",
])
def test_every_form_of_importing_a_library_module_keys_on_its_source(tmp_path: Path, statement: str) -> None:
    """A code block importing a library module (import X or from X import) re-renders when that module changes."""
    builtin = tmp_path / "library"
    shutil.copytree(library_root(), builtin, ignore=shutil.ignore_patterns("__pycache__"))
    code = statement + "\n" + CODE
    library = SceneLibrary(FIXTURE_SCENES, builtin=builtin)
    before, plain = key(code, library=library), key(CODE, library=library)
    (builtin / "_palette.py").write_text((builtin / "_palette.py").read_text() + "\n# edited\n")
    library = SceneLibrary(FIXTURE_SCENES, builtin=builtin)  # a library reads each source once
    assert key(code, library=library) != before
    assert key(CODE, library=library) == plain

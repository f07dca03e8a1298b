"""The engine knows no site generator: it imports, and works, where MkDocs cannot be imported."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "mkdocs_gradviz"
#: A meta-path finder that refuses MkDocs (and Material, which needs it), as if neither were installed.
WITHOUT_MKDOCS = textwrap.dedent("""\
    import sys

    sys.path[:] = [entry for entry in sys.path if entry]  # the installed gradviz, never the working directory's

    class NoMkDocs:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("mkdocs", "material"):
                raise ImportError(f"No module named {name!r} (blocked by the test)")
            return None

    sys.meta_path.insert(0, NoMkDocs())
""")


def run_without_mkdocs(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter in which importing MkDocs fails."""
    return subprocess.run([sys.executable, "-c", WITHOUT_MKDOCS + textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, check=False)


def test_no_core_module_imports_mkdocs() -> None:
    """No module of ``mkdocs_gradviz/core`` has an ``import mkdocs`` or ``from mkdocs...`` line."""
    importing = re.compile(r"^\s*(?:from|import)\s+(?:mkdocs|material|zensical)(?:\.|\s|$)", re.MULTILINE)
    offenders = [path.name for path in sorted((PACKAGE / "core").glob("*.py")) if importing.search(path.read_text())]
    assert offenders == []


def test_the_core_and_the_zensical_front_end_import_and_work_without_mkdocs() -> None:
    """With MkDocs blocked, the package, every core module and the Zensical front end import, and a block
    becomes render keys and figure HTML; the MkDocs plugin alone fails to import."""
    result = run_without_mkdocs("""\
        import importlib, pkgutil, sys
        import mkdocs_gradviz, mkdocs_gradviz.core
        # _preload exists to import Manim in the render fork server; every other core module is imported here.
        core = [m.name for m in pkgutil.iter_modules(mkdocs_gradviz.core.__path__) if m.name != "_preload"]
        for name in core + ["mkdocs_gradviz.zensical", "mkdocs_gradviz.zensical.site", "mkdocs_gradviz.zensical.project"]:
            importlib.import_module(name if name.startswith("mkdocs_gradviz") else f"mkdocs_gradviz.core.{name}")

        from mkdocs_gradviz.core import embed
        from mkdocs_gradviz.core.library import SceneLibrary
        from mkdocs_gradviz.core.render_queue import environment
        from mkdocs_gradviz.core.spec import parse_block, requests_for
        library = SceneLibrary()
        spec = parse_block("scene: GradientDescent\\nsteps: 3\\n", {"caption": "Three steps"}, library, allow_code=True)
        keys = [r.key for r in requests_for(spec, quality="tiny", theme="auto", library=library,
                                            environment=environment())]
        assert len(keys) == 2 and all(len(key) == 32 for key in keys), keys
        assert "<div data-gradviz-slot" in embed.slot_html(0)
        assert not any(name.split(".")[0] in ("mkdocs", "material") for name in sys.modules)
        try:
            import mkdocs_gradviz.mkdocs.plugin
        except ImportError as error:
            print("plugin:", error)
        print("core modules:", len(core))
    """)
    assert result.returncode == 0, result.stderr
    assert "plugin: No module named 'mkdocs" in result.stdout
    assert int(result.stdout.split("core modules:")[1]) >= 10

"""gradviz in anyone's site: the built distributions, installed in a fresh environment, used from elsewhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest
from filelock import FileLock
from support.docs import between
from support.paths import REPO, SCENES_PAGE

#: Wheels of the declared dependencies, kept between runs and checkouts so that a clean install is quick.
WHEELHOUSE = Path(os.environ.get("GRADVIZ_WHEELHOUSE", Path.home() / ".cache" / "gradviz-tests" / "wheelhouse"))
#: Installing the dependencies of a clean environment takes minutes the first time.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An sdist and a wheel built from a copy of the checkout, the wheel from the sdist (``python -m build``)."""
    source = tmp_path_factory.mktemp("source") / "gradviz"
    # What a release is made from: the checkout's files, not its caches or environments (.nox, .cache, site/).
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO,
                            capture_output=True, check=True, timeout=60).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=300)
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment, blind to the system's packages, with the wheel and what it declares it needs.

    pip resolves the wheel's declared dependencies from a local wheelhouse, kept between runs
    (``WHEELHOUSE``); when the wheelhouse cannot satisfy them (the first run, or a changed
    requirement), it is filled from the package index first. Either way nothing but the declared
    requirements decides what gets installed.
    """
    root = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True, timeout=120)
    (wheel,) = dist.glob("*.whl")
    python = str(root / "bin" / "python")
    install = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index",
               "--find-links", str(WHEELHOUSE), str(wheel)]
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    with FileLock(WHEELHOUSE.parent / "wheelhouse.lock"):  # one filler at a time, across test processes and runs
        if subprocess.run(install, capture_output=True, timeout=900, check=False).returncode != 0:
            subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
                            "--wheel-dir", str(WHEELHOUSE), "--find-links", str(WHEELHOUSE), str(wheel)],
                           check=True, timeout=1800)
            for own in WHEELHOUSE.glob("mkdocs_gradviz-*.whl"):  # the wheel under test comes from dist, always
                own.unlink()
            subprocess.run(install, check=True, timeout=900)
    return root


def test_the_clean_environment_holds_the_declared_dependencies_only(venv: Path) -> None:
    """pip finds every declared requirement met, and a development tool that is not declared is absent."""
    python = str(venv / "bin" / "python")
    check = subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True, timeout=120, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    for declared in ("mkdocs", "material", "manim", "av", "PIL", "filelock"):
        subprocess.run([python, "-c", f"import {declared}"], check=True, timeout=120, env={**os.environ, "PYTHONPATH": ""})
    undeclared = subprocess.run([python, "-c", "import pytest"], capture_output=True, timeout=120, check=False,
                                env={**os.environ, "PYTHONPATH": ""})
    assert undeclared.returncode != 0, "the environment sees packages it did not install"


def test_twine_accepts_both_distributions(dist: Path) -> None:
    """The sdist and the wheel pass `twine check --strict` (metadata and README render on PyPI)."""
    files = sorted(map(str, dist.iterdir()))
    assert len(files) == 2, files
    result = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_wheel_ships_the_library_inside_the_package(dist: Path) -> None:
    """The scene library installs as mkdocs_gradviz/scenes; no top-level `scenes` or `_base` module appears."""
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"mkdocs_gradviz"}
    for module in ("_base.py", "_palette.py", "_params.py", "gradient_descent.py", "loss_surface.py"):
        assert f"mkdocs_gradviz/scenes/{module}" in names
    assert {"mkdocs_gradviz/assets/gradviz.js", "mkdocs_gradviz/templates/new/publish.yml"} <= set(names)
    assert "gradviz = mkdocs_gradviz.mkdocs.plugin:GradvizPlugin" in metadata
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        assert any(name.endswith("/scenes/gradient_descent.py") for name in archive.getnames())


def test_a_site_outside_the_checkout_uses_the_installed_library(venv: Path, tmp_path: Path) -> None:
    """A new site with no scenes/ of the library renders a library block, a site scene and a code block."""
    site = tmp_path / "my-course"
    (site / "docs").mkdir(parents=True)
    (site / "scenes").mkdir()
    docs = SCENES_PAGE.read_text(encoding="utf-8")
    (site / "scenes" / "decay.py").write_text(between(docs, "scene-example"), encoding="utf-8")
    site_block = between(docs, "scene-example-block")
    probe = tmp_path / "imported.json"
    (site / "docs" / "index.md").write_text(textwrap.dedent("""\
        # Course

        ```gradviz
        scene: GradientDescent
        steps: 2
        ```

        """) + site_block + textwrap.dedent("""
        ```gradviz
        class Where(Scene):
            def construct(self):
                import json, os, sys
                import mkdocs_gradviz.scenes.gradient_descent, decay
                files = [getattr(m, "__file__", None) or "" for m in list(sys.modules.values())]
                with open(os.environ["GRADVIZ_PROBE"], "w") as out:
                    json.dump(files, out)
                self.play(Create(Circle()), run_time=0.2)
        ```
        """), encoding="utf-8")
    (site / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: My course
        theme:
          name: material
          font: false
        plugins:
          - gradviz:
              quality: tiny
              theme: dark
              scenes_dir: scenes
        markdown_extensions:
          - pymdownx.superfences
        """), encoding="utf-8")
    driver = textwrap.dedent("""\
        import json, sys
        from mkdocs.config import load_config
        from mkdocs_gradviz.cli import build_site
        plugin = build_site(load_config("mkdocs.yml", strict=True))
        print(plugin.run.report.line())
        print(json.dumps([getattr(m, "__file__", None) or "" for m in list(sys.modules.values())]))
        """)
    environment = {**os.environ, "GRADVIZ_PROBE": str(probe), "PYTHONPATH": ""}
    result = subprocess.run([str(venv / "bin" / "python"), "-c", driver], cwd=site, capture_output=True, text=True,
                            timeout=600, env=environment, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    report, parent_modules = result.stdout.strip().splitlines()[-2:]
    assert report.startswith("3 blocks, 3 videos rendered, 0 reused from cache, 0 failed"), report
    assert len(list((site / "site" / "assets" / "gradviz").glob("*.mp4"))) == 3
    assert "WeightDecay" in (site / "site" / "index.html").read_text(encoding="utf-8") or \
        "Weight decay" in (site / "site" / "index.html").read_text(encoding="utf-8")
    render_modules = json.loads(probe.read_text(encoding="utf-8"))
    for modules in (json.loads(parent_modules), render_modules):
        from_checkout = [path for path in modules if path.startswith(str(REPO))]
        assert from_checkout == [], from_checkout
    installed = str(venv / "lib")
    assert any(path.startswith(installed) and path.endswith("scenes/gradient_descent.py") for path in render_modules)
    assert str(site / "scenes" / "decay.py") in render_modules


def test_gradviz_new_makes_a_site_that_builds_strictly(venv: Path, tmp_path: Path) -> None:
    """`gradviz new demo && cd demo && mkdocs build --strict` works, and a second `new` refuses to overwrite."""
    gradviz = str(venv / "bin" / "gradviz")
    created = subprocess.run([gradviz, "new", "demo"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                             check=False)
    assert created.returncode == 0, created.stderr
    demo = tmp_path / "demo"
    assert {".gitignore", "mkdocs.yml", "docs", ".github"} <= {p.name for p in demo.iterdir()}
    assert {"site/", ".cache/"} <= set((demo / ".gitignore").read_text(encoding="utf-8").split())
    environment = {**os.environ, "GRADVIZ_QUALITY": "tiny", "PYTHONPATH": ""}
    built = subprocess.run([str(venv / "bin" / "python"), "-m", "mkdocs", "build", "--strict"], cwd=demo,
                           capture_output=True, text=True, timeout=600, env=environment, check=False)
    assert built.returncode == 0, built.stderr[-3000:]
    assert "2 blocks, 4 videos rendered" in built.stderr
    html = (demo / "site" / "index.html").read_text(encoding="utf-8")
    assert html.count("<figure class=\"gradviz") == 2
    before = (demo / "mkdocs.yml").read_text(encoding="utf-8")
    again = subprocess.run([gradviz, "new", "demo"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                           check=False)
    assert again.returncode == 1 and "refusing to overwrite" in again.stdout
    assert (demo / "mkdocs.yml").read_text(encoding="utf-8") == before

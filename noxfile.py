"""The support matrix: every Python gradviz claims, its oldest and its newest dependencies, each from the built wheel.

Each session builds the wheel, installs it with its dependencies into a fresh environment (uv
resolves them as pip would), builds the site ``gradviz new`` writes with ``mkdocs build --strict``
(a library block and a code block, rendered at quality tiny) and runs the fast tests (tests/unit).

    nox -s tests      # each claimed Python found on this machine (3.10-3.13)
    nox -s oldest     # every dependency at the floor pyproject.toml declares, on the oldest Python
    nox -s newest     # the newest releases of everything (--upgrade, no prereleases), on the newest Python
    nox               # all of them

The claimed Pythons are read from the classifiers of pyproject.toml. A Python missing from this
machine is skipped (with pyenv, make them all visible: ``PYENV_VERSION=3.11.7:3.10.13:3.12.1:3.13.0``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nox
from packaging.requirements import Requirement

nox.options.default_venv_backend = "uv"
# Compile the installed modules as pip does: compiled at import instead, a dependency's invalid escape
# sequences (pydub, under Manim 0.19) warn inside the tests, where filterwarnings makes them errors.
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")
nox.options.sessions = ["tests", "oldest", "newest"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHONS = [c.rsplit(" ", 1)[-1] for c in PYPROJECT["project"]["classifiers"]
           if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
#: The fast layer's own needs, as the dev extra declares them (not all of it: it brings browsers and an S3 server).
TEST_TOOLS = [line for line in PYPROJECT["project"]["optional-dependencies"]["dev"]
              if Requirement(line).name in {"pytest", "pytest-timeout", "hypothesis", "fsspec", "dask"}]
#: What the smoke build must produce: the scaffold's two blocks, each a figure with a video per theme.
CHECK_SITE = """
import pathlib, re, sys
site = pathlib.Path(sys.argv[1])
page = (site / "index.html").read_text(encoding="utf-8")
figures = re.findall(r'<figure class="gradviz', page)
sources = re.findall(r'<video src="([^"]+[.]mp4)"', page)
assert len(figures) == 2 and len(sources) == 4, (figures, sources)
assert all((site / src).stat().st_size > 1000 for src in sources), sources
print(f"the scaffold's site: {len(figures)} figures, {len(sources)} videos")
"""


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """One claimed Python: the wheel with the newest dependencies pip would pick there."""
    session.install(_wheel(session))
    _check(session)


@nox.session(python=PYTHONS[0])
def oldest(session: nox.Session) -> None:
    """The oldest Python with every dependency at its declared floor (Manim, PyAV, Pillow, MkDocs...)."""
    wheel = _wheel(session)
    floors = [str(requirement) for requirement in _requirements() if requirement.specifier]
    # uv's lowest-direct takes the lowest version of each requirement named on the command line.
    session.install("--resolution=lowest-direct", wheel, *floors)
    _check(session)


@nox.session(python=PYTHONS[-1])
def newest(session: nox.Session) -> None:
    """The newest Python with the newest release of every dependency that the declared range admits."""
    session.install("--upgrade", "--refresh", _wheel(session))
    _check(session)


def _check(session: nox.Session) -> None:
    """The installed gradviz builds the scaffold's site and passes the fast tests."""
    session.install(*TEST_TOOLS)
    # The versions this session tests, each checked against the declared range.
    session.run("gradviz", "doctor", env={"COLUMNS": "120"})
    site = Path(session.create_tmp()) / "demo"
    if site.exists():
        session.run("rm", "-rf", str(site), external=True)
    session.run("gradviz", "new", str(site))
    env = {"GRADVIZ_QUALITY": "tiny", "SITE_URL": "http://127.0.0.1:8000/"}
    with session.chdir(site):
        session.run("mkdocs", "build", "--strict", env=env)
    session.run("python", "-c", CHECK_SITE, str(site / "site"))
    # The pytest script, not `python -m pytest`, which would put the checkout before the installed wheel.
    session.run("python", "-I", "-c", "import mkdocs_gradviz; assert 'site-packages' in mkdocs_gradviz.__file__")
    session.run("pytest", "tests/unit", "-q", "-p", "no:cacheprovider", *session.posargs, env=env)


def _wheel(session: nox.Session) -> str:
    """The wheel of the checkout, built from a copy of its package sources in the session's temporary folder.

    setuptools writes build/ and the egg-info into the folder it builds: two sessions building
    the checkout itself at once (nox --parallel, or two nox commands) would break each other's wheel.
    """
    tmp = Path(session.create_tmp())
    source, out = tmp / "source", tmp / "dist"
    session.run("rm", "-rf", str(source), str(out), external=True)
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("mkdocs_gradviz", "scenes"):  # what the wheel is made of, and nothing the tests are writing
        shutil.copytree(ROOT / name, source / name, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    session.run("uv", "build", "--wheel", "--out-dir", str(out), str(source), external=True, silent=True)
    (wheel,) = out.glob("*.whl")
    return str(wheel)


def _requirements() -> list[Requirement]:
    """The runtime dependencies as pyproject.toml declares them (extras left out)."""
    return [Requirement(line) for line in PYPROJECT["project"]["dependencies"]]

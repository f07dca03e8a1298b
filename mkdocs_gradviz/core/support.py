"""The versions of Python and of the dependencies that gradviz supports, read from its package metadata.

``pyproject.toml`` declares the range once (``requires-python``, the dependencies and the
``zensical`` extra); ``gradviz doctor`` and a render that fails inside Manim, PyAV or Pillow both
read it from the installed distribution's metadata, so no second copy can drift.
"""

from __future__ import annotations

import platform
import sys
import traceback
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

DISTRIBUTION = "mkdocs-gradviz"
#: What ``gradviz doctor`` reports, in this order: the distribution names of gradviz's dependencies.
WATCHED = ("manim", "av", "Pillow", "mkdocs", "mkdocs-material", "pymdown-extensions", "zensical")
#: The importable top-level module of each dependency whose errors a failed render can blame.
MODULES = {"manim": "manim", "av": "av", "PIL": "Pillow"}


@dataclass(frozen=True)
class Support:
    """One package as installed, against the range gradviz declares for it."""

    name: str
    installed: str | None
    supported: str  # a specifier such as ">=0.19", "" when gradviz declares no range
    optional: bool = False

    @property
    def ok(self) -> bool:
        """Installed inside the declared range (an optional package may be absent)."""
        if self.installed is None:
            return self.optional
        try:
            return SpecifierSet(self.supported).contains(Version(self.installed), prereleases=True)
        except InvalidVersion:
            return False

    def advice(self) -> str:
        """How to get a supported version, or "" when this one is fine."""
        if self.ok:
            return ""
        if self.name == "Python":
            return f"use a Python {self.supported}"
        return f"pip install '{self.name}{self.supported}'"


def declared() -> dict[str, str]:
    """The supported range of Python and of each dependency, from the installed gradviz's metadata."""
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # a source tree on sys.path without an install
        return {}
    ranges = {"Python": _readable(SpecifierSet(meta.get("Requires-Python") or ""))}
    for line in meta.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        extra = requirement.marker is not None and "extra" in str(requirement.marker)
        name = canonicalize_name(requirement.name)
        if extra and name != "zensical":  # the extras' other packages (dev, s3, dask) are not ranges users rely on
            continue
        ranges.setdefault(name, _readable(requirement.specifier))
    return ranges


def report() -> list[Support]:
    """Python and each watched package: installed version and supported range."""
    ranges = declared()
    rows = [Support("Python", platform.python_version(), ranges.get("Python", ""))]
    for name in WATCHED:
        rows.append(Support(name, installed_version(name), ranges.get(canonicalize_name(name), ""),
                            optional=name == "zensical"))
    return rows


def installed_version(name: str) -> str | None:
    """The installed version of distribution ``name``, or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def blame(error: BaseException) -> str:
    """A note naming the dependency behind ``error`` when that dependency is outside the supported range.

    Only an ``AttributeError`` or ``ImportError`` raised by, or about, Manim, PyAV or Pillow is
    considered: that is how a release with a different API shows itself. Returns "" otherwise, and
    when the package's version is one gradviz supports (the error is then the block's own).
    """
    if not isinstance(error, (AttributeError, ImportError)):
        return ""
    package = _package_of(error)
    if package is None:
        return ""
    row = Support(package, installed_version(package), declared().get(canonicalize_name(package), ""))
    if row.ok or not row.supported:
        return ""
    found = f"{package} {row.installed} is installed" if row.installed else f"{package} is not installed"
    return (f"{found}, and gradviz supports {package}{row.supported} only: {row.advice()} "
            "(`gradviz doctor` checks every dependency)")


def _readable(specifier: SpecifierSet) -> str:
    """``>=10,<13`` rather than packaging's alphabetical ``<13,>=10``: the floor first."""
    return ",".join(sorted((str(one) for one in specifier), key=lambda one: (not one.startswith(">"), one)))


def _package_of(error: BaseException) -> str | None:
    """The watched package an AttributeError or ImportError is about, or raised from."""
    names: list[str] = []
    if isinstance(error, ImportError) and error.name:
        names.append(error.name)
    owner = getattr(error, "obj", None) if isinstance(error, AttributeError) else None  # Python 3.10+
    if owner is not None:
        names.append(owner.__name__ if isinstance(owner, type(sys)) else type(owner).__module__)
    for name in names:
        package = MODULES.get(name.split(".")[0])
        if package:
            return package
    for frame in reversed(traceback.extract_tb(error.__traceback__)):  # innermost first
        package = _package_of_file(frame.filename)
        if package:
            return package
    return None


def _package_of_file(filename: str) -> str | None:
    parts = Path(filename).parts
    for module, package in MODULES.items():
        if module in parts and ("site-packages" in parts or "dist-packages" in parts):
            return package
    return None

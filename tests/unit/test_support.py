"""The supported range: declared once in pyproject.toml, reported by `gradviz doctor`, named by a failed render."""

from __future__ import annotations

import io
import re
import sys
from importlib import metadata
from pathlib import Path

import av
import pytest
import yaml
from packaging.specifiers import SpecifierSet
from rich.console import Console

from mkdocs_gradviz import cli
from mkdocs_gradviz.core import manim_render, support

REPO = Path(__file__).parents[2]
#: The package's claims as published: what pip and PyPI read.
CLAIMS = metadata.metadata("mkdocs-gradviz")
PYTHONS = sorted((c.rsplit(" ", 1)[-1] for c in CLAIMS.get_all("Classifier")
                  if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)), key=lambda v: int(v.split(".")[1]))


@pytest.fixture
def doctor(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """`gradviz doctor`'s output, on a console wide enough that no row wraps."""
    out = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=out, width=250, highlight=False))
    return out


def installed_as(monkeypatch: pytest.MonkeyPatch, **versions: str | None) -> None:
    """Pretend that the distributions named (Pillow as ``Pillow``) have the given versions."""
    real = support.installed_version
    monkeypatch.setattr(support, "installed_version", lambda name: versions[name] if name in versions else real(name))


def output_file_of_av() -> object:
    """A real PyAV output container, the object whose API changed between PyAV 13 and 14."""
    return av.open(io.BytesIO(), "w", format="mp4")


def test_classifiers_name_exactly_the_pythons_that_requires_python_admits() -> None:
    """Every Python 3.x classifier is admitted by requires-python, and every admitted 3.x has a classifier."""
    allowed = SpecifierSet(CLAIMS["Requires-Python"])
    admitted = [f"3.{minor}" for minor in range(6, 30) if f"3.{minor}.0" in allowed]
    assert PYTHONS == admitted == ["3.10", "3.11", "3.12", "3.13"]


def test_the_support_workflow_runs_every_nox_session() -> None:
    """The GitHub matrix runs a tests session per claimed Python, the oldest and the newest session."""
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "support.yml").read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    matrix = {(row["session"], row["python"]) for row in job["strategy"]["matrix"]["include"]}
    assert matrix == {*((f"tests-{p}", p) for p in PYTHONS), ("oldest", PYTHONS[0]), ("newest", PYTHONS[-1])}
    assert 'nox -s "${{ matrix.session }}"' in job["steps"][-1]["run"]


def test_the_range_is_read_from_the_installed_metadata() -> None:
    """The declared range of Python, Manim, PyAV and Pillow comes from the package metadata, floor first."""
    declared = support.declared()
    written = re.search(r'^requires-python = "([^"]+)"', (REPO / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    assert SpecifierSet(declared["Python"]) == SpecifierSet(written.group(1))
    assert declared["Python"].startswith(">=3.10")
    assert declared["pillow"].startswith(">=") and "<" in declared["pillow"]
    assert {"manim", "av", "pillow", "mkdocs", "mkdocs-material", "pymdown-extensions", "zensical"} <= set(declared)


def test_doctor_reports_each_version_against_the_range(doctor: io.StringIO) -> None:
    """gradviz doctor lists Python, Manim, av, Pillow, MkDocs, Material and Zensical with version and range."""
    status = cli.main(["doctor"])
    text = doctor.getvalue()
    for row in support.report():
        line = next(line for line in text.splitlines() if re.match(rf"│ {re.escape(row.name)}\s+│", line))
        assert (row.installed or "missing") in line and row.supported in line
        assert ("ok" if row.installed else "not installed (optional") in line
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in text
    assert status == 0


@pytest.mark.parametrize(("package", "version", "advice"), [
    ("manim", "0.18.1", "pip install 'manim>=0.19'"),
    ("av", "12.3.0", "pip install 'av>=13'"),
    ("Pillow", "13.0.0", "pip install 'Pillow>=10.0.1,<13'"),
])
def test_doctor_flags_a_version_outside_the_range(doctor: io.StringIO, monkeypatch: pytest.MonkeyPatch,
                                                  package: str, version: str, advice: str) -> None:
    """A dependency outside the declared range is shown as such, with how to fix it, and doctor fails."""
    installed_as(monkeypatch, **{package: version})
    assert cli.main(["doctor"]) == 1
    (line,) = [line for line in doctor.getvalue().splitlines() if re.match(rf"│ {package}\s+│", line)]
    assert version in line and "outside the supported range" in line and advice in line


def test_doctor_accepts_a_missing_zensical(doctor: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> None:
    """Zensical is optional: without it doctor says how to add it and still passes."""
    installed_as(monkeypatch, zensical=None)
    assert cli.main(["doctor"]) == 0
    assert "pip install 'mkdocs-gradviz[zensical]'" in doctor.getvalue()


def test_a_render_failing_in_an_unsupported_av_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """An AttributeError on a PyAV object, with a PyAV outside the range, names PyAV, its version and the range."""
    installed_as(monkeypatch, av="12.3.0")
    with output_file_of_av() as container, pytest.raises(AttributeError) as raised:
        container.add_stream_from_a_future_release()  # as an API missing from this release
    message = manim_render._explain(raised.value)["message"]
    first, raw = message.split("\n")
    assert first == ("av 12.3.0 is installed, and gradviz supports av>=13 only: pip install 'av>=13' "
                     "(`gradviz doctor` checks every dependency)")
    assert raw.startswith("AttributeError: ") and "add_stream_from_a_future_release" in raw


def test_an_import_error_from_an_unsupported_pillow_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name missing from PIL, with a Pillow outside the range, names Pillow, its version and the range."""
    installed_as(monkeypatch, Pillow="9.5.0")
    with pytest.raises(ImportError) as raised:
        from PIL import NoSuchImageModule  # noqa: F401
    assert support.blame(raised.value).startswith("Pillow 9.5.0 is installed, and gradviz supports Pillow>=10.0.1,<13 only")


def test_errors_with_supported_versions_stay_the_blocks_own() -> None:
    """With every dependency in range, or an error about no dependency, the message is the raw exception alone."""
    with output_file_of_av() as container, pytest.raises(AttributeError) as from_av:
        container.no_such_method()
    with pytest.raises(AttributeError) as elsewhere:
        object().no_such_method()  # type: ignore[attr-defined]
    assert support.blame(from_av.value) == "" and support.blame(elsewhere.value) == ""
    assert manim_render._explain(from_av.value)["message"].startswith("AttributeError: ")
    assert support.blame(ValueError("av")) == ""


def test_a_missing_dependency_is_named_with_the_supported_range(monkeypatch: pytest.MonkeyPatch) -> None:
    """A render process that cannot import PyAV says it is missing and which versions to install."""
    installed_as(monkeypatch, av=None)
    message = manim_render._explain(ModuleNotFoundError("No module named 'av'", name="av"))["message"]
    assert message == ("av is not installed, and gradviz supports av>=13 only: pip install 'av>=13' "
                       "(`gradviz doctor` checks every dependency)\nModuleNotFoundError: No module named 'av'")

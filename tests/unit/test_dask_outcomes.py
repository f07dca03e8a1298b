"""What the Dask executor makes of a task's outcome, with the cluster stood in for: each odd case is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_gradviz.core.dask_executor import DaskExecutor
from mkdocs_gradviz.core.errors import RenderError
from mkdocs_gradviz.core.job import RenderJob, RenderRequest, RenderResult

REQUEST = RenderRequest(kind="scene", scene="Pulse", module="shapes", params={}, code="", width=256, height=144, fps=10,
                        theme="dark", key="0" * 32)
RESULT = RenderResult(width=256, height=144, duration=0.5, codec="h264", pix_fmt="yuv420p")


class Finished:
    """A Dask future whose task has already returned ``outcome``."""

    def __init__(self, outcome: dict) -> None:
        self.outcome = outcome

    def result(self) -> dict:
        return self.outcome

    def release(self) -> None:
        pass


class Scheduler:
    """A Dask client that runs nothing and hands back one outcome for every task."""

    def __init__(self, outcome: dict) -> None:
        self.outcome = outcome

    def submit(self, *args, **kwargs) -> Finished:
        return Finished(self.outcome)


def run(outcome: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warnings: list[str] | None = None) -> RenderResult:
    executor = DaskExecutor(address="tcp://127.0.0.1:8786", workers=1, shared=None, site_scenes=None,
                            warnings=warnings if warnings is not None else [])
    monkeypatch.setattr(executor, "_connect", lambda: Scheduler(outcome))
    job = RenderJob(REQUEST, out=tmp_path, tex_dir=tmp_path, site_scenes=None, memory_limit=0)
    return executor(job, timeout=60)


def test_files_returned_by_the_worker_land_in_the_staging_folder(tmp_path: Path, monkeypatch) -> None:
    """Without a shared cache the worker's files come back in the result and are written where the render's go."""
    result = run({"result": RESULT.to_json(), "files": {"video.mp4": b"mp4", "poster.png": b"png"}}, tmp_path,
                 monkeypatch)
    assert result == RESULT
    assert (tmp_path / "video.mp4").read_bytes() == b"mp4" and (tmp_path / "poster.png").read_bytes() == b"png"


def test_an_upload_this_build_cannot_fetch_is_a_render_error_naming_the_cluster(tmp_path: Path, monkeypatch) -> None:
    """A worker that says it uploaded, to a build with no shared cache, fails the render with words, not an AttributeError."""
    with pytest.raises(RenderError) as raised:
        run({"result": RESULT.to_json(), "files": None}, tmp_path, monkeypatch)
    assert "the Dask scheduler at tcp://127.0.0.1:8786" in raised.value.message
    assert "no shared cache" in raised.value.message


def test_a_failure_on_the_worker_keeps_its_line(tmp_path: Path, monkeypatch) -> None:
    """An error the worker sends back as data becomes a RenderError with the line inside the block."""
    with pytest.raises(RenderError) as raised:
        run({"error": "ValueError: no", "line": 7}, tmp_path, monkeypatch)
    assert (raised.value.message, raised.value.line) == ("ValueError: no", 7)


def test_a_workers_warning_reaches_the_build_report(tmp_path: Path, monkeypatch) -> None:
    """A worker's upload that failed is a warning of the build, and its files still arrive."""
    warnings: list[str] = []
    run({"result": RESULT.to_json(), "files": {"video.mp4": b"mp4"}, "warning": "upload failed"}, tmp_path, monkeypatch,
        warnings)
    assert warnings == ["upload failed"]

"""What a build costs and says: progress lines while rendering, silence and no Manim import when all is cached."""

from __future__ import annotations

import logging
import subprocess
import sys

from mkdocs_gradviz.core.job import RenderRequest
from mkdocs_gradviz.core.progress import LogProgress


def request(scene: str) -> RenderRequest:
    return RenderRequest("scene", scene, "m", {}, "", 256, 144, 10, "dark", scene.lower())


def test_long_render_phases_log_one_line_per_finished_render(caplog) -> None:
    """Each finished render logs done/total, the scene, its time and the time left, on one line."""
    progress = LogProgress(logging.getLogger("gradviz-test"), concurrency=2, after=0)
    with caplog.at_level(logging.INFO, logger="gradviz-test"):
        for scene in ("A", "B", "C"):
            progress.queued(request(scene))
        progress.finished(request("A"), 4.0, failed=False)
        progress.finished(request("B"), 2.0, failed=True)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["rendered 1/3: A (dark, 4.0 s), about 4 s left", "rendered 2/3: B (dark, 2.0 s), about 2 s left"]
    assert progress.failed == 1


def test_short_render_phases_stay_quiet(caplog) -> None:
    """Renders finishing within the first seconds of the phase log nothing."""
    progress = LogProgress(logging.getLogger("gradviz-test"), after=60)
    with caplog.at_level(logging.INFO, logger="gradviz-test"):
        progress.queued(request("A"))
        progress.finished(request("A"), 1.0, failed=False)
    assert caplog.records == []


def test_under_serve_every_finished_render_logs_its_line(caplog) -> None:
    """Serve's renders finish after the build that queued them: each says so, however soon; a build keeps its quiet start."""
    log = logging.getLogger("gradviz-test")
    progress = LogProgress.for_build(log, 1, serving=True)
    with caplog.at_level(logging.INFO, logger="gradviz-test"):
        progress.queued(request("A"))
        progress.finished(request("A"), 1.0, failed=False)
    assert [r.getMessage() for r in caplog.records] == ["rendered 1/1: A (dark, 1.0 s)"]
    assert LogProgress.for_build(log, 1, serving=False).after > 0, "a short build phase stays quiet"


def test_a_build_with_everything_cached_never_imports_manim(site) -> None:
    """Nothing heavy happens when nothing needs rendering: Manim is not even imported."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", "```gradviz\nscene: Label\n```\n")
    site.build()
    script = (
        "import logging, sys\nlogging.basicConfig(level=logging.INFO)\n"
        "from mkdocs.config import load_config\nfrom mkdocs_gradviz.cli import build_site\n"
        f"plugin = build_site(load_config({str(site.root / 'mkdocs.yml')!r}))\n"
        "print(plugin.run.report.cached, 'manim' in sys.modules, 'av' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=site.root)
    assert result.stdout.split() == ["1", "False", "False"]
    assert "0 videos rendered, 1 reused from cache" in result.stderr
    assert "rendered " not in result.stderr.replace("videos rendered", ""), "no progress lines"

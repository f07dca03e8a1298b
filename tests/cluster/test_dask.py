"""Renders on a Dask cluster (executor: dask): a scheduler and two workers as processes on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
from mkdocs.exceptions import Abort
from support.s3 import prefix_for, stored
from support.waiting import free_port, wait_for_file

from mkdocs_gradviz.core import dask_executor
from mkdocs_gradviz.core.cache import RenderCache

#: Dask workers may start render processes only if they are not daemonic processes themselves.
WORKER_ENV = {"DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
#: Dask's commands, run by this interpreter.
DASK = [sys.executable, "-m"]


class Cluster:
    """A Dask scheduler and named workers, each a process group of its own so a test can kill one.

    They run on the interpreter running the tests (``python -m``, not the ``dask`` command found on
    PATH), so that they import the same gradviz and Manim as the build.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen] = {}

    def start_scheduler(self) -> None:
        self._spawn("scheduler", [*DASK, "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                  "--no-dashboard", "--no-show"])

    def start_worker(self, name: str) -> None:
        """A worker that says its name to the scenes it renders (``GRADVIZ_TEST_WORKER``)."""
        self._spawn(name, [*DASK, "distributed.cli.dask_worker", self.address, "--nworkers", "1", "--nthreads", "1",
                           "--no-dashboard", "--name", name, "--local-directory", str(self.folder / name)],
                    {**WORKER_ENV, "GRADVIZ_TEST_WORKER": name})

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(count, timeout=120)

    def kill(self, name: str) -> None:
        """SIGKILL a worker and everything it started in its process group (its nanny, its fork server)."""
        process = self.processes.pop(name)
        _kill_group(process)

    def stop(self) -> None:
        for name in [name for name in self.processes if name != "scheduler"] + ["scheduler"]:
            if name in self.processes:
                _kill_group(self.processes.pop(name))

    def _spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115  (the process writes it until killed)
        self.processes[name] = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder,
                                                env={**os.environ, **(env or {})}, start_new_session=True)
        log.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A scheduler and two single-thread workers, stopped however the module's tests end."""
    cluster = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        cluster.start_scheduler()
        cluster.start_worker("w1")
        cluster.start_worker("w2")
        cluster.wait_for_workers(2)
        yield cluster
    finally:
        cluster.stop()


def on_cluster(site, cluster: Cluster, extra: str = "") -> None:
    site.configure(plugin=f"theme: dark\nexecutor: dask\nscheduler_address: {cluster.address}\n{extra}")


def which_worker(marker: Path) -> str:
    """A code block that writes the name of the Dask worker rendering it into ``marker``."""
    return textwrap.dedent(f"""\
        ```gradviz
        import os
        class Where(Scene):
            def construct(self):
                open({str(marker)!r}, "w").write(os.environ.get("GRADVIZ_TEST_WORKER", "not a worker"))
                self.play(Create(Square()), run_time=0.3)
        ```
        """)


def held_render(marker: Path, release: Path) -> str:
    """A code block whose first render writes its worker's name into ``marker`` and holds until ``release`` exists.

    The first render's process then exits without a trace (its worker was killed meanwhile); a
    retry of the render finds the marker and renders at once.
    """
    return textwrap.dedent(f"""\
        ```gradviz
        import os, time
        class Slow(Scene):
            def construct(self):
                if not os.path.exists({str(marker)!r}):
                    open({str(marker)!r}, "w").write(os.environ["GRADVIZ_TEST_WORKER"])
                    while not os.path.exists({str(release)!r}):
                        time.sleep(0.05)
                    os._exit(3)  # the orphan of the killed worker goes away without a trace
                self.play(Create(Circle()), run_time=0.3)
        ```
        """)


def _allowed_failures(cluster: Cluster, count: int) -> int:
    """Set how many worker deaths the scheduler tolerates per task; the number before."""
    from distributed import Client

    with Client(cluster.address, timeout=60) as client:
        return client.run_on_scheduler(lambda dask_scheduler: (dask_scheduler.allowed_failures,
                                                               setattr(dask_scheduler, "allowed_failures", count))[0])


def test_a_site_builds_through_the_cluster(site, cluster: Cluster, tmp_path: Path) -> None:
    """Every render runs on a worker; the files land in the build machine's cache and the page shows them."""
    marker = tmp_path / "where"
    on_cluster(site, cluster)
    site.page("index.md", "```gradviz\nscene: Label\nword: cluster\n```\n\n```gradviz\nscene: Pulse\n```\n\n"
              + which_worker(marker))
    report = site.build().run.report
    assert (report.rendered, report.failed, report.warnings) == (3, 0, [])
    assert marker.read_text() in ("w1", "w2")
    local = RenderCache(site.root / ".cache" / "gradviz")
    keys = local.keys()
    assert len(keys) == 3 and all(local.lookup(key) is not None for key in keys)
    assert site.html().count("<video") == 3
    assert site.build().run.report.rendered == 0


def test_a_failure_on_a_worker_keeps_its_page_and_line(site, cluster: Cluster, caplog) -> None:
    """A scene raising on a worker fails its block with the page and the line of the raise."""
    on_cluster(site, cluster)
    site.page("index.md", """\
        # Title

        ```gradviz
        class Broken(Scene):
            def construct(self):
                self.play(Create(Circle()), run_time=0.2)
                raise ValueError("no good on a worker")
        ```
        """)
    with pytest.raises(Abort):
        site.build()
    assert "docs/index.md:7: ValueError: no good on a worker" in caplog.text
    assert RenderCache(site.root / ".cache" / "gradviz").keys() == []


def test_renders_reach_the_shared_cache_from_the_workers(site, cluster: Cluster, s3: str,
                                                          request: pytest.FixtureRequest) -> None:
    """With a shared cache the workers upload, the build machine downloads, and another machine renders nothing."""
    store = prefix_for(request)
    on_cluster(site, cluster, f"cache_url: {store}\ncache_dir: .cache/a\n")
    site.page("index.md", "```gradviz\nscene: Label\nword: uploaded\n```\n")
    assert site.build().run.report.rendered == 1
    assert len([name for name in stored(store) if name.startswith("entries/")]) == 1
    site.configure(plugin=f"theme: dark\ncache_url: {store}\ncache_dir: .cache/b\n")
    report = site.build().run.report
    assert (report.rendered, report.cached) == (0, 1)


def test_a_worker_killed_mid_render_leads_to_a_retried_render(site, cluster: Cluster, tmp_path: Path) -> None:
    """SIGKILL of the worker running a render: the scheduler retries it on the other worker; the entry is whole."""
    marker, release = tmp_path / "started-on", tmp_path / "release"
    on_cluster(site, cluster)
    site.page("index.md", held_render(marker, release))
    outcome: dict[str, object] = {}
    build = threading.Thread(target=lambda: outcome.update(plugin=site.build()))
    build.start()
    try:
        wait_for_file(marker, content=True)
        victim = marker.read_text()
        cluster.kill(victim)
    finally:
        release.touch()
        build.join(timeout=300)
        if "w1" not in cluster.processes or "w2" not in cluster.processes:
            cluster.start_worker("w1" if "w1" not in cluster.processes else "w2")
    report = outcome["plugin"].run.report
    assert (report.rendered, report.failed) == (1, 0)
    local = RenderCache(site.root / ".cache" / "gradviz")
    keys = local.keys()
    assert len(keys) == 1 and local.lookup(keys[0]) is not None
    cluster.wait_for_workers(2)


def test_a_render_whose_workers_die_as_often_as_allowed_is_a_clear_error(site, cluster: Cluster, tmp_path: Path,
                                                                         caplog) -> None:
    """When the workers running a render die as often as the scheduler allows, the block fails saying so."""
    marker, release = tmp_path / "started-on", tmp_path / "release"
    on_cluster(site, cluster)
    site.page("index.md", held_render(marker, release))
    before = _allowed_failures(cluster, 0)  # the first death is the last the scheduler tolerates
    outcome: dict[str, BaseException] = {}

    def build() -> None:
        try:
            site.build()
        except BaseException as error:
            outcome["error"] = error

    builder = threading.Thread(target=build)
    builder.start()
    try:
        cluster.kill(wait_for_file(marker, content=True).read_text())
    finally:
        release.touch()
        builder.join(timeout=300)
        _allowed_failures(cluster, before)
        for name in ("w1", "w2"):
            if name not in cluster.processes:
                cluster.start_worker(name)
    assert isinstance(outcome.get("error"), Abort)
    assert "docs/index.md:1: the Dask workers running this render died each time it was tried (the Dask scheduler at " \
        in caplog.text
    assert RenderCache(site.root / ".cache" / "gradviz").keys() == []
    cluster.wait_for_workers(2)


def test_a_worker_with_another_manim_refuses_the_render(site, cluster: Cluster, monkeypatch, caplog) -> None:
    """A worker whose Manim or render code differs from the build machine's fails the block, naming both versions."""
    real = dask_executor.environment()
    monkeypatch.setattr(dask_executor, "environment", lambda: {**real, "manim": "0.0.1"})
    on_cluster(site, cluster)
    site.page("index.md", "```gradviz\nscene: Label\nword: mismatch\n```\n")
    with pytest.raises(Abort):
        site.build()
    assert (f"docs/index.md:1: this Dask worker renders with Manim {real['manim']} and gradviz render code "
            f"{real['render_code'][:12]} but the build expects Manim 0.0.1") in caplog.text
    assert RenderCache(site.root / ".cache" / "gradviz").keys() == []


def test_without_an_address_a_local_cluster_renders(site) -> None:
    """executor: dask without scheduler_address starts a LocalCluster of `concurrency` workers for the build."""
    site.configure(plugin="theme: dark\nexecutor: dask\nconcurrency: 1\n")
    site.page("index.md", "```gradviz\nscene: Label\nword: local cluster\n```\n")
    report = site.build().run.report
    assert (report.rendered, report.failed) == (1, 0)


def test_an_unreachable_scheduler_is_a_clear_error(site, caplog) -> None:
    """A scheduler that does not answer fails each block with a message naming its address."""
    site.configure(plugin=f"theme: dark\nexecutor: dask\nscheduler_address: tcp://127.0.0.1:{free_port()}\n")
    site.page("index.md", "```gradviz\nscene: Label\nword: nobody\n```\n")
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}), pytest.raises(Abort):
        site.build()
    assert "docs/index.md:1: cannot reach the Dask scheduler at tcp://127.0.0.1:" in caplog.text


def test_scheduler_address_needs_the_dask_executor(site, caplog) -> None:
    """scheduler_address with the local executor is a configuration error, not a silently local build."""
    site.configure(plugin="scheduler_address: tcp://127.0.0.1:8786\n")
    site.page("index.md", "text\n")
    with pytest.raises(Abort):
        site.build()
    assert "scheduler_address is used only with executor: dask" in caplog.text


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

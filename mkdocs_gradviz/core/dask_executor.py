"""Renders as tasks on a Dask cluster (``executor: dask``): one task per render.

On the worker a render still runs in a process of its own (``process.run_in_process``), with the
site's timeout and memory limit, in a folder of the worker's own. Its files come back to the
build machine through the shared cache when there is a writable one (the worker uploads, this
machine downloads and verifies), otherwise as bytes in the task's result. A render's failure
comes back as data, so its line inside the block survives the trip. Dask itself is imported only
when the first render is sent.

Workers must not be daemonic processes (a daemonic process may not start render processes):
start them with ``DASK_DISTRIBUTED__WORKER__DAEMON=False``; the local cluster is set up so.
"""

from __future__ import annotations

import multiprocessing
import tempfile
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs_gradviz.core import manim_render
from mkdocs_gradviz.core.errors import CacheError, RenderError
from mkdocs_gradviz.core.job import RenderJob, RenderResult
from mkdocs_gradviz.core.process import run_in_process
from mkdocs_gradviz.core.render_queue import environment
from mkdocs_gradviz.core.shared_cache import redact, shared_cache

if TYPE_CHECKING:
    from distributed import Client

    from mkdocs_gradviz.core.job import RenderRequest
    from mkdocs_gradviz.core.shared_cache import SharedCache

#: What a render process leaves in its folder besides the render's own files.
_LEFTOVERS = {"log.txt", manim_render.RESULT, manim_render.ERROR}
_NOT_DAEMON = {"distributed.worker.daemon": False}


class DaskExecutor:
    """Sends each render to a Dask cluster and brings its files back into the render's staging folder."""

    def __init__(self, *, address: str, workers: int, shared: SharedCache | None, site_scenes: Path | None,
                 warnings: list[str]) -> None:
        self.address = address
        self.workers = max(1, workers)
        self.shared = shared
        self.site_scenes = site_scenes
        #: Where problems that do not fail a render go: the cache's list, read into the build report.
        self.warnings = warnings
        self._client: Client | None = None
        self._cluster: Any = None
        self._failure = ""
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        """The cluster as gradviz names it in messages."""
        return f"the Dask scheduler at {redact(self.address)}" if self.address else "the local Dask cluster"

    def __call__(self, job: RenderJob, *, timeout: float) -> RenderResult:
        """Render ``job`` on the cluster; its files land in ``job.out`` (the same contract as ``run_in_process``)."""
        from distributed import KilledWorker

        request = job.request
        upload = self.shared.url if self.shared is not None and self.shared.writable else ""
        future = self._connect().submit(
            render_on_worker, request, scenes=self._site_scenes(), memory_limit=job.memory_limit, timeout=timeout,
            shared_url=upload, expected=environment(), key=f"gradviz-{request.key}-{uuid.uuid4().hex[:8]}",
            pure=False)
        try:
            outcome = future.result()
        except KilledWorker:
            raise RenderError(f"the Dask workers running this render died each time it was tried ({self.where}); "
                              "see the workers' logs (a worker killed for memory, or a machine lost)") from None
        except Exception as error:  # the connection to the scheduler, or Dask itself, failed
            raise RenderError(f"{self.where} could not run this render: {type(error).__name__}: {error}") from None
        finally:
            future.release()
        if "error" in outcome:
            raise RenderError(outcome["error"], line=outcome.get("line"))
        if outcome.get("warning"):
            self.warnings.append(outcome["warning"])
        result = RenderResult.from_json(outcome["result"], where=f"the render of {request.scene} on {self.where}")
        if outcome["files"] is not None:
            for name, data in outcome["files"].items():
                (job.out / Path(name).name).write_bytes(data)
        elif self.shared is None:
            raise RenderError(f"a worker of {self.where} uploaded this render instead of sending it back, but this "
                              "build has no shared cache to fetch it from; give the build the workers' cache_url")
        elif self.shared.fetch_into(request.key, job.out) is None:
            raise RenderError(f"the worker's upload of this render is not on the shared cache {self.shared.display}")
        return result

    def close(self) -> None:
        """Disconnect from the scheduler, and stop the local cluster if this executor started one."""
        with self._lock:
            if self._client is not None:
                self._client.close()
            if self._cluster is not None:
                self._cluster.close()
            self._client = self._cluster = None

    def _connect(self) -> Client:
        """The client, connected on the first render (a build with nothing to render never starts Dask)."""
        with self._lock:
            if self._failure:
                raise RenderError(self._failure)
            if self._client is None:
                try:
                    self._client = self._start()
                except ImportError as error:
                    self._failure = (f"executor: dask needs Dask's distributed package ({error}); "
                                     "install it with pip install 'mkdocs-gradviz[dask]'")
                except Exception as error:  # an unreachable scheduler, a cluster that cannot start
                    self._failure = f"cannot reach {self.where}: {type(error).__name__}: {error}"
                if self._failure:
                    raise RenderError(self._failure)
            return self._client

    def _start(self) -> Client:
        import dask
        from distributed import Client, LocalCluster

        if self.address:
            return Client(self.address)  # waits distributed.comm.timeouts.connect (30 s unless configured)
        with dask.config.set(_NOT_DAEMON):
            # Any free port for the scheduler's HTTP server: the default 8787 may belong to another cluster.
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                         dashboard_address="127.0.0.1:0", host="127.0.0.1")
        return Client(self._cluster)

    def _site_scenes(self) -> dict[str, bytes]:
        """The site's scene modules, sent with each task: a worker need not share this machine's disk."""
        if self.site_scenes is None or not self.site_scenes.is_dir():
            return {}
        return {path.name: path.read_bytes() for path in sorted(self.site_scenes.glob("*.py"))}


def render_on_worker(request: RenderRequest, *, scenes: dict[str, bytes], memory_limit: int, timeout: float,
                     shared_url: str, expected: dict[str, str]) -> dict[str, Any]:
    """The Dask task: render in a process of its own, in a folder of this worker's, and hand back the files.

    Returns ``{"result", "files"}`` (``files`` None when uploaded to ``shared_url``), or
    ``{"error", "line"}`` when the render failed: a ``RenderError`` would lose its line in pickling.
    """
    mine = environment()
    if mine != expected:
        return {"error": f"this Dask worker renders with {_describe(mine)} but the build expects {_describe(expected)}; "
                         "install the same Manim and gradviz on the workers as on the build machine"}
    if multiprocessing.current_process().daemon:
        return {"error": "this Dask worker is a daemonic process and may not start render processes; start the "
                         "workers with the environment variable DASK_DISTRIBUTED__WORKER__DAEMON=False"}
    with tempfile.TemporaryDirectory(prefix=f"gradviz-{request.key[:8]}-") as folder:
        out, site = Path(folder) / "out", Path(folder) / "scenes"
        out.mkdir()
        if scenes:
            site.mkdir()
            for name, source in scenes.items():
                (site / Path(name).name).write_bytes(source)
        # Formulas compile once per worker machine, as they do once per cache on a build machine.
        tex = Path(tempfile.gettempdir()) / "gradviz-tex"
        tex.mkdir(exist_ok=True)
        job = RenderJob(request, out=out, tex_dir=tex, site_scenes=site if scenes else None, memory_limit=memory_limit)
        try:
            result = run_in_process(job, timeout=timeout)
        except RenderError as error:
            return {"error": error.message, "line": error.line}
        files = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file() and path.name not in _LEFTOVERS}
    warning = ""
    if shared_url:
        shared = shared_cache(shared_url, readonly=False)
        shared.offline = ""  # a worker outlives builds: give the store another chance with each task
        try:
            shared.upload(request.key, files, result)
            return {"result": result.to_json(), "files": None}
        except CacheError as error:
            warning = f"{error} (a Dask worker's upload; the render came back directly instead)"
    return {"result": result.to_json(), "files": files, "warning": warning}


def _describe(env: dict[str, str]) -> str:
    return f"Manim {env.get('manim')} and gradviz render code {str(env.get('render_code'))[:12]}"

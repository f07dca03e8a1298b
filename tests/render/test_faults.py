"""Faults: killed renders, damaged cache entries, concurrent builds, unusable cache dirs."""

from __future__ import annotations

import ctypes
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from mkdocs_gradviz.core.cache import RenderCache
from mkdocs_gradviz.core.errors import CacheCorrupt
from mkdocs_gradviz.core.job import RenderResult
from mkdocs_gradviz.core.manim_values import ValuesJob
from mkdocs_gradviz.core.process import values_in_process


def entries(site) -> list[Path]:
    return sorted((site.root / ".cache" / "gradviz" / "entries").iterdir())


def test_a_render_killed_midway_leaves_nothing_and_is_redone(site, caplog, tmp_path: Path) -> None:
    """SIGKILL of the worker fails that block cleanly; the next build renders it again."""
    flag = tmp_path / "die"
    flag.touch()
    site.configure(plugin="theme: dark\n")
    site.page("index.md", f"""\
        ```gradviz
        import os, signal
        class Fragile(Scene):
            def construct(self):
                self.play(Create(Circle()), run_time=0.5)
                if os.path.exists({str(flag)!r}):
                    os.kill(os.getpid(), signal.SIGKILL)
        ```
        """)
    with pytest.raises(Abort):
        site.build()
    assert "docs/index.md:1: the render process was killed by signal SIGKILL" in caplog.text
    assert entries(site) == []
    flag.unlink()
    assert site.build().run.report.rendered == 1
    assert len(entries(site)) == 1


def test_a_render_whose_fork_server_is_lost_is_rendered_again(site, caplog, tmp_path: Path) -> None:
    """The fork server killed mid-render (by the out-of-memory killer, say): the render runs again and the build succeeds.

    The scene kills the server that forked it, then goes on rendering, as a render does when its
    server dies: that first render must be stopped, not left to write beside the second.
    """
    flag, attempts = tmp_path / "kill the fork server", tmp_path / "attempts"
    flag.touch()
    site.configure(plugin="theme: dark\n")
    site.page("index.md", f"""\
        ```gradviz
        import os, signal, time
        class Orphaned(Scene):
            def construct(self):
                with open({str(attempts)!r}, "a") as out:
                    out.write(f"{{os.getpid()}}\\n")
                self.play(Create(Circle()), run_time=0.5)
                if os.path.exists({str(flag)!r}):
                    os.remove({str(flag)!r})
                    os.kill(os.getppid(), signal.SIGKILL)
                    time.sleep(30)
                self.play(FadeOut(Circle()), run_time=0.5)
        ```
        """)
    with caplog.at_level("INFO", logger="mkdocs_gradviz"):
        report = site.build().run.report
    assert (report.rendered, report.failed) == (1, 0)
    shown = [r.getMessage() for r in caplog.records if r.name.startswith("mkdocs.plugins.")]  # as MkDocs prints it
    assert any(m.startswith("mkdocs_gradviz: the render process of Orphaned (dark) ended with status 255 and no report")
               and m.endswith("; trying once more") for m in shown), shown
    first, _ = (int(pid) for pid in attempts.read_text().split())  # two attempts, the first orphaned
    assert not _running(first), "the first render does not outlive its fork server"
    (entry,) = entries(site)
    assert RenderCache(site.root / ".cache" / "gradviz").lookup(entry.name) is not None


def test_values_whose_fork_server_is_lost_are_computed_again(tmp_path: Path) -> None:
    """The same for the process computing a block's values(): stopped, and run once more."""
    flag, attempts = tmp_path / "kill the fork server", tmp_path / "attempts"
    flag.touch()
    code = f"""
import os, signal, time
class Counted(Scene):
    def values(self):
        with open({str(attempts)!r}, "a") as out:
            out.write(f"{{os.getpid()}}\\n")
        if os.path.exists({str(flag)!r}):
            os.remove({str(flag)!r})
            os.kill(os.getppid(), signal.SIGKILL)
            time.sleep(30)
        return {{"answer": "42"}}
"""
    out = tmp_path / "values"
    out.mkdir()
    job = ValuesJob("code", "Counted", "", code, ({},), out, site_scenes=None)
    assert values_in_process(job, timeout=120) == [{"answer": "42"}]
    first, _ = (int(pid) for pid in attempts.read_text().split())  # two attempts, the first orphaned
    assert not _running(first), "the first attempt does not outlive its fork server"


def test_a_render_that_exits_with_status_255_is_tried_twice_then_reported(site, caplog, tmp_path: Path) -> None:
    """A scene that exits with 255 itself gets one more try, not endless ones; the error names the page and line."""
    attempts = tmp_path / "attempts"
    site.configure(plugin="theme: dark\n")
    site.page("index.md", f"""\
        # Page

        ```gradviz
        import os
        class Quits(Scene):
            def construct(self):
                with open({str(attempts)!r}, "a") as out:
                    out.write("attempt\\n")
                os._exit(255)
        ```
        """)
    with pytest.raises(Abort):
        site.build()
    assert attempts.read_text().split() == ["attempt", "attempt"]
    assert ("docs/index.md:3: the render process of Quits (dark) ended with status 255 and no report (it exited so, or "
            "the fork server that started it was lost) twice") in caplog.text
    assert entries(site) == []


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete manifest"])
def test_a_damaged_cache_entry_is_detected_and_rendered_again(site, caplog, damage: str) -> None:
    """A truncated or modified video, or a lost manifest, is caught on reuse, warned about and re-rendered."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", "```gradviz\nscene: Label\n```\n")
    site.build()
    (entry,) = entries(site)
    video = entry / "video.mp4"
    if damage == "truncate":
        video.write_bytes(video.read_bytes()[:100])
    elif damage == "flip":
        data = bytearray(video.read_bytes())
        data[len(data) // 2] ^= 0xFF
        video.write_bytes(bytes(data))
    else:
        (entry / "manifest.json").unlink()
    report = site.build().run.report
    assert report.rendered == 1 and report.cached == 0
    assert "rendering it again" in caplog.text
    assert RenderCache(site.root / ".cache" / "gradviz").lookup(entry.name) is not None


def _drop(manifest: dict, part: str) -> dict:
    return {name: value for name, value in manifest.items() if name != part}


@pytest.mark.parametrize("reshape", [
    lambda manifest: {},
    lambda manifest: [],
    lambda manifest: None,
    lambda manifest: "manifest",
    lambda manifest: _drop(manifest, "files"),
    lambda manifest: _drop(manifest, "result"),
    lambda manifest: {**manifest, "files": list(manifest["files"])},
    lambda manifest: {**manifest, "files": {"video.mp4": manifest["files"]["video.mp4"]}},
    lambda manifest: {**manifest, "result": {"width": 256}},
    lambda manifest: {**manifest, "result": [manifest["result"]]},
], ids=["empty object", "list", "null", "string", "files missing", "result missing", "files a list",
        "poster missing", "result incomplete", "result a list"])
def test_a_manifest_of_the_wrong_shape_is_damage_not_a_crash(site, caplog, reshape) -> None:
    """Valid JSON of the wrong shape in a manifest is reported as damage and rendered again; the build succeeds."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", "```gradviz\nscene: Label\nword: shape\n```\n")
    site.build()
    (entry,) = entries(site)
    manifest = entry / "manifest.json"
    manifest.write_text(json.dumps(reshape(json.loads(manifest.read_text()))), encoding="utf-8")
    report = site.build().run.report
    assert (report.rendered, report.cached, report.failed) == (1, 0, 0)
    assert f"cache entry {entry}" in caplog.text and "rendering it again" in caplog.text
    assert RenderCache(site.root / ".cache" / "gradviz").lookup(entry.name) is not None
    assert len(list((site.site / "assets" / "gradviz").glob("*.mp4"))) == 1


def test_lookup_refuses_a_damaged_entry() -> None:
    """The manifest check raises CacheCorrupt and removes the entry."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        cache = RenderCache(Path(folder))
        cache.prepare()
        staged = cache.staging("k")
        (staged / "video.mp4").write_bytes(b"video")
        (staged / "poster.png").write_bytes(b"poster")
        result = RenderResult(256, 144, 1.0, "h264", "yuv420p", description="d")
        cache.publish("k", staged, result)
        assert cache.lookup("k").result == result
        (cache.entries / "k" / "poster.png").write_bytes(b"other")
        with pytest.raises(CacheCorrupt):
            cache.lookup("k")
        assert cache.lookup("k") is None


def test_two_builds_sharing_a_cache_at_once_both_succeed_identically(site) -> None:
    """Two real mkdocs processes on one cache dir publish one valid entry and identical sites."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", "```gradviz\nscene: Label\nword: race\n```\n\n```gradviz\nscene: Pulse\n```\n")
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(site.root / "mkdocs.yml")]
    runs = [subprocess.Popen(command + ["-d", str(site.root / out)], cwd=site.root, stderr=subprocess.PIPE)
            for out in ("site-a", "site-b")]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    a, b = (sorted((site.root / out / "assets" / "gradviz").glob("*.mp4")) for out in ("site-a", "site-b"))
    assert [p.name for p in a] == [p.name for p in b] and len(a) == 2
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b, strict=True))
    assert len(entries(site)) == 2
    cache = RenderCache(site.root / ".cache" / "gradviz")
    assert all(cache.lookup(e.name) for e in entries(site))


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGINT to a render thread", "SIGKILL"])
def test_a_build_killed_mid_render_leaves_nothing_a_later_build_trusts(site, tmp_path: Path, signal_name: str) -> None:
    """Ctrl-C or SIGKILL of `mkdocs build` mid-render stops the render and publishes nothing; the next build renders it.

    The kernel may give Ctrl-C's SIGINT to any thread of the build; "to a render thread" makes sure
    it lands on one that is not the main thread.
    """
    hold, pid_file = tmp_path / "hold", tmp_path / "render.pid"
    hold.touch()
    site.configure(plugin="theme: dark\n")
    site.page("index.md", _held_page(hold, pid_file))
    cache = site.root / ".cache" / "gradviz"
    with open(tmp_path / "build.log", "wb") as log:
        build = subprocess.Popen([sys.executable, "-c", AT_A_TERMINAL, "build", "-q", "-f", str(site.root / "mkdocs.yml")],
                                 cwd=site.root, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(lambda: any((cache / "staging").glob("*/scratch")) and pid_file.exists(), "the render started", build)
        assert not _sigint_held_back(build.pid), "SIGINT reaches the build, as it does at a terminal"
        render = int(pid_file.read_text())
        if signal_name == "SIGINT to a render thread":
            _signal_another_thread(build.pid, signal.SIGINT)
        else:
            build.send_signal(getattr(signal, signal_name))
        try:
            build.wait(timeout=120)
        except subprocess.TimeoutExpired:
            pytest.fail(f"mkdocs build was still running 120 s after {signal_name}; signal masks of the build's "
                        f"threads: {_signal_masks(build.pid)}")
        assert build.returncode != 0
        _wait_for(lambda: not _running(render), "the render process ended with its build")
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        if pid_file.exists() and _running(int(pid_file.read_text())):  # left behind: do not let it outlive the test
            os.killpg(int(pid_file.read_text()), signal.SIGKILL)
    assert list((cache / "entries").iterdir()) == [], "nothing is published by a build that was stopped"
    hold.unlink()
    report = site.build().run.report
    assert (report.rendered, report.cached, report.failed) == (1, 0, 0)
    (entry,) = entries(site)
    assert RenderCache(cache).lookup(entry.name) is not None


#: ``mkdocs`` as a terminal starts it: SIGINT neither blocked nor ignored. A process inherits both
#: states from its parent, and late in a full run an xdist worker has been seen to pass on a state
#: in which SIGINT never reached the build.
AT_A_TERMINAL = """
import runpy, signal, sys
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.argv[0] = "mkdocs"
runpy.run_module("mkdocs", run_name="__main__")
"""


def _sigint_held_back(pid: int) -> bool:
    """Whether SIGINT is blocked or ignored in every thread of process ``pid`` that could take it (Linux)."""
    bit = 1 << (signal.SIGINT - 1)
    return all(int(blocked, 16) & bit or int(ignored, 16) & bit for blocked, ignored in _signal_masks(pid))


def _signal_masks(pid: int) -> list[tuple[str, str]]:
    """(blocked, ignored) signal masks of each thread of process ``pid``, as /proc shows them."""
    masks = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        status = dict(line.split(":\t", 1) for line in (task / "status").read_text().splitlines() if ":\t" in line)
        masks.append((status["SigBlk"], status["SigIgn"]))
    return masks


def _signal_another_thread(pid: int, signum: int) -> None:
    """Send ``signum`` to a thread of process ``pid`` other than its main thread (Linux's tgkill)."""
    thread = next(int(task.name) for task in Path(f"/proc/{pid}/task").iterdir() if int(task.name) != pid)
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.syscall(_SYS_TGKILL, pid, thread, signum) == 0, os.strerror(ctypes.get_errno())


#: Linux's system call number of tgkill on x86-64 and on arm64.
_SYS_TGKILL = {"x86_64": 234, "aarch64": 131}[platform.machine()]


def _held_page(hold: Path, pid_file: Path) -> str:
    """A block whose render notes its process id, then waits while ``hold`` exists (five minutes at most)."""
    return f"""\
```gradviz
import os, pathlib, time
class Held(Scene):
    def construct(self):
        pathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()))
        deadline = time.monotonic() + 300
        while pathlib.Path({str(hold)!r}).exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        self.play(Create(Circle()), run_time=0.3)
```
"""


def _wait_for(condition, what: str, process: subprocess.Popen | None = None, bound: float = 120) -> None:
    """Wait until ``condition()`` holds (checked every 20 ms, at most ``bound`` s), failing if ``process`` ends."""
    deadline = time.monotonic() + bound
    while not condition():
        assert process is None or process.poll() is None, f"the build ended before {what}"
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.02)


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def test_an_unusable_cache_dir_is_a_clear_error(site, caplog) -> None:
    """A cache path that cannot be created stops the build with a sentence, not a traceback."""
    (site.root / "occupied").write_text("a file where the cache should go")
    site.configure(plugin="cache_dir: occupied/cache\n")
    site.page("index.md", "```gradviz\nscene: Label\n```\n")
    with pytest.raises(Abort):
        site.build()
    assert "cannot use the cache directory" in caplog.text and "Not a directory" in caplog.text


@pytest.mark.parametrize("option, value", [("output_dir", "../outside"), ("output_dir", "/abs"),
                                           ("cache_dir", "../../elsewhere"), ("cache_dir", "/tmp")])
def test_written_folders_cannot_escape_the_project(site, caplog, option: str, value: str) -> None:
    """The folders gradviz writes and deletes in must stay inside the project or the site."""
    site.configure(plugin=f"{option}: {value}\n")
    site.page("index.md", "text\n")
    with pytest.raises(Abort):
        site.build()
    assert f"{option} must stay inside" in caplog.text
    assert not (site.root.parent / "outside").exists() and not (site.root.parent.parent / "elsewhere").exists()


def test_allow_code_false_runs_no_author_code(site, caplog, tmp_path: Path) -> None:
    """With allow_code: false a code block is an error and its Python never runs."""
    marker = tmp_path / "ran"
    site.configure(plugin="allow_code: false\ntheme: dark\n")
    site.page("index.md", f"```gradviz\nimport pathlib\npathlib.Path({str(marker)!r}).touch()\nclass S(Scene):\n    pass\n```\n")
    site.page("lib.md", "```gradviz\nscene: Label\n```\n")
    with pytest.raises(Abort):
        site.build()
    assert "docs/index.md:1: this site does not allow Manim code" in caplog.text
    assert not marker.exists()
    assert len(entries(site)) == 1


def test_renders_run_in_a_scratch_directory_of_their_own(site, tmp_path: Path) -> None:
    """A render's working directory is private to it, inside the cache's staging area."""
    record = tmp_path / "cwd.txt"
    site.configure(plugin="theme: dark\n")
    site.page("index.md", f"```gradviz\nimport os\nclass S(Scene):\n    def construct(self):\n"
                          f"        open({str(record)!r}, 'w').write(os.getcwd())\n        self.wait(0.2)\n```\n")
    site.build()
    cwd = Path(record.read_text())
    assert cwd.is_relative_to(site.root / ".cache" / "gradviz" / "staging") and not cwd.exists()
    assert os.getcwd() != str(cwd)


def test_a_full_disk_is_a_clear_error(site, caplog) -> None:
    """With the cache on a full file system, the block fails with a sentence saying so, no traceback."""
    cache = site.root / ".cache"
    cache.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(cache)], check=True)
    try:
        site.configure(plugin="theme: dark\n")
        site.page("index.md", "```gradviz\nscene: Pulse\nseconds: 3\n```\n")
        with pytest.raises(Abort):
            site.build()
    finally:
        subprocess.run(["umount", str(cache)], check=True)
    assert "docs/index.md:1: no space left on the disk holding the cache" in caplog.text
    assert "Traceback" not in caplog.text


def test_staging_left_by_a_killed_build_is_swept_later(tmp_path: Path) -> None:
    """A day-old staging folder (a build killed mid-render) is removed; a fresh one, maybe in use, is kept."""
    cache = RenderCache(tmp_path / "cache")
    cache.prepare()
    old, fresh = cache.staging("old"), cache.staging("fresh")
    (old / "video.mp4").write_bytes(b"half a video")
    os.utime(old, (0, 0))
    cache.prepare()
    assert not old.exists() and fresh.exists()

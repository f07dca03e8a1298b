"""Content-addressed store of rendered videos, and the one function that computes their keys.

Each entry is a directory ``entries/<key>/`` holding the video and its poster (or, for a still,
one picture) and ``manifest.json`` (size and SHA-256 of each file plus what the render said of
itself). Entries are built in
``staging/`` and published by one ``rename``, so a build that dies mid-way leaves nothing that a
later build would trust; a manifest that does not match its files marks the entry as corrupt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs_gradviz.core.errors import CacheCorrupt, CacheError
from mkdocs_gradviz.core.job import POSTER_FILE, VIDEO_FILE, RenderResult
from mkdocs_gradviz.core.timings import RenderTimes

VIDEO = VIDEO_FILE
POSTER = POSTER_FILE
MANIFEST = "manifest.json"
_STALE_STAGING = 24 * 3600  # seconds; longer than any render's timeout
KEY_LENGTH = 32

if TYPE_CHECKING:
    from mkdocs_gradviz.core.shared_cache import SharedCache


def cache_key(*, kind: str, scene: str, module: str, params: dict[str, Any], code: str, sources: str,
              size: tuple[int, int, int], theme: str, still: bool, environment: dict[str, str]) -> str:
    """The key of a render: a hash of everything that changes its pixels, and nothing else.

    Args:
        kind: ``scene`` or ``code``.
        scene: The scene's class name.
        module: Import name of the scene's module (``""`` for code blocks).
        params: Every parameter of the scene, defaults included (so omitting one equals giving its default).
        code: The normalised code of a code block.
        sources: Digest of the source files the scene or code imports from the libraries.
        size: Pixel width, height and frame rate.
        theme: The variant rendered: ``dark`` or ``light``.
        still: Whether the block asks for a picture of the last frame instead of a video.
        environment: Manim's version and the digest of gradviz's render code.
    """
    payload = {"kind": kind, "scene": scene, "module": module, "params": params, "code": code,
               "sources": sources, "size": list(size), "theme": theme, "still": still, **environment}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:KEY_LENGTH]


def shard_of(key: str, shards: int) -> int:
    """Which of ``shards`` CI jobs (numbered from 1) renders ``key``: a split that depends on the key alone."""
    return int(key, 16) % shards + 1


@dataclass(frozen=True)
class Entry:
    """A published render: a video and its poster, or one picture (``result.kind``)."""

    key: str
    path: Path
    result: RenderResult

    @property
    def video(self) -> Path:
        return self.path / VIDEO

    @property
    def poster(self) -> Path:
        return self.path / POSTER

    def files(self) -> dict[str, Path]:
        """The entry's files that a site publishes, by file suffix."""
        return {suffix: self.path / name for suffix, name in self.result.file_names().items()}


class RenderCache:
    """The cache directory: lookup, staging, atomic publish, prune, stats; optionally over a shared store."""

    def __init__(self, root: Path, shared: SharedCache | None = None) -> None:
        self.root = root
        #: The second level (``cache_url``): looked up after this folder, and given every new render.
        self.shared = shared
        #: Problems with the shared store met while publishing, for the build report.
        self.warnings: list[str] = []
        self.entries = root / "entries"
        self.staging_root = root / "staging"
        #: Manim's LaTeX cache, shared by every render so each formula compiles once.
        self.tex_dir = root / "tex"
        #: How long renders took, by scene and size: what a placeholder's estimate is made from.
        self.times = RenderTimes(root / "times.json")

    def prepare(self) -> None:
        """Create the directories, or raise ``CacheError`` naming what went wrong."""
        try:
            for folder in (self.entries, self.staging_root, self.tex_dir):
                folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.staging_root):
                pass  # the folder takes new files
        except OSError as error:
            raise CacheError(f"cannot use the cache directory {self.root}: {error.strerror or error}") from None
        self._sweep_staging()
        if self.shared is not None:
            self.shared.offline = ""  # an outage of the shared store in an earlier build may be over

    def lookup(self, key: str) -> Entry | None:
        """The entry for ``key``: from this folder, else downloaded from the shared store (verified).

        Raises ``CacheCorrupt`` (after removing what is damaged) for an entry that cannot be trusted.
        """
        entry = self._lookup_here(key)
        if entry is None and self.shared is not None:
            staged = self.staging(key)
            try:
                result = self.shared.fetch_into(key, staged)
                if result is not None:
                    self._publish_here(key, staged, result)
                    # Checked again as a local entry: the files the result calls for, and no others.
                    entry = self._lookup_here(key)
            finally:
                shutil.rmtree(staged, ignore_errors=True)  # gone already when published
        return entry

    def take_warnings(self) -> list[str]:
        """The shared store's problems since the last call (a failed upload does not fail a render)."""
        taken = self.warnings[:]
        del self.warnings[:len(taken)]  # the same list: a Dask executor appends to it too
        return taken

    def _lookup_here(self, key: str) -> Entry | None:
        path = self.entries / key
        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            if path.exists():  # a directory without manifest cannot come from publish()
                self._discard(path)
                raise CacheCorrupt(f"cache entry {path} has no manifest") from None
            return None
        except (OSError, ValueError) as error:
            self._discard(path)
            raise CacheCorrupt(f"cache entry {path} has an unreadable manifest ({error})") from None
        try:
            files = manifest["files"]
            result = RenderResult.from_json(manifest.get("result"), where=f"cache entry {path}")
            expected = set(result.file_names().values())
            if not isinstance(files, dict) or set(files) != expected:
                raise CacheCorrupt(f"cache entry {path}: the manifest does not list {' and '.join(sorted(expected))}")
            for name, fingerprint in files.items():
                if _fingerprint(path / name) != fingerprint:
                    raise CacheCorrupt(f"cache entry {path}: {name} does not match its manifest (truncated or modified)")
        except (CacheCorrupt, KeyError, TypeError) as error:
            self._discard(path)
            if isinstance(error, CacheCorrupt):
                raise
            raise CacheCorrupt(f"cache entry {path} has a manifest of the wrong shape") from None
        return Entry(key, path, result)

    def staging(self, key: str) -> Path:
        """A fresh private directory for a render of ``key`` to write into."""
        try:
            return Path(tempfile.mkdtemp(prefix=f"{key}.", dir=self.staging_root))
        except OSError as error:
            raise CacheError(f"cannot write to the cache directory {self.root}: {error.strerror or error}") from None

    def publish(self, key: str, staged: Path, result: RenderResult) -> Entry:
        """Seal ``staged`` with a manifest, move it into place in one rename, then upload it to the shared store."""
        entry = self._publish_here(key, staged, result)
        if self.shared is not None:
            try:
                self.shared.upload(key, {path.name: path.read_bytes() for path in entry.files().values()}, entry.result)
            except CacheError as error:
                self.warnings.append(str(error))
        return entry

    def _publish_here(self, key: str, staged: Path, result: RenderResult) -> Entry:
        files = {name: _fingerprint(staged / name) for name in result.file_names().values()}
        try:
            _write_synced(staged / MANIFEST, {"files": files, "result": result.to_json()})
            os.rename(staged, self.entries / key)
        except OSError as error:
            if (self.entries / key / MANIFEST).exists():  # another build published the same key first
                shutil.rmtree(staged, ignore_errors=True)
                return self._lookup_here(key) or Entry(key, self.entries / key, result)
            shutil.rmtree(staged, ignore_errors=True)
            raise CacheError(f"cannot write to the cache directory {self.root}: {error.strerror or error}") from None
        return Entry(key, self.entries / key, result)

    def keys(self) -> list[str]:
        """Keys of every published entry."""
        return sorted(p.name for p in self.entries.iterdir() if p.is_dir()) if self.entries.is_dir() else []

    def prune(self, keep: set[str]) -> list[str]:
        """Remove entries whose key is not in ``keep``; return the removed keys."""
        removed = [key for key in self.keys() if key not in keep]
        for key in removed:
            self._discard(self.entries / key)
        return removed

    def clear(self) -> None:
        """Remove every entry, the staging area and the LaTeX cache."""
        shutil.rmtree(self.root, ignore_errors=True)

    def size(self) -> int:
        """Bytes used by published entries."""
        return sum(f.stat().st_size for f in self.entries.rglob("*") if f.is_file()) if self.entries.is_dir() else 0

    def _sweep_staging(self) -> None:
        """Remove what builds killed long ago left in staging; a running build's folders are recent."""
        too_old = time.time() - _STALE_STAGING
        for folder in self.staging_root.iterdir():
            try:
                if folder.stat().st_mtime < too_old:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                pass

    def _discard(self, path: Path) -> None:
        # Move aside first so that no reader sees a half-deleted entry.
        trash = Path(tempfile.mkdtemp(prefix="discard.", dir=self.staging_root))
        with contextlib.suppress(OSError):
            os.rename(path, trash / "entry")
        shutil.rmtree(trash, ignore_errors=True)


def _fingerprint(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError:
        return {"size": -1, "sha256": ""}
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _write_synced(path: Path, data: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())

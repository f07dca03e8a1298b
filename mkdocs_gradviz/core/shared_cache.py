"""The shared, second level of the render cache, on any fsspec filesystem (S3, GCS, a mounted folder).

Layout under the URL, in the manner of Bazel's remote cache::

    objects/<sha256>     a file's bytes, named by their SHA-256: whoever writes a name writes the same bytes
    entries/<key>.json   a render's manifest: size and SHA-256 of its video and poster, and its result

Objects go up first and the manifest last, so a manifest only ever names objects that were
complete when it was written; two machines publishing one key each write a manifest that matches
objects on the store, and the last one stays. A reader trusts nothing it downloads: each object is
checked against the manifest before it enters the local cache, and anything that does not match
is ignored and reported. fsspec (and s3fs, gcsfs...) are imported only when ``cache_url`` is set.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import uuid
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs_gradviz.core.errors import CacheCorrupt, ConfigError
from mkdocs_gradviz.core.job import RenderResult

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

_FILE_NAME = re.compile(r"[A-Za-z0-9_-]+\.[a-z0-9]+")  # video.mp4, poster.png: no folders, no manifest.json
_USERINFO = re.compile(r"//[^/?#@]*@")
_QUERY = re.compile(r"\?.*$")


def redact(url: str) -> str:
    """``url`` fit to print: without a user, password or token (``s3://key:secret@bucket`` -> ``s3://bucket``)."""
    return _QUERY.sub("?…", _USERINFO.sub("//", url))


class SharedCache:
    """Entries on a shared store: fetch verified, upload objects first and the manifest last."""

    def __init__(self, url: str, *, readonly: bool) -> None:
        self.url = url
        #: The URL as gradviz prints it: credentials never appear in a log or a report.
        self.display = redact(url)
        self.writable = not readonly
        #: Why the store stopped being used in this build, once a request to it failed.
        self.offline = ""
        try:
            from fsspec.core import url_to_fs

            # A fresh instance: fsspec caches filesystems by arguments, not by the environment
            # (endpoint, credentials) they were created in.
            self.fs: AbstractFileSystem
            self.fs, self.root = url_to_fs(url, skip_instance_cache=True)
        except ImportError as error:
            raise ConfigError(f"cache_url {self.display} needs a package that is not installed ({error}); "
                              "install the extra, e.g. pip install 'mkdocs-gradviz[s3]'") from None
        except (ValueError, TypeError, OSError) as error:
            raise ConfigError(f"cache_url {self.display} cannot be used: {self._clean(error)}") from None
        self.root = self.root.rstrip("/")

    def fetch_into(self, key: str, folder: Path) -> RenderResult | None:
        """Download ``key``'s files into ``folder``, verified; None if the store has no entry for it.

        Raises ``CacheCorrupt`` for an entry that cannot be trusted (a partial upload, a damaged
        object) or a store that cannot be read; the caller renders instead.
        """
        if self.offline:
            return None
        where = f"shared cache entry {self.display}/entries/{key}.json"
        try:
            manifest = json.loads(self.fs.cat_file(self._manifest(key)))
        except FileNotFoundError:
            return None
        except ValueError:
            self._forget(key, [])
            raise CacheCorrupt(f"{where} has an unreadable manifest (a partial upload?)") from None
        except Exception as error:  # any backend's error: the store is down, or we may not read it
            raise self._went_offline("read", error) from None
        files = manifest.get("files") if isinstance(manifest, dict) else None
        if (not isinstance(files, dict) or not files or not all(map(_FILE_NAME.fullmatch, files))
                or "manifest.json" in files or not all(_is_fingerprint(f) for f in files.values())):
            self._forget(key, [])
            raise CacheCorrupt(f"{where} has a manifest of the wrong shape")
        try:
            result = RenderResult.from_json(manifest.get("result"), where=where)
        except CacheCorrupt:
            self._forget(key, [])
            raise
        for name, fingerprint in files.items():
            try:
                data = self.fs.cat_file(self._object(fingerprint["sha256"]))
            except FileNotFoundError:
                data = b""
            except Exception as error:  # as above
                raise self._went_offline("read", error) from None
            if _fingerprint(data) != fingerprint:
                self._forget(key, [fingerprint["sha256"]])
                raise CacheCorrupt(f"{where}: {name} does not match the manifest (missing, truncated or modified)")
            (folder / name).write_bytes(data)
        return result

    def upload(self, key: str, files: dict[str, bytes], result: RenderResult) -> None:
        """Put a render's files (by name) on the store, then the manifest naming them; ``CacheError`` if that fails."""
        if not self.writable or self.offline:
            return
        manifest = {"files": {name: _fingerprint(data) for name, data in files.items()}, "result": result.to_json()}
        try:
            for data in files.values():
                path = self._object(hashlib.sha256(data).hexdigest())
                if not self._has(path, len(data)):
                    self._put(path, data)
            self._put(self._manifest(key), json.dumps(manifest, indent=1, sort_keys=True).encode())
        except Exception as error:  # any backend's error, as in fetch_into
            raise self._went_offline("write to", error) from None

    def _has(self, path: str, size: int) -> bool:
        """Whether the object is there, whole. Its name is its hash, so only a damaged copy can differ;
        ``fetch_into`` removes those, so the size is the check that remains."""
        try:
            return self.fs.size(path) == size
        except FileNotFoundError:
            return False

    def _put(self, path: str, data: bytes) -> None:
        """Write one file so that no reader sees it half-written: object stores' PUT already is
        all-or-nothing; elsewhere (a mounted folder) write aside and rename."""
        protocols = (self.fs.protocol,) if isinstance(self.fs.protocol, str) else self.fs.protocol
        if "file" not in protocols:
            self.fs.pipe_file(path, data)
            return
        self.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
        aside = f"{path}.{uuid.uuid4().hex}.part"
        self.fs.pipe_file(aside, data)
        self.fs.mv(aside, path)

    def _forget(self, key: str, objects: list[str]) -> None:
        """Remove a damaged manifest and objects, where we may write, so the next render replaces them."""
        if not self.writable:
            return
        for path in [self._manifest(key), *map(self._object, objects)]:
            with contextlib.suppress(Exception):  # best effort: the entry is ignored either way
                self.fs.rm_file(path)

    def _went_offline(self, action: str, error: BaseException) -> CacheCorrupt:
        """Stop using the store for this build: one warning, not one timeout per block."""
        self.offline = f"cannot {action} the shared cache {self.display} ({type(error).__name__}: {self._clean(error)})"
        return CacheCorrupt(f"{self.offline}; it is not used for the rest of this build")

    def _clean(self, error: BaseException) -> str:
        return redact(str(error).replace(self.url, self.display))

    def _manifest(self, key: str) -> str:
        return f"{self.root}/entries/{key}.json"

    def _object(self, sha256: str) -> str:
        return f"{self.root}/objects/{sha256}"


@cache
def shared_cache(url: str, *, readonly: bool) -> SharedCache:
    """One ``SharedCache`` per URL in this process (a Dask worker uploads many renders)."""
    return SharedCache(url, readonly=readonly)


def _fingerprint(data: bytes) -> dict[str, Any]:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _is_fingerprint(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("size"), int)
            and re.fullmatch(r"[0-9a-f]{64}", str(value.get("sha256", ""))) is not None)

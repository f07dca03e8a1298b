"""What crosses the process boundary of a render: the job going in, the result coming back."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from mkdocs_gradviz.core.errors import CacheCorrupt


@dataclass(frozen=True)
class RenderRequest:
    """One video to produce: a block's scene at one quality in one theme. ``key`` names its cache entry."""

    kind: str  # "scene" (library or site scene) or "code" (inline Manim)
    scene: str
    module: str  # import name of a scene's module; "" for code
    params: dict[str, Any]
    code: str
    width: int
    height: int
    fps: int
    theme: str
    key: str


@dataclass(frozen=True)
class RenderJob:
    """A request plus where its render process reads and writes."""

    request: RenderRequest
    out: Path  # private staging folder of this render
    tex_dir: Path  # LaTeX cache shared by every render
    site_scenes: Path | None  # the site's scenes folder, importable by bare module name
    memory_limit: int  # MiB of address space; 0 for none


@dataclass(frozen=True)
class RenderResult:
    """What a finished render says of itself; stored in the cache entry's manifest."""

    width: int
    height: int
    duration: float
    codec: str
    pix_fmt: str
    description: str = ""
    table: tuple[list[str], list[list[Any]]] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any, *, where: str) -> RenderResult:
        """The result recorded in ``data``, or ``CacheCorrupt`` naming ``where`` if it has the wrong shape."""
        names = {f.name for f in fields(cls)}
        if not isinstance(data, dict) or not {"width", "height", "duration", "codec", "pix_fmt"} <= data.keys():
            raise CacheCorrupt(f"{where}: the recorded render result is incomplete")
        return cls(**{name: value for name, value in data.items() if name in names})


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON; the render process and the cache use the same format."""
    path.write_text(json.dumps(data), encoding="utf-8")

"""What crosses the process boundary of a render: the job going in, the result coming back."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from mkdocs_gradviz.core.errors import CacheCorrupt
from mkdocs_gradviz.core.steps import check_steps

VIDEO_FILE = "video.mp4"
POSTER_FILE = "poster.png"
#: The steps of a video that has some, as a WebVTT chapters track (see ``steps.py``).
CHAPTERS_FILE = "chapters.vtt"
#: Formats of a still picture; the render keeps whichever file is smaller.
IMAGE_FORMATS = ("png", "webp")


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
    still: bool = False  # a picture of the last frame instead of a video


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
    """What a finished render says of itself; stored in the cache entry's manifest.

    A render is a video with its poster, or (a scene that plays nothing, or a block asking for a
    still) one picture, whose ``codec`` is its file format and whose ``duration`` is 0. A video
    whose scene marks sections has ``steps`` (``[start, label, table_row]`` each) and a chapters file.
    """

    width: int
    height: int
    duration: float
    codec: str
    pix_fmt: str
    description: str = ""
    table: tuple[list[str], list[list[Any]]] | None = None
    kind: str = "video"  # "video" or "image"
    steps: list[list[Any]] = field(default_factory=list)

    def file_names(self) -> dict[str, str]:
        """The files this render leaves in its folder, by the suffix each gets in a built site."""
        if self.kind == "image":
            return {self.codec: f"image.{self.codec}"}
        return {"mp4": VIDEO_FILE, "png": POSTER_FILE, **({"vtt": CHAPTERS_FILE} if self.steps else {})}

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any, *, where: str) -> RenderResult:
        """The result recorded in ``data``, or ``CacheCorrupt`` naming ``where`` if it has the wrong shape."""
        names = {f.name for f in fields(cls)}
        if not isinstance(data, dict) or not {"width", "height", "duration", "codec", "pix_fmt"} <= data.keys():
            raise CacheCorrupt(f"{where}: the recorded render result is incomplete")
        result = cls(**{name: value for name, value in data.items() if name in names})
        if result.kind not in ("video", "image") or (result.kind == "image" and result.codec not in IMAGE_FORMATS):
            raise CacheCorrupt(f"{where}: the recorded render result names an unknown kind of file")
        if not check_steps(result.steps):
            raise CacheCorrupt(f"{where}: the recorded steps are not a list of [start, label, row]")
        return result


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON; the render process and the cache use the same format."""
    path.write_text(json.dumps(data), encoding="utf-8")

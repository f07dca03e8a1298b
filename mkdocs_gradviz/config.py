"""The plugin's configuration schema: one option a line, each documented."""

from __future__ import annotations

import os

from mkdocs.config import base
from mkdocs.config import config_options as c

#: Manim's quality presets by name: (pixel width, pixel height, frame rate).
QUALITIES: dict[str, tuple[int, int, int]] = {
    "tiny": (256, 144, 10),
    "low": (854, 480, 15),
    "medium": (1280, 720, 30),
    "high": (1920, 1080, 60),
    "4k": (3840, 2160, 60),
}

THEMES = ("auto", "dark", "light")


class GradvizConfig(base.Config):
    """Options of the ``gradviz`` plugin in ``mkdocs.yml``."""

    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it (blocks are then left as code)."""

    scenes_dir = c.Type(str, default="scenes")
    """Directory of the scene library, relative to ``mkdocs.yml``."""

    cache_dir = c.Type(str, default=".cache/gradviz")
    """Where rendered videos are kept between builds, relative to ``mkdocs.yml``; outside ``docs_dir``."""

    output_dir = c.Type(str, default="assets/gradviz")
    """Folder of the built site that receives the videos and posters."""

    quality = c.Choice(tuple(QUALITIES), default="medium")
    """Render quality of ``mkdocs build`` unless a block says otherwise."""

    serve_quality = c.Choice(tuple(QUALITIES), default="low")
    """Draft quality used by ``mkdocs serve``, so that edits show up quickly."""

    theme = c.Choice(THEMES, default="auto")
    """``auto`` renders a dark and a light variant and shows the one matching the reader's palette."""

    dark_schemes = c.ListOfItems(c.Type(str), default=["slate"])
    """Material ``data-md-color-scheme`` values that count as dark."""

    concurrency = c.Type(int, default=os.cpu_count() or 1)
    """How many renders run at the same time, each in its own process."""

    timeout = c.Type(int, default=600)
    """Seconds one render may take before it is stopped and reported as failed."""

    memory_limit = c.Type(int, default=4096)
    """Address-space limit of one render process, in MiB (0: no limit)."""

    allow_code = c.Type(bool, default=True)
    """Allow blocks holding Manim code; set ``false`` where pages come from untrusted authors."""

    autoplay = c.Type(bool, default=True)
    """Default of the block option of the same name: play muted while the video is on screen."""

    loop = c.Type(bool, default=True)
    """Default of the block option of the same name."""

    controls = c.Type(bool, default=True)
    """Default of the block option of the same name: show the browser's video controls."""

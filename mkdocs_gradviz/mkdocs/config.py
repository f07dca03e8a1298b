"""The MkDocs plugin's configuration schema: one option a line, each documented.

Defaults come from the engine's ``Settings``, which the Zensical front end shares.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from mkdocs_gradviz.core.settings import DEFAULTS, EXECUTORS, QUALITIES, THEMES, Settings


class GradvizConfig(base.Config):
    """Options of the ``gradviz`` plugin in ``mkdocs.yml``."""

    enabled = c.Type(bool, default=DEFAULTS.enabled)
    """Turn the plugin off without removing it (blocks are then left as code)."""

    scenes_dir = c.Type(str, default=DEFAULTS.scenes_dir)
    """The site's own scenes, added to the installed library; relative to ``mkdocs.yml`` or absolute."""

    cache_dir = c.Type(str, default=DEFAULTS.cache_dir)
    """Where rendered videos are kept between builds; a folder inside the project, outside ``docs_dir``."""

    output_dir = c.Type(str, default=DEFAULTS.output_dir)
    """Folder of the built site that receives the videos, posters and the player."""

    quality = c.Choice(tuple(QUALITIES), default=DEFAULTS.quality)
    """Render quality of ``mkdocs build`` unless a block says otherwise (``GRADVIZ_QUALITY`` overrides it)."""

    serve_quality = c.Choice(tuple(QUALITIES), default=DEFAULTS.serve_quality)
    """Draft quality of ``mkdocs serve``, so edits show quickly (``GRADVIZ_SERVE_QUALITY`` overrides it)."""

    theme = c.Choice(THEMES, default=DEFAULTS.theme)
    """``auto`` renders a dark and a light variant and shows the one matching the reader's palette."""

    dark_schemes = c.ListOfItems(c.Type(str), default=list(DEFAULTS.dark_schemes))
    """Material ``data-md-color-scheme`` values that count as dark."""

    concurrency = c.Type(int, default=Settings().concurrency)
    """How many renders run at the same time, each in its own process (default: the CPU count)."""

    timeout = c.Type(int, default=DEFAULTS.timeout)
    """Seconds one render may take before it is stopped and reported as failed."""

    memory_limit = c.Type(int, default=DEFAULTS.memory_limit)
    """Address-space limit of one render process, in MiB (0: no limit)."""

    allow_code = c.Type(bool, default=DEFAULTS.allow_code)
    """Allow blocks holding Manim code; set ``false`` where pages come from untrusted authors."""

    autoplay = c.Type(bool, default=DEFAULTS.autoplay)
    """Default of the block option: play muted while the video is on screen (never with reduced motion)."""

    loop = c.Type(bool, default=DEFAULTS.loop)
    """Default of the block option: loop the video."""

    controls = c.Type(bool, default=DEFAULTS.controls)
    """Default of the block option: show the browser's video controls."""

    max_sweep = c.Type(int, default=DEFAULTS.max_sweep)
    """The most values a block's ``sweep`` may list; each value is rendered (twice with theme ``auto``)."""

    cache_url = c.Type(str, default=DEFAULTS.cache_url)
    """A shared cache behind ``cache_dir``, any fsspec URL (``s3://bucket/prefix``); credentials as the filesystem reads them."""

    cache_url_readonly = c.Type(bool, default=DEFAULTS.cache_url_readonly)
    """Reuse renders from ``cache_url`` but never write to it (builds of untrusted pull requests)."""

    executor = c.Choice(EXECUTORS, default=DEFAULTS.executor)
    """Where renders run: ``local`` processes, or ``dask`` tasks (``pip install 'mkdocs-gradviz[dask]'``)."""

    scheduler_address = c.Type(str, default=DEFAULTS.scheduler_address)
    """The Dask scheduler of ``executor: dask`` (``tcp://host:8786``); empty: a local cluster on this machine."""

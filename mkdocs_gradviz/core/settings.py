"""Site-wide settings of the engine, shared by every front end, and the paths they name.

The MkDocs plugin reads them from its ``plugins:`` entry, the Zensical front end from its fence's
``kwds``; both end with one frozen ``Settings`` whose defaults are declared here only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from mkdocs_gradviz.core.errors import ConfigError, did_you_mean

#: Manim's quality presets by name: (pixel width, pixel height, frame rate).
QUALITIES: dict[str, tuple[int, int, int]] = {
    "tiny": (256, 144, 10),
    "low": (854, 480, 15),
    "medium": (1280, 720, 30),
    "high": (1920, 1080, 60),
    "4k": (3840, 2160, 60),
}
THEMES = ("auto", "dark", "light")
#: Where renders run: ``local`` processes on this machine, or tasks on a Dask cluster.
EXECUTORS = ("local", "dask")
#: The player's switches: a block option each, with a site-wide default in ``Settings``.
PLAYER_FLAGS = ("autoplay", "loop", "controls")
#: Environment variables that override the render qualities whatever the configuration says.
QUALITY_ENV = {"quality": "GRADVIZ_QUALITY", "serve_quality": "GRADVIZ_SERVE_QUALITY"}


@dataclass(frozen=True)
class Settings:
    """Everything a site can set; each front end documents these under its own configuration."""

    enabled: bool = True
    scenes_dir: str = ""  # the site's own scenes, added to the library; "" = none
    cache_dir: str = ".cache/gradviz"
    output_dir: str = "assets/gradviz"
    quality: str = "medium"
    serve_quality: str = "low"
    theme: str = "auto"
    dark_schemes: tuple[str, ...] = ("slate",)
    concurrency: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout: int = 600
    memory_limit: int = 4096
    allow_code: bool = True
    autoplay: bool = True
    loop: bool = True
    controls: bool = True
    max_sweep: int = 8  # values a block's sweep may list, each a render (two with theme auto)
    cache_url: str = ""  # a shared second cache level, any fsspec URL; "" = none
    cache_url_readonly: bool = False
    executor: str = "local"
    scheduler_address: str = ""  # with executor dask; "" = a LocalCluster on this machine

    @classmethod
    def from_mapping(cls, values: dict[str, Any], *, where: str) -> Settings:
        """Settings from a configuration mapping, checked; ``where`` names the file in errors."""
        known = {f.name: f for f in fields(cls)}
        checked: dict[str, Any] = {}
        for name, value in values.items():
            if name not in known:
                raise ConfigError(f"{where}: unknown gradviz option '{name}'{did_you_mean(name, list(known))}")
            checked[name] = _check(name, value, type(getattr(DEFAULTS, name)), where)
        if checked.get("scheduler_address") and checked.get("executor", DEFAULTS.executor) != "dask":
            raise ConfigError(f"{where}: scheduler_address is used only with executor: dask")
        return cls(**checked).with_environment()

    def with_environment(self) -> Settings:
        """These settings with ``GRADVIZ_QUALITY`` / ``GRADVIZ_SERVE_QUALITY`` applied, when set."""
        changes = {}
        for option, variable in QUALITY_ENV.items():
            value = os.environ.get(variable, "").strip()
            if value:
                changes[option] = _check(option, value, str, f"the environment variable {variable}")
        return self.__class__(**{**self.__dict__, **changes}) if changes else self

    def player_defaults(self) -> dict[str, bool]:
        """Site defaults of the player's switches."""
        return {name: getattr(self, name) for name in PLAYER_FLAGS}


DEFAULTS = Settings(concurrency=1)


def resolve_read_path(base: Path, value: str) -> Path:
    """A folder gradviz only reads (``scenes_dir``): relative to ``base`` or absolute, anywhere."""
    return Path(os.path.normpath(base / os.path.expanduser(value)))


def resolve_write_path(base: Path, value: str, option: str) -> Path:
    """A folder gradviz writes and deletes in: it must stay strictly inside ``base``.

    ``gradviz cache clear`` removes the cache folder, so a value such as ``..`` or ``/`` would
    delete what is not gradviz's; refusing anything outside the project makes that impossible.
    """
    path = Path(os.path.normpath(base / value))
    if value.strip() in ("", ".") or not path.is_relative_to(base) or path == base:
        raise ConfigError(f"{option} must stay inside {base}, not {value!r}")
    return path


def check_site_folder(value: str, option: str) -> str:
    """A folder of the built site (``output_dir``): relative, and staying inside the site."""
    resolve_write_path(Path("/site"), value, option)
    if Path(value).is_absolute():
        raise ConfigError(f"{option} must stay inside the built site, not {value!r}")
    return value.strip("/")


def _check(name: str, value: Any, kind: type, where: str) -> Any:
    choices = {"quality": QUALITIES, "serve_quality": QUALITIES, "theme": THEMES, "executor": EXECUTORS}.get(name)
    if choices is not None:
        if value not in choices:
            raise ConfigError(f"{where}: {name} must be one of {', '.join(choices)}, not {value!r}"
                              f"{did_you_mean(str(value), list(choices))}")
        return value
    if kind is tuple:
        if isinstance(value, str) or not all(isinstance(item, str) for item in value or ()):
            raise ConfigError(f"{where}: {name} must be a list of names, not {value!r}")
        return tuple(value)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ConfigError(f"{where}: {name} must be {kind.__name__}, not {value!r}")
    if kind is int and value < (0 if name == "memory_limit" else 1):
        raise ConfigError(f"{where}: {name} must be at least {0 if name == 'memory_limit' else 1}, not {value}")
    return value

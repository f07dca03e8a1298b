"""The Zensical project gradviz works for, found while Zensical is still reading its configuration.

Zensical calls the fence's factory (``format: {object: ..., kwds: ...}``) in the middle of parsing
the configuration, before anything can hand the configuration to it; yet the formatter must know
the project then, because its pickled state, which Zensical hashes into every page's cache key,
digests the site's scenes. So this module finds the configuration file the way Zensical's command
line does (``-f FILE``, else the first of ``zensical.toml``, ``mkdocs.yml``, ``mkdocs.yaml`` in the
working folder) and reads the few keys gradviz needs from it, including the options of a
``gradviz`` MkDocs plugin entry, so that one ``mkdocs.yml`` configures both tools.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mkdocs_gradviz.core.errors import ConfigError

CONFIG_NAMES = ("zensical.toml", "mkdocs.yml", "mkdocs.yaml")
COMMANDS = ("build", "serve")


@dataclass(frozen=True)
class Project:
    """What gradviz needs of a Zensical project before Zensical hands it any page."""

    root: Path  # the configuration file's folder
    config_file: Path | None  # None when no configuration file could be found
    command: str  # "build" or "serve"
    docs_dir: str = "docs"  # as written in the file, like Zensical's config["docs_dir"]
    site_dir: str = "site"
    plugin_options: dict[str, Any] = field(default_factory=dict)  # of a `- gradviz:` plugin entry
    exclude_docs: str = ""

    @property
    def serving(self) -> bool:
        return self.command == "serve"


def find_project(argv: list[str] | None = None, cwd: Path | None = None) -> Project:
    """The project the running ``zensical`` command works on, from its arguments and working folder."""
    argv = sys.argv if argv is None else argv
    cwd = cwd or Path.cwd()
    command = next((arg for arg in argv[1:] if arg in COMMANDS), "build")
    named = _option_value(argv[1:], "-f", "--config-file")
    config_file = (cwd / named) if named else next((cwd / n for n in CONFIG_NAMES if (cwd / n).is_file()), None)
    if config_file is None or not config_file.is_file():
        return Project(root=cwd.resolve(), config_file=None, command=command)
    config_file = config_file.resolve()
    data = read_config(config_file)
    return Project(
        root=config_file.parent, config_file=config_file, command=command,
        docs_dir=str(data.get("docs_dir") or "docs"), site_dir=str(data.get("site_dir") or "site"),
        plugin_options=plugin_options(data.get("plugins"), where=config_file.name),
        exclude_docs=data.get("exclude_docs") if isinstance(data.get("exclude_docs"), str) else "",
    )


def read_config(path: Path) -> dict[str, Any]:
    """The configuration file as data: TOML (its ``[project]`` table) or MkDocs YAML with ``!ENV`` and ``INHERIT``.

    Tags gradviz has no use for (``!!python/name:...`` and the like) are read as nothing rather
    than imported: this reading must never fail where Zensical's own succeeds.
    """
    try:
        if path.suffix == ".toml":
            try:
                import tomllib
            except ImportError:  # Python 3.10: Zensical installs tomli
                import tomli as tomllib
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            data = data.get("project", data)
        else:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
            if isinstance(data, dict) and isinstance(data.get("INHERIT"), str):
                parent = read_config(path.parent / data.pop("INHERIT"))
                data = _merged(parent, data)
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot be read: {error}") from None
    return data if isinstance(data, dict) else {}


def plugin_options(plugins: Any, *, where: str) -> dict[str, Any]:
    """The options of the ``gradviz`` entry of a MkDocs ``plugins`` list (or mapping), if there is one."""
    entries = plugins.items() if isinstance(plugins, dict) else (
        next(iter(p.items())) if isinstance(p, dict) and len(p) == 1 else (p, None) for p in plugins or ())
    for name, options in entries:
        if name == "gradviz":
            if options is not None and not isinstance(options, dict):
                raise ConfigError(f"{where}: the options of the gradviz plugin must be a mapping, not {options!r}")
            return dict(options or {})
    return {}


class _ConfigLoader(yaml.SafeLoader):
    """YAML as MkDocs and Zensical read it, with unknown tags read as ``None`` instead of run."""


def _construct_env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """``!ENV NAME`` or ``!ENV [NAME, OTHER, default]``: the first variable set, typed as YAML would."""
    default = None
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
        if len(children) > 1:
            default = loader.construct_object(children[-1])
            children = children[:-1]
        names = [loader.construct_scalar(child) for child in children]
    else:
        raise yaml.constructor.ConstructorError(None, None, f"expected a name or a list after !ENV, found {node.id}",
                                                node.start_mark)
    for name in names:
        if name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


_ConfigLoader.add_constructor("!ENV", _construct_env)
_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _option_value(args: list[str], short: str, long: str) -> str | None:
    for index, arg in enumerate(args):
        if arg in (short, long) and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(long + "="):
            return arg[len(long) + 1:]
        if arg.startswith(short) and not arg.startswith("--") and len(arg) > len(short):
            return arg[len(short):]
    return None


def _merged(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` over ``parent``, mappings merged key by key (how ``INHERIT`` combines files)."""
    merged = dict(parent)
    for key, value in child.items():
        merged[key] = _merged(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) \
            else value
    return merged

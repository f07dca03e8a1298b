"""One gradviz block as a frozen, validated spec, and the render requests it yields."""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from mkdocs_gradviz.core.cache import cache_key
from mkdocs_gradviz.core.errors import SpecError, did_you_mean
from mkdocs_gradviz.core.job import RenderRequest
from mkdocs_gradviz.core.settings import DEFAULTS, PLAYER_FLAGS, QUALITIES, THEMES

if TYPE_CHECKING:
    from mkdocs_gradviz.core.library import SceneInfo, SceneLibrary
    from mkdocs_gradviz.core.params import Param

_BOOL_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
_WIDTH = re.compile(r"^\d+(\.\d+)?(px|%|em|rem|vw)?$")
_YAML_START = re.compile(r"^[A-Za-z_][\w-]*\s*:(\s|$)")
_SCENE_BASE = re.compile(r"Scene$")
_BLOCK_ID = re.compile(r"^[A-Za-z][\w-]*$")  # the part of a value reference before the dot (values.py)
_SCENE_LINE = re.compile(r"^\s*scene\s*:\s*['\"]?([A-Za-z_]\w*)", re.MULTILINE)
#: Larger blocks are refused: a block is a scene description, not a data file.
MAX_BLOCK_CHARS = 64 * 1024


@dataclass(frozen=True)
class BlockSpec:
    """Everything one block asks for; the rendering part and the HTML-only part kept apart."""

    kind: str  # "scene" (library) or "code" (inline Manim)
    scene: str  # library scene, or the Scene subclass to render from the code ("" = the only one)
    params: dict[str, Any] = field(default_factory=dict)  # a swept parameter holds its first value
    code: str = ""
    quality: str | None = None
    theme: str | None = None
    still: bool = False  # a picture of the last frame instead of a video
    sweep: str = ""  # the parameter the reader can vary: one render set per value
    sweep_values: tuple[Any, ...] = ()
    # HTML-only options: changing them never re-renders.
    caption: str = ""
    alt: str = ""
    player: dict[str, bool] = field(default_factory=dict)  # the block's own autoplay/loop/controls
    width: str = ""
    align: str = "center"
    table: bool = False
    stepwise: bool = False  # pause at the end of each step until the reader goes on
    id: str = ""  # the name prose quotes the block's values by (values.py): :gradviz[<id>.<value>]

    def runs(self) -> list[dict[str, Any]]:
        """The parameters of each set of renders: one per value of the sweep, or just the block's."""
        if not self.sweep:
            return [self.params]
        return [{**self.params, self.sweep: value} for value in self.sweep_values]


#: Block options with their parsers; everything else in a scene block is a scene parameter.
OPTIONS: dict[str, Any] = {
    "scene": lambda v: _text(v, "scene"),
    "quality": lambda v: _choice(v, "quality", tuple(QUALITIES)),
    "theme": lambda v: _choice(v, "theme", THEMES),
    "still": lambda v: _bool(v, "still"),
    "caption": lambda v: _text(v, "caption"),
    "alt": lambda v: _text(v, "alt"),
    **{flag: (lambda name: lambda v: _bool(v, name))(flag) for flag in PLAYER_FLAGS},
    "width": lambda v: _width(v),
    "align": lambda v: _choice(v, "align", ("center", "left", "right")),
    "table": lambda v: _bool(v, "table"),
    "stepwise": lambda v: _bool(v, "stepwise"),
    "sweep": lambda v: _text(v, "sweep"),
    "id": lambda v: _block_id(v),
}


def parse_block(source: str, header: dict[str, str], library: SceneLibrary, *, allow_code: bool,
                max_sweep: int = DEFAULTS.max_sweep) -> BlockSpec:
    """Turn a block's body and fence-header options into a ``BlockSpec``, or raise ``SpecError``.

    ``max_sweep`` is the most values a sweep may list (the site's ``max_sweep``).
    """
    if len(source) > MAX_BLOCK_CHARS:
        raise SpecError(f"the block is {len(source) / 1024:.0f} KiB; blocks are limited to {MAX_BLOCK_CHARS // 1024} KiB")
    body = normalise(source)
    if not body.strip():
        raise SpecError("empty gradviz block: name a library scene (scene: GradientDescent) or write Manim code")
    options = {name: _option(name, value) for name, value in header.items()}
    if _YAML_START.match(body.lstrip("\n")):
        return _scene_spec(body, options, library, max_sweep)
    if not allow_code:
        raise SpecError("this site does not allow Manim code in blocks (allow_code: false); use a library scene")
    return _code_spec(body, options)


def normalise(source: str) -> str:
    """Block text with line endings, indentation and trailing blanks made canonical."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4).split("\n")
    # Leading blank lines stay: they keep the block's line numbers true in error messages.
    return textwrap.dedent("\n".join(line.rstrip() for line in lines)).rstrip("\n")


def requests_for(
    spec: BlockSpec, *, quality: str, theme: str, library: SceneLibrary, environment: dict[str, str]
) -> list[RenderRequest]:
    """The renders a spec needs: one per theme variant (and value of its sweep), each with its content-hash key."""
    width, height, fps = QUALITIES[spec.quality or quality]
    chosen = spec.theme or theme
    module, sources = "", library.digest_code(spec.code) if spec.kind == "code" else ""
    if spec.kind == "scene":
        info = library.get(spec.scene)
        module, sources = info.module, library.digest(info)
    requests = []
    for params in spec.runs():
        for variant in ("dark", "light") if chosen == "auto" else (chosen,):
            key = cache_key(kind=spec.kind, scene=spec.scene, module=module, params=params, code=spec.code,
                            sources=sources, size=(width, height, fps), theme=variant, still=spec.still,
                            environment=environment)
            requests.append(RenderRequest(spec.kind, spec.scene, module, params, spec.code,
                                          width, height, fps, variant, key, still=spec.still))
    return requests


def _scene_spec(body: str, options: dict[str, Any], library: SceneLibrary, max_sweep: int) -> BlockSpec:
    data, lines, item_lines = _yaml_mapping(body)
    if "scene" not in data:
        raise SpecError("a YAML block needs 'scene: <name of a library scene>'")
    try:
        info = library.get(_text(data["scene"], "scene"))
    except SpecError as error:
        raise SpecError(error.message, line=lines["scene"]) from None
    params = {p.name: p.default for p in info.params}
    problems: list[SpecError] = []
    sweep = options.get("sweep", "")
    try:
        if "sweep" in data:
            sweep = options["sweep"] = _option("sweep", data["sweep"])
        if sweep:
            info.param(sweep)
    except SpecError as error:
        sweep = ""
        problems.append(SpecError(error.message, line=lines.get("sweep")))
    for name, value in data.items():
        try:
            if name == "sweep":
                continue  # read first: it says which parameter holds a list
            if name in OPTIONS:
                options[name] = _option(name, value)
            elif name == sweep:
                options["sweep_values"] = _sweep_values(info.param(name), value, max_sweep, item_lines.get(name, []))
                params[name] = options["sweep_values"][0]
            else:
                params[name] = info.param(name).check(value)
        except SpecError as error:
            problems.append(SpecError(_sweep_hint(error.message, info, name, value, sweep),
                                      line=error.line or lines[name]))
    if sweep and sweep not in data:
        problems.append(SpecError(f"'sweep: {sweep}' needs a list of values for {sweep} in the block, e.g. "
                                  f"{sweep}: [{_example(info.param(sweep).default)}]", line=lines.get("sweep")))
    if problems:
        raise SpecError.combine(sorted(problems, key=lambda p: p.line or 0))
    options["scene"] = info.name
    return _spec(kind="scene", params=params, **options)


def _sweep_values(param: Param, value: Any, limit: int, lines: list[int]) -> tuple[Any, ...]:
    """The values of a sweep, each checked as the parameter itself would be; a ``SpecError`` names the bad one's line."""
    if not isinstance(value, list) or len(value) < 2:
        raise SpecError(f"'sweep: {param.name}' needs a list of at least two values for {param.name}, e.g. "
                        f"{param.name}: [{_example(param.default)}]")
    if len(value) > limit:
        raise SpecError(f"the sweep of '{param.name}' lists {len(value)} values; at most {limit} are allowed "
                        "(site option max_sweep), since each value is rendered")
    checked: list[Any] = []
    for index, item in enumerate(value):
        line = lines[index] if index < len(lines) else None
        try:
            item = param.check(item)
        except SpecError as error:
            raise SpecError(error.message, line=line) from None
        if item in checked:
            raise SpecError(f"the sweep of '{param.name}' lists {item!r} twice", line=line)
        checked.append(item)
    return tuple(checked)


def _sweep_hint(message: str, info: SceneInfo, name: str, value: Any, sweep: str) -> str:
    """``message``, with the way to a sweep when a list was given for a single value."""
    if isinstance(value, list) and not sweep and name not in OPTIONS and any(
            p.name == name and not p.kind.startswith("list") for p in info.params):
        return f"{message}; to let readers compare these values, add 'sweep: {name}'"
    return message


def _example(default: Any) -> str:
    return f"{default!r}, …" if not isinstance(default, str) else f"{default}, …"


def _yaml_mapping(body: str) -> tuple[dict[str, Any], dict[str, int], dict[str, list[int]]]:
    """The block's YAML mapping, the body line (1-based) of each key, and of each item of a list value."""
    try:
        node = yaml.compose(body, Loader=yaml.SafeLoader)
        data = yaml.safe_load(body)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SpecError(f"invalid YAML: {problem}", line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise SpecError("the block must be a YAML mapping (scene: Name plus parameters) or Manim code")
    lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    items = {str(key.value): [item.start_mark.line + 1 for item in value.value]
             for key, value in node.value if isinstance(value, yaml.SequenceNode)}
    return {str(name): value for name, value in data.items()}, lines, items


def _code_spec(body: str, options: dict[str, Any]) -> BlockSpec:
    try:
        tree = ast.parse(body, filename="<gradviz block>")
    except SyntaxError as error:
        raise SpecError(f"neither a YAML mapping nor valid Python: {error.msg}", line=error.lineno) from None
    except ValueError as error:  # Python 3.10 reports a NUL byte this way (3.11 and later: SyntaxError)
        raise SpecError(f"neither a YAML mapping nor valid Python: {error}") from None
    scenes = [
        node.name for node in tree.body
        if isinstance(node, ast.ClassDef) and any(_SCENE_BASE.search(ast.unparse(b)) for b in node.bases)
    ]
    wanted = options.get("scene", "")
    if not scenes:
        raise SpecError("the code defines no Scene subclass (class Name(Scene): ...)")
    if wanted and wanted not in scenes:
        raise SpecError(f"scene='{wanted}' is not defined in the code{_hint(wanted, scenes)}")
    if not wanted and len(scenes) > 1:
        raise SpecError(f"the code defines several scenes ({', '.join(scenes)}); say which with scene=\"Name\"")
    if options.get("sweep"):
        raise SpecError("sweep works in scene blocks only: a code block has no parameters to vary")
    options["scene"] = wanted or scenes[0]
    return _spec(kind="code", code=body, **options)


def _spec(**fields: Any) -> BlockSpec:
    """A ``BlockSpec``, the player's switches gathered into ``player``."""
    player = {flag: fields.pop(flag) for flag in PLAYER_FLAGS if flag in fields}
    return BlockSpec(player=player, **fields)


def _option(name: str, value: Any) -> Any:
    if name not in OPTIONS:
        raise SpecError(f"unknown block option '{name}'{_hint(name, list(OPTIONS))}")
    return OPTIONS[name](value)


def _hint(name: str, candidates: list[str]) -> str:
    return did_you_mean(name, candidates, otherwise=f"; expected one of: {', '.join(candidates)}")


def _text(value: Any, name: str) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise SpecError(f"option '{name}' must be text, not {value!r}")
    return str(value)


def _bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _BOOL_WORDS:
        return _BOOL_WORDS[value.lower()]
    raise SpecError(f"option '{name}' must be true or false, not {value!r}")


def _choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise SpecError(f"option '{name}' must be one of {', '.join(choices)}, not {value!r}"
                        f"{did_you_mean(str(value), list(choices))}")
    return value


def _width(value: Any) -> str:
    text = str(value).strip()
    if isinstance(value, bool) or not _WIDTH.match(text):
        raise SpecError(f"option 'width' must be a CSS length like 480px or 60%, not {value!r}")
    return text + "px" if text[-1].isdigit() else text


def _block_id(value: Any) -> str:
    text = _text(value, "id")
    if not _BLOCK_ID.match(text):
        raise SpecError(f"option 'id' must be a name of letters, digits, _ and - that starts with a letter (prose "
                        f"quotes the block as :gradviz[<id>.<value>]), not {value!r}")
    return text


def scene_named_in(source: str) -> str:
    """The scene a block's text names (``scene: X`` in YAML), read without validating anything else."""
    match = _SCENE_LINE.search(source)
    return match.group(1) if match else ""

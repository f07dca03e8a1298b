"""What the viewer sees at one instant: numbers with their colours, dots, arrows, axes and curves."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import numpy as np
from manim import (
    ArrowTip,
    CoordinateSystem,
    DashedLine,
    DecimalNumber,
    Dot,
    Dot3D,
    Line,
    MarkupText,
    Mobject,
    SingleStringMathTex,
    Surface,
    Text,
    ValueTracker,
    VMobject,
)
from mkdocs_gradviz.scenes._typography import DIGIT_PER_POINT

TEXT_TYPES = (Text, MarkupText, SingleStringMathTex, DecimalNumber)
# A number as printed: an optional minus sign glued to it, digits, optional decimals. The
# look-behind keeps subscripts such as w_1 or x_{1} from reading as numbers.
NUMBER = re.compile(r"(?<![\w.{])[−-]?\d+(?:\.\d+)?")
SHOWN_TOLERANCE = 0.00051  # weights and gradients are printed to three decimals
MORPH = "⇝"  # marks a text caught mid-Transform: neither its old nor its new string is readable


@dataclass(frozen=True)
class Token:
    """One number as shown: its value, its printed decimals and the colour of its glyphs."""

    value: float
    decimals: int
    colour: str | None  # lower-case hex, or None when the glyphs disagree or cannot be mapped
    text_id: int


@dataclass(frozen=True)
class TextView:
    string: str
    colours: tuple[str, ...] | None  # one colour per non-blank character
    opacity: float
    center: np.ndarray
    text_id: int
    digit: float = 0.0  # how tall a digit of this text stands on screen, in frame units

    @property
    def readable(self) -> bool:
        return MORPH not in self.string

    def tokens(self) -> list[Token]:
        """The numbers in this text, left to right, each with the colour of its own glyphs."""
        if not self.readable:
            return []
        out = []
        for match in NUMBER.finditer(self.string):
            raw = match.group().replace("−", "-")
            decimals = len(raw.split(".")[1]) if "." in raw else 0
            out.append(Token(float(raw), decimals, self._colour_of(match.start(), match.end()), self.text_id))
        return out

    def _colour_of(self, start: int, end: int) -> str | None:
        if self.colours is None:
            return None
        first = len(re.sub(r"\s", "", self.string[:start]))
        glyphs = set(self.colours[first:first + len(re.sub(r"\s", "", self.string[start:end]))])
        return glyphs.pop() if len(glyphs) == 1 else None


@dataclass(frozen=True)
class DotView:
    center: np.ndarray
    colour: str
    opacity: float


@dataclass(frozen=True)
class SegmentView:
    """A line or arrow: where it starts and ends, its colour, and whether it carries a tip."""

    start: np.ndarray
    end: np.ndarray
    colour: str
    opacity: float
    tipped: bool
    dashed: bool = False

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.end - self.start))


@dataclass(frozen=True)
class AxesView:
    """A linear coordinate system: screen point = origin + basis @ coordinates."""

    origin: np.ndarray
    basis: np.ndarray  # 3 x dims
    ends: tuple[np.ndarray, ...]  # the positive end of each axis
    ranges: tuple[tuple[float, float], ...]

    @property
    def dims(self) -> int:
        return self.basis.shape[1]

    def c2p(self, coords) -> np.ndarray:
        c = np.zeros(self.dims)
        c[: len(coords)] = coords
        return self.origin + self.basis @ c

    def p2c(self, points) -> np.ndarray:
        """Coordinates of one screen point, or of each row of an array of them."""
        pts = np.asarray(points, dtype=float)
        coords = np.linalg.lstsq(self.basis, (pts - self.origin).T, rcond=None)[0]
        return coords.T

    def direction(self, vector) -> np.ndarray:
        """The screen direction of a vector given in (the first) coordinates."""
        c = np.zeros(self.dims)
        c[: len(vector)] = vector
        return self.basis @ c


@dataclass(frozen=True)
class CurveView:
    colour: str
    anchors: np.ndarray
    surface: bool


@dataclass
class View:
    texts: dict[int, TextView] = field(default_factory=dict)
    dots: dict[int, DotView] = field(default_factory=dict)
    segments: dict[int, SegmentView] = field(default_factory=dict)
    trackers: dict[int, float] = field(default_factory=dict)
    axes: list[AxesView] = field(default_factory=list)
    curves: list[CurveView] = field(default_factory=list)

    def visible_texts(self, min_opacity: float = 0.9) -> list[TextView]:
        return [t for t in self.texts.values() if t.opacity >= min_opacity]

    def tokens(self, min_opacity: float = 0.9) -> list[Token]:
        return [tok for t in self.visible_texts(min_opacity) for tok in t.tokens()]

    def axes_left_to_right(self) -> list[AxesView]:
        return sorted(self.axes, key=lambda a: a.origin[0])


def look(mobjects: list[Mobject], shown: dict[int, str], deep: bool = False) -> View:
    """Read the scene's mobjects; ``shown`` overrides the string of texts caught in a Transform."""
    view = View()
    for m in mobjects:
        _visit(m, view, shown, deep)
    return view


def near_any(values: list[float], value: float) -> bool:
    """Whether ``value`` is, as printed to three decimals, one of ``values``."""
    return any(abs(v - value) <= SHOWN_TOLERANCE for v in values)


def shows(tokens: list[Token], value: float, exact: bool = False) -> bool:
    """Whether a token shows ``value``: to three decimals, or ``exact`` (as ``{:g}`` prints η)."""
    tol = 1e-6 * max(1.0, abs(value)) if exact else SHOWN_TOLERANCE
    return any(abs(t.value - value) <= tol for t in tokens)


def string_of(m: Mobject) -> str:
    """The characters a text mobject shows (markup stripped, TeX source kept as written)."""
    if isinstance(m, DecimalNumber):
        return f"{m.number:.{m.num_decimal_places}f}"
    if isinstance(m, SingleStringMathTex):
        return m.tex_string
    raw = getattr(m, "original_text", None) or getattr(m, "text", "")
    if isinstance(m, MarkupText):
        raw = html.unescape(re.sub(r"<[^>]+>", "", raw))
    return raw


def _visit(m: Mobject, view: View, shown: dict[int, str], deep: bool) -> None:
    if isinstance(m, ValueTracker):
        view.trackers[id(m)] = float(m.get_value())
    elif isinstance(m, TEXT_TYPES):
        view.texts[id(m)] = _text(m, shown.get(id(m)))
    elif isinstance(m, (Dot, Dot3D)):
        rgba = _rgba(m.family_members_with_points()[0].fill_rgbas)
        view.dots[id(m)] = DotView(_center(m), _hex(rgba), float(rgba[3]))
    elif isinstance(m, CoordinateSystem):
        view.axes.append(_axes(m))
    elif isinstance(m, Line):
        rgba = _rgba(m.stroke_rgbas)
        view.segments[id(m)] = SegmentView(np.array(m.get_start()), np.array(m.get_end()), _hex(rgba), float(rgba[3]),
                                           any(isinstance(sub, ArrowTip) for sub in m.submobjects),
                                           isinstance(m, DashedLine))
    elif isinstance(m, Surface):
        if deep:
            pts = [f.get_anchors() for f in m.family_members_with_points()]
            view.curves.append(CurveView(_hex(_rgba(m.family_members_with_points()[0].fill_rgbas)), np.vstack(pts), True))
    else:
        if deep and isinstance(m, VMobject) and m.has_points():
            view.curves.append(CurveView(_hex(_rgba(m.stroke_rgbas)), np.array(m.get_anchors()), False))
        for sub in m.submobjects:
            _visit(sub, view, shown, deep)


def _text(m: Mobject, override: str | None) -> TextView:
    string = override if override is not None else string_of(m)
    glyphs = m.family_members_with_points()
    rgbas = np.array([g.fill_rgbas[0] if len(g.fill_rgbas) else np.zeros(4) for g in glyphs]).reshape(-1, 4)
    top = float(rgbas[:, 3].max()) if len(rgbas) else 0.0
    # Padding glyphs left by Transform/become alignment are fully transparent copies: skip them.
    lit = rgbas if top == 0 else rgbas[rgbas[:, 3] >= 0.5 * top]
    colours = tuple(_hex(c) for c in lit)
    blanks = len(re.sub(r"\s", "", string))
    if isinstance(m, SingleStringMathTex) or len(colours) != blanks:
        # TeX glyphs do not follow the source characters, nor do ligatures: keep a colour only
        # where the whole text has one.
        colours = colours[:1] * blanks if len(set(colours)) == 1 else None
    return TextView(string, colours, top, _center(m), id(m), _digit_height(m))


def _digit_height(m: Mobject) -> float:
    """How tall a digit of this text stands now: its font size (which follows any scaling) times
    the digit height per point of its kind, Pango or LaTeX (see ``_typography.DIGIT_PER_POINT``)."""
    kind = "text" if isinstance(m, (Text, MarkupText)) else "tex"
    try:
        size = float(m.font_size)
    except ZeroDivisionError:  # an empty text has no height to scale from
        return 0.0
    return size * DIGIT_PER_POINT[kind]


def _axes(ax: CoordinateSystem) -> AxesView:
    dims = 3 if hasattr(ax, "z_axis") else 2
    origin = np.array(ax.c2p(*([0.0] * dims)), dtype=float)
    basis = np.column_stack([np.array(ax.c2p(*np.eye(dims)[i]), dtype=float) - origin for i in range(dims)])
    axes = [ax.x_axis, ax.y_axis] + ([ax.z_axis] if dims == 3 else [])
    ranges = [ax.x_range, ax.y_range] + ([ax.z_range] if dims == 3 else [])
    return AxesView(origin, basis, tuple(np.array(a.get_end()) for a in axes),
                    tuple((float(r[0]), float(r[1])) for r in ranges))


def _center(m: Mobject) -> np.ndarray:
    """The bounding-box centre, computed straight from the points (Manim's is slow per call)."""
    pts = [g.points for g in m.family_members_with_points()]
    if not pts:
        return np.array(m.get_center(), dtype=float)
    allp = np.vstack(pts)
    return (allp.min(axis=0) + allp.max(axis=0)) / 2


def _rgba(rgbas: np.ndarray) -> np.ndarray:
    return rgbas[0] if len(rgbas) else np.zeros(4)


def _hex(rgba) -> str:
    key = (round(float(rgba[0]) * 255), round(float(rgba[1]) * 255), round(float(rgba[2]) * 255))
    if key not in _HEX:
        _HEX[key] = "#{:02x}{:02x}{:02x}".format(*key)
    return _HEX[key]


_HEX: dict[tuple[int, int, int], str] = {}

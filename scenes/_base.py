"""The mixin every scene shares: themed background, self-description and drawing helpers."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Arrow,
    Axes,
    DashedLine,
    FadeIn,
    FadeOut,
    MarkupText,
    MathTex,
    Mobject,
    Text,
    UpdateFromFunc,
    ValueTracker,
    VGroup,
    VMobject,
)

from ._numbers import Number
from ._palette import Palette, palette
from ._typography import TYPE, tex

__all__ = ["MONO", "LessonMixin", "counted", "fmt"]

MONO = "DejaVu Sans Mono"


def fmt(x: float, places: int = 3) -> str:
    """A number as shown on screen: fixed places, a true minus sign, no ``-0.000``."""
    s = f"{x:.{places}f}"
    if float(s) == 0:
        s = s.lstrip("-")
    return s.replace("-", "−")


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1: "1 step", "8 steps"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class LessonMixin:
    """Shared behaviour: palette background, ``describe``, ``step_table`` and steps for the plugin."""

    #: The step table's row (0-based) that the current step shows; gradviz reads it at each section.
    table_row: int | None = None

    @property
    def pal(self) -> Palette:
        return palette()

    def section(self, label: str, row: int | None = None) -> None:
        """Begin a step of the player here: a Manim section named ``label``, showing table row ``row``."""
        self.table_row = row
        self.next_section(label)

    def setup(self) -> None:
        """Paint the background from the palette before anything is drawn."""
        super().setup()
        self.camera.background_color = palette().background

    def describe(self) -> str:
        """One or two sentences with this scene's actual numbers, for the video's text alternative."""
        raise NotImplementedError

    def step_table(self) -> tuple[list[str], list[list[float | int | str]]] | None:
        """Column headers and rows of the computed steps, or ``None`` if the scene has none."""
        return None

    def values(self) -> dict[str, str]:
        """Numbers this scene computes, by name, each formatted as the scene shows it (``fmt``).

        Prose quotes them by name, so the words cannot fall behind the parameters. They come from
        the same maths as the frames, computed from the parameters alone: no ``construct`` needed.
        """
        return {}

    # drawing helpers -------------------------------------------------------------------------

    def text(self, s: str, size: float = TYPE.body, color: str | None = None, mono: bool = False) -> Text:
        """Pango text (no LaTeX), in the foreground colour unless told otherwise; ``size`` a ``TYPE`` role."""
        kw = {"font": MONO} if mono else {}
        return Text(s, font_size=size, color=color or self.pal.foreground, **kw)

    def pieces(self, parts: list[tuple[str, str | None]], size: float = TYPE.body, mono: bool = True) -> MarkupText:
        """A line of differently coloured Text pieces, e.g. old value, red gradient, green result."""
        body = " ".join(s if c is None else f'<span foreground="{c}">{s}</span>' for s, c in parts)
        kw = {"font": MONO} if mono else {}
        # Manim keeps a copy of every new MarkupText for reuse: a waste for numbers that change each step.
        return MarkupText(body, font_size=size, color=self.pal.foreground, use_svg_cache=False, **kw)

    def number(self, value: float, size: float = TYPE.body, color: str | None = None, places: int = 3) -> Number:
        """A number that changes on screen, updated in place: LaTeX digits as tall as ``Text`` at ``size``.

        Drive it with ``UpdateFromFunc(number, lambda m: m.set_value(tracker.get_value()))`` in the
        play that moves the value, so it costs nothing while the value stands still.
        """
        return Number(value, num_decimal_places=places, font_size=tex(size), color=color or self.pal.foreground)

    def weight_label(self, tracker: ValueTracker, name: str = "w", size: float = TYPE.label) -> VGroup:
        """``name = value``: the name in TeX, the value a ``number`` showing ``tracker``; see ``counting``."""
        head = MathTex(f"{name} =", color=self.pal.foreground, font_size=tex(size))
        value = self.number(tracker.get_value(), size)
        return VGroup(head, value.next_to(head, RIGHT, buff=0.2, aligned_edge=DOWN))

    @staticmethod
    def counting(label: VGroup, tracker: ValueTracker, place=None) -> UpdateFromFunc:
        """Play it beside the animation that moves ``tracker``: ``label``'s number follows the value.

        Only while that play runs, so nothing is rebuilt while the value stands still; ``place``
        (given the label) keeps it where it belongs as its width changes, e.g. centred on a line.
        """
        def follow(group: VGroup) -> None:
            group[1].set_value(tracker.get_value())
            if place is not None:
                place(group)

        return UpdateFromFunc(label, follow)

    def gradient_arrow(self, start, end, width: float = 5, tip: float = 0.3) -> Arrow:
        """The gradient ∇L, always drawn so: solid, red, from the current point, pointing uphill."""
        return Arrow(start, end, buff=0, color=self.pal.gradient, stroke_width=width,
                     max_stroke_width_to_length_ratio=20, max_tip_length_to_length_ratio=tip)

    def step_arrow(self, start, end, width: float = 4) -> DashedLine:
        """The step −η∇L, always drawn so: dashed, in the step colour, from the point to where it goes.

        Its length is the step's true length on the axes, so it is never mistaken for the gradient.
        """
        length = float(np.linalg.norm(np.asarray(end) - np.asarray(start)))
        line = DashedLine(start, end, color=self.pal.step, stroke_width=width,
                          dash_length=min(0.12, max(length / 7, 0.02)))
        return line.add_tip(tip_length=min(0.22, 0.45 * length), tip_width=min(0.2, 0.4 * length))

    def gradient_and_step(self, a, b, length: float) -> tuple[Arrow, DashedLine]:
        """For a plain step from screen point ``a`` to ``b``: the gradient at ``a`` (red, uphill,
        ``length`` long, so opposite the step) and the step −η∇L itself (dashed, to scale)."""
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        d = a - b
        n = float(np.linalg.norm(d))
        up = d / n if n > 1e-9 else RIGHT
        return self.gradient_arrow(a, a + up * length, width=4, tip=0.3), self.step_arrow(a, b)

    def arrow_label(self, arrow, tex_string: str, color: str, side=None) -> MathTex:
        """A short TeX label (``\\nabla L``, ``-\\eta\\nabla L``) beside an arrow's middle, off its line."""
        d = np.asarray(arrow.get_end()) - np.asarray(arrow.get_start())
        n = np.array([-d[1], d[0], 0.0]) / (np.linalg.norm(d[:2]) + 1e-12)
        side = UP if side is None else side
        if float(n @ side) < 0:
            n = -n
        label = MathTex(tex_string, color=color, font_size=tex(TYPE.body))
        return label.move_to((np.asarray(arrow.get_start()) + np.asarray(arrow.get_end())) / 2
                             + n * (0.5 * label.height + 0.15))

    def update_line(self, old: float, eta: float, grad: float, new: float, name: str = "w",
                    size: float = TYPE.body) -> MarkupText:
        """One update with its numbers, ``w ← old − η × ∇ = new``: gradient red, new weight green."""
        p = self.pal
        return self.pieces([(f"{name} ← {fmt(old)} − {eta:g} ×", None), (fmt(grad), p.gradient), ("=", None),
                            (fmt(new), p.updated)], size)

    def step_panel(self, index: int, old, grad, new, eta: float, name: str = "w", nabla: str = "∇L",
                   size: float = TYPE.body, extra: str = "") -> VGroup:
        """A step of a 2-D descent in three lines: where it is, the gradient there, the update with η."""
        p = self.pal
        return VGroup(
            self.text(f"step {index}:  {name} = {_pair(old)}{extra}", size, mono=True),
            self.pieces([(f"{nabla} =", p.gradient), (_pair(grad), p.gradient)], size),
            self.pieces([(f"{name} ← {name} − {eta:g}·{nabla} =", None), (_pair(new), p.updated)], size),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)

    def loss_axes(self, x_range, y_range, x_length: float, y_length: float,
                  x_label: str = "w", y_label: str = "L(w)", ticks: bool = True) -> VGroup:
        """Axes in the foreground colour with w / L(w) labels and Pango tick numbers.

        Returns ``VGroup(axes, labels)``; ``group[0]`` is the ``Axes``.
        """
        p = self.pal
        ax = Axes(x_range=list(x_range), y_range=list(y_range), x_length=x_length, y_length=y_length,
                  tips=False, axis_config={"color": p.foreground, "stroke_width": 2,
                                           "include_ticks": ticks})
        labels = VGroup(
            MathTex(x_label, color=p.foreground, font_size=tex(TYPE.label)).next_to(ax.x_axis, RIGHT, buff=0.15),
            MathTex(y_label, color=p.foreground, font_size=tex(TYPE.label)).next_to(ax.y_axis, UP, buff=0.15),
        )
        if ticks:
            for v in _tick_values(x_range):
                labels.add(self.text(_tick(v), TYPE.small, p.muted).next_to(ax.c2p(v, y_range[0]), DOWN, 0.1))
            for v in _tick_values(y_range):
                labels.add(self.text(_tick(v), TYPE.small, p.muted).next_to(ax.c2p(x_range[0], v), LEFT, 0.1))
        return VGroup(ax, labels)

    def polyline(self, ax: Axes, xs: np.ndarray, ys: np.ndarray, color: str, width: float = 4,
                 y_clip: tuple[float, float] | None = None) -> VMobject:
        """A sampled curve drawn in finite, in-range runs (no asymptote spikes)."""
        ok = np.isfinite(ys)
        if y_clip is not None:
            ok &= (ys >= y_clip[0]) & (ys <= y_clip[1])
        curve = VMobject(stroke_color=color, stroke_width=width)
        run: list = []
        for x, y, good in zip(xs, ys, ok, strict=True):
            if good:
                run.append(ax.c2p(x, y))
            elif run:
                _add_run(curve, run)
                run = []
        if run:
            _add_run(curve, run)
        return curve


class CheapCopies:
    """Mix in before ``LessonMixin``: the same frames for less work in Manim's copies and fades.

    Every glyph of a ``Text``, ``MarkupText`` or ``MathTex`` keeps the svgelements path it was
    parsed from, which Manim never reads again but deep-copies with every copy of the glyph: a
    ``Transform``'s start and target, ``.animate``, each digit a ``DecimalNumber`` takes from its
    glyph cache. Dropped, a copy costs about a sixth. And a plain ``FadeIn``/``FadeOut`` (no shift,
    no scale) is played as an ``OpacityFadeIn``/``OpacityFadeOut``: the same frames, no copy at all.
    """

    def add(self, *mobjects):
        drop_svg_paths(*mobjects)
        return super().add(*mobjects)

    def play(self, *animations, **kwargs):
        animations = [opacity_fade(a) for a in animations]
        drop_svg_paths(*_animated(animations))  # targets, which are never added before they are copied
        return super().play(*animations, **kwargs)


class _OpacityFade:
    """What ``OpacityFadeIn`` and ``OpacityFadeOut`` change in Manim's fades: alpha alone, no copies.

    Manim's fades are transforms between the mobject and a faded copy: three deep copies of the
    family per fade, and every point interpolated at every frame, to change alpha alone. Here each
    colour's alpha goes from 0 to its own value (or back) along the same rate function, which is
    what the transform computes, so the frames are the same.
    """

    def begin(self) -> None:
        self.alphas = [(part, {name: getattr(part, name)[:, 3].copy() for name in _RGBAS})
                       for part in self.mobject.get_family() if isinstance(part, VMobject)]
        Animation.begin(self)  # not Transform.begin: no target to build, nothing to copy

    def create_starting_mobject(self) -> Mobject:
        return self.mobject

    def get_all_mobjects(self) -> list[Mobject]:
        return [self.mobject]

    def interpolate_mobject(self, alpha: float) -> None:
        t = self.rate_func(alpha)
        level = t if isinstance(self, FadeIn) else 1.0 - t
        for part, alphas in self.alphas:
            for name, alpha_of_row in alphas.items():
                rgbas = getattr(part, name)
                if len(rgbas) == len(alpha_of_row):  # unless something recoloured it meanwhile
                    rgbas[:, 3] = alpha_of_row * level


class OpacityFadeIn(_OpacityFade, FadeIn):
    """``FadeIn`` without shift or scale, for vector mobjects, done on their colours' alpha."""


class OpacityFadeOut(_OpacityFade, FadeOut):
    """``FadeOut`` without shift or scale, for vector mobjects, done on their colours' alpha.

    Once removed, the mobject gets its colours back (``FadeOut``'s own clean-up), so it shows whole if added again.
    """


#: The colour arrays of a Cairo ``VMobject``, each row RGBA.
_RGBAS = ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas")


def opacity_fade(animation):
    """``animation`` as an ``OpacityFadeIn``/``OpacityFadeOut`` if it is a plain fade of vector mobjects, else unchanged."""
    plain = (type(animation) in (FadeIn, FadeOut) and not np.any(animation.shift_vector)
             and animation.scale_factor == 1 and animation.lag_ratio == 0
             and all(isinstance(part, VMobject) or not part.has_points() for part in animation.mobject.get_family()))
    if not plain:
        return animation
    kind = OpacityFadeIn if isinstance(animation, FadeIn) else OpacityFadeOut
    return kind(animation.mobject, run_time=animation.run_time, rate_func=animation.rate_func)


def drop_svg_paths(*mobjects) -> None:
    """Forget the parsed SVG paths of these mobjects' glyphs, and of DecimalNumber's cached digits."""
    from manim.mobject.text.numbers import string_to_mob_map

    for mob in (*mobjects, *string_to_mob_map.values()):
        for part in mob.get_family():
            if getattr(part, "path_obj", None) is not None:
                part.path_obj = None


def _animated(animations):
    """The mobjects and targets of animations (and of the animations they group)."""
    for a in animations:
        for name in ("mobject", "target_mobject"):
            mob = getattr(a, name, None)
            if mob is not None:
                yield mob
        yield from _animated(getattr(a, "animations", ()))


def _pair(v) -> str:
    return f"({fmt(float(v[0]))}, {fmt(float(v[1]))})"


def _add_run(curve: VMobject, run: list) -> None:
    if len(run) < 2:
        return
    curve.start_new_path(run[0])
    curve.add_points_as_corners(run[1:])


def _tick_values(r) -> list[float]:
    lo, hi, step = r[0], r[1], r[2]
    n = round((hi - lo) / step)
    return [lo + i * step for i in range(n + 1)]


def _tick(v: float) -> str:
    return fmt(v, 0) if abs(v - round(v)) < 1e-9 else fmt(v, 2).rstrip("0")


def contour_mobjects(ax: Axes, f, x_range, y_range, count: int, color: str, n: int = 70) -> VGroup:
    """Real contour lines of ``f(w1=..., w2=...)`` by marching squares, one VMobject per level."""
    from ._maths import contour_levels, contour_segments

    xs = np.linspace(x_range[0], x_range[1], n)
    ys = np.linspace(y_range[0], y_range[1], n)
    gx, gy = np.meshgrid(xs, ys)
    z = np.asarray(f(w1=gx, w2=gy), dtype=float)
    group = VGroup()
    levels = contour_levels(z, count)
    for k, level in enumerate(levels):
        m = VMobject(stroke_color=color, stroke_width=2, stroke_opacity=0.9 - 0.5 * k / max(count - 1, 1))
        for a, b in contour_segments(z, xs, ys, level):
            m.start_new_path(ax.c2p(*a))
            m.add_line_to(ax.c2p(*b))
        group.add(m)
    group.levels = levels
    return group


def square_view(points: np.ndarray, pad: float = 0.2) -> tuple[tuple, tuple]:
    """Axis ranges (low, high, tick) for each coordinate of 2-D points, padded."""
    from ._maths import nice_range

    return nice_range(points[:, 0], pad=pad), nice_range(points[:, 1], pad=pad)

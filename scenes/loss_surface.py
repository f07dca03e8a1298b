"""A 3-D loss surface with the gradient-descent path travelling over it."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import (
    DEGREES,
    DOWN,
    DR,
    IN,
    OUT,
    RIGHT,
    UL,
    UP,
    UR,
    Create,
    Dot3D,
    FadeIn,
    FadeOut,
    GrowArrow,
    GrowFromPoint,
    Line,
    MathTex,
    Surface,
    ThreeDAxes,
    ThreeDScene,
    VGroup,
)

from ._base import CheapCopies, LessonMixin, counted, fmt
from ._losses import TwoWeightLoss
from ._params import Range, check_params
from ._typography import TYPE, tex

__all__ = ["LossSurface"]


class LossSurface(TwoWeightLoss, CheapCopies, LessonMixin, ThreeDScene):
    """Gradient descent drawn on the 3-D surface z = L(w1, w2); on the floor below the point, the
    gradient ∇L (red, uphill) and the step −η∇L (dashed) of each step.

    Args:
        loss: Loss L(w1, w2) as an expression in w1 and w2.
        start: Initial point [w1, w2].
        learning_rate: Step size eta.
        steps: Number of steps.
    """

    def __init__(self, *, loss: str = "0.5*w1**2 + w2**2 + 0.3*sin(2*w1)",
                 start: Annotated[list[float], Range(-100, 100)] = [2.2, 1.8],  # noqa: B006
                 learning_rate: Annotated[float, Range(0.0001, 10)] = 0.25,
                 steps: Annotated[int, Range(1, 40)] = 10, **kwargs):
        check_params(type(self), locals())
        self.loss, self.start, self.learning_rate, self.steps = loss, [float(v) for v in start], float(learning_rate), steps
        self.init_loss(loss, self.start)
        self.path = self.descend(self.start, self.learning_rate, steps, limit=50)
        super().__init__(**kwargs)

    def describe(self) -> str:
        e = self.path[-1]
        return (f"Gradient descent on the surface L = {self.expr.text} from ({fmt(self.start[0], 2)}, {fmt(self.start[1], 2)}) "
                f"with η = {self.learning_rate:g}: after {counted(self.steps, 'step')} L falls "
                f"from {fmt(self.value(self.start))} to {fmt(self.value(e))} at ({fmt(e[0])}, {fmt(e[1])}).")

    def values(self) -> dict[str, str]:
        """``steps``, ``start_loss``, ``final_loss``, ``final_w1``, ``final_w2``: as the frames show them."""
        e = self.path[-1]
        return {"steps": str(self.steps), "start_loss": fmt(self.value(self.path[0])),
                "final_loss": fmt(self.value(e)), "final_w1": fmt(e[0]), "final_w2": fmt(e[1])}

    def step_table(self):
        rows = [[i + 1, round(float(a[0]), 4), round(float(a[1]), 4), round(self.value(a), 4), round(self.value(b), 4)]
                for i, (a, b) in enumerate(zip(self.path[:-1], self.path[1:], strict=True))]
        return ["step", "w1", "w2", "L", "new L"], rows

    # -- drawing: one method per stage --------------------------------------------------------

    def construct(self) -> None:
        self.section("The loss surface")
        axes = self.show_loss()
        dot = Dot3D(self.on_surface(axes, self.path[0]), radius=0.09, color=self.pal.current)
        self.play(FadeIn(dot), run_time=0.3)
        for i, (a, b) in enumerate(zip(self.path[:-1], self.path[1:], strict=True)):
            self.show_step(axes, dot, i, a, b)
        self.section("Where the descent ended")
        self.show_end(dot)

    def on_surface(self, axes: ThreeDAxes, q) -> np.ndarray:
        return axes.c2p(q[0], q[1], self.value(q))

    def flat(self, *mobjects) -> None:
        """Keep text facing the viewer: fixed in the frame, shown by the next animation rather than now."""
        self.add_fixed_in_frame_mobjects(*mobjects)
        self.remove(*mobjects)

    def show_loss(self) -> ThreeDAxes:
        """3-D axes labelled w1, w2 and L at their ends, the surface L(w1, w2), then the update rule."""
        p = self.pal
        r = float(np.ceil(max(np.abs(self.path).max() * 1.15, 1.0)))
        zs = self.expr(w1=np.linspace(-r, r, 41)[:, None], w2=np.linspace(-r, r, 41)[None, :])
        z_lo, z_hi = min(0.0, np.floor(float(np.nanmin(zs)))), float(np.ceil(float(np.nanmax(zs))))
        self.floor = z_lo
        axes = ThreeDAxes(x_range=[-r, r, 1], y_range=[-r, r, 1], z_range=[z_lo, z_hi, max(1, (z_hi - z_lo) // 4)],
                          x_length=6, y_length=6, z_length=3, axis_config={"color": p.foreground, "include_tip": False})
        axes.shift(IN * 1.6)
        self.set_camera_orientation(phi=62 * DEGREES, theta=-50 * DEGREES, zoom=0.75)
        # Labels sit at the axis ends in space but always face the camera, so they stay readable.
        labels = [MathTex(name, color=p.foreground, font_size=tex(TYPE.label)).move_to(axis.get_end() + 0.4 * out)
                  for name, axis, out in (("w_1", axes.x_axis, RIGHT), ("w_2", axes.y_axis, UP), ("L", axes.z_axis, OUT))]
        self.add_fixed_orientation_mobjects(*labels)
        self.remove(*labels)
        surf = Surface(lambda u, v: axes.c2p(u, v, self.value((u, v))), u_range=[-r, r], v_range=[-r, r],
                       resolution=(16, 16), fill_opacity=0.55, stroke_width=0.4, stroke_color=p.curve,
                       checkerboard_colors=[p.curve, p.curve])
        title = self.text(f"L = {self.expr.text}", TYPE.label).to_corner(UL, buff=0.3)
        rule = VGroup(self.text(f"w ← w − {self.learning_rate:g}·∇L", TYPE.body, mono=True),
                      self.text("on the floor: red ∇L (uphill),", TYPE.small, p.gradient),
                      self.text("dashed: the step −η∇L", TYPE.small, p.step))
        rule.arrange(DOWN, aligned_edge=RIGHT, buff=0.1).to_corner(UR, buff=0.3)
        self.flat(title, rule)
        self.play(Create(axes), *[FadeIn(x) for x in labels], FadeIn(title), run_time=0.7)
        fix_axis_shading(axes)
        self.play(Create(surf), run_time=1.2)
        self.play(FadeIn(rule), run_time=0.3)
        return axes

    def show_step(self, axes: ThreeDAxes, dot: Dot3D, i: int, a: np.ndarray, b: np.ndarray) -> None:
        """On the floor, the gradient (red, uphill) and the step −η∇L (dashed) with the numbers, then
        the point rolls to the next."""
        here, there = axes.c2p(a[0], a[1], self.floor), axes.c2p(b[0], b[1], self.floor)
        g0 = float(np.linalg.norm(self.grad(self.path[0])))
        length = float(np.clip(1.0 * np.linalg.norm(self.grad(a)) / g0, 0.3, 1.0))
        # ∇L's direction on the floor, mapped through the axes like the step (which is −η∇L).
        up = axes.c2p(a[0] + self.grad(a)[0], a[1] + self.grad(a)[1], self.floor) - here
        arrow = self.gradient_arrow(here, here + up / (np.linalg.norm(up) + 1e-12) * length, width=4)
        step = self.step_arrow(here, there)
        info = self.step_panel(i + 1, a, self.grad(a), b, self.learning_rate,
                               extra=f",  L = {fmt(self.value(a))}").to_corner(DR, buff=0.3)
        self.flat(info)
        trail = Line(self.on_surface(axes, a), self.on_surface(axes, b), color=self.pal.current, stroke_width=4)
        rt = 0.3 if i < 4 else 0.18  # the first steps slowly, the rest briskly
        self.section(f"Gradient {i + 1}: the step −η∇L", row=i)
        self.play(GrowArrow(arrow), GrowFromPoint(step, here), FadeIn(info), run_time=rt)
        self.section(f"Update {i + 1}: w = ({fmt(b[0])}, {fmt(b[1])})", row=i)
        self.play(dot.animate.move_to(self.on_surface(axes, b)), Create(trail), FadeOut(arrow), FadeOut(step),
                  FadeOut(info), run_time=rt)

    def show_end(self, dot: Dot3D) -> None:
        v = self.values()
        end = self.text(f"final L = {v['final_loss']} at ({v['final_w1']}, {v['final_w2']})", TYPE.body, self.pal.minimum)
        self.flat(end.to_edge(DOWN, buff=0.3))
        self.play(FadeIn(end), dot.animate.set_color(self.pal.minimum), run_time=0.5)
        self.wait(1)


def fix_axis_shading(axes: ThreeDAxes) -> None:
    """Shade the drawn axes from ends computed once, as Manim would compute them at every frame.

    Manim shades each of an axis's pieces (about 20 per axis, and its ticks) from the axis's two
    ends, found from all the axis's points, again for every piece at every frame: a sixth of this
    scene's render. Once ``Create`` has drawn them the axes never move, so the ends never change.
    """
    for axis in axes:
        ends = (axis.get_edge_center(-axes.light_source), axis.get_edge_center(axes.light_source))
        for part in axis.family_members_with_points():
            if "get_gradient_start_and_end_points" in vars(part):  # set by ThreeDAxes for its shading
                part.get_gradient_start_and_end_points = lambda ends=ends: ends

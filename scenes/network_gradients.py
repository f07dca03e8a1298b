"""Gradient magnitude in a network (seed ``visualize_gradient_magnitude``) from a real backward pass."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Circle,
    Create,
    FadeIn,
    LaggedStart,
    Line,
    ManimColor,
    MathTex,
    Scene,
    VGroup,
    interpolate_color,
)

from ._base import CheapCopies, LessonMixin, fmt
from ._maths import mlp_backward
from ._params import ParameterError, Range, check_params
from ._typography import TYPE, tex

__all__ = ["NetworkGradients"]

# The network's box in frame units: its width (column centres' span plus a column), the height of
# the tallest column at most, and where its top stands (below the loss and the layers' headers).
_NET_WIDTH, _NET_HEIGHT, _NET_TOP = 12.2, 4.6, 1.95
_GAP = 1.25  # space between the neurons of a column, in neuron radii


class NetworkGradients(CheapCopies, LessonMixin, Scene):
    """A small tanh network whose neurons and connections light up by |gradient|, output to input.

    One forward and backward pass of L = ½‖ŷ − y‖² on the given sample; neuron colour shows
    |∂L/∂z| (for inputs |∂L/∂x|), connection colour and thickness show |∂L/∂W|.

    Args:
        layers: Neurons per layer, input first (2 to 5 layers of 1 to 6 neurons).
        inputs: The sample x (one value per input neuron).
        targets: The target y (one value per output neuron).
        seed: Random seed for the initial weights.
    """

    def __init__(self, *, layers: Annotated[list[int], Range(1, 6)] = [3, 4, 4, 2],  # noqa: B006
                 inputs: Annotated[list[float], Range(-10, 10)] = [0.5, -1.0, 0.8],  # noqa: B006
                 targets: Annotated[list[float], Range(-10, 10)] = [1.0, -0.5],  # noqa: B006
                 seed: Annotated[int, Range(0, 1000000)] = 0, **kwargs):
        check_params(type(self), locals())
        if not 2 <= len(layers) <= 5:
            raise ParameterError("layers: give 2 to 5 layer sizes")
        if len(inputs) != layers[0]:
            raise ParameterError(f"inputs: the first layer has {layers[0]} neurons, so give {layers[0]} inputs")
        if len(targets) != layers[-1]:
            raise ParameterError(f"targets: the last layer has {layers[-1]} neurons, so give {layers[-1]} targets")
        self.layers, self.inputs, self.targets, self.seed = list(layers), list(inputs), list(targets), seed
        self.net = mlp_backward(self.layers, self.inputs, self.targets, seed)
        mags = [np.abs(d) for d in self.net.deltas] + [np.abs(g) for g in self.net.weight_grads]
        self.max_grad = float(max(m.max() for m in mags)) or 1.0
        super().__init__(**kwargs)

    def describe(self) -> str:
        per = ", ".join(f"layer {i + 1}: {float(np.abs(d).max()):.3f}" for i, d in enumerate(self.net.deltas))
        return (f"Backpropagation through a {'-'.join(map(str, self.layers))} tanh network on one sample "
                f"(loss {self.net.loss:.3f}); the largest |gradient| per layer, from input to output, is {per}.")

    def values(self) -> dict[str, str]:
        """The ``loss``; per layer l (1 is the input) the largest |∂L/∂z| (``max_delta_1``, ...) and each
        neuron's ∂L/∂z (``delta_2_3``: layer 2, neuron 3); per weight matrix l (from layer l to l + 1) the
        largest and the mean |∂L/∂W| (``max_dw_1``, ``mean_dw_1``); and how much each shrinks from the
        output back to the input (``delta_shrink``, ``max_dw_shrink``, ``mean_dw_shrink``)."""
        deltas = [np.abs(d) for d in self.net.deltas]
        grads = [np.abs(g) for g in self.net.weight_grads]
        out = {"loss": f"{self.net.loss:.3f}", "layers": str(len(self.layers))}
        for li, d in enumerate(self.net.deltas):
            out[f"max_delta_{li + 1}"] = fmt(float(deltas[li].max()))
            out |= {f"delta_{li + 1}_{j + 1}": fmt(float(v)) for j, v in enumerate(d)}
        for li, g in enumerate(grads):
            out |= {f"max_dw_{li + 1}": fmt(float(g.max())), f"mean_dw_{li + 1}": fmt(float(g.mean()))}
        for name, first, last in (("delta_shrink", deltas[0].max(), deltas[-1].max()),
                                  ("max_dw_shrink", grads[0].max(), grads[-1].max()),
                                  ("mean_dw_shrink", grads[0].mean(), grads[-1].mean())):
            if first > 0:
                out[name] = fmt(float(last / first), 1)
        return out

    def step_table(self):
        rows = []
        for i, d in enumerate(self.net.deltas):
            for j, v in enumerate(d):
                rows.append([i + 1, j + 1, round(float(v), 4)])
        return ["layer", "neuron", "∂L/∂z"], rows

    # -- drawing: one method per stage --------------------------------------------------------

    def construct(self) -> None:
        vec = lambda v: r"(" + r",\ ".join(f"{x:g}" for x in v) + r")"
        loss = MathTex(r"L = \frac{1}{2}\,\lVert \hat{\mathbf{y}} - \mathbf{y} \rVert^2 = " + f"{self.net.loss:.3f}"
                       + r" \qquad \mathbf{x} = " + vec(self.inputs) + r",\quad \mathbf{y} = " + vec(self.targets),
                       color=self.pal.foreground, font_size=tex(TYPE.label))
        self.section("The loss and the network")
        if loss.width > 13.6:  # long vectors: narrower rather than cut off by the frame
            loss.scale_to_fit_width(13.6)
        self.play(FadeIn(loss.to_edge(UP, buff=0.3)), run_time=0.5)
        cols, edges = self.show_network()
        # Forward pulse, input to output.
        self.section("The forward pass")
        self.play(LaggedStart(*[col.animate.set_stroke(self.pal.current) for col in cols], lag_ratio=0.5), run_time=0.8)
        self.play(*[col.animate.set_stroke(self.pal.muted) for col in cols], run_time=0.3)
        # Backward: output neurons, then the weights into them, then the layer before, ...
        for li in range(len(self.layers) - 1, -1, -1):
            self.show_layer_gradients(li, cols, edges)
        self.wait(1)

    def show_network(self) -> tuple[VGroup, VGroup]:
        """Neurons in columns, every connection, layer names and the colour legend."""
        p = self.pal
        tallest = max(self.layers)  # the tallest column fits the box: smaller neurons, never smaller text
        radius = min(0.34, _NET_HEIGHT / (2 * tallest + _GAP * (tallest - 1)))
        cols = VGroup()
        for n in self.layers:
            col = VGroup(*[Circle(radius, color=p.muted, fill_color=p.background, fill_opacity=1, stroke_width=3)
                           for _ in range(n)])
            cols.add(col.arrange(DOWN, buff=radius * _GAP))
        # Room for the loss above, each layer's header of gradient numbers, the layer names and the legend below.
        cols.arrange(RIGHT, buff=min(2.4, (_NET_WIDTH - 2 * radius * len(cols)) / max(len(cols) - 1, 1)))
        cols.move_to(UP * (_NET_TOP - cols.height / 2))
        edges = VGroup()
        for a, b in zip(cols[:-1], cols[1:], strict=True):
            edges.add(VGroup(*[Line(na.get_center(), nb.get_center(), color=p.muted, stroke_width=1.5, buff=radius)
                               for nb in b for na in a]))  # index [j * len(a) + i] is W[j, i]
        names = ["input"] + [f"hidden {i}" for i in range(1, len(self.layers) - 1)] + ["output"]
        tags = VGroup(*[self.text(name, TYPE.small, p.muted).next_to(col, DOWN, buff=0.25)
                        for name, col in zip(names, cols, strict=True)])
        self.play(Create(edges), FadeIn(cols), FadeIn(tags), run_time=0.8)
        legend = self.text("colour and thickness ∝ |∂L/∂·|, computed by backpropagation", TYPE.small, p.muted)
        self.play(FadeIn(legend.to_edge(DOWN, buff=0.25)), run_time=0.4)
        return cols, edges

    def show_layer_gradients(self, li: int, cols: VGroup, edges: VGroup) -> None:
        """Light layer ``li``'s neurons by |∂L/∂z|, then the weights into it by |∂L/∂W|, one after another."""
        col, delta = cols[li], self.net.deltas[li]
        tag = self.text(f"max |∂L/∂{'x' if li == 0 else 'z'}|\n= {fmt(float(np.abs(delta).max()))}", TYPE.body, self.pal.gradient)
        tag.move_to([col.get_center()[0], cols.get_top()[1] + 0.2 + tag.height / 2, 0])  # one row of headers
        layer = "input" if li == 0 else "output" if li == len(self.layers) - 1 else f"hidden layer {li}"
        self.section(f"Back to the {layer}: ∂L/∂{'x' if li == 0 else 'z'}",
                     row=sum(len(d) for d in self.net.deltas[:li]))  # the layer's first row in the table
        self.play(LaggedStart(*[self.light_neuron(c, abs(float(v))) for c, v in zip(col, delta, strict=True)], lag_ratio=0.25),
                  FadeIn(tag), run_time=0.7)
        if li > 0:
            g = self.net.weight_grads[li - 1]
            anims = [self.light_edge(e, abs(float(v))) for e, v in zip(edges[li - 1], g.ravel(), strict=True)]
            self.section(f"The weights into the {layer}: ∂L/∂W")
            self.play(LaggedStart(*anims, lag_ratio=0.06), run_time=0.9)

    def _color(self, mag: float) -> ManimColor:
        return interpolate_color(ManimColor(self.pal.muted), ManimColor(self.pal.gradient), min(mag / self.max_grad, 1.0))

    def light_neuron(self, c: Circle, mag: float):
        t = min(mag / self.max_grad, 1.0)
        return c.animate.set_stroke(self._color(mag), width=2 + 6 * t).set_fill(self._color(mag), opacity=0.15 + 0.6 * t)

    def light_edge(self, e: Line, mag: float):
        return e.animate.set_stroke(self._color(mag), width=1 + 7 * min(mag / self.max_grad, 1.0))

"""All the HTML gradviz writes: the slot a block leaves in a page, its figure, error and placeholder.

Front ends never write HTML themselves; they hand page-relative URLs to these functions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs_gradviz.core.job import RenderResult
    from mkdocs_gradviz.core.spec import BlockSpec

#: The player's stylesheet and scripts, by their name in the site's output folder, in the order pages load them:
#: one script per concern (palette, playback, steps, sweep, full screen, placeholders), then the figure itself.
PLAYER_ASSETS = {name: Path(__file__).parents[1] / "assets" / name for name in (
    "gradviz.css", "gradviz-theme.js", "gradviz-playback.js", "gradviz-steps.js", "gradviz-sweep.js",
    "gradviz-fullscreen.js", "gradviz-pending.js", "gradviz.js")}
_SLOT = re.compile(r'<div data-gradviz-slot="(\d+)"></div>')
_FENCE_MARKER = re.compile(r'<div data-gradviz-fence="(\d+)"></div>')
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Variant:
    """One render of a block (a video, or a still picture), with its files' URLs relative to the page."""

    theme: str
    urls: dict[str, str]  # by file suffix, as ``Entry.files()`` names them; for ``src`` attributes
    result: RenderResult
    poster_url: str = ""  # the video's poster, for the ``poster`` attribute, which no site generator rewrites
    plain_urls: dict[str, str] = field(default_factory=dict)  # by file suffix, for ``data-*`` attributes
    params: dict[str, Any] = field(default_factory=dict)  # what the render was made with (a sweep's value among them)


def render_uri(output_dir: str, key: str, suffix: str) -> str:
    """Where a render's file goes in the built site: ``<output_dir>/<key>.<suffix>``."""
    return f"{output_dir}/{key}.{suffix}"


def slot_html(index: int) -> str:
    """What a block leaves in the page's HTML until its figure is known."""
    return f'<div data-gradviz-slot="{index}"></div>'


def fence_marker_html(index: int) -> str:
    """What a fence leaves in a page until Markdown has decided whether it is a block or shown code."""
    return f'<div data-gradviz-fence="{index}"></div>'


def replace_fence_markers(html: str, replacement: Callable[[int], str]) -> str:
    """``html`` with every fence marker replaced by ``replacement(index)``, in page order."""
    return _FENCE_MARKER.sub(lambda match: replacement(int(match.group(1))), html)


def fill_slots(html: str, block_html: Callable[[int], str], assets: str) -> str:
    """``html`` with every slot replaced by ``block_html(index)``; ``assets`` placed before the first one."""
    first = _SLOT.search(html)
    if first is None:
        return html
    html = html[:first.start()] + assets + html[first.start():]
    return _SLOT.sub(lambda match: block_html(int(match.group(1))), html)


def figure_html(spec: BlockSpec, variants: list[Variant], *, defaults: dict[str, bool], dark_schemes: list[str]) -> str:
    """A ``<figure>`` showing ``variants``; the player script shows the one matching the palette.

    Videos get the player's switches, and step buttons when their scene marks steps; still
    pictures are plain images with no controls. A sweep shows its first value, a control to
    choose another, and for each value the data the player swaps in (``data-gradviz-values``) and
    its caption and table (a ``<template>``); without the script only the first value shows.
    """
    flags = {**defaults, **spec.player}
    values = _by_value(spec, variants)
    shown = values[0]
    still = shown[0].result.kind == "image"
    media = "".join(_image_html(v, _label(spec, v)) if still else _video_html(v, _label(spec, v), flags) for v in shown)
    steps = not still and any(v.result.steps for group in values for v in group)
    attributes = [f'class="gradviz gradviz--{spec.align}{" gradviz--still" if still else ""}"', *_width_style(spec)]
    if not still:
        attributes.append(f'data-gradviz-autoplay="{_word(flags["autoplay"])}"')
    if steps and spec.stepwise:
        attributes.append('data-gradviz-stepwise="true"')
    attributes.append(f'data-gradviz-dark="{escape(" ".join(dark_schemes))}"')
    if spec.sweep:
        attributes.append(f'data-gradviz-values="{escape(_json([_value_data(spec, group) for group in values]))}"')
    templates = "".join(f'<template data-gradviz-value="{index}">{_caption_html(spec, group[0])}'
                        f"{_table_html(spec, group[0])}</template>" for index, group in enumerate(values)) if spec.sweep else ""
    return (f"<figure {' '.join(attributes)}>{media}{_controls_html(video=not still, steps=steps)}"
            f"{_sweep_html(spec, values)}{_caption_html(spec, shown[0])}{_table_html(spec, shown[0])}{templates}</figure>")


def error_html(where: str, message: str) -> str:
    """The box shown in place of a video whose block failed (under ``mkdocs serve``)."""
    return (
        '<div class="admonition failure gradviz-error" role="alert">'
        f'<p class="admonition-title">gradviz could not render the block at {escape(where)}</p>'
        f"<pre><code>{escape(message)}</code></pre></div>"
    )


def pending_html(spec: BlockSpec, scene: str, status: str, *, status_url: str, size: tuple[int, int]) -> str:
    """The placeholder ``mkdocs serve`` shows while a block renders, saying where its renders stand.

    It takes the finished figure's place and size (alignment, width, the video's aspect ratio,
    the caption), so that the player can swap the figure in from ``status_url`` without moving
    the text around it.
    """
    style = "".join(f" {attribute}" for attribute in _width_style(spec))
    figcaption = f"<figcaption>{escape(_fill(spec.caption, spec.params))}</figcaption>" if spec.caption else ""
    return (
        f'<figure class="gradviz gradviz--{spec.align} gradviz-pending"{style} aria-busy="true"'
        f' data-gradviz-status="{escape(status_url)}">'
        f'<div class="gradviz-pending__box" style="aspect-ratio: {size[0]} / {size[1]}">'
        '<span class="gradviz-pending__spinner" aria-hidden="true"></span>'
        f'<span class="gradviz-pending__text" role="status"><strong>{escape(scene)}</strong>: '
        f'<span data-gradviz-status-text>{escape(status)}</span></span>'
        f"</div>{figcaption}</figure>"
    )


def assets_html(url: Callable[[str], str]) -> str:
    """The player's stylesheet and scripts, placed in the page content so instant navigation loads them.

    ``url`` makes the page-relative URL of a file of ``PLAYER_ASSETS`` from its name.
    """
    return "".join(f'<link rel="stylesheet" href="{escape(url(name))}">' if name.endswith(".css")
                   else f'<script src="{escape(url(name))}" defer></script>' for name in PLAYER_ASSETS)


def _width_style(spec: BlockSpec) -> list[str]:
    """The block's ``width`` as a custom property: the stylesheet applies it on wide screens only."""
    return [f'style="--gradviz-width: {escape(spec.width)}"'] if spec.width else []


def _controls_html(*, video: bool, steps: bool) -> str:
    """The figure's controls, hidden until the player script runs (only it can act on them).

    A video gets play/pause whatever its block says about the browser's controls, so that
    anything moving can be stopped; a video with steps gets the step buttons and a polite live
    region that announces the step the reader goes to; every figure gets the full-screen button.
    """
    return ('<div class="gradviz-controls" role="group" aria-label="Player" hidden>'
            f"{_PLAY_HTML if video else ''}{_STEPS_HTML if steps else ''}{_FULL_HTML}</div>"
            f"{_ANNOUNCE_HTML if steps else ''}")


_PLAY_HTML = (
    '<button type="button" class="gradviz-controls__play" data-gradviz-play aria-label="Play">'
    '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">'
    '<path class="gradviz-icon-play" d="M8 5v14l11-7z"/>'
    '<path class="gradviz-icon-pause" d="M6 5h4v14H6zm8 0h4v14h-4z"/></svg></button>'
)
#: Step buttons and where playback stands: the step's number, then its label.
_STEPS_HTML = (
    '<div class="gradviz-steps" hidden>'
    '<button type="button" data-gradviz-go="previous" aria-label="Previous step">'
    '<span aria-hidden="true">‹</span><span class="gradviz-steps__word"> Previous</span></button>'
    '<span class="gradviz-steps__count" data-gradviz-step-count></span>'
    '<span class="gradviz-steps__label" data-gradviz-step-label></span>'
    '<button type="button" data-gradviz-go="next" aria-label="Next step">'
    '<span class="gradviz-steps__word">Next </span><span aria-hidden="true">›</span></button></div>'
)
_FULL_HTML = (
    '<button type="button" class="gradviz-controls__full" data-gradviz-full aria-pressed="false"'
    ' aria-label="Full screen"><svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">'
    '<path d="M4 4h6v2H6v4H4zm10 0h6v6h-2V6h-4zM4 14h2v4h4v2H4zm14 0h2v6h-6v-2h4z"/></svg></button>'
)
#: Where the player says, once, which step the reader went to; never while a video plays.
_ANNOUNCE_HTML = '<span class="gradviz-sr" aria-live="polite" aria-atomic="true" data-gradviz-announce></span>'


def _by_value(spec: BlockSpec, variants: list[Variant]) -> list[list[Variant]]:
    """The variants grouped by the value of the sweep they show, in the block's order (one group without a sweep)."""
    if not spec.sweep:
        return [variants]
    return [[v for v in variants if v.params.get(spec.sweep) == value] for value in spec.sweep_values]


def _sweep_html(spec: BlockSpec, values: list[list[Variant]]) -> str:
    """The control choosing a sweep's value: a labelled group of radio buttons, shown by the player script."""
    if not spec.sweep:
        return ""
    choices = "".join(f'<label><input type="radio" value="{index}"{" checked" if index == 0 else ""}>'
                      f"<span>{escape(_value_text(value))}</span></label>"
                      for index, value in enumerate(spec.sweep_values))
    return (f'<fieldset class="gradviz-sweep" hidden><legend>{escape(spec.sweep.replace("_", " "))}</legend>'
            f"{choices}</fieldset>")


def _value_data(spec: BlockSpec, group: list[Variant]) -> dict[str, Any]:
    """What the player needs to show one value of a sweep: each variant's files, steps and text alternative."""
    media = {}
    for variant in group:
        result, urls = variant.result, variant.plain_urls or variant.urls
        if result.kind == "image":
            media[variant.theme] = {"src": urls[result.codec], "label": _label(spec, variant)}
        else:
            media[variant.theme] = {"src": urls["mp4"], "poster": variant.poster_url or urls["png"],
                                    "track": urls.get("vtt", ""), "duration": result.duration,
                                    "steps": result.steps, "label": _label(spec, variant)}
    return {"text": _value_text(group[0].params.get(spec.sweep)), "media": media}


def _label(spec: BlockSpec, variant: Variant) -> str:
    """A render's text alternative: the block's ``alt``, or its caption and the scene's own description."""
    still = variant.result.kind == "image"
    description = (_fill(spec.alt, variant.params) or variant.result.description
                   or f"{'Picture' if still else 'Animation'}: {spec.scene}")
    return f"{_fill(spec.caption, variant.params)}. {description}" if spec.caption and not spec.alt else description


def _caption_html(spec: BlockSpec, variant: Variant) -> str:
    return f"<figcaption>{escape(_fill(spec.caption, variant.params))}</figcaption>" if spec.caption else ""


def _fill(text: str, params: dict[str, Any]) -> str:
    """``text`` with each ``{parameter}`` replaced by the render's value of it; other braces left alone."""
    return _PLACEHOLDER.sub(lambda m: _value_text(params[m.group(1)]) if m.group(1) in params else m.group(0), text)


def _value_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(_value_text, value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _video_html(variant: Variant, label: str, flags: dict[str, bool]) -> str:
    result = variant.result
    attributes = [
        f'src="{escape(variant.urls["mp4"])}"',
        f'poster="{escape(variant.poster_url or variant.urls["png"])}"',
        f'width="{result.width}" height="{result.height}"',
        f'data-gradviz-theme="{variant.theme}"',
        f'data-gradviz-duration="{result.duration}"',
        'muted playsinline preload="metadata"',
        f'aria-label="{escape(label)}"',
    ]
    attributes += [name for name in ("loop", "controls") if flags[name]]
    if not result.steps:
        return f"<video {' '.join(attributes)}></video>"
    attributes.append(f'data-gradviz-steps="{escape(_json(result.steps))}"')
    track = f'<track kind="chapters" src="{escape(variant.urls["vtt"])}" label="Steps" default>'
    return f"<video {' '.join(attributes)}>{track}</video>"


def _image_html(variant: Variant, label: str) -> str:
    result = variant.result
    return (f'<img src="{escape(variant.urls[result.codec])}" alt="{escape(label)}" width="{result.width}"'
            f' height="{result.height}" data-gradviz-theme="{variant.theme}" loading="lazy" decoding="async">')


def _table_html(spec: BlockSpec, variant: Variant) -> str:
    """The scene's numbers, when the block asks for them; rows are numbered for the steps that show them."""
    table = variant.result.table
    if not spec.table or not table:
        return ""
    headers, rows = table
    head = "".join(f"<th>{escape(str(h))}</th>" for h in headers)
    body = "".join(f'<tr data-gradviz-row="{index}">' + "".join(f"<td>{escape(_cell(c))}</td>" for c in row) + "</tr>"
                   for index, row in enumerate(rows))
    return (
        '<details class="gradviz__table"><summary>Step table</summary>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>"
    )


def _cell(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _word(flag: bool) -> str:
    return "true" if flag else "false"

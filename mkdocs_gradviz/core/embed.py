"""All the HTML gradviz writes: the slot a block leaves in a page, its figure, error and placeholder.

Front ends never write HTML themselves; they hand page-relative URLs to these functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs_gradviz.core.job import RenderResult
    from mkdocs_gradviz.core.spec import BlockSpec

#: The player's stylesheet and script, by their name in the site's output folder.
PLAYER_ASSETS = {name: Path(__file__).parents[1] / "assets" / name for name in ("gradviz.css", "gradviz.js")}
_SLOT = re.compile(r'<div data-gradviz-slot="(\d+)"></div>')
_FENCE_MARKER = re.compile(r'<div data-gradviz-fence="(\d+)"></div>')


@dataclass(frozen=True)
class Variant:
    """One render of a block (a video, or a still picture), with its files' URLs relative to the page."""

    theme: str
    urls: dict[str, str]  # by file suffix, as ``Entry.files()`` names them; for ``src`` attributes
    result: RenderResult
    poster_url: str = ""  # the video's poster, for the ``poster`` attribute, which no site generator rewrites


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

    Videos get the player's switches; still pictures are plain images with no controls.
    """
    flags = {**defaults, **spec.player}
    still = variants[0].result.kind == "image"
    description = spec.alt or variants[0].result.description or f"{'Picture' if still else 'Animation'}: {spec.scene}"
    label = f"{spec.caption}. {description}" if spec.caption and not spec.alt else description
    media = "".join(_image_html(v, label) if still else _video_html(v, label, flags) for v in variants)
    style = f' style="max-width: {escape(spec.width)}"' if spec.width else ""
    caption = f"<figcaption>{escape(spec.caption)}</figcaption>" if spec.caption else ""
    table = _table_html(variants[0].result.table) if spec.table else ""
    playing = "" if still else f' data-gradviz-autoplay="{_word(flags["autoplay"])}"'
    return (
        f'<figure class="gradviz gradviz--{spec.align}{" gradviz--still" if still else ""}"{style}{playing}'
        f' data-gradviz-dark="{escape(" ".join(dark_schemes))}">'
        f"{media}{caption}{table}</figure>"
    )


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
    style = f' style="max-width: {escape(spec.width)}"' if spec.width else ""
    figcaption = f"<figcaption>{escape(spec.caption)}</figcaption>" if spec.caption else ""
    return (
        f'<figure class="gradviz gradviz--{spec.align} gradviz-pending"{style} aria-busy="true"'
        f' data-gradviz-status="{escape(status_url)}">'
        f'<div class="gradviz-pending__box" style="aspect-ratio: {size[0]} / {size[1]}">'
        '<span class="gradviz-pending__spinner" aria-hidden="true"></span>'
        f'<span class="gradviz-pending__text" role="status"><strong>{escape(scene)}</strong>: '
        f'<span data-gradviz-status-text>{escape(status)}</span></span>'
        f"</div>{figcaption}</figure>"
    )


def assets_html(css_url: str, js_url: str) -> str:
    """The player's stylesheet and script, placed in the page content so instant navigation loads them."""
    return f'<link rel="stylesheet" href="{escape(css_url)}"><script src="{escape(js_url)}" defer></script>'


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
    return f"<video {' '.join(attributes)}></video>"


def _image_html(variant: Variant, label: str) -> str:
    result = variant.result
    return (f'<img src="{escape(variant.urls[result.codec])}" alt="{escape(label)}" width="{result.width}"'
            f' height="{result.height}" data-gradviz-theme="{variant.theme}" loading="lazy" decoding="async">')


def _table_html(table: Any) -> str:
    if not table:
        return ""
    headers, rows = table
    head = "".join(f"<th>{escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(_cell(c))}</td>" for c in row) + "</tr>" for row in rows)
    return (
        '<details class="gradviz__table"><summary>Step table</summary>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>"
    )


def _cell(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _word(flag: bool) -> str:
    return "true" if flag else "false"

"""The HTML of proof sheets: one page per site page, and their index; self-contained, opened from ``file://``."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs_gradviz.core.proof import Frame, ProofBlock

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1500px; padding: 1rem 2rem; color: #1d1d1f; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; } .sub { color: #666; margin-top: 0; }
section.block { border-top: 3px solid #ccc; padding: 1rem 0 2rem; }
section.block > h2 { font-size: 1.05rem; margin: 0 0 .6rem; }
.meta { color: #555; font: 13px/1.4 ui-monospace, monospace; }
.grid { display: grid; grid-template-columns: minmax(18rem, 34rem) 1fr; gap: 2rem; align-items: start; }
.prose { background: #fafafa; border-left: 4px solid #ddd; padding: .2rem 1rem; }
.prose .here { color: #a33; font: 600 13px ui-monospace, monospace; margin: .6rem 0; }
.prose .none { color: #999; font-style: italic; }
.gradviz-value { background: #fff3b0; border-radius: 3px; padding: 0 2px; }
.gradviz-value-error, .error { color: #b00020; }
.frames h3 { font-size: .95rem; margin: .4rem 0; }
.frames ol { list-style: none; padding: 0; margin: 0; display: grid; gap: .8rem;
             grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); }
.frames figure { margin: 0; } .frames img { width: 100%; height: auto; border: 1px solid #ccc; display: block; }
.frames figcaption { font-size: 13px; color: #333; }
table.values { border-collapse: collapse; font: 13px ui-monospace, monospace; margin-top: .6rem; }
table.values td, table.values th { border: 1px solid #ddd; padding: 2px 8px; text-align: left; }
pre { overflow-x: auto; background: #f0f0f0; padding: .5rem; }
.admonition, details { border: 1px solid #ccc; border-left: 4px solid #888; padding: 0 .8rem; margin: .8rem 0; }
.admonition-title, summary { font-weight: 600; }
.tabbed-set > input { display: none; }
.tabbed-labels { display: flex; gap: 1rem; font-weight: 600; }
.tabbed-labels::before { content: "tabs:"; font-weight: 400; color: #666; }
.tabbed-block { border-top: 1px dashed #bbb; margin-top: .4rem; }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } }
"""


def sheet(page: str, blocks: list[ProofBlock]) -> str:
    """One page's sheet: each block's prose and frames side by side."""
    sections = "\n".join(_block(shown) for shown in blocks)
    return _document(f"Proof: {page}", f"""<h1>{escape(page)}</h1>
<p class="sub">{len(blocks)} block{'' if len(blocks) == 1 else 's'} · each frame is the last of its step ·
<a href="index.html">all pages</a></p>
{sections}""")


def index(pages: list[tuple[str, str, list[ProofBlock]]]) -> str:
    """The list of sheets, with each page's blocks and frames counted."""
    rows = "\n".join(
        f'<li><a href="{escape(href)}">{escape(page)}</a> · {len(blocks)} block{"" if len(blocks) == 1 else "s"}, '
        f'{sum(len(frames) for b in blocks for _, frames in b.runs)} frames'
        + (f' · <span class="error">{sum(b.block.error is not None for b in blocks)} failed</span>'
           if any(b.block.error is not None for b in blocks) else "") + "</li>"
        for page, href, blocks in pages)
    return _document("Proof sheets", f"<h1>Proof sheets</h1>\n<ul>\n{rows}\n</ul>")


def _block(shown: ProofBlock) -> str:
    block, spec = shown.block, shown.block.spec
    title = f"{escape(block.page)}:{block.line} · {escape(block.scene or '?')}"
    if spec is not None and spec.id:
        title += f" · id <code>{escape(spec.id)}</code>"
    params = ", ".join(f"{escape(k)}: {escape(repr(v))}" for k, v in spec.params.items()) if spec is not None else ""
    heading = f'<p class="meta">under “{escape(shown.heading)}”</p>' if shown.heading else ""
    if block.error is not None:
        pictures = f'<p class="error">{escape(str(block.error))}</p>'
    else:
        pictures = "\n".join(_run(title_, frames) for title_, frames in shown.runs) or "<p>(no render)</p>"
    return f"""<section class="block" id="line-{block.line}">
<h2>{title}</h2>
{heading}<p class="meta">{params}</p>
<div class="grid">
<div class="prose">{shown.before or '<p class="none">(no prose before the block)</p>'}
<p class="here">▼ the block (line {block.line}) ▼</p>
{shown.after or '<p class="none">(no prose after the block)</p>'}</div>
<div class="frames">{pictures}{_values(shown)}</div>
</div>
</section>"""


def _run(title: str, frames: list[Frame]) -> str:
    items = "\n".join(
        f'<li><figure><a href="{escape(f.path)}"><img src="{escape(f.path)}" width="{f.width}" height="{f.height}" '
        f'alt="{escape(f.label)}" loading="lazy"></a>'
        f"<figcaption>{escape(f.label)}{'' if f.seconds is None else f' · {f.seconds:.2f} s'}</figcaption></figure></li>"
        for f in frames)
    return (f"<h3>{escape(title)}</h3>" if title else "") + f"<ol>\n{items}\n</ol>"


def _values(shown: ProofBlock) -> str:
    if shown.values_error:
        return f'<p class="error">values: {escape(shown.values_error)}</p>'
    if not any(values for _, values in shown.values):
        return ""
    rows = "".join(f"<tr><td>{escape(run)}</td><td>{escape(name)}</td><td>{escape(value)}</td></tr>"
                   for run, values in shown.values for name, value in values.items())
    return f'<table class="values"><tr><th>run</th><th>value</th><th>as quoted</th></tr>{rows}</table>'


def _document(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>
<body>
{body}
</body></html>
"""

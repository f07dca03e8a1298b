"""Every number of every course figure can be read where the page shows it (1280-px window).

The smallest digit a block's scene ever shows comes from the scene itself, recorded without a
render (``rulebook.legibility``); the width the figure is shown at comes from Chromium. Their
product, in CSS pixels, must reach ``FLOOR``, for every block of every page of the course and for
each value of a sweep.
"""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path

import pytest
from manim import Scene
from playwright.sync_api import BrowserContext
from rulebook.legibility import SmallestText, css_px, smallest_text
from rulebook.recorder import record
from support.paths import REPO

from mkdocs_gradviz.core.library import SceneLibrary
from mkdocs_gradviz.core.scan import scan_docs
from mkdocs_gradviz.core.spec import BlockSpec, parse_block

#: The smallest digit height, in CSS pixels, a course figure may show at a 1280-px window.
FLOOR = 8.0
DOCS = REPO / "docs"
LIBRARY = SceneLibrary()
BLOCKS = scan_docs(DOCS)
PAGES = sorted({block.page for block in BLOCKS})
#: Open every collapsible admonition and show every tab's content, as a reader would one at a time.
UNFOLD = """() => {
  document.querySelectorAll("details").forEach(d => { d.open = true; });
  document.querySelectorAll(".tabbed-block").forEach(b => { b.style.display = "block"; });
}"""


def test_the_course_has_figures_to_measure() -> None:
    """The course's pages hold library blocks and code blocks, so the measure below is not empty."""
    kinds = {_spec(block.source, tuple(block.options.items())).kind for block in BLOCKS}
    assert len(BLOCKS) >= 20 and kinds == {"scene", "code"}


@pytest.mark.parametrize("page", PAGES)
def test_every_number_of_the_page_reads_at_8_css_px(page: str, context: BrowserContext, course_url: str) -> None:
    """Each figure's smallest digit, at the width Chromium shows the figure, stands at least 8 CSS px tall."""
    blocks = [block for block in BLOCKS if block.page == page]
    tab = context.new_page()
    tab.goto(course_url + _url_of(page))
    # A figure in a closed tab or a collapsed admonition is measured as it shows once the reader opens it.
    tab.evaluate(UNFOLD)
    widths = tab.eval_on_selector_all("figure.gradviz", "figures => figures.map(f => f.getBoundingClientRect().width)")
    assert len(widths) == len(blocks), f"{page}: {len(widths)} figures for {len(blocks)} blocks"
    too_small = []
    for block, width in zip(blocks, widths, strict=True):
        spec = _spec(block.source, tuple(block.options.items()))
        for run in _runs(spec):
            smallest = _smallest(spec.kind, spec.scene, spec.code, run)
            shown = css_px(smallest.height, width)
            if shown < FLOOR:
                too_small.append(f"docs/{page}:{block.line}: {spec.scene or 'code'} {dict(run) or ''} at {width:.0f} px: "
                                 f"{smallest.string!r} has {shown:.1f} px digits")
    assert too_small == []


@cache
def _spec(source: str, options: tuple[tuple[str, str], ...]) -> BlockSpec:
    return parse_block(source, dict(options), LIBRARY, allow_code=True)


def _runs(spec: BlockSpec) -> list[tuple[tuple[str, object], ...]]:
    """The parameter sets the figure can show: one, or one per value of its sweep."""
    return [tuple(sorted((name, _hashable(value)) for name, value in run.items())) for run in spec.runs()]


@cache
def _smallest(kind: str, scene: str, code: str, params: tuple[tuple[str, object], ...]) -> SmallestText:
    """The smallest text of a block's scene, recorded once per scene and parameters."""
    # Where each play settles is all smallest_text reads: its end, not the instants in between.
    smallest = smallest_text(record(_scene_class(kind, scene, code), dict(params), samples=2))
    assert smallest.play >= 0, f"{scene or 'code'}: no text recorded"
    return smallest


def _scene_class(kind: str, scene: str, code: str) -> type[Scene]:
    if kind == "scene":
        info = LIBRARY.scenes[scene]
        module = __import__(info.module, fromlist=[scene])
        return getattr(module, scene)
    namespace: dict[str, object] = {"__name__": "gradviz_block"}
    exec(compile("from manim import *\n" + textwrap.dedent(code), "<gradviz block>", "exec"), namespace)
    classes = [value for value in namespace.values()
               if isinstance(value, type) and issubclass(value, Scene) and value.__module__ == "gradviz_block"]
    return next(cls for cls in classes if not scene or cls.__name__ == scene)


def _hashable(value: object) -> object:
    return tuple(_hashable(v) for v in value) if isinstance(value, list | tuple) else value


def _url_of(page: str) -> str:
    """The page's URL under ``use_directory_urls``: ``lessons/01-x.md`` -> ``lessons/01-x/``."""
    path = Path(page)
    if path.stem == "index":
        return "" if str(path.parent) == "." else f"{path.parent.as_posix()}/"
    return f"{path.with_suffix('').as_posix()}/"

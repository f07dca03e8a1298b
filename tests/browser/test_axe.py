"""Accessibility audit: axe-core's WCAG 2.1 A and AA rules on every course page and every kind of figure.

axe-core comes from npm (``node_modules``, installed by scripts/setup.sh), never from a CDN. Each
page is audited in both palettes, chosen by the reader's system (``prefers-color-scheme``) or by
Material's palette toggle; the page of figures also under other primary and accent colours an
author may pick, where the audit covers what gradviz draws.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.utils.yaml import yaml_load
from playwright.sync_api import Browser, BrowserContext, Page
from support.browser import toggle_palette
from support.course import Course
from support.paths import PLAYER_SCENES, REPO, SCREENSHOTS
from support.web import serving

from mkdocs_gradviz.cli import build_site
from mkdocs_gradviz.core.embed import error_html, pending_html
from mkdocs_gradviz.core.spec import BlockSpec

#: axe-core as npm installed it (package.json pins the version).
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.1 level A and AA, as axe-core tags its rules.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Where the audit leaves its summary for a person to read.
SUMMARY = SCREENSHOTS.parent / "axe"


@dataclass(frozen=True)
class Palette:
    """How a reader ends up with a palette: the system's preference, and whether they clicked the toggle."""

    system: str  # prefers-color-scheme
    toggled: bool

    @property
    def scheme(self) -> str:
        """Material's scheme the page should show."""
        dark = (self.system == "dark") != self.toggled
        return "slate" if dark else "default"

    def __str__(self) -> str:
        return f"{self.system} system, toggled" if self.toggled else f"{self.system} system"


PALETTES = [Palette("light", False), Palette("dark", False), Palette("light", True), Palette("dark", True)]
#: Primary and accent colours an author may pick (Material's names): pale, dark and the extremes.
COLOURS = [("indigo", "deep-orange"), ("yellow", "lime"), ("teal", "pink"), ("black", "amber"), ("white", "cyan")]


@dataclass(frozen=True)
class Violation:
    """One element breaking one rule, on one page in one palette."""

    page: str
    rule: str
    selector: str
    html: str  # the element's opening tag, shortened
    summary: str

    def __str__(self) -> str:
        return f"{self.page}: {self.rule} at {self.selector} {self.html}: {self.summary}"


def audit(page: Page, where: str, *, include: list[str] | None = None) -> list[Violation]:
    """axe-core's WCAG 2.1 AA violations on ``page`` (or inside the ``include`` selectors only)."""
    assert AXE.is_file(), f"{AXE} is missing: run scripts/setup.sh (npm ci)"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE, {"tags": TAGS, "include": include})
    return [Violation(where, rule["id"], node["target"], node["html"], node["summary"])
            for rule in found for node in rule["nodes"]]


def faint_edges(page: Page, where: str) -> list[str]:
    """What marks a figure's controls and their state but has less than 3:1 against the page (WCAG 1.4.11).

    axe-core checks the contrast of text only: this checks the edges of the buttons and of the
    sweep's values, the chosen value's fill and the step table's mark of the current row.
    """
    marks = page.evaluate(EDGE_CONTRASTS)
    assert {what for what, _, _ in marks} == MARKS, f"{where}: the page shows every kind of mark"
    return [f"{where}: {what} ({element}) is {ratio:.2f}:1 against the page's background (WCAG 1.4.11 asks 3:1)"
            for what, element, ratio in marks if not ratio >= 3]  # NaN (a colour not understood) fails too


def open_settled(page: Page, url: str, palette: Palette) -> None:
    """Go to ``url`` in ``palette`` and wait until the player has set up every figure; check the scheme."""
    page.goto(url, wait_until="networkidle")
    if palette.toggled and page.evaluate("document.body.dataset.mdColorScheme") != palette.scheme:
        toggle_palette(page)  # Material remembers the choice for the next pages of the site
    page.wait_for_function("Array.from(document.querySelectorAll('figure.gradviz:not(.gradviz-pending)'))"
                           ".every(f => f.dataset.gradvizReady === 'true' && f.dataset.gradvizShow)")
    assert page.evaluate("document.body.dataset.mdColorScheme") == palette.scheme, f"{url} in {palette}"


@pytest.fixture
def palette_context(browser: Browser, request: pytest.FixtureRequest) -> Iterator[BrowserContext]:
    """A fresh profile whose system prefers the palette's scheme."""
    palette: Palette = request.param
    fresh = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=palette.system)
    yield fresh
    fresh.close()


@pytest.mark.parametrize("palette_context", PALETTES, ids=str, indirect=True)
def test_every_course_page_passes_wcag_aa(course: Course, course_url: str, palette_context: BrowserContext,
                                          request: pytest.FixtureRequest) -> None:
    """Every page of the course has no axe-core WCAG 2.1 A/AA violation, in either palette however it was chosen."""
    palette: Palette = request.node.callspec.params["palette_context"]
    pages = sorted(p.relative_to(course.site).as_posix() for p in course.site.rglob("*.html"))
    assert len(pages) >= 16
    page = palette_context.new_page()
    violations, lines = [], []
    for path in pages:
        open_settled(page, course_url + path.removesuffix("index.html"), palette)
        found = audit(page, f"{path} ({palette})")
        violations += found
        lines.append(f"{palette!s:22} ({palette.scheme:7}) {path:42} {len(found)} violations")
    page.close()
    _summarise(f"course-{palette}", lines + [str(v) for v in violations])
    assert violations == [], "\n".join(map(str, violations))


FIGURES_PAGE = """\
    # Every kind of figure

    A paragraph of prose with [a link to the blocks reference](https://example.org/blocks/) in it, so that
    the figures sit in running text as they do in a lesson.

    ```gradviz
    scene: Stepper
    caption: A video that plays by itself
    ```

    ```gradviz
    scene: Stepper
    still: true
    caption: A still picture of the last frame
    ```

    ```gradviz
    scene: Stepper
    stepwise: true
    autoplay: false
    table: true
    caption: One step at a time, with its numbers
    ```

    ```gradviz
    scene: Stepper
    shift: [0.5, 1.0, 1.5]
    sweep: shift
    autoplay: false
    table: true
    caption: Each step moves the dot by {shift}
    ```

    {pending}

    {error}

    The end of the page.
    """


@dataclass(frozen=True)
class FiguresSite:
    """The page of every kind of figure, built and served."""

    url: str


@pytest.fixture(scope="module")
def figures(run_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FiguresSite]:
    """A Material site (the course's palette settings) whose page holds every kind of figure gradviz draws.

    The placeholder and the error box are written by embed.py's own functions, as ``mkdocs serve``
    writes them; the placeholder's status file says the render is still going.
    """
    root = tmp_path_factory.mktemp("figures")
    docs = root / "docs"
    docs.mkdir()
    pending = pending_html(BlockSpec(kind="scene", scene="Stepper", caption="A figure still rendering"),
                           "Stepper", "rendering, 2 of 6 renders done", status_url="pending.json", size=(16, 9))
    error = error_html("docs/index.md:40", "ValueError: shift must be at most 2, not 3")
    (docs / "index.md").write_text(textwrap.dedent(FIGURES_PAGE).replace("{pending}", pending)
                                   .replace("{error}", error), encoding="utf-8")
    (docs / "pending.json").write_text(json.dumps({"state": "rendering", "text": "rendering, 3 of 6 renders done"}),
                                       encoding="utf-8")
    course = yaml_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    stylesheets = [name for name in course.get("extra_css", []) if "katex" not in name]  # the course's own
    config = {
        "site_name": "Every kind of figure",
        "theme": course["theme"],  # the course's palettes, features and footer
        "plugins": [{"gradviz": {"quality": "tiny", "scenes_dir": "scenes"}}],
        "markdown_extensions": ["admonition", "pymdownx.superfences", "pymdownx.highlight"],
        "extra_css": stylesheets,
        "extra": course.get("extra", {}),
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (root / "scenes").symlink_to(PLAYER_SCENES, target_is_directory=True)
    renders = run_folder / "figure-renders"  # one render cache for the run, whoever builds this page
    renders.mkdir(exist_ok=True)
    (root / ".cache").mkdir()
    (root / ".cache" / "gradviz").symlink_to(renders, target_is_directory=True)
    for stylesheet in stylesheets:  # at the same place as in the course
        target = docs / stylesheet
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(REPO / "docs" / stylesheet)
    build_site(load_config(str(root / "mkdocs.yml"), strict=True))
    with serving(root / "site") as url:
        yield FiguresSite(url)


@pytest.mark.parametrize("palette_context", PALETTES, ids=str, indirect=True)
def test_every_kind_of_figure_passes_wcag_aa(figures: FiguresSite, palette_context: BrowserContext,
                                             request: pytest.FixtureRequest) -> None:
    """Video, still, stepwise, sweep, placeholder and error box pass axe-core, tables open and full screen too."""
    palette: Palette = request.node.callspec.params["palette_context"]
    page = palette_context.new_page()
    open_settled(page, figures.url, palette)
    _show_everything(page)
    violations = audit(page, f"figures ({palette})")
    faint = faint_edges(page, f"figures ({palette})")
    button = page.locator("figure.gradviz [data-gradviz-full]").first
    assert button.count() == 1, "the first figure offers full screen"
    button.click()
    page.wait_for_function("document.fullscreenElement || document.querySelector('.gradviz--covering')")
    violations += audit(page, f"figures, full screen ({palette})")
    page.screenshot(path=str(_screenshot(f"figures-full-{palette}")))
    page.keyboard.press("Escape")
    page.close()
    assert violations == [], "\n".join(map(str, violations))
    assert faint == [], "\n".join(faint)


@pytest.mark.parametrize("colours", COLOURS, ids="/".join)
@pytest.mark.parametrize("palette_context", PALETTES[:2], ids=str, indirect=True)
def test_figures_pass_wcag_aa_on_other_theme_colours(figures: FiguresSite, palette_context: BrowserContext,
                                                     colours: tuple[str, str], request: pytest.FixtureRequest) -> None:
    """What gradviz draws keeps its contrast, text and control edges, whatever primary and accent the theme has."""
    palette: Palette = request.node.callspec.params["palette_context"]
    primary, accent = colours
    page = palette_context.new_page()
    open_settled(page, figures.url, palette)
    # What Material writes on <body> for `primary:` and `accent:` in mkdocs.yml.
    page.evaluate("([primary, accent]) => { document.body.dataset.mdColorPrimary = primary;"
                  " document.body.dataset.mdColorAccent = accent; }", [primary, accent])
    _show_everything(page)
    where = f"figures ({palette}, primary {primary}, accent {accent})"
    page.screenshot(path=str(_screenshot(f"figures-{palette}-{primary}-{accent}")), full_page=True)
    violations = audit(page, where, include=["figure.gradviz", ".gradviz-error"])
    faint = faint_edges(page, where)
    page.close()
    assert violations == [], "\n".join(map(str, violations))
    assert faint == [], "\n".join(faint)


def _show_everything(page: Page) -> None:
    """Open every step table and go one step on in each stepwise figure, so the current row is marked."""
    page.evaluate("document.querySelectorAll('.gradviz__table').forEach(d => { d.open = true; })")
    page.wait_for_function("Array.from(document.querySelectorAll('figure.gradviz video')).every(v =>"
                           " v.closest('figure').dataset.gradvizShow !== v.dataset.gradvizTheme || v.readyState >= 1)")
    for button in page.locator("figure.gradviz [data-gradviz-go=next]").all():
        button.click()
    page.wait_for_function("document.querySelectorAll('.gradviz-row--current').length >= 1")


def _summarise(name: str, lines: list[str]) -> None:
    """Write the audit's summary where a person can read it, and print it (``pytest -s`` shows it)."""
    SUMMARY.mkdir(parents=True, exist_ok=True)
    (SUMMARY / f"{name.replace(' ', '-').replace(',', '')}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def _screenshot(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"axe-{name.replace(' ', '-').replace(',', '')}.png"


#: Run axe-core with the given tags; keep, for each violated rule, each element's selector and why it fails.
RUN_AXE = """async ({tags, include}) => {
    const context = include ? {include: include.map(selector => [selector])} : document;
    const results = await axe.run(context, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    return results.violations.map(rule => ({
        id: rule.id,
        nodes: rule.nodes.map(node => ({
            target: node.target.map(part => Array.isArray(part) ? part.join(" >>> ") : part).join(" "),
            html: node.html.replace(/\\s+/g, " ").slice(0, 100),
            summary: (node.failureSummary || rule.help).replace(/\\s+/g, " ").trim(),
        })),
    }));
}"""

#: The marks of controls and states that EDGE_CONTRASTS measures.
MARKS = {"a button's edge", "a sweep value's edge", "the chosen sweep value's fill", "the current row's mark"}
#: For each mark of a control or its state, its colour's contrast with the page's background, as
#: WCAG computes it (the mark's colour laid over the background when it is translucent).
EDGE_CONTRASTS = """() => {
    const rgba = text => { const v = text.match(/[\\d.]+/g).map(Number); return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
    const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
    const luminance = rgb => rgb.slice(0, 3).map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const contrast = (a, b) => {
        const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
    };
    const page = rgba(getComputedStyle(document.body).backgroundColor);
    if (page[3] !== 1) { throw new Error(`the page's background is not opaque: ${page}`); }
    const marks = [];
    const add = (selector, what, colour) => document.querySelectorAll(selector).forEach((element, index) =>
        marks.push([what, `${selector} #${index + 1}`, contrast(over(rgba(colour(getComputedStyle(element))), page), page)]));
    add(".gradviz-controls button:not([aria-disabled=true])", "a button's edge", style => style.borderTopColor);
    add(".gradviz-sweep input:not(:checked) + span", "a sweep value's edge", style => style.borderTopColor);
    add(".gradviz-sweep input:checked + span", "the chosen sweep value's fill", style => style.backgroundColor);
    add(".gradviz__table tr.gradviz-row--current > td:first-child", "the current row's mark",
        style => (style.boxShadow.match(/rgba?\\([^)]*\\)/) || ["rgba(0, 0, 0, 0)"])[0]);  // none: no mark at all
    return marks;
}"""

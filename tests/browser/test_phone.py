"""The course's own figures on a phone (a 390-px window) and in full screen, and floated figures on a wide screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page
from support.browser import SCREENSHOTS, Watched
from support.course import Course

PHONE = {"width": 390, "height": 844}

#: Each figure's width beside its column's (the content box of the element holding it), the controls
#: bar's height beside its tallest button's (a line of controls), and the step label's height beside
#: the step number's (one line of text).
MEASURE = """() => Array.from(document.querySelectorAll("figure.gradviz")).map(f => {
  const parent = getComputedStyle(f.parentElement);
  const column = f.parentElement.clientWidth - parseFloat(parent.paddingLeft) - parseFloat(parent.paddingRight);
  const bar = f.querySelector(":scope > .gradviz-controls");
  const steps = f.querySelector(".gradviz-steps:not([hidden])");
  const height = e => e ? e.getBoundingClientRect().height : null;
  return {
    width: f.getBoundingClientRect().width, column: column, align: f.className.match(/gradviz--(\\w+)/)[1],
    bar: height(bar), button: bar ? Math.max(...Array.from(bar.querySelectorAll("button"), height)) : null,
    gap: steps ? parseFloat(getComputedStyle(steps).rowGap) : 0,
    label: height(steps && steps.querySelector("[data-gradviz-step-label]")),
    count: height(steps && steps.querySelector("[data-gradviz-step-count]")),
  };
})"""


#: The video a figure shows, as a JavaScript expression of its figure ``f``.
SHOWN = "f.querySelector('video[data-gradviz-theme=' + f.dataset.gradvizShow + ']')"
#: The step a stepwise figure, standing still, shows after Next: the one it stands at the start of
#: (not played yet), else the following one.
NEXT_STEP = f"""f => {{
  const v = {SHOWN}, steps = JSON.parse(v.dataset.gradvizSteps);
  const shown = Number(f.querySelector("[data-gradviz-step-count]").textContent.split(" ")[1]);
  return Math.abs(v.currentTime - steps[shown - 1][0]) < 1e-3 ? shown : shown + 1;
}}"""


def _figure_pages(course: Course) -> list[str]:
    """The course's pages that hold a figure, as paths under the site ('' for the home page)."""
    pages = []
    for html in sorted(course.site.rglob("index.html")):
        if 'class="gradviz gradviz--' in html.read_text(encoding="utf-8"):
            path = html.parent.relative_to(course.site).as_posix()
            pages.append("" if path == "." else path + "/")
    return pages


def _open(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    page.wait_for_function("Array.from(document.querySelectorAll('figure.gradviz'))"
                           ".every(f => f.dataset.gradvizReady && f.dataset.gradvizShow)")
    return page


def test_every_course_figure_takes_the_whole_column_on_a_phone(course: Course, course_url: str, browser: Browser) -> None:
    """At 390 px every figure is as wide as its column, whatever its width and align; its controls take two lines at most."""
    pages = _figure_pages(course)
    assert len(pages) >= 6
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, color_scheme="light")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        aligned = 0
        for path in pages:
            watched = Watched(_open(context, course_url + path))
            page = watched.page
            figures = page.evaluate(MEASURE)
            assert figures, path
            for index, figure in enumerate(figures):
                where = f"{path} figure {index + 1}: {figure}"
                assert figure["width"] == pytest.approx(figure["column"], abs=1), where
                assert figure["bar"] <= 2 * figure["button"] + figure["gap"] + 1, where
                if figure["label"] is not None:
                    assert figure["label"] <= figure["count"] + 1, where  # one line, however long the label
                aligned += figure["align"] != "center"
            assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], path
            first = page.locator("figure.gradviz").first
            first.scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / f"phone-{path.strip('/').replace('/', '-') or 'home'}.png"))
            assert watched.problems == [], path
            page.close()
        assert aligned >= 1, "the course has a floated figure, and it was measured on the phone too"
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_course_figure_opens_full_screen_on_a_phone_and_still_steps(course: Course, course_url: str,
                                                                     browser: Browser, scheme: str) -> None:
    """One tap on Full screen fills the phone's screen with the figure; Next, the step table and a palette change work there."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, color_scheme=scheme, has_touch=True)
    try:
        page = _open(context, course_url + _first_lesson_with_a_stepwise_table(course))
        figure = page.locator("figure.gradviz[data-gradviz-stepwise]:has(.gradviz__table)").first
        figure.scroll_into_view_if_needed()
        figure.locator("[data-gradviz-full]").tap()
        page.wait_for_function("f => document.fullscreenElement === f && f.classList.contains('gradviz--full')",
                               arg=figure.element_handle())
        box = figure.bounding_box()
        assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, PHONE["width"], PHONE["height"])
        assert figure.locator("[data-gradviz-full]").get_attribute("aria-pressed") == "true"
        measured = page.evaluate(MEASURE)[_index_of(page, figure)]
        assert measured["bar"] <= 2 * measured["button"] + measured["gap"] + 1, measured
        total = len(figure.evaluate("f => JSON.parse(f.querySelector('video[data-gradviz-theme=' + f.dataset.gradvizShow"
                                    " + ']').dataset.gradvizSteps)"))
        for _ in range(2):
            figure.page.wait_for_function(f"f => {SHOWN}.paused && !{SHOWN}.seeking", arg=figure.element_handle())
            number = figure.evaluate(NEXT_STEP)
            figure.locator("[data-gradviz-go=next]").tap()
            _wait_held(figure, f"Step {number} of {total}")
        figure.locator("details.gradviz__table summary").tap()
        row = figure.locator("tr.gradviz-row--step").nth(1)
        row.locator("button").tap()
        page.wait_for_function("r => r.classList.contains('gradviz-row--current')", arg=row.element_handle())
        shown = figure.get_attribute("data-gradviz-show")
        assert shown == scheme
        _wait_painted(figure)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"phone-full-screen-{scheme}.png"))
        other = "default" if scheme == "dark" else "slate"  # the system's palette changes while in full screen
        page.evaluate("scheme => document.body.setAttribute('data-md-color-scheme', scheme)", other)
        page.wait_for_function("([f, shown]) => f.dataset.gradvizShow !== shown", arg=[figure.element_handle(), shown])
        visible = figure.locator("video").filter(visible=True)
        assert visible.count() == 1 and visible.get_attribute("data-gradviz-theme") != shown
        assert page.evaluate("f => document.fullscreenElement === f", figure.element_handle())
        figure.locator("[data-gradviz-full]").tap()  # the same button brings the page back
        page.wait_for_function("f => !document.fullscreenElement && !f.classList.contains('gradviz--full')",
                               arg=figure.element_handle())
        assert figure.locator("[data-gradviz-full]").get_attribute("aria-pressed") == "false"
    finally:
        context.close()


def test_floated_course_figures_keep_to_half_the_column_on_a_wide_screen(course: Course, course_url: str,
                                                                         browser: Browser) -> None:
    """At 1280 px an aligned figure floats at most half its column wide, whatever its block's width says."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    floated = 0
    try:
        for path in _figure_pages(course):
            page = _open(context, course_url + path)
            for figure in page.evaluate(MEASURE):
                if figure["align"] != "center":
                    assert figure["width"] <= figure["column"] / 2 + 1, f"{path}: {figure}"
                    floated += 1
            page.close()
    finally:
        context.close()
    assert floated >= 1


def _first_lesson_with_a_stepwise_table(course: Course) -> str:
    for path in _figure_pages(course):
        html = (course.site / path / "index.html").read_text(encoding="utf-8")
        for figure in html.split("<figure ")[1:]:
            if "data-gradviz-stepwise" in figure.split(">", 1)[0] and "gradviz__table" in figure.split("</figure>", 1)[0]:
                return path
    raise AssertionError("no course page has a stepwise figure with a step table")


def _index_of(page: Page, figure: Locator) -> int:
    return page.evaluate("f => Array.from(document.querySelectorAll('figure.gradviz')).indexOf(f)", figure.element_handle())


def _wait_held(figure: Locator, text: str) -> None:
    figure.page.wait_for_function(
        "([f, text]) => { const v = f.querySelector('video[data-gradviz-theme=' + f.dataset.gradvizShow + ']');"
        " return v.paused && !v.seeking && f.querySelector('[data-gradviz-step-count]').textContent === text; }",
        arg=[figure.element_handle(), text])


def _wait_painted(figure: Locator) -> None:
    figure.page.wait_for_function(
        "f => { const v = f.querySelector('video[data-gradviz-theme=' + f.dataset.gradvizShow + ']');"
        " return v.readyState >= 2 && !v.seeking; }", arg=figure.element_handle())


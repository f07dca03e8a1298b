"""Stepping and sweeps in a real browser: Debian's Chromium, headless, against one built Material site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Locator, Page
from support.browser import PLAY_RECORDER, SCREENSHOTS, Seen, Watched, toggle_palette
from support.material import SWEEP_PAGE, Served, serving_material_site
from support.paths import PLAYER_SCENES
from support.webvtt import parse_webvtt

FRAME = 1 / 10  # seconds: quality tiny renders 10 frames per second
PAGES = {
    "index.md": """\
        # Steps

        Choose a shift on [the sweep page](sweep.md).

        ```gradviz
        scene: Stepper
        stepwise: true
        table: true
        caption: One step at a time
        ```

        ```gradviz
        scene: Stepper
        autoplay: false
        table: true
        caption: Every step, as chapters
        ```
        """,
    "sweep.md": SWEEP_PAGE,
}
#: Test helpers in the page: the video a figure shows, and every pause with the time it happened at.
HELPERS = """
window.shownVideo = f => Array.from(f.querySelectorAll("video")).find(v => v.dataset.gradvizTheme === f.dataset.gradvizShow);
window.gradvizPauses = [];
document.addEventListener("pause", e => window.gradvizPauses.push([e.target.dataset.gradvizTheme, e.target.currentTime]), true);
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The small site, built once with a light/dark palette toggle and instant navigation, served on 127.0.0.1."""
    with serving_material_site(tmp_path_factory.mktemp("player"), PAGES, name="gradviz player test", scenes=PLAYER_SCENES,
                               instant=True) as site:
        yield site


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile at 1000 px with the test helpers, from the layer's one Chromium (tests/browser/conftest.py)."""
    fresh = browser.new_context(viewport={"width": 1000, "height": 900})
    fresh.add_init_script(HELPERS)
    yield fresh
    fresh.close()


def test_next_and_previous_land_on_the_recorded_step_times(served: Served, context: BrowserContext) -> None:
    """Next and Previous, by button and by arrow key on the focused figure, seek to each recorded step start."""
    page = _open(context, served.url)
    figure = page.locator("figure.gradviz").nth(1)
    steps = _steps(figure)
    assert len(steps) == 8 and steps[0][0] == 0 and _state(figure)["paused"]
    for index in range(1, len(steps)):
        figure.locator("[data-gradviz-go=next]").click()
        state = _wait_step(figure, index + 1)
        assert state["time"] == pytest.approx(steps[index][0], abs=FRAME), index
        assert state["label"] == steps[index][1] and state["paused"]
    assert figure.locator("[data-gradviz-go=next]").get_attribute("aria-disabled") == "true"
    figure.focus()
    for index in range(len(steps) - 2, -1, -1):
        page.keyboard.press("ArrowLeft")
        assert _wait_step(figure, index + 1)["time"] == pytest.approx(steps[index][0], abs=FRAME), index
    page.keyboard.press("ArrowRight")
    assert _wait_step(figure, 2)["time"] == pytest.approx(steps[1][0], abs=FRAME)
    figure.locator("[data-gradviz-go=previous]").click()
    assert _wait_step(figure, 1)["time"] == pytest.approx(0, abs=FRAME)


def test_stepwise_pauses_at_each_step_end_until_the_reader_goes_on(served: Served, context: BrowserContext) -> None:
    """A stepwise figure plays one step, holds at its end (across a palette switch), and plays the next on Next."""
    page = _open(context, served.url)
    figure = page.locator("figure.gradviz").first
    steps = _steps(figure)
    ends = [start for start, _, _ in steps[1:]]
    duration = float(_state(figure)["duration"])
    for index, end in enumerate(ends):
        state = page.wait_for_function(
            "([f, end, text]) => { const v = shownVideo(f); return v.paused && !v.seeking"
            " && Math.abs(v.currentTime - end) < 1e-3 && f.querySelector('[data-gradviz-step-count]').textContent === text"
            " && {time: v.currentTime, theme: v.dataset.gradvizTheme}; }",
            arg=[figure.element_handle(), end, f"Step {index + 1} of {len(steps)}"]).json_value()
        if index == 3:  # the palette changes while the figure waits: the other variant waits at the same place
            toggle_palette(page)
            page.wait_for_function("([f, theme]) => f.dataset.gradvizShow !== theme", arg=[figure.element_handle(),
                                                                                         state["theme"]])
            held = _wait_step(figure, index + 1)
            assert held["paused"] and held["time"] == pytest.approx(end, abs=1e-3)
        figure.locator("[data-gradviz-go=next]").click()
    page.wait_for_function("f => shownVideo(f).ended", arg=figure.element_handle())
    assert _state(figure)["count"] == f"Step {len(steps)} of {len(steps)}"
    pauses = [time for _, time in page.evaluate("gradvizPauses") if time > 0]
    held_at = [min([*ends, duration], key=lambda end: abs(end - time)) for time in pauses]
    assert all(abs(time - end) <= FRAME for time, end in zip(pauses, held_at, strict=True)), pauses
    assert sorted(set(held_at)) == [*ends, duration], "the figure stopped at every step's end, and only there"


def test_clicking_a_table_row_seeks_to_its_step_and_the_row_follows_playback(served: Served,
                                                                             context: BrowserContext) -> None:
    """A row of the step table leads to its first step; the row of the step shown is marked as current."""
    page = _open(context, served.url)
    figure = page.locator("figure.gradviz").nth(1)
    steps = _steps(figure)
    figure.locator("details.gradviz__table summary").click()
    figure.locator("tr[data-gradviz-row='1'] td").last.click()
    state = _wait_step(figure, 4)
    assert state["time"] == pytest.approx(steps[3][0], abs=FRAME) and steps[3][1] == "Step 2: arrow"
    assert _current_row(figure) == "1"
    figure.locator("[data-gradviz-go=next]").click()
    _wait_step(figure, 5)
    assert _current_row(figure) == "1"  # "Step 2: move" shows the same row
    figure.locator("[data-gradviz-go=next]").click()
    _wait_step(figure, 6)
    assert _current_row(figure) == "2"
    shown = figure.evaluate_handle("f => shownVideo(f)")
    shown.evaluate("v => { v.currentTime = 0.2; }")  # the reader drags the time bar back to the start
    page.wait_for_function("f => f.querySelector('[data-gradviz-step-count]').textContent.startsWith('Step 1 ')",
                           arg=figure.element_handle())
    assert _current_row(figure) is None


def test_the_sweep_control_swaps_the_source_and_keeps_the_time(served: Served, context: BrowserContext) -> None:
    """Choosing another value swaps the shown video at the same time and palette, with its own caption, text and table."""
    page = _open(context, served.url + "sweep/")
    figure = page.locator("figure.gradviz")
    control = figure.locator("fieldset.gradviz-sweep")
    assert control.is_visible() and control.locator("legend").inner_text() == "shift"
    assert control.locator("label").all_inner_texts() == ["0.5", "1", "1.5"]
    assert figure.locator("figcaption").inner_text() == "Each step moves the dot by 0.5"
    before = figure.evaluate("f => { const v = shownVideo(f); v.currentTime = 2.3; return new Promise("
                             "done => v.addEventListener('seeked', () => done(v.currentSrc), {once: true})); }")
    theme = figure.get_attribute("data-gradviz-show")
    control.locator("label", has_text="1.5").click()
    after = page.wait_for_function(
        "([f, before]) => { const v = shownVideo(f); return v.currentSrc !== before && v.readyState >= 1 && !v.seeking"
        " && Math.abs(v.currentTime - 2.3) < 0.2 && {src: v.currentSrc, time: v.currentTime, paused: v.paused,"
        " label: v.getAttribute('aria-label')}; }", arg=[figure.element_handle(), before]).json_value()
    assert after["time"] == pytest.approx(2.3, abs=FRAME) and after["paused"]
    assert after["label"] == "Each step moves the dot by 1.5. A dot moves right 3 times by 1.5."
    assert figure.get_attribute("data-gradviz-show") == theme
    assert figure.locator("figcaption").inner_text() == "Each step moves the dot by 1.5"
    assert _state(figure)["count"] == "Step 5 of 8"
    figure.locator("details.gradviz__table summary").click()
    assert figure.locator("tbody tr").first.locator("td").last.inner_text() == "-1.5"
    toggle_palette(page)  # the other palette's video shows the chosen value too, at the same time
    other = page.wait_for_function(
        "([f, theme]) => { const v = shownVideo(f); return f.dataset.gradvizShow !== theme && v.readyState >= 1"
        " && !v.seeking && {src: v.currentSrc, time: v.currentTime, theme: v.dataset.gradvizTheme}; }",
        arg=[figure.element_handle(), theme]).json_value()
    chosen = figure.evaluate("f => JSON.parse(f.dataset.gradvizValues)[2].media")
    assert Path(other["src"]).name == Path(chosen[other["theme"]]["src"]).name != Path(after["src"]).name
    assert other["time"] == pytest.approx(2.3, abs=FRAME)
    control.locator("label").first.click()  # two values in quick succession: the place is kept all the same
    control.locator("label").nth(1).click()
    last = page.wait_for_function(
        "([f, src]) => { const v = shownVideo(f); return v.currentSrc.endsWith(src) && v.readyState >= 1 && !v.seeking"
        " && f.querySelector('figcaption').textContent.endsWith('by 1') && {time: v.currentTime}; }",
        arg=[figure.element_handle(), Path(figure.evaluate("f => JSON.parse(f.dataset.gradvizValues)[1].media")
                                           [other["theme"]]["src"]).name]).json_value()
    assert last["time"] == pytest.approx(2.3, abs=FRAME)


def test_keyboard_alone_reaches_every_control(served: Served, context: BrowserContext) -> None:
    """With Tab, arrows and Enter only: the figure steps, the buttons work, the sweep changes, the table opens and seeks."""
    page = _open(context, served.url + "sweep/")
    figure = page.locator("figure.gradviz")
    _tab_to(page, "document.activeElement.matches('figure.gradviz')")
    page.keyboard.press("ArrowRight")
    _wait_step(figure, 2)
    _tab_to(page, "document.activeElement.dataset.gradvizGo === 'next'")
    page.keyboard.press("Enter")
    _wait_step(figure, 3)
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.dataset.gradvizGo") == "previous"
    page.keyboard.press("Space")
    _wait_step(figure, 2)
    _tab_to(page, "document.activeElement.matches('.gradviz-sweep input:checked')")
    before = figure.evaluate("f => shownVideo(f).currentSrc")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("([f, before]) => shownVideo(f).currentSrc !== before && shownVideo(f).readyState >= 1",
                           arg=[figure.element_handle(), before])
    assert figure.locator("figcaption").inner_text() == "Each step moves the dot by 1"
    _tab_to(page, "document.activeElement.matches('details.gradviz__table summary')")
    page.keyboard.press("Enter")
    assert figure.locator("details.gradviz__table table").is_visible()
    _tab_to(page, "document.activeElement.matches('.gradviz-row__go')")
    _tab_to(page, "document.activeElement.closest('tr').dataset.gradvizRow === '2'")
    page.keyboard.press("Enter")
    assert _wait_step(figure, 6)["time"] == pytest.approx(_steps(figure)[5][0], abs=FRAME)


def test_chapters_track_is_valid_webvtt_with_the_steps(served: Served, context: BrowserContext) -> None:
    """Each video with steps has a chapters track the browser loads: one cue per step, labelled and timed as recorded."""
    page = _open(context, served.url)
    videos = page.locator("figure.gradviz video")
    assert videos.count() == 4
    for video in videos.all():
        track = video.locator("track")
        assert track.get_attribute("kind") == "chapters" and track.get_attribute("label") == "Steps"
        steps = video.evaluate("v => JSON.parse(v.dataset.gradvizSteps)")
        cues = video.evaluate("""v => new Promise(done => {
            const element = v.querySelector('track');
            const read = () => done(Array.from(element.track.cues).map(c => [c.startTime, c.endTime, c.text]));
            if (element.readyState === 2) { read(); } else { element.addEventListener('load', read, {once: true}); }
            element.track.mode = 'hidden';
        })""")
        duration = float(video.get_attribute("data-gradviz-duration"))
        assert [(start, label) for start, _, label in cues] == [(start, label) for start, label, _ in steps]
        assert [end for _, end, _ in cues] == [start for start, _, _ in steps[1:]] + [duration]
        text = urlopen(video.evaluate("v => v.querySelector('track').src")).read().decode()
        assert parse_webvtt(text) == [(start, end, label) for start, end, label in cues]


def test_reduced_motion_steps_without_playing(served: Served, browser: Browser) -> None:
    """With reduced motion nothing plays: Next shows a stepwise figure's finished step, and seeks a plain one."""
    context = browser.new_context(viewport={"width": 1000, "height": 900}, reduced_motion="reduce")
    context.add_init_script(HELPERS + PLAY_RECORDER)
    try:
        page = _open(context, served.url)
        stepwise, plain = page.locator("figure.gradviz").first, page.locator("figure.gradviz").nth(1)
        steps = _steps(stepwise)
        assert _state(stepwise)["time"] == 0 and _state(stepwise)["paused"]
        for index in range(3):
            stepwise.locator("[data-gradviz-go=next]").click()
            state = _wait_step(stepwise, index + 1, time=steps[index + 1][0])
            assert state["paused"] and state["label"] == steps[index][1]
        stepwise.locator("[data-gradviz-go=previous]").click()
        _wait_step(stepwise, 2, time=steps[2][0])
        plain.locator("[data-gradviz-go=next]").click()
        assert _wait_step(plain, 2)["time"] == pytest.approx(steps[1][0], abs=FRAME)
        assert page.evaluate("window.gradvizPlayCalls") == [], "nothing was asked to play"
    finally:
        context.close()


def test_instant_navigation_sets_up_stepping_and_the_sweep(served: Served, context: BrowserContext) -> None:
    """After a navigation.instant click the new page's step buttons and sweep control work, with no console error."""
    watched = Watched(context.new_page())
    page = watched.page
    page.goto(served.url, wait_until="networkidle")
    page.evaluate("window.stillTheSameDocument = true")
    page.get_by_role("link", name="the sweep page").click()
    page.wait_for_url(served.url + "sweep/")
    page.wait_for_function("document.querySelector('h1') && document.querySelector('h1').textContent === 'Sweep'")
    figure = page.locator("figure.gradviz")
    page.wait_for_function("f => f.dataset.gradvizReady === 'true' && shownVideo(f).readyState >= 1",
                           arg=figure.element_handle())
    assert page.evaluate("window.stillTheSameDocument") is True, "the click was not an instant navigation"
    figure.locator("[data-gradviz-go=next]").click()
    _wait_step(figure, 2)
    figure.locator("fieldset.gradviz-sweep label").nth(1).click()
    page.wait_for_function("f => f.querySelector('figcaption').textContent.endsWith('by 1')", arg=figure.element_handle())
    assert watched.problems == []


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_screenshots_of_a_sweep_and_a_stepwise_figure(served: Served, browser: Browser, scheme: str) -> None:
    """Both palettes: the stepwise figure held at a step and the sweep at another value, each drawn in its palette."""
    context = browser.new_context(viewport={"width": 1000, "height": 900}, device_scale_factor=1)
    context.add_init_script(HELPERS)
    theme = "dark" if scheme == "slate" else "light"
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, path, choose in (("stepwise", "", None), ("sweep", "sweep/", "1.5")):
            page = _open(context, served.url + path)
            if page.evaluate("document.body.dataset.mdColorScheme") != scheme:  # the choice outlives a page
                toggle_palette(page)
            figure = page.locator("figure.gradviz").first
            figure.scroll_into_view_if_needed()
            if choose:
                figure.locator("fieldset.gradviz-sweep label", has_text=choose).click()
                page.wait_for_function("f => f.querySelector('figcaption').textContent.endsWith('1.5')",
                                       arg=figure.element_handle())
                figure.locator("details.gradviz__table summary").click()
            for _ in range(3):
                figure.locator("[data-gradviz-go=next]").click()
            page.wait_for_function("f => { const v = shownVideo(f); return v.paused && !v.seeking && v.currentTime > 1"
                                   " && v.readyState >= 2; }", arg=figure.element_handle())
            shot = SCREENSHOTS / f"player-{name}-{theme}.png"
            figure.screenshot(path=str(shot))
            video = figure.evaluate("f => { const b = shownVideo(f).getBoundingClientRect(), g = f.getBoundingClientRect();"
                                    " return {x: b.x - g.x, y: b.y - g.y, width: b.width, height: b.height}; }")
            seen = Seen.of(Image.open(shot), video)
            assert figure.get_attribute("data-gradviz-show") == theme
            assert seen.shows_background(theme), f"{shot}: {seen}"
            assert seen.shows_a_drawing(theme), f"{shot}: an empty frame"
            assert figure.locator(".gradviz-steps").is_visible()
            page.close()
    finally:
        context.close()


def _open(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    page.wait_for_function("Array.from(document.querySelectorAll('figure.gradviz'))"
                           ".every(f => f.dataset.gradvizReady === 'true' && shownVideo(f) && shownVideo(f).readyState >= 1)")
    return page


def _steps(figure: Locator) -> list[list]:
    return figure.evaluate("f => JSON.parse(shownVideo(f).dataset.gradvizSteps)")


def _state(figure: Locator) -> dict:
    return figure.evaluate("f => { const v = shownVideo(f); return {time: v.currentTime, paused: v.paused, duration: v.duration,"
                           " count: f.querySelector('[data-gradviz-step-count]').textContent,"
                           " label: f.querySelector('[data-gradviz-step-label]').textContent}; }")


def _wait_step(figure: Locator, number: int, *, time: float | None = None) -> dict:
    """Wait until the figure says it shows step ``number`` (at ``time``, when given) and no seek is under way."""
    figure.page.wait_for_function(
        "([f, text, time]) => { const v = shownVideo(f); return !v.seeking"
        " && (time === null || Math.abs(v.currentTime - time) < 1e-3)"
        " && f.querySelector('[data-gradviz-step-count]').textContent === text; }",
        arg=[figure.element_handle(), f"Step {number} of {len(_steps(figure))}", time])
    return _state(figure)


def _current_row(figure: Locator) -> str | None:
    return figure.evaluate("f => { const r = f.querySelector('tr[aria-current=step]'); return r && r.dataset.gradvizRow; }")


def _tab_to(page: Page, condition: str, limit: int = 80) -> None:
    """Press Tab until ``condition`` holds of the focused element."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"Boolean(document.activeElement && ({condition}))"):
            return
    raise AssertionError(f"Tab never reached: {condition}")

"""A figure without a mouse, without sight and without motion: keyboard, screen reader and reduced motion in Chromium."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page
from support.browser import PLAY_RECORDER, SCREENSHOTS, toggle_palette
from support.material import SWEEP_PAGE, Served, serving_material_site
from support.paths import PLAYER_SCENES

PAGES = {
    "index.md": """\
        # Steps

        A paragraph with [a link](sweep.md) before the figures.

        ```gradviz
        scene: Stepper
        stepwise: true
        autoplay: false
        table: true
        caption: One step at a time
        ```

        ```gradviz
        scene: Stepper
        steps: 6
        controls: false
        caption: Round and round, with no controls of the browser's
        ```

        ```gradviz
        scene: Stepper
        still: true
        caption: Where the dot ends
        ```
        """,
    "sweep.md": SWEEP_PAGE,
}
#: The video a figure shows, every text the figures' live regions are given, and keys nobody handled.
HELPERS = """
window.shownVideo = f => Array.from(f.querySelectorAll("video")).find(v => v.dataset.gradvizTheme === f.dataset.gradvizShow);
window.announced = [];
new MutationObserver(records => records.forEach(r => {
  const region = r.target.nodeType === 1 ? r.target : r.target.parentElement;
  if (region && region.matches("[data-gradviz-announce]")) { window.announced.push(region.textContent); }
})).observe(document, {subtree: true, childList: true, characterData: true});
window.keysLeftAlone = [];
window.addEventListener("keydown", e => window.keysLeftAlone.push([e.key, !e.defaultPrevented]));
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The player's test pages, built once with a light/dark palette toggle, served on 127.0.0.1."""
    with serving_material_site(tmp_path_factory.mktemp("figure-a11y"), PAGES, name="gradviz accessibility test",
                               scenes=PLAYER_SCENES) as site:
        yield site


def _context(browser: Browser, *, width: int = 1000, scheme: str = "light", **options) -> BrowserContext:
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1,
                                  color_scheme=scheme, **options)
    context.add_init_script(HELPERS + PLAY_RECORDER)
    return context


def _open(context: BrowserContext, url: str, scheme: str = "default") -> Page:
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    page.wait_for_function("Array.from(document.querySelectorAll('figure.gradviz')).every(f => f.dataset.gradvizReady"
                           " && f.dataset.gradvizShow && (!shownVideo(f) || shownVideo(f).readyState >= 1))")
    if page.evaluate("document.body.dataset.mdColorScheme") != scheme:
        toggle_palette(page)
    return page


#: What the focused element is, for a reader of the test: its tag, its name and the figure it is in.
FOCUSED = """() => {
  const e = document.activeElement;
  const figure = e.closest("figure.gradviz");
  const name = e.matches("button, summary, input, a") && (e.getAttribute("aria-label")
    || (e.matches("input") ? e.parentElement.textContent : e.textContent));
  return {figure: figure ? Array.from(document.querySelectorAll("figure.gradviz")).indexOf(figure) : -1,
          what: e.tagName.toLowerCase() + (name ? " " + name.trim() : "")};
}"""

#: The focus ring of the focused element (the sweep's visible segment for a radio button), and the page's background.
RING = """() => {
  const e = document.activeElement;
  const drawn = e.matches(".gradviz-sweep input") ? e.nextElementSibling : e;
  const style = getComputedStyle(drawn);
  return {style: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: style.outlineColor,
          background: getComputedStyle(document.body).backgroundColor};
}"""


def _tab_through_figure(page: Page, index: int) -> list[str]:
    """Tab from the link at the page's top through figure ``index``: where the focus stops inside it, in order.

    The browser's own video controls are several stops on the video element; they count as one here.
    """
    page.locator("article a", has_text="a link").focus()
    stops: list[str] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["figure"] == index:
            if not stops or stops[-1] != focused["what"] or focused["what"] != "video":
                stops.append(focused["what"])
        elif stops:
            return stops
    return stops


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_tab_reaches_every_control_in_order_with_a_visible_ring(served: Served, browser: Browser, scheme: str) -> None:
    """Tab visits the figure, play, Previous, Next, full screen, the table and its rows; each shows a ring that contrasts."""
    context = _context(browser, scheme="dark" if scheme == "slate" else "light")
    try:
        page = _open(context, served.url, scheme)
        stepwise = page.locator("figure.gradviz").first
        stepwise.locator("details.gradviz__table summary").click()  # open, so that its rows are on the way
        stops = _tab_through_figure(page, 0)
        rows = stepwise.locator("tbody tr").count()
        assert stops[:6] == ["figure", "video", "button Play", "button Previous step", "button Next step",
                             "button Full screen"], stops
        assert stops[6:] == ["summary Step table", *(f"button Go to Step {n}: arrow" for n in range(1, rows + 1))], stops
        for name, figure, target in (("stepwise", stepwise, "figure.gradviz [data-gradviz-go=next]"),
                                     ("sweep", None, "figure.gradviz .gradviz-sweep input:checked")):
            if figure is None:
                page.goto(served.url + "sweep/")
                figure = page.locator("figure.gradviz")
                page.wait_for_function("f => f.dataset.gradvizReady", arg=figure.element_handle())
            _tab_until(page, f"document.activeElement === document.querySelector({json.dumps(target)})")
            ring = page.evaluate(RING)
            assert ring["style"] == "solid" and ring["width"] >= 2, ring
            background = _rgb(ring["background"])
            assert _contrast(_rgb(ring["colour"], ring["background"]), background) >= 3, ring
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            figure.screenshot(path=str(SCREENSHOTS / f"focus-{name}-{scheme}.png"))
    finally:
        context.close()


def test_the_keyboard_alone_works_every_control(served: Served, browser: Browser) -> None:
    """Enter and Space press play/pause, Next and a table row; arrow keys step from the figure; F opens full screen."""
    context = _context(browser)
    try:
        page = _open(context, served.url)
        figure = page.locator("figure.gradviz").first
        _tab_until(page, "document.activeElement.matches('figure.gradviz')")
        page.keyboard.press("ArrowRight")  # a stepwise figure plays its first step, then holds at its end
        _wait_held(figure, "Step 1 of 8", 0.5)
        _tab_until(page, "document.activeElement.matches('[data-gradviz-play]')")
        page.keyboard.press("Enter")  # plays the next step, and holds again
        _wait_held(figure, "Step 2 of 8", 1.0)
        _tab_until(page, "document.activeElement.dataset.gradvizGo === 'next'")
        page.keyboard.press("Space")
        _wait_held(figure, "Step 3 of 8", 1.5)
        _tab_until(page, "document.activeElement.matches('[data-gradviz-full]')")
        page.keyboard.press("Enter")
        # The button says so on the fullscreenchange event, which may come a moment after the element is full screen.
        page.wait_for_function("f => document.fullscreenElement === f"
                               " && f.querySelector('[data-gradviz-full]').getAttribute('aria-pressed') === 'true'",
                               arg=figure.element_handle())
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")  # Next, in full screen
        _wait_held(figure, "Step 4 of 8", 2.0)
        page.keyboard.press("f")
        page.wait_for_function("!document.fullscreenElement")
        _tab_until(page, "document.activeElement.matches('summary')")
        page.keyboard.press("Enter")
        _tab_until(page, "document.activeElement.matches('tr[data-gradviz-row=\"0\"] button')")
        page.keyboard.press("Enter")
        _wait_count(figure, "Step 2 of 8")
    finally:
        context.close()


def test_shortcut_keys_act_only_while_focus_is_inside_the_figure(served: Served, browser: Browser) -> None:
    """Arrow keys and F on the page, on a link or on the sweep's radios elsewhere do nothing to a figure and are not taken."""
    context = _context(browser)
    try:
        page = _open(context, served.url)
        figure = page.locator("figure.gradviz").first
        before = figure.evaluate("f => ({count: f.querySelector('[data-gradviz-step-count]').textContent,"
                                 " time: shownVideo(f).currentTime})")
        page.locator("article a", has_text="a link").focus()
        for key in ("ArrowRight", "ArrowLeft", "f"):
            page.keyboard.press(key)
        page.evaluate("document.activeElement.blur()")
        for key in ("ArrowRight", "ArrowLeft", "f"):
            page.keyboard.press(key)
        assert page.evaluate("window.keysLeftAlone") == [[key, True] for key in ("ArrowRight", "ArrowLeft", "f") * 2]
        assert page.evaluate("!document.fullscreenElement")
        assert figure.evaluate("f => ({count: f.querySelector('[data-gradviz-step-count]').textContent,"
                               " time: shownVideo(f).currentTime})") == before
        assert figure.get_attribute("aria-keyshortcuts") == "ArrowLeft ArrowRight F"
        figure.focus()
        page.keyboard.press("ArrowRight")
        assert page.evaluate("window.keysLeftAlone.at(-1)") == ["ArrowRight", False]  # inside, the figure takes it
        _wait_held(figure, "Step 1 of 8", 0.5)
    finally:
        context.close()


def test_text_alternatives_and_the_numbers_as_text(served: Served, browser: Browser) -> None:
    """Each video and still is named by its caption and the scene's description; the step table holds the scene's numbers."""
    Stepper = _stepper()
    context = _context(browser)
    try:
        page = _open(context, served.url)
        stepwise, looping, still = page.locator("figure.gradviz").all()
        for figure, caption, scene in ((stepwise, "One step at a time", Stepper()),
                                       (looping, "Round and round, with no controls of the browser's", Stepper(steps=6))):
            for video in figure.locator("video").all():
                assert video.get_attribute("aria-label") == f"{caption}. {scene.describe()}"
        for image in still.locator("img").all():
            assert image.get_attribute("alt") == f"Where the dot ends. {Stepper().describe()}"
        headers, rows = Stepper().step_table()
        assert stepwise.locator("thead th").all_text_contents() == headers
        shown = [[cell.strip() for cell in row.locator("td").all_text_contents()] for row in stepwise.locator("tbody tr").all()]
        assert shown == [[f"{value:.4g}" if isinstance(value, float) else str(value) for value in row] for row in rows]
        assert still.locator(".gradviz-controls [data-gradviz-full]").is_visible()
        assert still.locator("[data-gradviz-play], .gradviz-steps, [aria-live]").count() == 0
    finally:
        context.close()


def test_a_step_change_is_announced_once_and_a_playing_video_says_nothing(served: Served, browser: Browser) -> None:
    """The live region speaks once per step the reader goes to, and stays silent while a video plays through its steps."""
    context = _context(browser)
    try:
        page = _open(context, served.url)
        stepwise = page.locator("figure.gradviz").first
        region = stepwise.locator("[data-gradviz-announce]")
        assert region.get_attribute("aria-live") == "polite" and region.get_attribute("aria-atomic") == "true"
        stepwise.locator("[data-gradviz-play]").click()  # plays the first step through, then holds
        _wait_held(stepwise, "Step 1 of 8", 0.5)
        assert page.evaluate("window.announced") == []
        stepwise.locator("[data-gradviz-go=next]").click()
        _wait_held(stepwise, "Step 2 of 8", 1.0)
        stepwise.locator("[data-gradviz-go=previous]").click()
        _wait_held(stepwise, "Step 1 of 8", 0.5)
        assert page.evaluate("window.announced") == ["Step 2 of 8: Step 1: arrow", "Step 1 of 8: The dot"]
        looping = page.locator("figure.gradviz").nth(1)
        looping.scroll_into_view_if_needed()
        page.wait_for_function("f => !shownVideo(f).paused && shownVideo(f).currentTime > 2.5", arg=looping.element_handle())
        assert page.evaluate("window.announced").__len__() == 2, "a playing video announced its steps"
    finally:
        context.close()


def test_reduced_motion_plays_nothing_and_every_step_stays_reachable(served: Served, browser: Browser) -> None:
    """With prefers-reduced-motion nothing starts by itself, Next reaches each step of each figure, and play stays at hand."""
    context = _context(browser, reduced_motion="reduce")
    try:
        page = _open(context, served.url)
        for figure in page.locator("figure.gradviz:has(video)").all():
            figure.scroll_into_view_if_needed()
            count = len(figure.evaluate("f => JSON.parse(shownVideo(f).dataset.gradvizSteps)"))
            stepwise = figure.get_attribute("data-gradviz-stepwise") == "true"
            for click in range(1, count + (1 if stepwise else 0)):
                figure.locator("[data-gradviz-go=next]").click()  # a stepwise figure shows each step done
                _wait_count(figure, f"Step {click if stepwise else click + 1} of {count}")
            assert figure.locator("[data-gradviz-play]").is_visible()
            assert figure.evaluate("f => shownVideo(f).paused")
        assert page.evaluate("window.gradvizPlayCalls") == [], "something played by itself"
    finally:
        context.close()


def test_a_looping_figure_without_browser_controls_can_be_paused_for_good(served: Served, browser: Browser) -> None:
    """controls: false, loop and autoplay: gradviz's own button pauses it, and neither scrolling nor the palette restarts it."""
    context = _context(browser)
    try:
        page = _open(context, served.url)
        looping = page.locator("figure.gradviz").nth(1)
        looping.scroll_into_view_if_needed()
        page.wait_for_function("f => !shownVideo(f).paused && shownVideo(f).currentTime > 0.3", arg=looping.element_handle())
        assert looping.evaluate("f => shownVideo(f).controls && shownVideo(f).loop") is False
        button = looping.locator("[data-gradviz-play]")
        assert button.get_attribute("aria-label") == "Pause"
        button.click()
        page.wait_for_function("f => shownVideo(f).paused", arg=looping.element_handle())
        assert button.get_attribute("aria-label") == "Play"
        page.evaluate("window.scrollTo(0, 0)")
        page.locator("h1").scroll_into_view_if_needed()
        looping.scroll_into_view_if_needed()
        toggle_palette(page)
        page.wait_for_function("f => f.dataset.gradvizShow === 'dark'", arg=looping.element_handle())
        page.wait_for_timeout(600)  # long enough for a restart to show; the assertion does not depend on it
        assert looping.evaluate("f => Array.from(f.querySelectorAll('video')).every(v => v.paused)")
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("f => !shownVideo(f).paused", arg=looping.element_handle())
    finally:
        context.close()


def test_the_accessibility_tree_of_a_stepwise_figure(served: Served, browser: Browser) -> None:
    """The stepwise figure reads as a named figure with a labelled video, a group of named buttons and a step table."""
    context = _context(browser)
    try:
        page = _open(context, served.url)
        figure = page.locator("figure.gradviz").first
        for number, time in ((1, 0.5), (2, 1.0)):
            figure.locator("[data-gradviz-go=next]").click()
            _wait_held(figure, f"Step {number} of 8", time)
        figure.locator("details.gradviz__table summary").click()
        tree = figure.aria_snapshot()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "aria-stepwise-figure.yml").write_text(tree + "\n", encoding="utf-8")
        for line in ('- figure "One step at a time"', '- group "Player"', '- button "Play"',
                     '- button "Previous step"', '- button "Next step"', '- button "Full screen"',
                     '- text: "Step 2 of 8 · Step 1: arrow"', "- table", '- columnheader "x"',
                     "- 'button \"Go to Step 1: arrow\"': \"1\"", '- cell "-2"'):
            assert line in tree, tree
    finally:
        context.close()


def _wait_held(figure: Locator, text: str, time: float) -> None:
    """Wait until the figure stands still at ``time`` saying ``text``."""
    figure.page.wait_for_function(
        "([f, text, time]) => { const v = shownVideo(f); return v.paused && !v.seeking && Math.abs(v.currentTime - time) < 1e-3"
        " && f.querySelector('[data-gradviz-step-count]').textContent === text; }",
        arg=[figure.element_handle(), text, time])


def _wait_count(figure: Locator, text: str) -> None:
    figure.page.wait_for_function(
        "([f, text]) => !shownVideo(f).seeking && f.querySelector('[data-gradviz-step-count]').textContent === text",
        arg=[figure.element_handle(), text])


def _tab_until(page: Page, condition: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"Boolean(document.activeElement && ({condition}))"):
            return
    raise AssertionError(f"Tab never reached: {condition}")


def _stepper():
    """The test scene class itself, for the description and numbers the page must show."""
    spec = importlib.util.spec_from_file_location("player_stepper", PLAYER_SCENES / "stepper.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Stepper


def _rgb(css: str, under: str = "rgb(255, 255, 255)") -> tuple[float, float, float]:
    """A computed ``rgb()``/``rgba()`` colour as three 0-255 numbers, a translucent one laid over ``under``."""
    parts = [float(p) for p in css[css.index("(") + 1:css.index(")")].replace("/", " ").replace(",", " ").split()]
    alpha = parts[3] if len(parts) > 3 else 1.0
    base = _rgb(under) if alpha < 1 else (0.0, 0.0, 0.0)
    return tuple(alpha * c + (1 - alpha) * b for c, b in zip(parts[:3], base, strict=True))


def _contrast(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """WCAG's contrast ratio of two colours."""
    def luminance(rgb: tuple[float, float, float]) -> float:
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)

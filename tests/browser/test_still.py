"""A still picture in Chromium: the variant of the reader's palette shows, with no player controls."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser
from support.site import Site
from support.web import serving

STILL = '''```gradviz caption="A still"
class StillPicture(Scene):
    def construct(self):
        circle = Circle(radius=1.5, color=BLUE).set_fill(BLUE, opacity=0.3)
        self.add(circle, Text("no animation").next_to(circle, DOWN))
```'''
#: The pictures a reader sees: shown, loaded, and not an empty image.
SHOWN = """() => [...document.querySelectorAll('figure.gradviz img')]
    .filter(image => getComputedStyle(image).display !== 'none' && image.complete && image.naturalWidth > 0)
    .map(image => image.dataset.gradvizTheme)"""


def test_a_still_follows_the_palette_in_a_browser(tmp_path: Path, browser: Browser) -> None:
    """In Chromium a still shows its light picture on Material's default scheme and its dark one on slate."""
    site = Site.with_test_scenes(tmp_path / "project")
    site.configure(theme="material")
    site.page("index.md", "# Still\n\n" + STILL + "\n")
    site.build()
    seen: dict[str, list[str]] = {}
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    try:
        with serving(site.site) as url:
            page.goto(url, wait_until="load")
            for scheme in ("default", "slate"):
                page.evaluate("scheme => document.body.setAttribute('data-md-color-scheme', scheme)", scheme)
                page.wait_for_function("scheme => document.querySelector('figure.gradviz').dataset.gradvizShow === "
                                       "(scheme === 'slate' ? 'dark' : 'light')", arg=scheme)
                page.wait_for_function(f"({SHOWN})().length === 1")
                seen[scheme] = page.evaluate(SHOWN)
                page.screenshot(path=str(tmp_path / f"still-{scheme}.png"))
            controls = page.evaluate("document.querySelectorAll('figure.gradviz video, figure.gradviz [controls]').length")
    finally:
        page.close()
    assert seen == {"default": ["light"], "slate": ["dark"]} and controls == 0

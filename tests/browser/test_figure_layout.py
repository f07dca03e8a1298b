"""Figure options in Chromium: ``width`` sizes the figure on a wide screen, ``dark_schemes`` chooses the dark variant."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from support.site import Site
from support.web import serving

PAGE = """\
# Layout

Some text for the column.

```gradviz
scene: Label
word: wide
width: 360
```

```gradviz
scene: Label
word: wide
width: 45%
```
"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Material site whose palette offers a custom scheme, ``midnight``, listed as the only dark one."""
    site = Site.with_test_scenes(tmp_path_factory.mktemp("layout"))
    site.configure(theme="material", plugin="dark_schemes: [midnight]\n")
    site.page("index.md", PAGE)
    site.build()
    with serving(site.site) as url:
        yield url


@pytest.fixture
def page(browser: Browser, site_url: str) -> Iterator[Page]:
    opened = browser.new_page(viewport={"width": 1280, "height": 900})
    opened.goto(site_url)
    opened.wait_for_function("Array.from(document.querySelectorAll('figure.gradviz')).every(f => f.dataset.gradvizShow)")
    yield opened
    opened.close()


@pytest.mark.parametrize(("scheme", "shown"), [("midnight", "dark"), ("slate", "light"), ("default", "light")])
def test_the_schemes_listed_as_dark_show_the_dark_variant(page: Page, scheme: str, shown: str) -> None:
    """With dark_schemes [midnight], midnight shows the dark video and Material's own slate no longer does."""
    page.evaluate("scheme => document.body.setAttribute('data-md-color-scheme', scheme)", scheme)
    page.wait_for_function("shown => Array.from(document.querySelectorAll('figure.gradviz'))"
                           ".every(f => f.dataset.gradvizShow === shown)", arg=shown)
    visible = page.locator("figure.gradviz").first.locator("video").filter(visible=True)
    assert visible.count() == 1 and visible.get_attribute("data-gradviz-theme") == shown


def test_width_is_the_figures_width_on_a_wide_screen(page: Page, tmp_path: Path) -> None:
    """``width: 360`` makes a 360 px figure and ``width: 45%`` one 45 % of the text column, with the video filling it."""
    page.screenshot(path=str(tmp_path / "layout.png"), full_page=True)
    pixels, percent = (page.locator("figure.gradviz").nth(i) for i in (0, 1))
    column = page.evaluate("f => f.parentElement.getBoundingClientRect().width", pixels.element_handle())
    assert pixels.bounding_box()["width"] == pytest.approx(360, abs=1)
    assert percent.bounding_box()["width"] == pytest.approx(0.45 * column, abs=1)
    for figure in (pixels, percent):
        assert figure.locator("video").filter(visible=True).bounding_box()["width"] == pytest.approx(
            figure.bounding_box()["width"], abs=2)

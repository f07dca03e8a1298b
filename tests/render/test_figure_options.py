"""What a reader's browser gets for the figure options: width, alt, loop and dark_schemes in the built HTML."""

from __future__ import annotations

import re

import pytest

#: Four blocks of one render (the options here change the HTML only, not the video): each figure differs by one option.
PAGE = """\
# Options

```gradviz
scene: Label
word: same
caption: Plain
```

```gradviz
scene: Label
word: same
width: 45%
alt: The word "same" is written out.
loop: false
```

```gradviz
scene: Label
word: same
width: 360
caption: A caption
alt: Only this is read.
```
"""


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The page's figures as built with theme dark and dark_schemes [slate, midnight]."""
    from support.site import Site

    site = Site.with_test_scenes(tmp_path_factory.mktemp("options"))
    site.configure(plugin="theme: dark\ndark_schemes: [slate, midnight]\n")
    site.page("index.md", PAGE)
    assert site.build().run.report.rendered == 1, "HTML-only options share one render"
    return re.findall(r"<figure .*?</figure>", site.html(), re.S)


def video(figure: str) -> str:
    (tag,) = re.findall(r"<video [^>]*>", figure)
    return tag


def style(figure: str) -> str:
    """The inline style of the figure element itself ("" if none)."""
    found = re.search(r'style="([^"]*)"', figure.split(">", 1)[0])
    return found.group(1) if found else ""


def test_width_is_the_figures_width_and_a_bare_number_means_pixels(figures: list[str]) -> None:
    """``width: 45%`` and ``width: 360`` reach the figure's style (360 as 360px); no width, no style.

    How the stylesheet applies it on wide screens is checked in Chromium (tests/browser/test_figure_options.py).
    """
    plain, percent, pixels = figures
    assert style(plain) == ""
    assert re.fullmatch(r"[-\w]*width: 45%;?", style(percent)), style(percent)
    assert re.fullmatch(r"[-\w]*width: 360px;?", style(pixels)), style(pixels)


def test_alt_is_what_the_video_announces(figures: list[str]) -> None:
    """``alt`` replaces the scene's description and the caption in the video's label; without it both are read."""
    plain, described, captioned = figures
    assert re.search(r'aria-label="Plain\. [^"]+"', video(plain)), video(plain)
    assert 'aria-label="The word &quot;same&quot; is written out."' in video(described)
    assert 'aria-label="Only this is read."' in video(captioned)
    assert "<figcaption>A caption</figcaption>" in captioned


def test_loop_false_leaves_the_loop_attribute_out(figures: list[str]) -> None:
    """Videos loop by default; ``loop: false`` drops the attribute and keeps the controls."""
    plain, unlooped, _ = figures
    assert re.search(r"\bloop\b", video(plain)) and re.search(r"\bcontrols\b", video(plain))
    assert not re.search(r"\bloop\b", video(unlooped)) and re.search(r"\bcontrols\b", video(unlooped))


def test_dark_schemes_are_told_to_the_player(figures: list[str]) -> None:
    """Every figure names the Material schemes that count as dark, as the site lists them."""
    assert all('data-gradviz-dark="slate midnight"' in figure.split(">", 1)[0] for figure in figures)


def test_without_dark_schemes_slate_is_the_dark_scheme(site) -> None:
    """The default names Material's own dark scheme, slate."""
    site.page("index.md", "```gradviz\nscene: Label\nword: default\ntheme: dark\n```\n")
    site.build()
    assert 'data-gradviz-dark="slate"' in site.html()

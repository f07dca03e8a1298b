"""Full ``mkdocs build`` runs through MkDocs' own API, with real Manim renders at a tiny size."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import av
import pytest
from mkdocs.exceptions import Abort

# Dedented here: text appended to it must not turn the page into one indented code block.
PULSE = textwrap.dedent("""\
    # Lesson

    Some text.

    ```gradviz
    scene: Pulse
    radius: {radius}
    seconds: 1.2
    caption: {caption}
    ```
""")


def videos(html: str) -> list[str]:
    return re.findall(r'<video src="([^"]+)"', html)


def probe(path: Path) -> tuple[str, str, float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return stream.codec_context.name, stream.codec_context.pix_fmt, float(stream.duration * stream.time_base)


@pytest.mark.parametrize("directory_urls", [True, False])
def test_build_embeds_a_valid_video_with_page_relative_urls(site, directory_urls: bool) -> None:
    """The block becomes a figure whose video and poster resolve from the page, in either URL style."""
    site.configure(f"use_directory_urls: {str(directory_urls).lower()}\nsite_url: https://example.github.io/course/\n",
                   plugin="theme: dark\n")
    site.page("index.md", "# Home\n")
    site.page("lessons/one.md", PULSE.format(radius=1.5, caption="A growing circle"))
    plugin = site.build()

    page = site.site / ("lessons/one/index.html" if directory_urls else "lessons/one.html")
    html = page.read_text(encoding="utf-8")
    (src,) = videos(html)
    video = (page.parent / src).resolve()
    assert src.startswith("../../" if directory_urls else "../") and not src.startswith("/")
    assert video.is_file() and video.is_relative_to(site.site)
    assert probe(video)[:2] == ("h264", "yuv420p")
    assert probe(video)[2] == pytest.approx(1.2, abs=0.15)
    poster = re.search(r'poster="([^"]+)"', html).group(1)
    assert (page.parent / poster).resolve().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'width="256" height="144"' in html and "muted playsinline" in html and 'preload="metadata"' in html
    assert "<figcaption>A growing circle</figcaption>" in html
    assert 'aria-label="A growing circle. A circle of radius 1.5 grows in over 1.2 s."' in html
    for asset in re.findall(r'(?:href|src)="([^"]*gradviz\.(?:css|js))"', html):
        assert (page.parent / asset).resolve().is_file()
    assert not list(site.docs.rglob("*.mp4")), "nothing may be written into docs_dir"
    assert (plugin.run.report.found, plugin.run.report.rendered) == (1, 1)


def test_warm_build_renders_nothing_and_edits_render_only_what_changed(site) -> None:
    """Cache hits on rebuild; a changed block re-renders alone; HTML-only options never re-render."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", PULSE.format(radius=1.0, caption="One"))
    site.page("two.md", PULSE.format(radius=2.0, caption="Two"))
    first = site.build().run.report
    assert (first.found, first.rendered, first.cached) == (2, 2, 0)

    again = site.build().run.report
    assert (again.rendered, again.cached) == (0, 2)

    site.page("two.md", PULSE.format(radius=2.5, caption="Two"))
    edited = site.build().run.report
    assert (edited.rendered, edited.cached) == (1, 1)

    site.page("two.md", PULSE.format(radius=2.5, caption="A new caption") + "\nMore text.\n")
    html_only = site.build().run.report
    assert (html_only.rendered, html_only.cached) == (0, 2)
    assert "A new caption" in site.html("two/index.html")


def test_identical_blocks_on_different_pages_render_once(site) -> None:
    """Two pages with the same block share one render and one video file."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", PULSE.format(radius=1.0, caption="Same"))
    site.page("other.md", PULSE.format(radius=1.0, caption="Same again"))
    report = site.build().run.report
    assert (report.found, report.rendered) == (2, 1)
    assert Path(videos(site.html())[0]).name == Path(videos(site.html("other/index.html"))[0]).name


def test_editing_a_scene_module_re_renders_exactly_its_blocks(site, tmp_path: Path) -> None:
    """A change to a helper re-renders the scenes importing it and no others."""
    scenes = tmp_path / "scenes"
    scenes.unlink()
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "scenes", scenes)
    site.configure(plugin="theme: dark\n")
    site.page("index.md", PULSE.format(radius=1.0, caption="Pulse") + "\n```gradviz\nscene: Label\nword: hi\n```\n")
    assert site.build().run.report.rendered == 2
    helper = scenes / "_shared.py"
    helper.write_text(helper.read_text() + "\n# a comment is a change of source\n")
    report = site.build().run.report
    assert (report.rendered, report.cached) == (1, 1)


def test_auto_theme_renders_a_dark_and_a_light_variant(site) -> None:
    """The default theme setting produces two videos per block, labelled by theme."""
    site.page("index.md", "```gradviz\nscene: Label\nword: hi\n```\n")
    report = site.build().run.report
    html = site.html()
    assert report.rendered == 2
    assert 'data-gradviz-theme="dark"' in html and 'data-gradviz-theme="light"' in html
    assert len(set(videos(html))) == 2


def test_pages_without_blocks_are_byte_for_byte_unchanged(site) -> None:
    """A page with no gradviz block is identical with and without the plugin."""
    site.configure(theme="material")
    site.page("index.md", "# Plain\n\n```python\nprint('x')\n```\n\n!!! note\n    Text.\n")
    site.build()
    with_plugin = site.html()
    site.configure("", plugin="enabled: false\n", theme="material")
    site.build()
    assert site.html() == with_plugin


def test_a_bad_block_fails_the_build_naming_page_and_line(site, caplog) -> None:
    """The build stops with every failing block's page, line and cause, and renders the good ones."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", "# Title\n\n```gradviz\nscene: Pulse\nradios: 2\n```\n")
    site.page("ok.md", "```gradviz\nscene: Label\n```\n")
    with pytest.raises(Abort):
        site.build()
    message = caplog.text
    assert "docs/index.md:5: unknown parameter 'radios' for scene Pulse; did you mean 'radius'?" in message
    assert "docs/ok.md" not in message


def test_an_unterminated_fence_is_an_error(site, caplog) -> None:
    """A gradviz fence that never closes is reported instead of vanishing into the text."""
    site.page("index.md", "# Title\n\ntext\n\n```gradviz\nscene: Pulse\n")
    with pytest.raises(Abort):
        site.build()
    assert "docs/index.md:5: unterminated gradviz fence" in caplog.text


def test_missing_latex_is_named_at_startup_with_the_packages_to_install(site, caplog, monkeypatch) -> None:
    """Without latex and dvisvgm on the PATH, the build warns at once and says what to apt-get install."""
    site.page("index.md", "# Nothing to render\n")
    monkeypatch.setenv("PATH", "/nonexistent")
    site.build()
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("latex and dvisvgm not found" in w and "apt-get install texlive-latex-base" in w and "dvisvgm" in w
               for w in warnings), warnings

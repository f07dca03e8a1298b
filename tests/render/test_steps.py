"""Steps in real renders: the sections a scene marks become step times, a chapters file and player data."""

from __future__ import annotations

import json
import re

from support.webvtt import parse_webvtt

CODE = """\
```gradviz theme="dark" autoplay="false"
class Marks(Scene):
    def construct(self):
        dot = Dot()
        self.play(FadeIn(dot), run_time=0.35)
        self.next_section("Move")
        self.play(dot.animate.shift(RIGHT), run_time=0.5)
        self.next_section("Nothing happens here")
        self.next_section("Fade <out>")
        self.play(FadeOut(dot), run_time=0.5)
```
"""


def test_a_code_block_marks_steps_with_next_section(site) -> None:
    """next_section in a code block gives the video steps at frame times, a chapters track, and step buttons."""
    site.page("index.md", CODE)
    site.build()
    html = site.html()
    steps = json.loads(re.search(r'data-gradviz-steps="([^"]*)"', html).group(1).replace("&quot;", '"')
                       .replace("&lt;", "<").replace("&gt;", ">"))
    assert steps == [[0.0, "Opening", None], [0.4, "Move", None], [0.9, "Fade <out>", None]]  # 0.35 s is 4 frames
    track = re.search(r'<track kind="chapters" src="([^"]+\.vtt)" label="Steps" default>', html).group(1)
    assert parse_webvtt((site.site / track).read_text(encoding="utf-8")) == [
        (0.0, 0.4, "Opening"), (0.4, 0.9, "Move"), (0.9, 1.4, "Fade &lt;out&gt;")]
    assert '<div class="gradviz-steps" hidden>' in html and "data-gradviz-stepwise" not in html
    manifest = next((site.root / ".cache" / "gradviz" / "entries").glob("*/manifest.json"))
    assert "chapters.vtt" in json.loads(manifest.read_text(encoding="utf-8"))["files"]


def test_a_stepwise_block_says_so_only_when_its_video_has_steps(site) -> None:
    """stepwise: true marks the figure for the player; a scene without steps shows no step buttons."""
    site.page("index.md", CODE.replace('autoplay="false"', 'stepwise="true"')
              + "\n```gradviz\nscene: Label\nstepwise: true\ntheme: dark\n```\n")
    site.build()
    first, second = re.findall(r"<figure .*?</figure>", site.html())
    assert 'data-gradviz-stepwise="true"' in first and "gradviz-steps" in first
    assert "data-gradviz-stepwise" not in second and "gradviz-steps" not in second and "<track" not in second

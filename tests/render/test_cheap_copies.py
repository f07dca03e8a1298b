"""The library scenes' speed-ups draw what Manim draws: the same scene with and without them, frame for frame."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from support.frames import frames

SCENES = '''
import json
from manim import *
from mkdocs_gradviz.scenes._base import CheapCopies
from mkdocs_gradviz.scenes._numbers import Number


class Fades(Scene):
    def construct(self):
        words = Text("w = 1.500", font_size=48).shift(UP)
        box = Square(1.5, fill_color=RED, fill_opacity=0.5, stroke_width=8).shift(DOWN)
        self.play(FadeIn(words), FadeIn(box, run_time=0.8), run_time=0.6)
        self.play(words.animate.shift(LEFT), FadeOut(box), run_time=0.5)
        self.play(FadeOut(words, shift=DOWN), run_time=0.5)  # a shifted fade stays Manim's own
        self.play(FadeIn(box), run_time=0.3)
        self.add(words)  # faded out, then shown again: whole, as after Manim's FadeOut
        self.wait(0.3)


class Played(Scene):
    """Writes the class names of every animation it is asked to play."""

    played = []

    def play(self, *animations, **kwargs):
        self.played.append([type(a).__name__ for a in animations])
        return super().play(*animations, **kwargs)

    def tear_down(self):
        super().tear_down()
        with open("played.json", "w") as out:
            json.dump(self.played, out)


class CheapFades(CheapCopies, Played, Fades):
    pass


class Counting(Scene):
    """A count through a sign change and a new digit, in colour: the digits Manim copies at every frame."""

    number_class = DecimalNumber

    def construct(self):
        value = ValueTracker(-1.5)
        shown = self.number_class(-1.5, num_decimal_places=3, font_size=60, color=YELLOW).to_edge(LEFT)
        shown.add_updater(lambda m: m.set_value(value.get_value()))
        self.add(shown)
        self.play(value.animate.set_value(12.25), run_time=1.5)
        shown.clear_updaters()
        self.play(shown.animate.set_color(BLUE), run_time=0.4)


class CheapCounting(Counting):
    number_class = Number
'''


def render(folder: Path, scene: str) -> list[np.ndarray]:
    proc = subprocess.run(
        [sys.executable, "-m", "manim", "render", "-r", "256,144", "--fps", "10", "--disable_caching",
         "--progress_bar", "none", "--media_dir", str(folder / "media"), "-o", scene, "scenes.py", scene],
        cwd=folder, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (video,) = (folder / "media").rglob(f"{scene}.mp4")
    return [frame.astype(int) for frame in frames(video)]


def test_cheap_fades_draw_manims_own_frames(tmp_path: Path) -> None:
    """Plain fades played as alpha fades give Manim's frames; shifted fades are left to Manim."""
    (tmp_path / "scenes.py").write_text(SCENES, encoding="utf-8")
    manim, cheap = render(tmp_path, "Fades"), render(tmp_path, "CheapFades")
    played = json.loads((tmp_path / "played.json").read_text(encoding="utf-8"))
    assert played == [["OpacityFadeIn", "OpacityFadeIn"], ["_AnimationBuilder", "OpacityFadeOut"], ["FadeOut"],
                      ["OpacityFadeIn"], ["Wait"]]
    assert len(cheap) == len(manim) > 20
    assert max(int(np.abs(a - b).max()) for a, b in zip(manim, cheap, strict=True)) <= 2
    # The words were faded out, then added back: the last frame shows them whole, in both.
    assert manim[-1].max() > 200 and np.array_equal(manim[-1], cheap[-1])


def test_numbers_with_cheap_digits_draw_manims_own_frames(tmp_path: Path) -> None:
    """``Number`` (the library's DecimalNumber) counts, changes sign, gains a digit and recolours as Manim draws it."""
    (tmp_path / "scenes.py").write_text(SCENES, encoding="utf-8")
    manim, cheap = render(tmp_path, "Counting"), render(tmp_path, "CheapCounting")
    assert len(cheap) == len(manim) > 15
    assert not np.array_equal(manim[0], manim[14]), "the number changed on screen"
    assert all(np.array_equal(a, b) for a, b in zip(manim, cheap, strict=True))

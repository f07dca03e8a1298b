"""What Manim users write renders: common idioms of Manim's docs and tutorials, as blocks, in one build.

Each idiom is a page of its own in one site, built once at tiny size; each test checks that its
page shows a figure of the right kind (a video, or a still picture) whose files are in the site.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from support.paths import FIXTURE_SCENES
from support.site import Site

from mkdocs_gradviz.core.spec import requests_for

#: page name -> (block, the element its figure shows, the number of variants).
IDIOMS: dict[str, tuple[str, str, int]] = {
    "still_picture": ('''```gradviz caption="A still"
class StillPicture(Scene):
    def construct(self):
        circle = Circle(radius=1.5, color=BLUE).set_fill(BLUE, opacity=0.3)
        self.add(circle, Text("no animation").next_to(circle, DOWN))
```''', "img", 2),
    "still_option": ('''```gradviz still="true" theme="dark"
class LastFrame(Scene):
    def construct(self):
        dot = Dot()
        self.play(dot.animate.shift(RIGHT * 2))
        self.play(Create(Square()))
```''', "img", 1),
    "still_library_scene": ('''```gradviz
scene: Pulse
still: true
theme: dark
```''', "img", 1),
    "library_scene_light": ('''```gradviz
scene: WeightUpdate
still: true
steps: 1
```''', "img", 2),
    "image_from_array": ('''```gradviz theme="dark"
import numpy as np

class ImageFromArray(Scene):
    def construct(self):
        image = ImageMobject(np.uint8([[0, 100, 30, 200], [255, 0, 5, 33]]))
        image.height = 6
        self.add(image)
```''', "img", 1),
    "moving_camera": ('''```gradviz theme="dark"
class Zoom(MovingCameraScene):
    def construct(self):
        square = Square(color=RED)
        self.add(square)
        self.play(self.camera.frame.animate.scale(0.5).move_to(square), run_time=0.5)
```''', "video", 1),
    "zoomed_scene": ('''```gradviz theme="dark"
class Magnify(ZoomedScene):
    def construct(self):
        dot = Dot().shift(UL * 2)
        self.add(dot)
        self.zoomed_camera.frame.move_to(dot)
        self.activate_zooming(animate=False)
        self.play(dot.animate.shift(RIGHT), run_time=0.5)
```''', "video", 1),
    "three_d_surface": ('''```gradviz theme="dark"
import numpy as np

class Wave(ThreeDScene):
    def construct(self):
        surface = Surface(lambda u, v: np.array([u, v, np.sin(u) * np.cos(v)]),
                          u_range=[-2, 2], v_range=[-2, 2], resolution=(6, 6))
        self.set_camera_orientation(phi=60 * DEGREES, theta=-45 * DEGREES)
        self.add(ThreeDAxes(), surface)
        self.begin_ambient_camera_rotation(rate=0.5)
        self.wait(0.5)
```''', "video", 1),
    "value_tracker": ('''```gradviz theme="dark"
class Tracker(Scene):
    def construct(self):
        tracker = ValueTracker(0)
        number = DecimalNumber(0).add_updater(lambda m: m.set_value(tracker.get_value()))
        self.add(number)
        self.play(tracker.animate.set_value(5), run_time=0.5)
```''', "video", 1),
    "always_redraw": ('''```gradviz theme="dark"
class Redraw(Scene):
    def construct(self):
        dot = Dot(RIGHT)
        line = always_redraw(lambda: Line(ORIGIN, dot.get_center(), color=YELLOW))
        self.add(line, dot)
        self.play(Rotate(dot, angle=PI, about_point=ORIGIN), run_time=0.5)
```''', "video", 1),
    "tex_template": ('''```gradviz theme="dark"
class Template(Scene):
    def construct(self):
        template = TexTemplate()
        template.add_to_preamble(r"\\usepackage{mathrsfs}")
        loss = MathTex(r"\\mathscr{L}(w) = \\frac{1}{2}", r"w^2", tex_template=template)
        words = Tex(r"A \\textbf{loss} $\\mathscr{L}$", tex_template=template).next_to(loss, DOWN)
        self.play(Write(loss), FadeIn(words), run_time=0.5)
```''', "video", 1),
    "text_with_font": ('''```gradviz theme="dark"
class Fonts(Scene):
    def construct(self):
        self.play(Write(Text("Gradient", font="DejaVu Serif", weight=BOLD)), run_time=0.5)
```''', "video", 1),
    "background_rectangle": ('''```gradviz theme="light"
class Labelled(Scene):
    def construct(self):
        self.add(Text("label", font_size=96).add_background_rectangle(), Square(side_length=5))
```''', "img", 1),
    "several_scenes": ('''```gradviz scene="Second" theme="dark"
class First(Scene):
    def construct(self):
        self.play(Create(Circle()), run_time=0.5)

class Second(Scene):
    def construct(self):
        self.play(Create(Square()), run_time=0.5)
```''', "video", 1),
}


RENDER_SUFFIXES = (".mp4", ".png", ".webp")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """One site with a page per idiom, built once."""
    root = tmp_path_factory.mktemp("idioms")
    (root / "scenes").symlink_to(FIXTURE_SCENES, target_is_directory=True)
    site = Site(root)
    site.configure()
    for name, (block, _, _) in IDIOMS.items():
        site.page(f"{name}.md", f"# {name}\n\n{block}\n")
    plugin = site.build()
    return site, plugin


@pytest.mark.parametrize("name", IDIOMS)
def test_idiom_renders_as_a_figure_of_the_right_kind(built, name: str) -> None:
    """The block renders: its page shows a video or a picture per theme variant, and the files are in the site."""
    site, plugin = built
    (block,) = [b for b in plugin.run.blocks if b.page == f"docs/{name}.md"]
    assert block.error is None, block.error
    _, element, variants = IDIOMS[name]
    (figure,) = re.findall(r'<figure class="gradviz.*?</figure>', site.html(f"{name}/index.html"), re.S)
    shown = re.findall(rf'<{element} src="([^"]+)"', figure)
    assert len(shown) == variants
    for url in shown:
        assert (site.site / name / url).resolve().is_file()
    other = "video" if element == "img" else "img"
    assert f"<{other} " not in figure


def test_a_still_is_a_picture_in_both_palettes_with_caption_and_alt_and_only_a_full_screen_button(built) -> None:
    """A scene that plays nothing is a picture per palette, captioned, described, that opens full screen and has no player."""
    site, plugin = built
    figure = re.search(r'<figure class="gradviz.*?</figure>', site.html("still_picture/index.html"), re.S).group(0)
    images = re.findall(r"<img [^>]*>", figure)
    assert [re.search(r'data-gradviz-theme="(\w+)"', i).group(1) for i in images] == ["dark", "light"]
    assert all('alt="A still. ' in image for image in images)
    assert "<figcaption>A still</figcaption>" in figure
    # Like every figure it opens full screen (blocks.md, "On a phone, and full screen"); nothing plays or steps.
    (group,) = re.findall(r'<div class="gradviz-controls"[^>]*>.*?</button></div>', figure, re.S)
    (button,) = re.findall(r"<button [^>]*>", group)
    assert "data-gradviz-full" in button and 'aria-label="Full screen"' in button
    assert not re.search(r"<(video|img)\b[^>]*\bcontrols\b", figure), "no browser controls: there is nothing to play"
    assert "data-gradviz-autoplay" not in figure and "data-gradviz-play" not in figure
    assert "gradviz-steps" not in figure and "aria-live" not in figure
    (block,) = [b for b in plugin.run.blocks if b.scene == "StillPicture"]
    for entry in block.entries.values():
        assert entry.result.kind == "image" and set(entry.files()) == {entry.result.codec}
        assert not entry.video.exists() and not entry.poster.exists()


def test_the_still_option_is_part_of_the_cache_key(built) -> None:
    """Asking for a still of an animated scene renders it anew: a still and a video never share an entry."""
    _, plugin = built
    (block,) = [b for b in plugin.run.blocks if b.scene == "Pulse"]
    (still,) = block.requests
    assert still.still
    (video,) = requests_for(replace(block.spec, still=False), quality="tiny", theme="dark",
                            library=plugin.run.library, environment=plugin.run.environment)
    assert video.key != still.key


def test_an_image_from_an_array_shows_its_pixels(built) -> None:
    """ImageMobject(numpy array) shows the array's grey levels, cell by cell (Pillow 12; see pyproject.toml)."""
    from PIL import Image

    _, plugin = built
    (block,) = [b for b in plugin.run.blocks if b.scene == "ImageFromArray"]
    (path,) = block.entry("dark").files().values()
    with Image.open(path) as picture:
        grey = picture.convert("L")
        # The 2 × 4 array fills 12 × 6 scene units in the middle of the 256 × 144 frame: 27 px per cell.
        cells = [[grey.getpixel((round(128 + (column - 1.5) * 54), round(72 + (row - 0.5) * 54)))
                  for column in range(4)] for row in range(2)]
    expected = [[0, 100, 30, 200], [255, 0, 5, 33]]
    assert all(abs(cells[r][c] - expected[r][c]) <= 12 for r in range(2) for c in range(4)), cells


def test_light_variant_draws_white_in_ink_but_keeps_background_rectangles(built) -> None:
    """In the light variant Manim's default white is drawn dark, except a BackgroundRectangle, which stays white."""
    from PIL import Image, ImageStat

    _, plugin = built
    (block,) = [b for b in plugin.run.blocks if b.scene == "Labelled"]
    (path,) = block.entry("light").files().values()
    with Image.open(path) as picture:
        grey = picture.convert("L")
        label = ImageStat.Stat(grey.crop((103, 62, 153, 82))).mean[0]  # the middle of the word and its rectangle
        # The square's top side, 45 px above the centre: a hairline at this size, grey where white would be 255.
        square_edge = min(grey.getpixel((x, y)) for x in range(118, 139) for y in range(20, 34))
    assert label > 150, "the rectangle behind the label is the light background, not a dark box"
    assert square_edge < 230, "the white-by-default square is drawn in dark ink"


def test_a_library_scene_keeps_its_palette_in_the_light_variant(built) -> None:
    """White on purpose is not drawn as ink: a scene filling its outlined neurons with the palette's
    background (white in the light palette) shows them hollow in both variants, as the lessons describe."""
    from PIL import Image, ImageStat

    _, plugin = built
    (block,) = [b for b in plugin.run.blocks if b.scene == "WeightUpdate"]
    inside = {}
    for theme in ("dark", "light"):
        (path,) = block.entry(theme).files().values()
        with Image.open(path) as picture:
            width, height = picture.size
            # The left neuron's centre, at (-2.6, 0.6) in Manim's 14.2 x 8 frame; radius 0.45 units.
            x, y = (7.111 - 2.6) / 14.222 * width, (4 - 0.6) / 8 * height
            box = (round(x - 2), round(y - 2), round(x + 3), round(y + 3))
            inside[theme] = ImageStat.Stat(picture.convert("L").crop(box)).mean[0]
    assert inside["light"] > 230, "the light variant's neuron is filled with the white background, not ink"
    assert inside["dark"] < 40, "the dark variant's neuron is filled with the dark background"


def test_report_counts_stills_as_pictures(built) -> None:
    """The build line says how many videos and how many pictures it rendered."""
    _, plugin = built
    report = plugin.run.report
    assert (report.found, report.failed) == (len(IDIOMS), 0)
    assert report.rendered == sum(variants for _, _, variants in IDIOMS.values())
    assert report.line().startswith(f"{len(IDIOMS)} blocks, 8 videos and 8 images rendered, 0 reused from cache")


def test_rendered_files_are_where_the_html_points(built) -> None:
    """Every file a figure names exists in the site, and nothing else was published."""
    site, _ = built
    referenced = set()
    for name in IDIOMS:
        referenced |= {Path(u).name for u in re.findall(r'(?:src|poster)="([^"]+)"', site.html(f"{name}/index.html"))
                       if Path(u).suffix in RENDER_SUFFIXES}
    published = {p.name for p in (site.site / "assets" / "gradviz").iterdir() if p.suffix in RENDER_SUFFIXES}
    assert referenced == published


def test_a_still_is_stored_in_the_smaller_of_lossless_png_and_webp(built) -> None:
    """Each still's file is lossless and no larger than the same pixels in the other format, and the page links it."""
    import io

    import numpy as np
    from PIL import Image

    site, plugin = built
    options = {"png": {"optimize": True}, "webp": {"lossless": True, "quality": 100, "method": 4}}
    stills = [entry for block in plugin.run.blocks for entry in block.entries.values() if entry.result.kind == "image"]
    assert len(stills) >= 5
    codecs = set()
    for entry in stills:
        (path,) = entry.files().values()
        assert path.suffix == f".{entry.result.codec}" and entry.result.codec in options
        with Image.open(path) as picture:
            pixels = np.asarray(picture.convert("RGB"))
        other = "webp" if entry.result.codec == "png" else "png"
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format=other.upper(), **options[other])
        with Image.open(io.BytesIO(buffer.getvalue())) as again:
            assert np.array_equal(np.asarray(again.convert("RGB")), pixels), "both encodings are lossless"
        assert path.stat().st_size <= len(buffer.getvalue()), (path.name, path.stat().st_size, len(buffer.getvalue()))
        codecs.add(entry.result.codec)
    html = "".join(p.read_text(encoding="utf-8") for p in site.site.rglob("*.html"))
    assert all(f".{codec}\"" in html for codec in codecs), codecs

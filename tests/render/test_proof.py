"""``gradviz proof``: a real build of a small site, then one sheet per page with a frame per step beside the prose."""

from __future__ import annotations

import re
from pathlib import Path

import av
from PIL import Image, ImageChops

from mkdocs_gradviz.cli import main

VALUE_SCENES = Path(__file__).parents[1] / "fixtures" / "value_scenes"
CONFIG = """\
site_name: Proof
plugins:
  - gradviz:
      quality: tiny
      scenes_dir: scenes
      concurrency: 2
markdown_extensions:
  - admonition
  - pymdownx.superfences
"""
LESSON = """\
# Lesson

## Descent

Read this **before** the animation.

```gradviz
scene: Descent
id: descent
stepwise: true
steps: 3
```

After the animation the weight is :gradviz[descent.final_w].

!!! note
    A note after it.

## Elsewhere

This paragraph belongs to another section.
"""


def test_a_proof_sheet_shows_a_frame_per_step_beside_the_prose_around_the_block(tmp_path: Path, capsys) -> None:
    """Each step's last frame, at the video's size, sits beside the paragraphs before and after its block."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "scenes").symlink_to(VALUE_SCENES, target_is_directory=True)
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nNo blocks here.\n", encoding="utf-8")
    (tmp_path / "docs" / "lesson.md").write_text(LESSON, encoding="utf-8")
    out = tmp_path / "proof"

    assert main(["proof", str(tmp_path / "mkdocs.yml"), "--out", str(out)]) == 0

    sheet = (out / "docs-lesson.html").read_text(encoding="utf-8")
    assert "Read this <strong>before</strong> the animation." in sheet
    assert 'After the animation the weight is <span class="gradviz-value" data-gradviz-ref="descent.final_w">0.250</span>' \
        in sheet
    assert '<div class="admonition note">' in sheet, "the prose is converted with the site's extensions"
    assert "another section" not in sheet, "the prose stops at the next heading"
    images = re.findall(r'<img src="([^"]+)"', sheet)
    video = next((tmp_path / ".cache" / "gradviz" / "entries").glob("*/video.mp4"))
    with av.open(str(video)) as container:
        size = (container.streams.video[0].codec_context.width, container.streams.video[0].codec_context.height)
    assert len(images) == 4, "the opening and three descent steps"
    pictures = [Image.open(out / src).convert("RGB") for src in images]
    assert all(picture.size == size for picture in pictures)
    assert all(ImageChops.difference(a, b).getbbox() is not None for a, b in zip(pictures, pictures[1:], strict=False)), \
        "each step ends on a different picture: the dot has moved"
    assert re.findall(r"<figcaption>Step (\d) of 4", sheet) == ["1", "2", "3", "4"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="docs-lesson.html"' in index and "docs-index" not in index, "pages without blocks get no sheet"
    printed = " ".join(capsys.readouterr().out.split())  # the console wraps long lines
    assert "wrote 1 proof sheet and index.html" in printed and "1 block, 4 frames" in printed

"""Bad blocks in a real build with the real scene library: located errors, other blocks unharmed."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

GOOD = "```gradviz\nclass Fine(Scene):\n    def construct(self):\n        self.play(Create(Circle()), run_time=0.3)\n```\n"

BAD = {
    "yaml syntax": ("scene: GradientDescent\nstart: [1, 2\n", 7, "invalid YAML"),
    "body neither mapping nor python": ("just some words here\n", 6, "neither a YAML mapping nor valid Python"),
    "empty block": ("\n", 5, "empty gradviz block"),
    "unknown scene": ("scene: GradientDescnt\n", 6, "did you mean 'GradientDescent'?"),
    "unknown parameter": ("scene: GradientDescent\nlearningrate: 0.1\n", 7, "did you mean 'learning_rate'?"),
    "mistyped parameter": ("scene: GradientDescent\nsteps: many\n", 7, "parameter 'steps' must be an int"),
    "negative learning rate": ("scene: GradientDescent\nlearning_rate: -0.1\n", 7, "out of range"),
    "ten thousand steps": ("scene: GradientDescent\nsteps: 10000\n", 7, "out of range"),
    "hostile loss": ("scene: GradientDescent\nloss: \"__import__('os').system('true')\"\n", 5, "loss"),
    "attribute access in loss": ("scene: GradientDescent\nloss: w.__class__\n", 5, "loss"),
    "huge power in loss": ("scene: GradientDescent\nloss: w**10**10\n", 5, "loss"),
    "no scene in code": ("x = 1\n", 5, "defines no Scene subclass"),
    "two scenes unnamed": ("class A(Scene):\n    pass\nclass B(Scene):\n    pass\n", 5, "several scenes"),
}


@pytest.fixture
def library_site(site, tmp_path: Path):
    """A site using the installed scene library and no scenes of its own."""
    (tmp_path / "scenes").unlink()
    site.configure(plugin="theme: dark\nscenes_dir: ''\n")
    return site


@pytest.mark.parametrize("body, line, message", BAD.values(), ids=BAD.keys())
def test_bad_block_is_located_and_harms_nothing_else(library_site, caplog, body: str, line: int, message: str) -> None:
    """The error names page, line and cause; the good block on the next page still renders; no bad entry."""
    library_site.page("index.md", "# Lesson\n\nText.\n\n```gradviz\n" + body + "```\n")
    library_site.page("good.md", GOOD)
    with pytest.raises(Abort):
        library_site.build()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any(f"docs/index.md:{line}:" in e and message in e for e in errors), errors
    entries = list((library_site.root / ".cache" / "gradviz" / "entries").iterdir())
    assert len(entries) == 1 and (entries[0] / "manifest.json").is_file()


def test_non_utf8_page_is_reported_by_name(library_site, caplog) -> None:
    """A page with bytes that are not UTF-8 stops the build with the page's name."""
    library_site.docs.mkdir(exist_ok=True)
    (library_site.docs / "index.md").write_bytes(b"# Title\n\n\xff\xfe broken \x80\n")
    with pytest.raises((Abort, UnicodeDecodeError)):  # MkDocs itself reads pages, logs, and re-raises
        library_site.build()
    assert "Error reading page 'index.md'" in caplog.text and "utf-8" in caplog.text

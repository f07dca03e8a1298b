"""The link check the site tests rely on: it reports every reference to a missing file, and only those."""

from __future__ import annotations

import textwrap
from pathlib import Path

from support.links import broken_links

SITE_URL = "https://example.github.io/course/"


def test_the_check_reports_missing_videos_posters_assets_and_pages(tmp_path: Path) -> None:
    """A page referring to files that are not there is reported, one line per reference."""
    (tmp_path / "lesson").mkdir()
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "here.css").write_text("", encoding="utf-8")
    (tmp_path / "lesson" / "index.html").write_text(textwrap.dedent("""\
        <link rel="stylesheet" href="../assets/here.css"><link rel="stylesheet" href="../assets/gone.css">
        <script src="/course/assets/gone.js"></script>
        <a href="../">home</a> <a href="../missing/#top">missing page</a> <a href="#local">here</a>
        <a href="https://example.github.io/course/nowhere/">absolute, into the site</a>
        <a href="https://www.mkdocs.org/">external</a> <a href="mailto:a@b.c">mail</a>
        <video src="../assets/v.mp4" poster="../assets/v.png"><source src="../assets/w.webm"></video>
        <img src="../assets/here.css?v=1">
        """), encoding="utf-8")
    (tmp_path / "index.html").write_text('<a href="lesson/">lesson</a>', encoding="utf-8")
    assert [line.split(": ", 1)[1] for line in broken_links(tmp_path, SITE_URL)] == [
        "<link href='../assets/gone.css'>",
        "<script src='/course/assets/gone.js'>",
        "<a href='../missing/#top'>",
        "<a href='https://example.github.io/course/nowhere/'>",
        "<video src='../assets/v.mp4'>",
        "<video poster='../assets/v.png'>",
        "<source src='../assets/w.webm'>",
    ]



def test_a_link_above_the_sub_path_is_broken(tmp_path: Path) -> None:
    """A root-relative URL that leaves /course/ (as a site built without site_url's path would) is reported."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "gradviz.js").write_text("", encoding="utf-8")
    (tmp_path / "index.html").write_text('<script src="/assets/gradviz.js"></script>', encoding="utf-8")
    assert broken_links(tmp_path, SITE_URL) == ["index.html: <script src='/assets/gradviz.js'>"]

"""What a test reads from a site Zensical (or MkDocs) built: its figures, checked."""

from __future__ import annotations

import re
from pathlib import Path


def figures(site: Path) -> dict[str, list[str]]:
    """Every page's figures, as the render keys of their videos in page order, checking each file exists."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        keys = []
        for figure in re.findall(r'<figure class="gradviz.*?</figure>', html, re.DOTALL):
            for video in re.findall(r"<video [^>]*>", figure):
                src, poster = re.search(r'src="([^"]+)"', video).group(1), re.search(r'poster="([^"]+)"', video).group(1)
                assert (page.parent / src).resolve().is_file(), (page, src)
                assert (page.parent / poster).resolve().read_bytes()[:4] == b"\x89PNG", (page, poster)
                keys.append(re.search(r"([0-9a-f]{32})\.mp4$", src).group(1))
        if keys:
            found[page.relative_to(site).as_posix()] = keys
    return found

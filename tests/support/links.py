"""A link check of built sites: every internal href/src of every page names a file of the site."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

LINKED = {"a": ("href",), "link": ("href",), "script": ("src",), "img": ("src",), "video": ("src", "poster"),
          "source": ("src",), "iframe": ("src",)}
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)  # http:, mailto:, data:, javascript:, //host

class _References(HTMLParser):
    """Collects the URL-valued attributes of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in LINKED.get(tag, ()) and value is not None:
                self.found.append((tag, name, value.strip()))


def broken_links(site: Path, site_url: str) -> list[str]:
    """Every internal reference of the HTML pages under ``site`` that names no file of the site.

    Pages are addressed as they are served from ``site_url``, so root-relative and absolute links
    into the site (a canonical link, the 404 page's links) are checked against the sub-path too.
    """
    base = urlsplit(site_url)
    broken = []
    for page in sorted(site.rglob("*.html")):
        page_url = urljoin(site_url, page.relative_to(site).as_posix())
        parser = _References()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, attribute, value in parser.found:
            if not value or value.startswith("#"):
                continue
            target = urlsplit(urljoin(page_url, value))
            if EXTERNAL.match(value) and (target.scheme, target.netloc) != (base.scheme, base.netloc):
                continue
            if not _exists(site, base.path, unquote(target.path)):
                broken.append(f"{page.relative_to(site)}: <{tag} {attribute}={value!r}>")
    return broken


def _exists(site: Path, base_path: str, path: str) -> bool:
    """Whether the URL path ``path`` (under ``base_path``) names a file of ``site``; folders mean index.html."""
    if not path.startswith(base_path):
        return False
    relative = PurePosixPath(path[len(base_path):])
    if ".." in relative.parts:
        return False
    target = site.joinpath(*relative.parts)
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target.is_file()

"""``gradviz new DIR``: a working site with gradviz, ready to serve and to publish.

Its ``mkdocs.yml`` serves both tools: ``mkdocs build`` through the plugin entry, ``zensical
build`` through the SuperFences fence entry, which reads its options from the plugin entry.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs_gradviz.core.errors import ConfigError

TEMPLATES = Path(__file__).parent / "templates" / "new"
#: Each file of a new site, by its path in the site, with the template it is made from. The
#: templates have no leading dots, so that packaging tools never skip them as hidden files.
FILES = {
    "mkdocs.yml": "mkdocs.yml",
    "docs/index.md": "index.md",
    ".gitignore": "gitignore",
    ".github/workflows/publish.yml": "publish.yml",
}


def new_site(folder: Path, *, site_name: str | None = None) -> list[Path]:
    """Write a new site into ``folder`` (created if missing); return the files written.

    Nothing is written if any of the files already exists: ``ConfigError`` lists them instead.
    """
    name = site_name or folder.resolve().name.replace("-", " ").replace("_", " ").strip().capitalize() or "Docs"
    existing = [str(folder / path) for path in FILES if (folder / path).exists()]
    if existing:
        raise ConfigError(f"refusing to overwrite {', '.join(existing)}; choose an empty folder or remove them")
    written = []
    for target, template in FILES.items():
        # In mkdocs.yml the name is a quoted YAML string, whatever characters it holds.
        quoted = json.dumps(name) if target == "mkdocs.yml" else name
        text = (TEMPLATES / template).read_text(encoding="utf-8").replace("{site_name}", quoted)
        path = folder / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written

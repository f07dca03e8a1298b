"""The Zensical front end: a SuperFences custom fence (``fence.py``) over the engine.

``mkdocs.yml`` names the fence's factories as ``mkdocs_gradviz.zensical.formatter`` and
``mkdocs_gradviz.zensical.validator``; ``project.py`` finds the site being built, ``site.py``
keeps one project's engine, queue and published files across Zensical's configuration parses.
"""

from __future__ import annotations

from mkdocs_gradviz.zensical.fence import GradvizFence, formatter, validator

__all__ = ["GradvizFence", "formatter", "validator"]

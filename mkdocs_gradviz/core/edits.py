"""What an author just edited, between two builds of a served site, so that its renders go first.

Under ``mkdocs serve`` every save rebuilds the whole site and submits every block again. A render
that an edit brought about goes ahead of the background renders of the rest of the site: the
renders of the latest build before those of earlier ones, and within one build the renders of an
edited block (a key this session has never asked for) before the other renders of an edited page.
The edited block's renders also pause the renders already running (``render_queue.py``).
"""

from __future__ import annotations

import hashlib

from mkdocs_gradviz.core.render_queue import BACKGROUND, EDITED_BLOCK


class EditTracker:
    """Page texts and render keys seen so far in one serving session, and the number of its builds."""

    def __init__(self) -> None:
        self.builds = 0
        self._pages: dict[str, str] = {}  # page -> digest of its source at its last build
        self._keys: set[str] = set()

    def next_build(self) -> None:
        """A build starts; everything it asks for that is new counts as edited (except in the first one)."""
        self.builds += 1

    def page_edited(self, page: str, source: str) -> bool:
        """Whether ``page``'s text differs from the previous build's (a new page counts as edited)."""
        digest = hashlib.sha256(source.encode()).hexdigest()
        before, self._pages[page] = self._pages.get(page), digest
        return self.builds > 1 and before != digest

    def priority(self, key: str, *, page_edited: bool) -> tuple[int, int]:
        """The queue priority of render ``key`` of a block on a page that was or was not just edited."""
        edited_block = key not in self._keys
        self._keys.add(key)
        if self.builds <= 1 or not (edited_block or page_edited):
            return BACKGROUND
        return (-self.builds, EDITED_BLOCK if edited_block else EDITED_BLOCK + 1)

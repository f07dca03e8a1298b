"""The README's test command runs every layer: each folder of tests is one pytest collects.

pytest leaves out folders matching its ``norecursedirs`` setting, whose default includes ``build``
and ``dist``: a layer in such a folder would silently drop out of every run.
"""

from __future__ import annotations

from fnmatch import fnmatch

import pytest
from support.paths import LAYERS, TESTS


def test_every_folder_holding_tests_is_a_layer() -> None:
    """Each test module sits in one of the layer folders, so it carries that layer's marker."""
    folders = {path.relative_to(TESTS).parts[0] for path in TESTS.rglob("test_*.py")}
    assert folders == set(LAYERS)


def test_pytest_recurses_into_every_layer(pytestconfig: pytest.Config) -> None:
    """No layer folder matches a ``norecursedirs`` pattern, so a plain ``pytest`` collects it."""
    skipped = {folder: pattern for folder in LAYERS for pattern in pytestconfig.getini("norecursedirs")
               if fnmatch(folder, pattern)}
    assert skipped == {}

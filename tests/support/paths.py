"""Where the checkout, the test scene libraries and the test artifacts are."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).parents[2]
TESTS = REPO / "tests"
#: The folder of each test layer, and the marker its tests carry (tests/conftest.py).
LAYERS = {"unit": "unit", "render": "render", "browser": "browser", "cluster": "cluster"}
#: The small scene library of the test sites (Pulse, Label...).
FIXTURE_SCENES = TESTS / "fixtures" / "scenes"
#: Scenes made for the player's tests (Stepper).
PLAYER_SCENES = TESTS / "fixtures" / "player_scenes"
#: Screenshots the browser tests leave for a person to look at.
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
#: The documentation page whose examples the install and scene tests run.
SCENES_PAGE = REPO / "docs" / "reference" / "scenes.md"

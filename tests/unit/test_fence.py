"""Finding gradviz blocks in a page's source, with the line each starts on."""

from __future__ import annotations

import re

import pytest

from mkdocs_gradviz.core.fence import claim, locate_blocks

BODY = "scene: Pulse\nradius: 1.5"

PLACEMENTS = {
    "top level": ("intro\n\n```gradviz\nscene: Pulse\nradius: 1.5\n```\n", [3]),
    "tildes": ("~~~gradviz\nscene: Pulse\nradius: 1.5\n~~~\n", [1]),
    "long fence": ("`````gradviz\nscene: Pulse\nradius: 1.5\n`````\n", [1]),
    "admonition": ("!!! note\n\n    ```gradviz\n    scene: Pulse\n    radius: 1.5\n    ```\n", [3]),
    "collapsible": ("??? tip \"More\"\n    ```gradviz\n    scene: Pulse\n    radius: 1.5\n    ```\n", [2]),
    "content tab": ('=== "One"\n\n    text\n\n    ```gradviz\n    scene: Pulse\n    radius: 1.5\n    ```\n', [5]),
    "list item": ("1. first\n\n    ```gradviz\n    scene: Pulse\n    radius: 1.5\n    ```\n", [3]),
    "attribute header": ("```{.gradviz caption=\"x\"}\nscene: Pulse\nradius: 1.5\n```\n", [1]),
    "header options": ("```gradviz caption=\"A b\" width=\"50%\"\nscene: Pulse\nradius: 1.5\n```\n", [1]),
    "CRLF": ("a\r\n\r\n```gradviz\r\nscene: Pulse\r\nradius: 1.5\r\n```\r\n", [3]),
    "tab indentation": ("!!! note\n\t```gradviz\n\tscene: Pulse\n\tradius: 1.5\n\t```\n", [2]),
    "two blocks": ("```gradviz\nscene: Pulse\nradius: 1.5\n```\n\ntext\n\n```gradviz\nscene: Pulse\nradius: 1.5\n```\n", [1, 8]),
    "unicode before": ("# Über ∇L — η\n\n```gradviz\nscene: Pulse\nradius: 1.5\n```\n", [3]),
}


@pytest.mark.parametrize("source, lines", PLACEMENTS.values(), ids=PLACEMENTS.keys())
def test_blocks_are_found_wherever_markdown_allows_a_fence(source: str, lines: list[int]) -> None:
    """Every placement yields the block, its opening line, and its dedented body."""
    blocks = locate_blocks(source)
    assert [b.line for b in blocks] == lines
    assert all(b.text == BODY and b.closed for b in blocks)


EXAMPLES = {
    "inside a longer backtick fence": "````markdown\n```gradviz\nscene: Pulse\n```\n````\n",
    "inside a tilde fence": "~~~markdown\n```gradviz\nscene: Pulse\n```\n~~~\n",
    "inside an indented longer fence": "!!! example\n    ````markdown\n    ```gradviz\n    scene: Pulse\n    ```\n    ````\n",
    "other language": "```python\nscene: Pulse\n```\n",
    "language prefix only": "```gradvizzz\nscene: Pulse\n```\n",
}


@pytest.mark.parametrize("source", EXAMPLES.values(), ids=EXAMPLES.keys())
def test_examples_inside_outer_fences_are_not_blocks(source: str) -> None:
    """A gradviz fence shown inside another fence is an example, not a block."""
    assert locate_blocks(source) == []


def test_block_after_an_example_is_still_found_on_its_line() -> None:
    """Skipping an example fence keeps counting lines correctly."""
    source = "````markdown\n```gradviz\nscene: Pulse\n```\n````\n\n```gradviz\nscene: Pulse\nradius: 1.5\n```\n"
    assert [b.line for b in locate_blocks(source)] == [7]


def test_unterminated_fence_is_reported_as_open() -> None:
    """A gradviz fence with no closing fence is found and marked unclosed."""
    (block,) = locate_blocks("text\n\n```gradviz\nscene: Pulse\n")
    assert block.line == 3 and not block.closed


def test_claim_matches_formatter_source_once_each() -> None:
    """Identical blocks are claimed in order; SuperFences' dedented text matches."""
    blocks = locate_blocks("```gradviz\nscene: Pulse\n```\n\n!!! note\n    ```gradviz\n    scene: Pulse\n    ```\n")
    assert claim(blocks, "scene: Pulse\n").line == 1
    assert claim(blocks, "scene: Pulse").line == 6
    assert claim(blocks, "scene: Pulse") is None


INDENTED_EXAMPLES = """\
# Examples

A paragraph, then a gradviz fence inside an indented code block:

    ```gradviz
    scene: Pulse
    ```

Code around the fence, and a block that would fail:

    some code
    ```gradviz
    scene: Nope
    ```
    more code

Indented with a tab, code that would raise:

\t```gradviz
\tclass Broken(Scene):
\t    def construct(self):
\t        1 / 0
\t```

* A list item holding a code block:

        ```gradviz
        scene: Pulse
        radius: 2
        ```

!!! note
    An admonition holding a code block:

        ```gradviz
        scene: Pulse
        radius: 3
        ```
"""


def test_the_plugin_never_changes_how_a_page_parses(site) -> None:
    """Fences inside indented code blocks stay code: the same article with the plugin on and off, and no block."""
    site.page("index.md", INDENTED_EXAMPLES)
    articles, found = {}, None
    for enabled in ("true", "false"):
        site.configure(plugin=f"enabled: {enabled}\n", theme="material")
        plugin = site.build()
        articles[enabled] = re.search(r"<article.*?</article>", site.html(), re.S).group(0)
        found = plugin.run.report.found if found is None else found  # the build with the plugin on
    assert articles["true"] == articles["false"]
    assert found == 0
    assert articles["true"].count("```gradviz") == 5
    assert not (site.root / ".cache" / "gradviz" / "entries").is_dir() or \
        not any((site.root / ".cache" / "gradviz" / "entries").iterdir()), "nothing was rendered"

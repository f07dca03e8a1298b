"""Value references: block ids, references in the prose, their errors, and the prose a proof sheet shows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from mkdocs_gradviz.core.errors import BlockError, GradvizError, SpecError
from mkdocs_gradviz.core.library import SceneLibrary
from mkdocs_gradviz.core.proof import prose_around
from mkdocs_gradviz.core.spec import BlockSpec, parse_block, requests_for
from mkdocs_gradviz.core.values import quote_values, quotes_without_blocks

VALUE_SCENES = Path(__file__).parents[1] / "fixtures" / "value_scenes"
LIBRARY = SceneLibrary(VALUE_SCENES)
ENVIRONMENT = {"manim": "test", "render_code": "test"}


@dataclass
class FakeBlock:
    line: int
    spec: BlockSpec | None
    error: BlockError | None = None


class FakeBook:
    """Values as a scene would compute them, without a process: each run's lr echoed back."""

    def __init__(self, empty: bool = False) -> None:
        self.empty = empty
        self.asked = 0

    def values_of(self, spec: BlockSpec) -> list[dict[str, str]]:
        self.asked += 1
        return [{} if self.empty else {"final_w": f"w{run['lr']:g}", "steps_taken": str(run["steps"])}
                for run in spec.runs()]


def block(body: str, line: int = 3, header: dict[str, str] | None = None) -> FakeBlock:
    return FakeBlock(line, parse_block(body, header or {}, LIBRARY, allow_code=True))


def quote(markdown_html: str, blocks: list[FakeBlock], source: str = "", book: FakeBook | None = None):
    return quote_values(markdown_html, page="docs/p.md", source=source, blocks=blocks, book=book or FakeBook())


def test_an_id_comes_from_the_yaml_body_or_the_fence_header() -> None:
    """``id: descent`` in the body and ``id="descent"`` in the header name the block alike."""
    assert block("scene: Descent\nid: descent").spec.id == "descent"
    assert block("scene: Descent", header={"id": "descent"}).spec.id == "descent"


@pytest.mark.parametrize("bad", ["my.block", "1st", "a b", "x@1", ""])
def test_an_id_that_a_reference_could_not_name_is_refused(bad: str) -> None:
    """An id with a dot, a space, an @ or a leading digit is an error naming the option."""
    with pytest.raises(SpecError, match="option 'id' must be a name of letters"):
        parse_block(f"scene: Descent\nid: '{bad}'", {}, LIBRARY, allow_code=True)


def test_the_id_is_not_part_of_the_render_key() -> None:
    """Naming a block re-renders nothing: its render keys stay the same."""
    def keys(body: str) -> list[str]:
        spec = parse_block(body, {}, LIBRARY, allow_code=True)
        return [r.key for r in requests_for(spec, quality="tiny", theme="auto", library=LIBRARY, environment=ENVIRONMENT)]

    assert keys("scene: Descent\nlr: 0.3\nid: descent") == keys("scene: Descent\nlr: 0.3")


def test_references_in_prose_become_the_values_and_code_stays_literal() -> None:
    """A reference in text is replaced; in inline or fenced code, and escaped, it stays as written."""
    html = ("<p>Ends at :gradviz[descent.final_w] after :gradviz[descent.steps_taken] steps; "
            "<code>:gradviz[descent.final_w]</code> and \\:gradviz[descent.final_w].</p>"
            '<pre><code>:gradviz[descent.final_w]</code></pre><a title=":gradviz[descent.final_w]">x</a>')
    out, errors = quote(html, [block("scene: Descent\nid: descent\nlr: 0.3\nsteps: 4")])
    assert errors == []
    assert 'Ends at <span class="gradviz-value" data-gradviz-ref="descent.final_w">w0.3</span> after ' in out
    assert ">4</span> steps" in out
    assert "<code>:gradviz[descent.final_w]</code> and :gradviz[descent.final_w].</p>" in out
    assert "<pre><code>:gradviz[descent.final_w]</code></pre>" in out and 'title=":gradviz[descent.final_w]"' in out


def test_a_sweep_reference_names_its_value_after_an_at_sign() -> None:
    """``lr.final_w@0.4`` quotes the run of the sweep where lr is 0.4."""
    sweep = block("scene: Descent\nid: lr\nsweep: lr\nlr: [0.1, 0.4]")
    out, errors = quote("<p>:gradviz[lr.final_w@0.4] and :gradviz[lr.final_w@0.1]</p>", [sweep])
    assert errors == [] and ">w0.4</span> and <span" in out and ">w0.1</span></p>" in out


SOURCE = ("# Page\n\n```gradviz\nscene: Descent\nid: descent\n```\n\nText `:gradviz[descent.nope]`\n\n"
          "See :gradviz[descent.nope].\n")


@pytest.mark.parametrize(("reference", "expected"), [
    ("descnt.final_w", "no block with id 'descnt' on this page; did you mean 'descent'?"),
    ("zzz.final_w", "no block with id 'zzz' on this page; ids on this page: descent, lr"),
    ("descent.final_x", "has no value 'final_x'; did you mean 'final_w'? (its values: final_w, steps_taken)"),
    ("descent.q", "has no value 'q'; its values: final_w, steps_taken"),
    ("descent.final_w@0.3", "the block 'descent' sweeps nothing: write :gradviz[descent.final_w] without @0.3"),
    ("lr.final_w", "the block 'lr' sweeps lr over 0.1, 0.4: say which value, e.g. :gradviz[lr.final_w@0.1]"),
    ("lr.final_w@0.2", "the sweep of block 'lr' has no lr = 0.2; its values: 0.1, 0.4"),
    ("descent", "a reference is :gradviz[<block id>.<value name>]"),
])
def test_a_reference_that_cannot_be_resolved_fails_with_page_and_line(reference: str, expected: str) -> None:
    """Every wrong reference is an error naming the page and the line where it is written."""
    source = f"# P\n\nline three\n\nWe see :gradviz[{reference}] here.\n"
    blocks = [block("scene: Descent\nid: descent"), block("scene: Descent\nid: lr\nsweep: lr\nlr: [0.1, 0.4]", line=9)]
    out, errors = quote(f"<p>We see :gradviz[{reference}] here.</p>", blocks, source)
    assert len(errors) == 1 and errors[0].page == "docs/p.md" and errors[0].line == 5
    assert expected in errors[0].message, errors[0].message
    assert 'class="gradviz-value-error"' in out and f":gradviz[{reference}]" not in out


def test_the_line_of_a_reference_skips_the_same_text_in_code() -> None:
    """A reference's line is where it stands in the prose, not an earlier copy of it in inline code."""
    _, errors = quote("<p>Text <code>:gradviz[descent.nope]</code></p><p>See :gradviz[descent.nope].</p>",
                      [block("scene: Descent\nid: descent")], SOURCE)
    assert [e.line for e in errors] == [10]


def test_a_block_without_values_or_with_an_error_cannot_be_quoted() -> None:
    """Quoting a block whose scene computes nothing, or whose spec failed, is an error that says so."""
    _, errors = quote("<p>:gradviz[quiet.x]</p>", [block("scene: Silent\nid: quiet")], book=FakeBook(empty=True))
    assert "the block 'quiet' (Silent) has no values to quote" in errors[0].message
    failed = block("scene: Descent\nid: descent")
    failed.error = BlockError("docs/p.md", 3, "boom")
    _, errors = quote("<p>:gradviz[descent.final_w]</p>", [failed])
    assert "the block 'descent' (line 3) failed" in errors[0].message


def test_a_page_without_references_asks_for_no_values() -> None:
    """Values are computed only for blocks the prose quotes."""
    book = FakeBook()
    out, errors = quote("<p>No numbers here.</p>", [block("scene: Descent\nid: descent")], book=book)
    assert (out, errors, book.asked) == ("<p>No numbers here.</p>", [], 0)


def test_a_failing_values_computation_is_the_references_error() -> None:
    """When the scene's values() raises, each reference to it says so with its line."""
    class Broken(FakeBook):
        def values_of(self, spec: BlockSpec) -> list[dict[str, str]]:
            raise GradvizError("ValueError: no convergence")

    _, errors = quote("<p>:gradviz[descent.final_w]</p>", [block("scene: Descent\nid: descent")],
                      "x\n:gradviz[descent.final_w]\n", book=Broken())
    assert errors[0].line == 2 and "no convergence" in errors[0].message


def test_prose_around_a_block_runs_to_the_neighbouring_block_or_heading() -> None:
    """A proof sheet shows the prose from the previous block or heading to the next, and the heading above."""
    page = ("# Title\n\nIntro.\n\n## Section\n\nBefore one.\n\n```gradviz\nscene: Descent\n```\n\nBetween.\n\n"
            "````markdown\n# not a heading\n````\n\n```gradviz\nscene: Silent\n```\n\nAfter two.\n\n## Next\n\nLater.\n")
    before, after, heading = prose_around(page, 9)
    assert before.strip() == "Before one." and heading == "Section"
    assert after.strip().startswith("Between.") and "# not a heading" in after and "Silent" not in after
    before, after, heading = prose_around(page, 19)
    assert before.strip().startswith("Between.") and after.strip() == "After two." and heading == "Section"


def test_pages_that_quote_without_any_block_are_found_before_a_build(tmp_path: Path) -> None:
    """References on a page with no block (which Zensical never shows gradviz) are listed with page and line."""
    (tmp_path / "a.md").write_text("# A\n\n```gradviz\nscene: Descent\nid: d\n```\n\n:gradviz[d.final_w]\n")
    (tmp_path / "b.md").write_text("# B\n\n`:gradviz[d.x]` in code\n\nSee :gradviz[d.final_w].\n")
    (tmp_path / "c.md").write_text("# C\n\nSee :gradviz[d.final_w].\n")
    found = quotes_without_blocks(tmp_path, skip=lambda page: page == "c.md")
    message = (":gradviz[d.final_w]: no block with id 'd' on this page; no block on this page has an id (give one "
               "with id: <name> in the block)")
    assert found == [("b.md", 5, message)]


def test_a_code_span_over_two_lines_hides_its_reference_from_the_line_count() -> None:
    """Inline code may run over a line break; a reference inside it is not the prose's, whose line stays true."""
    source = "# P\n\nThe error `docs/p.md:9:\n:gradviz[descent.nope]: no value`.\n\nBut :gradviz[descent.nope] here.\n"
    html = "<p>The error <code>docs/p.md:9:\n:gradviz[descent.nope]: no value</code>.</p><p>But :gradviz[descent.nope] here.</p>"
    _, errors = quote(html, [block("scene: Descent\nid: descent")], source)
    assert [e.line for e in errors] == [6]

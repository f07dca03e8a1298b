"""Blocks that fail: clear, located errors, every one of them; nothing bad left in the cache."""

from __future__ import annotations

from concurrent.futures import wait

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from rich.console import Console

from mkdocs_gradviz import cli
from mkdocs_gradviz.cli import main

GOOD = "```gradviz\nscene: Label\nword: ok\n```\n"


def failing_build(site, caplog, code: str, *, plugin: str = "theme: dark\n") -> str:
    """Build a site whose index page holds ``code`` and a good block; return the log."""
    site.configure(plugin=plugin)
    site.page("index.md", "# Title\n\nText.\n\n```gradviz\n" + code + "```\n")
    site.page("good.md", GOOD)
    with pytest.raises(Abort):
        site.build()
    cache = site.root / ".cache" / "gradviz"
    assert len(list((cache / "entries").iterdir())) == 1, "only the good block may leave an entry"
    assert not any((cache / "staging").iterdir()), "failed renders leave no staging files"
    return caplog.text


CODE = """\
class Broken(Scene):
    def construct(self):
        self.wait(0.1)
        x = 1 / 0
"""


def test_python_exception_names_the_page_line_of_the_raising_statement(site, caplog) -> None:
    """The error points at the line in the page where the code raised."""
    log = failing_build(site, caplog, CODE)
    assert "docs/index.md:9: ZeroDivisionError: division by zero" in log


def test_latex_error_shows_latex_own_message(site, caplog) -> None:
    """A formula that does not compile reports LaTeX's error line, not a log path."""
    code = "class Formula(Scene):\n    def construct(self):\n        self.add(MathTex(r'\\frac{1}{2} \\notacommand'))\n"
    log = failing_build(site, caplog, code)
    assert "docs/index.md:5: LaTeX could not compile a formula" in log
    assert "! Undefined control sequence" in log
    assert ".log" not in log.split("LaTeX could not compile")[1].split("INFO")[0]


def test_sys_exit_is_reported_not_obeyed(site, caplog) -> None:
    """A block calling sys.exit fails cleanly with a message saying so."""
    code = "import sys\nclass Quit(Scene):\n    def construct(self):\n        sys.exit(3)\n"
    assert "docs/index.md:5: the block called sys.exit(3)" in failing_build(site, caplog, code)


def test_endless_loop_is_stopped_by_the_timeout(site, caplog) -> None:
    """The per-render timeout ends a render that never finishes, and says so."""
    site.configure(plugin="theme: dark\n")
    site.page("good.md", GOOD)
    site.build()  # the good block renders under the default timeout: only the endless one races the short one
    code = "class Forever(Scene):\n    def construct(self):\n        while True:\n            pass\n"
    log = failing_build(site, caplog, code, plugin="theme: dark\ntimeout: 2\n")
    assert "docs/index.md:5: the render took longer than 2 s and was stopped" in log


def test_unbounded_allocation_is_stopped_by_the_memory_limit(site, caplog) -> None:
    """The memory limit ends a render that allocates without bound."""
    code = "class Hog(Scene):\n    def construct(self):\n        blob = bytearray(64 * 1024**3)\n"
    log = failing_build(site, caplog, code, plugin="theme: dark\nmemory_limit: 3072\n")
    assert "docs/index.md:5: the render ran out of memory" in log


def test_megabytes_of_output_are_cut_to_a_readable_tail(site, caplog) -> None:
    """A block that floods stdout then crashes reports a short message, not the flood."""
    code = "import os\nclass Noisy(Scene):\n    def construct(self):\n        print('x' * 4_000_000)\n        os._exit(7)\n"
    log = failing_build(site, caplog, code)
    assert "docs/index.md:5: the render process exited with status 7" in log
    assert len(log) < 50_000


def test_code_defining_a_scene_that_raises_on_import_names_its_line(site, caplog) -> None:
    """Errors at module level of the code are located too."""
    code = "import numpy\nvalue = undefined_name\nclass S(Scene):\n    pass\n"
    assert "docs/index.md:7: NameError: name 'undefined_name' is not defined" in failing_build(site, caplog, code)


PATCHED = """\
class Fraction(Scene):
    def construct(self):
        self.add(MathTex('x'))
        self.add(MathTex(r'\\frac{1}{'))
"""
PATCHED_ERROR = ('docs/index.md:9: LaTeX rejects the formula "\\frac{1}{" (Manim would patch it and render something '
                 'else):\n! File ended while scanning use of')


def test_formula_manim_would_patch_fails_with_latex_own_error(site, caplog) -> None:
    """A formula that is not valid TeX fails with its line, its text and LaTeX's own first error line."""
    assert PATCHED_ERROR in failing_build(site, caplog, PATCHED)


def test_formula_manim_would_patch_fails_in_the_gradviz_command(site, capsys, monkeypatch) -> None:
    """`gradviz render` reports the same error, unbroken at a CI log's 80 columns, and exits 1."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", "# Title\n\nText.\n\n```gradviz\n" + PATCHED + "```\n")
    monkeypatch.chdir(site.root)
    monkeypatch.setattr(cli, "console", Console(highlight=False, width=80))  # not a terminal, as in CI
    assert main(["render"]) == 1
    assert PATCHED_ERROR in capsys.readouterr().out


def test_formula_manim_would_patch_shows_in_place_under_serve(site) -> None:
    """Under `mkdocs serve` the page shows the error where the figure would be."""
    site.configure(plugin="theme: dark\n")
    site.page("index.md", "# Title\n\nText.\n\n```gradviz\n" + PATCHED + "```\n")
    plugins = []
    try:
        for _ in range(2):  # the first build leaves a placeholder; the one after the render shows the outcome
            config = load_config(str(site.root / "mkdocs.yml"))
            config.plugins.on_startup(command="serve", dirty=False)
            build(config, serve_url="http://127.0.0.1:8000/")
            plugins.append(config.plugins["gradviz"])
            wait(plugins[-1].run.unfinished(), timeout=120)
            plugins[-1].engine.live.refresh()  # as a finished render does; waits for one already under way
    finally:
        for plugin in plugins:
            plugin.on_shutdown()
    page = site.html()
    assert "gradviz could not render the block at docs/index.md:9" in page
    assert "LaTeX rejects the formula &quot;\\frac{1}{&quot;" in page and "! File ended while scanning use of" in page


def test_every_problem_of_a_block_is_reported_at_once_on_its_own_line(site, caplog) -> None:
    """A wrong type and a misspelt name in one block are both reported, each with its page line."""
    site.configure(plugin="theme: dark\nscenes_dir: ''\n")
    site.page("index.md", "# T\n\n```gradviz\nscene: GradientDescent\nstart: \"two\"\nlearning_rat: 0.1\n```\n")
    with pytest.raises(Abort):
        site.build()
    assert "docs/index.md:5: parameter 'start' must be a float, not 'two'" in caplog.text
    assert "docs/index.md:6: unknown parameter 'learning_rat' for scene GradientDescent; did you mean 'learning_rate'?" \
        in caplog.text


def test_parallel_renders_share_formulas_without_racing(site) -> None:
    """Several renders compiling the same new formulas at once all succeed from one LaTeX cache."""
    site.configure(plugin="theme: dark\nconcurrency: 4\n")
    for index in range(4):
        site.page(f"p{index}.md", "```gradviz\nclass F(Scene):\n    def construct(self):\n"
                  f"        self.play(Write(MathTex(r'\\eta_{{race}} \\nabla L')), run_time={0.2 + index / 10})\n```\n")
    report = site.build().run.report
    assert (report.rendered, report.failed) == (4, 0)


def test_gradviz_render_prints_one_table_then_the_errors_and_exits_1(site, capsys, monkeypatch) -> None:
    """`gradviz render` on a failing site: the table (naming every block's scene), the counts, then the errors."""
    site.configure(plugin="theme: dark\nscenes_dir: ''\n")
    site.page("index.md", "```gradviz\nscene: GradientDescent\nstart: \"two\"\n```\n\n```gradviz\n" + CODE + "```\n")
    monkeypatch.chdir(site.root)
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["render"]) == 1
    captured = capsys.readouterr()
    out = captured.out
    table, counts = out.index("page:line"), out.index("2 blocks, 0 videos rendered, 0 reused from cache, 2 failed")
    errors = out.index("gradviz could not render 2 block(s):\ndocs/index.md:3: parameter 'start' must be a float")
    assert table < counts < errors and "docs/index.md:10: ZeroDivisionError" in out[errors:]
    assert "GradientDescent" in out[table:counts] and "?" not in out[table:counts]
    assert out.count("page:line") == 1 and "Aborted" not in out + captured.err and "could not render" not in captured.err

"""The benchmark's "ok" column comes from its measurements: a row that misses its target says NO."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "benchmark.py"


@pytest.fixture(scope="module")
def benchmark():
    spec = importlib.util.spec_from_file_location("gradviz_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


#: Eight renders of 2 s each; the fastest wall time of each mode: Dask behaves, two workers halve the time.
SINGLES = [2.0] * 8
GOOD = {"local 1": 16.0, "local 2": 8.4, "dask 1": 16.2, "dask 2": 8.5}


def oks(rows) -> dict[str, bool]:
    return {name.split()[0]: ok for name, _, _, ok in rows}


def test_cluster_rows_pass_when_dask_behaves(benchmark) -> None:
    """Dask's small cost, its matching slow-down and a speed-up near 2 pass every cluster row."""
    assert oks(benchmark.cluster_rows(GOOD, 0.02, SINGLES)) == {"(6a)": True, "(6a')": True, "(6b)": True, "(6c)": True}


@pytest.mark.parametrize(("times", "overhead", "failing"), [
    (GOOD, 0.5, {"(6a)"}),  # a quarter of a render per task: no longer a small cost
    ({**GOOD, "dask 1": 24.0}, 0.02, {"(6a')", "(6b)"}),  # 1 s slower per task than its measured cost, 2.8x speed-up
    ({**GOOD, "dask 2": 17.0}, 0.02, {"(6b)", "(6c)"}),  # two workers slower than one
], ids=["costly dispatch", "unexplained slow-down", "no speed-up"])
def test_cluster_rows_say_no_when_a_target_is_missed(benchmark, times, overhead, failing) -> None:
    """Each cluster row's ok follows its own target: the rows whose target is missed, and only those, say NO."""
    assert {name for name, ok in oks(benchmark.cluster_rows(times, overhead, SINGLES)).items() if not ok} == failing


def test_a_row_that_says_no_fails_the_run(benchmark, capsys) -> None:
    """The report prints NO for a missed target and exits with status 1; all met, status 0."""
    assert benchmark.report([("(8) a scene", "<= 2.00x raster limit", "3.10x", benchmark.at_most(3.1, 2.0))]) == 1
    assert capsys.readouterr().out.rstrip().endswith("NO")
    assert benchmark.report([("(8) a scene", "<= 2.00x raster limit", "1.40x", benchmark.at_most(1.4, 2.0))]) == 0
    assert capsys.readouterr().out.rstrip().endswith("yes")

#!/usr/bin/env bash
# Sets up a fresh machine (scripts/setup.sh), checks the code with ruff and the layering with
# import-linter, then runs the whole test suite in parallel processes (pytest-xdist):
# GRADVIZ_TEST_WORKERS of them (default 4 on two cores: while one process renders, others wait on
# a browser, a server or the course build). Arguments go to pytest, e.g. `bash scripts/test.sh -m unit`
# for the quick check, or `-n 0` to run in one process.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
python3 -m ruff check .
lint-imports  # the layering contract of pyproject.toml's [tool.importlinter]
# loadgroup: the tests of a module sharing an expensive set-up (a built site, a cluster) stay in one
# process; the longest start first (tests/conftest.py).
python3 -m pytest -n "${GRADVIZ_TEST_WORKERS:-4}" --dist loadgroup --no-loadscope-reorder "$@"

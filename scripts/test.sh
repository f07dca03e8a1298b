#!/usr/bin/env bash
# Sets up a fresh machine (scripts/setup.sh), checks the code with ruff, then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
python3 -m ruff check .
lint-imports  # the layering contract of pyproject.toml's [tool.importlinter]
python3 -m pytest "$@"

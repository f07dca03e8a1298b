#!/usr/bin/env bash
# Sets up a fresh machine (scripts/setup.sh), builds the course site, then serves it with live reload.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdocs build --strict
exec mkdocs serve --dev-addr "${GRADVIZ_ADDR:-127.0.0.1:8000}"

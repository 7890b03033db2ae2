#!/usr/bin/env bash
# Set up, then run the whole test suite (the PostgreSQL tests on a private server this script
# starts and stops; without one they skip, saying why).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/install_browser.sh   # Debian's Chromium for the dashboard's browser tests (skipped without it)
if url=$(./scripts/postgres.sh start | tail -1) && [ -n "$url" ]; then
  export RW_TEST_POSTGRES="$url"
  trap './scripts/postgres.sh stop' EXIT
else
  echo "test.sh: no PostgreSQL server; the PostgreSQL tests skip" >&2
fi
.venv/bin/python -m pytest -q "$@"

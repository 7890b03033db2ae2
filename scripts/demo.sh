#!/usr/bin/env bash
# Set up, then run the main job on the bundled demo corpus into ./rivalwatch.db.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/rivalwatch --db rivalwatch.db demo "$@"

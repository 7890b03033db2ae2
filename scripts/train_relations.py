#!/usr/bin/env python3
"""Train the relation classifier from the project's own annotated sentences.

    python scripts/train_relations.py check training/relations/*.jsonl   # every relation's actors found?
    python scripts/train_relations.py train                              # rebuild the model artefact

Training data: `training/relations/*.jsonl`, one example a line (see training/README.md).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rivalwatch.analysis import training as learn  # noqa: E402


def check(paths: list[Path]) -> int:
    bad = 0
    for path in paths:
        examples = learn.read_examples(path)
        for problem in learn.check_examples(examples):
            print(f"{path.name}: {problem}")
            bad += 1
    print(f"{bad} problems" if bad else "all examples usable")
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_check = sub.add_parser("check", help="report examples whose actors the extractor does not find")
    p_check.add_argument("files", nargs="+", type=Path)
    p_train = sub.add_parser("train", help="train and write the model artefact")
    p_train.add_argument("--data", type=Path, default=ROOT / "training" / "relations")
    p_train.add_argument("--out", type=Path, default=learn.MODEL_FILE)
    args = parser.parse_args()
    if args.command == "check":
        return check(args.files)
    report = learn.train(learn.all_examples(args.data), args.out)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

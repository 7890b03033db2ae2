"""Reading gold annotation folders (ontology.md format) with the documents they annotate."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import GoldFormatError
from ..models import Document
from . import SUPPORTED_SUFFIXES, read_file

PathLike = str | Path


def gold_documents(gold_dir: PathLike, docs_dir: PathLike) -> list[tuple[Path, dict[str, Any], Document]]:
    """(gold file, its annotation, the document it annotates) for every gold file of a folder."""
    return [(path, gold, _gold_document(path, gold, Path(docs_dir))) for path, gold in _gold_files(Path(gold_dir))]


def _gold_files(gold_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    if not gold_dir.is_dir():
        raise GoldFormatError(f"{gold_dir}: not a folder of gold JSON files")
    out = []
    for path in sorted(gold_dir.glob("*.json")):
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise GoldFormatError(f"{path}: cannot read gold JSON ({exc})") from exc
        if not isinstance(gold, dict) or not isinstance(gold.get("doc"), dict):
            raise GoldFormatError(f"{path}: no \"doc\" object; see ontology.md for the gold format")
        for key in ("actors", "relations"):
            if not isinstance(gold.get(key, []), list):
                raise GoldFormatError(f"{path}: \"{key}\" must be a list")
        out.append((path, gold))
    if not out:
        raise GoldFormatError(f"{gold_dir}: no *.json gold files")
    return out


def _gold_document(gold_path: Path, gold: dict[str, Any], docs_dir: Path) -> Document:
    """The document a gold file annotates, read from `docs_dir`."""
    doc = gold["doc"]
    candidates = []
    if doc.get("source"):
        candidates.append(docs_dir / Path(str(doc["source"])).name)
    candidates.extend(docs_dir / f"{gold_path.stem}{suffix}" for suffix in sorted(SUPPORTED_SUFFIXES))
    # `<stem>-<n>.json` annotates record n of a multi-document input, as `extract --out` names it.
    record = re.fullmatch(r"(.+)-(\d+)", gold_path.stem)
    if record:
        candidates.extend(docs_dir / f"{record.group(1)}{suffix}" for suffix in sorted(SUPPORTED_SUFFIXES))
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        raise GoldFormatError(f"{gold_path}: no document in {docs_dir} named {doc.get('source')!r} or {gold_path.stem}.*")
    result = read_file(path, published=doc.get("published"))
    if not result.documents:
        raise result.errors[0] if result.errors else GoldFormatError(f"{path}: no document")
    by_id = [d for d in result.documents if d.id == doc.get("id")]
    if by_id or len(result.documents) == 1:
        return (by_id or list(result.documents))[0]
    if record and path.stem == record.group(1) and 0 < int(record.group(2)) <= len(result.documents):
        return result.documents[int(record.group(2)) - 1]
    raise GoldFormatError(f"{gold_path}: {path} holds {len(result.documents)} documents; set doc.id to the one annotated")

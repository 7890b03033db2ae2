"""The ontology's gold format: one JSON document per input (see ontology.md)."""
from __future__ import annotations

from typing import Any

from ..models import Document, Extraction


def to_gold(document: Document, extraction: Extraction, *, include_nonfactual: bool = True) -> dict[str, Any]:
    """An extraction in the gold format, evidence as {"text", "start", "end"}."""
    return {
        "doc": {"id": document.id, "title": document.title, "published": document.published,
                "source": document.source},
        "actors": [
            {"id": a.id, "kind": a.kind, "names": list(a.aliases), **({"part_of": a.part_of} if a.part_of else {}),
             **({"discovered": True} if a.discovered else {})}
            for a in extraction.actors
        ],
        "relations": [
            {"source": r.source, "type": r.type, "target": r.target, "modality": r.modality, "date": r.date,
             "location": r.location, "confidence": r.confidence,
             "evidence": {"text": r.evidence.text, "start": r.evidence.start, "end": r.evidence.end}}
            for r in extraction.relations
            if include_nonfactual or r.modality in ("asserted", "alleged")
        ],
        "claims": [
            {"actor": c.actor, "date": c.date, "modality": c.modality,
             "evidence": {"text": c.evidence.text, "start": c.evidence.start, "end": c.evidence.end}}
            for c in extraction.claims
        ],
        "publications": [
            {"outlet": p.outlet, "format": p.format, "language": p.language, "length": p.length,
             "title": p.title, "date": p.date,
             "evidence": {"text": p.evidence.text, "start": p.evidence.start, "end": p.evidence.end}}
            for p in extraction.publications
        ],
    }

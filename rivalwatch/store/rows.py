"""What the store's read functions return: frozen records with an `as_dict` for JSON."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models import Evidence

__all__ = ["StoredActor", "StoredRelation", "evidence_dict", "fingerprint"]


def fingerprint(doc_id: str, start: int, end: int, source: str, rtype: str, target: str) -> str:
    """A relation's stable name: its document, evidence offsets, source, type and target as written."""
    return f"{doc_id}:{start}:{end}:{source}:{rtype}:{target}"


def evidence_dict(evidence: Evidence) -> dict[str, Any]:
    """Evidence as {"text", "start", "end"}, the shape the gold format uses."""
    return {"text": evidence.text, "start": evidence.start, "end": evidence.end}


@dataclass(frozen=True)
class StoredActor:
    """An actor as stored: every alias known and how often it was mentioned."""

    id: str
    name: str
    kind: str
    part_of: str | None
    discovered: bool
    aliases: tuple[str, ...]
    mentions: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "part_of": self.part_of,
                "discovered": self.discovered, "aliases": list(self.aliases), "mentions": self.mentions}


@dataclass(frozen=True)
class StoredRelation:
    """A stored relation with its evidence and the document it came from.

    At group level `source` and `target` are rolled up to their group;
    `source_as_written` and `target_as_written` keep the actor the text named.
    """

    id: int
    doc_id: str
    version: str
    source: str
    type: str
    target: str
    modality: str
    date: str | None
    location: str | None
    confidence: float
    cue: str
    evidence: Evidence
    source_as_written: str
    target_as_written: str
    doc_title: str | None = None
    doc_source: str | None = None
    page: int | None = None          # the evidence's page, for documents with pages (PDF)
    curation: str | None = None      # an analyst's verdict: "confirmed" or "corrected"; None when uncurated

    @property
    def curated(self) -> bool:
        """True when an analyst confirmed or corrected this relation."""
        return self.curation is not None

    @property
    def fingerprint(self) -> str:
        """`doc:start:end:source:TYPE:target` (as written): names the relation across re-extraction."""
        return fingerprint(self.doc_id, self.evidence.start, self.evidence.end, self.source_as_written, self.type,
                           self.target_as_written)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "doc_id": self.doc_id, "version": self.version,
            "source": self.source, "type": self.type, "target": self.target,
            "source_as_written": self.source_as_written, "target_as_written": self.target_as_written,
            "modality": self.modality, "date": self.date, "location": self.location,
            "confidence": self.confidence, "cue": self.cue, "evidence": evidence_dict(self.evidence),
            "doc_title": self.doc_title, "doc_source": self.doc_source, "page": self.page,
            "curated": self.curated, "curation": self.curation, "fingerprint": self.fingerprint,
        }

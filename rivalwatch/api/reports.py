"""What `Workspace` methods return: plain records with an `as_dict` for JSON output."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..models import Claim, Document, Extraction, Publication
from ..store import StoredActor, StoredRelation
from ..store.rows import evidence_dict

__all__ = ["Progress", "counted", "IngestReport", "ExtractReport", "ReextractReport", "DocumentView", "DemoReport"]

# Called as progress(done, total, label) after each step of a long operation.
Progress = Callable[[int, int, str], None]
PROGRESS_EVERY = 1_000  # items between two progress calls


def counted(items: Iterable[Any], total: int, progress: Progress | None, label: str) -> Iterator[Any]:
    """`items` as they are, calling `progress(done, total, label)` every `PROGRESS_EVERY` and at the end."""
    done = 0
    for item in items:
        yield item
        done += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total, label)
    if progress:
        progress(done, total, label)


@dataclass
class IngestReport:
    """Counts of one ingest, and one line per input that could not be read."""

    files: int = 0
    documents: int = 0        # documents read from the files
    added: int = 0            # of those, new to the store
    duplicates: int = 0       # already stored (same content hash): skipped
    extracted: int = 0        # documents run through the extractor
    relations: int = 0        # relations those extractions found
    errors: list[str] = field(default_factory=list)   # "path: reason [RW200]"
    updated: int = 0          # stored documents whose text or meta changed (edited Telegram messages)
    near_duplicates: int = 0  # of the added, near-duplicates of a stored document: linked to it
    outdated: int = 0         # stored documents an older extractor version processed (see `reextract`)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "documents": self.documents, "added": self.added,
                "duplicates": self.duplicates, "extracted": self.extracted, "relations": self.relations,
                "updated": self.updated, "near_duplicates": self.near_duplicates,
                "outdated": self.outdated, "errors": list(self.errors)}


@dataclass
class ExtractReport:
    """Extractions made without a store, the files written (if any) and the inputs that failed."""

    results: list[tuple[Document, Extraction]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"documents": len(self.results), "relations": sum(len(e.relations) for _, e in self.results),
                "written": [str(p) for p in self.written], "errors": list(self.errors)}


@dataclass
class ReextractReport:
    """Documents re-extracted by the current version and the relations found."""

    version: str
    documents: int = 0
    relations: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "documents": self.documents, "relations": self.relations}


@dataclass
class DocumentView:
    """One stored document with what the current extractor found in it."""

    document: Document
    versions: list[str]
    relations: list[StoredRelation]
    claims: list[Claim]
    publications: list[Publication]
    # "full", or "partial" (not English: actors, mentions and dates only), and every
    # place the statement was published (store.links.DocumentSource), this one included
    analysis: str = "full"
    sources: list[Any] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        d = self.document
        return {
            "doc": {"id": d.id, "title": d.title, "published": d.published, "source": d.source, "url": d.url,
                    "language": d.language, "meta": dict(d.meta), "chars": len(d.text),
                    "content_hash": d.content_hash},
            "versions": list(self.versions),
            "relations": [r.as_dict() for r in self.relations],
            "claims": [{"actor": c.actor, "date": c.date, "location": c.location, "modality": c.modality,
                        "evidence": evidence_dict(c.evidence)} for c in self.claims],
            "publications": [{"outlet": p.outlet, "format": p.format, "language": p.language, "length": p.length,
                              "title": p.title, "date": p.date, "evidence": evidence_dict(p.evidence)}
                             for p in self.publications],
            "analysis": self.analysis,
            "sources": [x.as_dict() for x in self.sources],
        }


@dataclass
class DemoReport:
    """What the demo corpus gave: the ingest, store counts, top actors, relations."""

    corpus: Path
    ingest: IngestReport
    counts: dict[str, int]
    top_actors: list[StoredActor]
    relations: list[StoredRelation]

    def as_dict(self) -> dict[str, Any]:
        return {"corpus": str(self.corpus), "ingest": self.ingest.as_dict(), "counts": dict(self.counts),
                "top_actors": [a.as_dict() for a in self.top_actors],
                "relations": [r.as_dict() for r in self.relations]}

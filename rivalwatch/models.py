"""Frozen records passed between the stages: ingest -> extract -> store -> analysis.

Everything here is plain data (stdlib only), so extraction stays a pure function
from a `Document` to an `Extraction` that can be mapped over many processes.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Mapping

ACTOR_KINDS = (
    "armed_group", "state", "political_party", "media_outlet",
    "person", "community", "organization",
)
RELATION_TYPES = (
    "ACCUSE", "THREATEN", "REJECT", "ASSAULT", "FIGHT", "COERCE",
    "COOPERATE", "SUPPORT", "PLEDGE", "CONSULT", "DEFECT",
)
QUAD_CLASS = {
    "ACCUSE": "verbal_conflict", "THREATEN": "verbal_conflict", "REJECT": "verbal_conflict",
    "ASSAULT": "material_conflict", "FIGHT": "material_conflict", "COERCE": "material_conflict",
    "COOPERATE": "material_cooperation", "SUPPORT": "material_cooperation",
    "PLEDGE": "verbal_cooperation", "CONSULT": "verbal_cooperation",
    "DEFECT": "membership_flow",
}
SYMMETRIC_TYPES = frozenset({"FIGHT"})
MODALITIES = ("asserted", "alleged", "negated", "hypothetical")
FACTUAL_MODALITIES = frozenset({"asserted", "alleged"})
# Kinds that roll up to the group they are `part_of` in group-level views.
ROLLUP_KINDS = frozenset({"person", "media_outlet"})

# The closed sets of values commands and routes accept. They live here, with nothing
# heavy imported, so the CLI builds its options without loading the store or the pipeline.
PERIODS = ("month", "quarter", "year")                 # series and record listings
DEFECTION_PERIODS = ("year", "quarter")
GRAPH_FORMATS = ("graphml", "gexf")                    # rivalwatch.export.graph
EXPORT_FORMATS = ("csv", "jsonl", "graphml", "stix")   # rivalwatch.api.exports
EVENT_ORIGINS = ("acled", "gtd", "ucdp")               # rivalwatch.ingest.events_csv
ROLES = ("viewer", "analyst", "admin")                 # API token roles, least to most
STORE_INT_MAX = 2**63 - 1  # the largest integer SQLite and PostgreSQL store (signed 64 bits)


@dataclass(frozen=True)
class Document:
    """One ingested text with what we know about where it came from."""

    id: str                      # first 16 hex chars of content_hash
    text: str
    content_hash: str            # sha256 of the normalised text
    source: str                  # file path, URL or channel the text came from
    title: str | None = None
    published: str | None = None  # ISO date at the precision known: 2024, 2024-07, 2024-07-14
    url: str | None = None
    language: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Actor:
    """A knowledge-base or discovered actor. `aliases` holds every spelling and script."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    part_of: str | None = None
    discovered: bool = False


@dataclass(frozen=True)
class Evidence:
    """The sentence a record rests on: `text == document.text[start:end]`."""

    doc_id: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Mention:
    """A span of a document resolved to an actor (`how`: alias, ner or coref)."""

    actor_id: str
    doc_id: str
    start: int
    end: int
    text: str
    how: str = "alias"


@dataclass(frozen=True)
class Relation:
    """A directed, typed relation between two actors, as written (not rolled up)."""

    source: str
    type: str
    target: str
    modality: str
    evidence: Evidence
    date: str | None = None
    location: str | None = None
    confidence: float = 0.5
    cue: str = ""


@dataclass(frozen=True)
class Claim:
    """A group claims responsibility for an attack."""

    actor: str
    evidence: Evidence
    date: str | None = None
    location: str | None = None
    modality: str = "asserted"


@dataclass(frozen=True)
class Publication:
    """An outlet releases a media item."""

    outlet: str
    evidence: Evidence
    format: str | None = None
    language: str | None = None
    length: str | None = None
    title: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document by one extractor version."""

    doc_id: str
    version: str
    actors: tuple[Actor, ...]           # actors found, `aliases` = surface forms seen in this doc
    mentions: tuple[Mention, ...]
    relations: tuple[Relation, ...]
    claims: tuple[Claim, ...] = ()
    publications: tuple[Publication, ...] = ()


def page_at(starts: Any, offset: int) -> int | None:
    """The page (1-based) of a character offset, given each page's start offset
    (`Document.meta["pages"]` of a PDF); None for documents without pages."""
    if not isinstance(starts, list) or not starts or not all(isinstance(s, int) for s in starts):
        return None
    return max(1, bisect.bisect_right(starts, offset))


def group_of_each(actors: Mapping[str, tuple[str, str | None]]) -> dict[str, str]:
    """actor id -> the group it rolls up to, from each actor's (kind, part_of):
    persons and outlets that are part of a group roll up (through chains); every
    other actor maps to itself."""
    out = {}
    for actor_id in actors:
        current, seen = actor_id, set()
        while current in actors and current not in seen:
            seen.add(current)
            kind, parent = actors[current]
            if kind not in ROLLUP_KINDS or not parent:
                break
            current = parent
        out[actor_id] = current
    return out

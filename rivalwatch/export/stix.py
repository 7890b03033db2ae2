"""A STIX 2.1 bundle of relations, written object by object as the rows stream in.

What each row becomes (vocabularies in `knowledge/event_types.yaml`, `stix`):

- its two actors, once each: armed groups, persons and media outlets as
  `threat-actor` (name, `aliases`), states, parties, organisations and
  communities as `identity` (`identity_class`; identities have no aliases in STIX,
  so they are listed in the description);
- a `relationship` source_ref -> target_ref with `relationship_type` from our
  type (ASSAULT is STIX's own `targets`; the others are custom types in STIX's
  form: `fights`, `accuses`, `cooperates-with`, ...), `start_time`/`stop_time`
  spanning the relation's date at its precision (2024-07 is July), and
  `confidence` 0-100 (the extractor's; imported rows have none);
- a `note` carrying the evidence sentence, its document and character offsets;
- one `report` per source document (imported rows: per data set and file) whose
  `object_refs` are the relationships, notes and actors drawn from it, created by
  the `identity` of RivalWatch itself (`identity_class` "system"), which every
  bundle holds first.

Only factual modalities (asserted, alleged) become relationships; negated and
hypothetical relations are left out, since a relationship states a fact. Ids are
derived from the content (the same relation gets the same id in every export),
shaped as UUIDv4 as STIX recommends for domain objects. The bundle is written by
hand, one object per line, and parses with `stix2.parse(..., allow_custom=False)`.

Example:
    with open("bundle.json", "w", encoding="utf-8") as out:
        counts = write_stix(export_rows(store, query), out, actors=actors)
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, TextIO

from ..ingest.events_csv import load_event_rules
from ..store.exchange import EXTRACTED, ExportRow

__all__ = ["StixCounts", "StixVocab", "stix_id", "write_stix"]

SPEC = "2.1"
PRODUCER = "identity--5f0c7b57-2c57-4b5e-9a43-64bf2f8f2c11"   # RivalWatch itself: the creator of every report


@dataclass(frozen=True)
class StixVocab:
    """The `stix` section of `knowledge/event_types.yaml`."""

    relationship_types: dict[str, str]
    threat_actor_kinds: frozenset[str]
    identity_classes: dict[str, str]
    modalities: frozenset[str]

    @classmethod
    def load(cls) -> "StixVocab":
        data = load_event_rules().raw.get("stix") or {}
        return cls(relationship_types=dict(data.get("relationship_types") or {}),
                   threat_actor_kinds=frozenset(data.get("threat_actor_kinds") or ()),
                   identity_classes=dict(data.get("identity_classes") or {}),
                   modalities=frozenset(data.get("modalities") or ("asserted", "alleged")))


@dataclass
class StixCounts:
    """What a bundle holds."""

    actors: int = 0
    relationships: int = 0
    notes: int = 0
    reports: int = 0
    left_out: int = 0          # negated or hypothetical rows
    by_modality: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"actors": self.actors, "relationships": self.relationships, "notes": self.notes,
                "reports": self.reports, "left_out": self.left_out}


def stix_id(kind: str, *parts: object) -> str:
    """`kind--uuid`, the UUID derived from `parts` (SHA-256), with the version-4 and variant bits set."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return f"{kind}--{uuid.UUID(bytes=digest[:16], version=4)}"


def _timestamp(moment: _dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _period(date: str | None) -> tuple[str, str] | None:
    """(start_time, stop_time) of an ISO date at its precision: "2024-07" is July 2024."""
    if not date:
        return None
    try:
        parts = [int(p) for p in date.split("-")]
        if len(parts) == 1:
            start, stop = _dt.datetime(parts[0], 1, 1), _dt.datetime(parts[0] + 1, 1, 1)
        elif len(parts) == 2:
            start = _dt.datetime(parts[0], parts[1], 1)
            stop = _dt.datetime(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        else:
            start = _dt.datetime(parts[0], parts[1], parts[2])
            stop = start + _dt.timedelta(days=1)
    except ValueError:
        return None
    return start.strftime("%Y-%m-%dT%H:%M:%SZ"), stop.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Bundle:
    """Writes `{"type": "bundle", ..., "objects": [`, each object as it is added, then `]}`
    (a bundle with no object has no `objects`: STIX lists are never empty)."""

    def __init__(self, out: TextIO, bundle_id: str) -> None:
        self.out = out
        self.head = f'{{"type": "bundle", "id": "{bundle_id}"'
        self.first = True

    def add(self, obj: dict[str, Any]) -> str:
        self.out.write(f'{self.head}, "objects": [\n' if self.first else ",\n")
        self.first = False
        self.out.write(json.dumps(obj, ensure_ascii=False))
        return obj["id"]

    def close(self) -> None:
        self.out.write(f"{self.head}}}\n" if self.first else "\n]}\n")


class _Writer:
    def __init__(self, bundle: _Bundle, actors: Mapping[str, Any], vocab: StixVocab, created: str) -> None:
        self.bundle, self.actors, self.vocab, self.created = bundle, actors, vocab, created
        self.actor_ids: dict[str, str] = {}
        self.counts = StixCounts()
        self.group: str | None = None
        self.group_row: ExportRow | None = None
        self.refs: dict[str, None] = {}

    def _common(self, kind: str, object_id: str) -> dict[str, Any]:
        return {"type": kind, "spec_version": SPEC, "id": object_id, "created": self.created, "modified": self.created}

    def actor(self, actor_id: str) -> str:
        if actor_id in self.actor_ids:
            return self.actor_ids[actor_id]
        info = self.actors.get(actor_id)
        name = info.name if info is not None else actor_id
        kind = info.kind if info is not None else "armed_group"
        aliases = [a for a in dict.fromkeys(getattr(info, "aliases", ()) or ()) if a != name]
        part_of = getattr(info, "part_of", None)
        about = f"RivalWatch actor {actor_id} ({kind.replace('_', ' ')})" + (f", part of {part_of}" if part_of else "")
        if kind in self.vocab.threat_actor_kinds:
            obj = self._common("threat-actor", stix_id("threat-actor", "rivalwatch-actor", actor_id))
            obj.update({"name": name, "description": about})
            if aliases:
                obj["aliases"] = aliases
        else:
            obj = self._common("identity", stix_id("identity", "rivalwatch-actor", actor_id))
            described = about + (f"; also called {', '.join(aliases)}" if aliases else "")
            obj.update({"name": name, "description": described,
                        "identity_class": self.vocab.identity_classes.get(kind, "unknown")})
        self.actor_ids[actor_id] = self.bundle.add(obj)
        self.counts.actors += 1
        return self.actor_ids[actor_id]

    def row(self, row: ExportRow) -> None:
        if row.modality not in self.vocab.modalities:
            self.counts.left_out += 1
            return
        if row.group != self.group:
            self.flush()
            self.group, self.group_row = row.group, row
        source, target = self.actor(row.source), self.actor(row.target)
        extracted = row.kind == EXTRACTED
        key = ((row.version, row.doc_id, row.source_as_written, row.type, row.target_as_written, row.start, row.end)
               if extracted else (row.origin, row.row_id))
        rel_id = stix_id("relationship", *key, row.source, row.target)
        repeat = 1
        while rel_id in self.refs:   # the same relation twice in one sentence (keys are unique per document)
            repeat += 1
            rel_id = stix_id("relationship", *key, row.source, row.target, repeat)
        rel = self._common("relationship", rel_id)
        rel.update({"relationship_type": self.vocab.relationship_types.get(row.type, row.type.lower()),
                    "source_ref": source, "target_ref": target,
                    "description": f"{row.source} {row.type} {row.target} ({row.modality}"
                                   + (f", {row.sub_type}" if row.sub_type else "") + ")"})
        period = _period(row.date)
        if period:
            rel["start_time"], rel["stop_time"] = period
        if row.confidence is not None:
            rel["confidence"] = max(0, min(100, round(row.confidence * 100)))
        reference = ({"source_name": "rivalwatch", "external_id": f"{row.doc_id}:{row.start}-{row.end}",
                      "description": row.doc_title or row.doc_source or row.doc_id}
                     if extracted else
                     {"source_name": row.origin, "external_id": row.row_id or "", "description": row.source_file or row.origin})
        if extracted and row.doc_url:
            reference["url"] = row.doc_url
        rel["external_references"] = [reference]
        rel_id = self.bundle.add(rel)
        note = self._common("note", stix_id("note", rel_id))
        note.update({"abstract": f"Evidence: {row.source} {row.type} {row.target}",
                     "content": row.evidence or "(the source gives no text)",
                     "object_refs": [rel_id], "external_references": [reference]})
        note_id = self.bundle.add(note)
        self.counts.relationships += 1
        self.counts.notes += 1
        self.refs.update(dict.fromkeys((rel_id, note_id, source, target)))

    def flush(self) -> None:
        row = self.group_row
        if row is None or not self.refs:
            return
        if row.kind == EXTRACTED:
            name = row.doc_title or row.doc_source or row.doc_id or row.group
            when = _period(row.published)
            published = when[0] if when else _timestamp(row.recorded_at or _dt.datetime(1970, 1, 1))
            ref = {"source_name": "rivalwatch", "external_id": row.doc_id or row.group}
            if row.doc_url:
                ref["url"] = row.doc_url
        else:
            name = f"{row.origin.upper()} events imported from {row.source_file}"
            published = _timestamp(row.recorded_at or _dt.datetime(1970, 1, 1))
            ref = {"source_name": row.origin, "external_id": row.source_file or row.origin}
        report = self._common("report", stix_id("report", row.kind, row.group))
        report.update({"created_by_ref": PRODUCER, "name": name, "report_types": ["threat-report"], "published": published,
                       "object_refs": list(self.refs), "external_references": [ref]})
        self.bundle.add(report)
        self.counts.reports += 1
        self.refs = {}
        self.group_row = None


def write_stix(rows: Iterable[ExportRow], out: TextIO, *, actors: Mapping[str, Any], vocab: StixVocab | None = None,
               now: _dt.datetime | None = None) -> StixCounts:
    """Write a STIX 2.1 bundle of `rows` to `out`, one object at a time; returns what it holds."""
    created = _timestamp(now or _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None))
    bundle = _Bundle(out, f"bundle--{uuid.uuid4()}")
    writer = _Writer(bundle, actors, vocab or StixVocab.load(), created)
    producer = writer._common("identity", PRODUCER)
    producer.update({"name": "RivalWatch", "identity_class": "system",
                     "description": "Relations between armed groups extracted from reporting, each with its evidence "
                                    "sentence, and events imported from human-coded data sets."})
    bundle.add(producer)
    for row in rows:
        writer.row(row)
    writer.flush()
    bundle.close()
    return writer.counts

"""CSV in an ACLED-like column layout and JSONL in PLOVER's event record layout, written row by row.

Both writers take any iterable of `ExportRow`s and write each as it comes, so an
export of a million relations holds one row in memory at a time.

**CSV** (`CSV_COLUMNS`): ACLED's own names where one fits: `event_id`,
`event_date` (ISO at the precision known), `event_type` (our relation type),
`sub_event_type` (our modality: asserted, alleged, negated, hypothetical),
`actor1` -> `actor2` (ids; groups with `group_level`), `country` and `admin1`
(geocoded from the place, offline), `location` (the place as written),
`fatalities`, `notes` (the evidence sentence); then the evidence: `doc_id`,
`sentence`, `start`, `end` (character offsets in the document), `confidence`,
and `curated` (left empty: a column for an analyst's review). Imported rows name
their data set in `origin` and its row id in `source_row_id`.

**PLOVER JSONL**: one record per line with the field names of the PLOVER manual
(0.7, "PLOVER JSON"): `id`, `date`, `source` and `recipient` (lists of actor
objects: `actor_text` as written, `identifier_id` our id, `identifier_text` its
name, `sector`), `event` (the PLOVER category: SUPPORT is AID, PLEDGE is AGREE,
FIGHT is ASSAULT with both sides as `source` and no recipient), `mode` where
known (imported attacks), `context` ("negation", "hypothetical"), `quad_code`,
`event_loc`, `event_text`, `text_info` (`start`, `end`), `cite_info`, `dead`;
our own ids and fields under `rivalwatch`.

Example:
    with open("out.csv", "w", newline="", encoding="utf-8") as out:
        write_csv(export_rows(store, query), out)
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, TextIO

from ..ingest.events_csv import load_event_rules
from ..store.exchange import EXTRACTED, ExportRow

__all__ = ["CSV_COLUMNS", "CODEBOOK", "Geocode", "PloverVocab", "write_csv", "write_plover"]

CODEBOOK = "rivalwatch-ontology-v1"  # ../shared/ontology.md, the types PLOVER records are mapped from
CSV_COLUMNS = (
    "event_id", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "actor1_as_written",
    "actor2_as_written", "country", "admin1", "location", "fatalities", "notes", "origin", "origin_type",
    "source_row_id", "doc_id", "doc_title", "doc_source", "sentence", "start", "end", "confidence", "curated",
)

# A place string -> something with `country` (ISO alpha-3), `province`, `lat`, `lon`; or None.
Geocode = Callable[[str | None], Any]


def _none(_: str | None) -> None:
    return None


def _place(row: ExportRow, geocode: Geocode) -> Any:
    return geocode(row.location) if row.location else None


def write_csv(rows: Iterable[ExportRow], out: TextIO, *, geocode: Geocode = _none) -> int:
    """Write a header and one line per row; returns the rows written."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        place = _place(row, geocode)
        writer.writerow([
            row.event_id, row.date or "", row.type, row.modality, row.source, row.target, row.source_as_written,
            row.target_as_written, place.country if place else "", (place.province or "") if place else "",
            row.location or "", "" if row.fatalities is None else row.fatalities, row.evidence, row.origin,
            row.sub_type or "", row.row_id or "", row.doc_id or "", row.doc_title or "", row.doc_source or "",
            row.evidence, "" if row.start is None else row.start, "" if row.end is None else row.end,
            "" if row.confidence is None else round(row.confidence, 3), "",
        ])
        count += 1
    return count


@dataclass(frozen=True)
class PloverVocab:
    """The `plover` section of `knowledge/event_types.yaml`."""

    events: dict[str, str]
    two_sided: frozenset[str]
    quad_codes: dict[str, int]
    contexts: dict[str, str]
    modes: dict[str, str]
    sectors: dict[str, str]

    @classmethod
    def load(cls) -> "PloverVocab":
        data = load_event_rules().raw.get("plover") or {}
        return cls(events=dict(data.get("events") or {}), two_sided=frozenset(data.get("two_sided") or ()),
                   quad_codes={k: int(v) for k, v in (data.get("quad_codes") or {}).items()},
                   contexts=dict(data.get("contexts") or {}),
                   modes={k.casefold(): v for k, v in (data.get("modes") or {}).items()},
                   sectors=dict(data.get("sectors") or {}))

    def mode(self, sub_type: str | None) -> str | None:
        """The PLOVER mode of a data set's own type ("Explosions/Remote violence / Suicide bomb"), if one fits."""
        for part in reversed((sub_type or "").split(" / ")):
            mode = self.modes.get(part.strip().casefold())
            if mode:
                return mode
        return None


def _actor(actor_id: str, written: str, actors: Mapping[str, Any], vocab: PloverVocab) -> dict[str, Any]:
    info = actors.get(actor_id)
    out: dict[str, Any] = {"actor_text": written, "identifier_id": actor_id,
                           "identifier_text": info.name if info is not None else actor_id}
    sector = vocab.sectors.get(info.kind) if info is not None else None
    if sector:
        out["sector"] = sector
    return out


def plover_record(row: ExportRow, *, actors: Mapping[str, Any], vocab: PloverVocab,
                  geocode: Geocode = _none) -> dict[str, Any]:
    """One row as a PLOVER event record (a dict ready for `json.dumps`)."""
    source = _actor(row.source, row.source_as_written, actors, vocab)
    target = _actor(row.target, row.target_as_written, actors, vocab)
    two_sided = row.type in vocab.two_sided
    record: dict[str, Any] = {
        "id": row.event_id, "date": row.date,
        "source": [source, target] if two_sided else [source],
        "recipient": [] if two_sided else [target],
        "event": [vocab.events.get(row.type, row.type)],
    }
    mode = vocab.mode(row.sub_type)
    if mode:
        record["mode"] = [mode]
    context = vocab.contexts.get(row.modality)
    if context:
        record["context"] = [context]
    if row.type in vocab.quad_codes:
        record["quad_code"] = vocab.quad_codes[row.type]
    if row.location:
        place = _place(row, geocode)
        loc: dict[str, Any] = {"name": row.location}
        if place is not None:
            loc.update({"cc3": place.country, "admin1": place.province, "latitude": place.lat, "longitude": place.lon})
        record["event_loc"] = {k: v for k, v in loc.items() if v is not None}
    record["event_text"] = [row.evidence]
    if row.start is not None:
        record["text_info"] = {"start": row.start, "end": row.end}
    if row.fatalities is not None:
        record["dead"] = row.fatalities
    extracted = row.kind == EXTRACTED
    cite = {"corpus": row.origin, "citation": row.doc_id if extracted else f"{row.source_file}#{row.row_id}",
            "title": row.doc_title, "url": row.doc_url, "codebook": CODEBOOK,
            "coder": f"rivalwatch {row.version}" if extracted else f"{row.origin} (human-coded)"}
    record["cite_info"] = {k: v for k, v in cite.items() if v}
    ours = {"kind": row.kind, "relation_id": row.id, "type": row.type, "source": row.source, "target": row.target,
            "modality": row.modality, "confidence": row.confidence, "doc_id": row.doc_id, "cue": row.cue,
            "origin": row.origin, "row_id": row.row_id, "source_file": row.source_file, "origin_type": row.sub_type}
    record["rivalwatch"] = {k: v for k, v in ours.items() if v is not None}
    return record


def write_plover(rows: Iterable[ExportRow], out: TextIO, *, actors: Mapping[str, Any],
                 vocab: PloverVocab | None = None, geocode: Geocode = _none) -> int:
    """Write one PLOVER JSON record per line; returns the rows written."""
    vocab = vocab or PloverVocab.load()
    count = 0
    for row in rows:
        out.write(json.dumps(plover_record(row, actors=actors, vocab=vocab, geocode=geocode), ensure_ascii=False))
        out.write("\n")
        count += 1
    return count

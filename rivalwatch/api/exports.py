"""The data-exchange side of `Workspace`: event data sets in, relations out.

`Workspace.import_events`, `Workspace.export` and `Workspace.imported_events`
come from `ExportsMixin`, so the workspace module stays a list of front doors.

Example:
    ws.import_events("acled", "acled_2024.csv", mapping="my_names.yaml").unresolved
    ws.export("stix", out="bundle.json", source="ISKP", since="2024")
    [e.event_id for e in ws.imported_events(origin="ucdp", limit=5)]
"""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .params import iso_date as _iso, one_of
from ..analysis.agreement import Agreement, row_result
from ..analysis.places import PlaceCache
from ..errors import KnowledgeError, QueryError
from ..export.stix import write_stix
from ..export.tabular import write_csv, write_plover
from ..ingest.events_csv import (
    EVENT_NAMES_FILE, ORIGINS, EventNameResolver, load_event_names, load_event_rules, read_events, to_imported,
)
from ..ingest.document import make_document
from ..ingest.relationships import NameResolver, alias_index, fold
from ..models import EVENT_ORIGINS, EXPORT_FORMATS, MODALITIES, RELATION_TYPES, group_of_each
from ..store.exchange import ExportQuery, ExportRow, add_imported_events, count_rows, export_rows
from .network import ImportReport
from .reports import Progress, counted

if TYPE_CHECKING:
    from .workspace import Workspace

__all__ = ["EVENT_ORIGINS", "EXPORT_FORMATS", "ExportReport", "ExportsMixin"]



@dataclass
class ExportReport:
    """One export: the format, where it went, and how many rows (and STIX objects) it holds."""

    format: str
    out: str
    rows: int = 0
    stix: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"format": self.format, "out": self.out, "rows": self.rows, **({"stix": self.stix} if self.stix else {})}




def _choices(value: str | None, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    """`one_of` as a filter: no value is no filter, a value is a one-item tuple."""
    found = one_of(value, allowed, what)
    return () if found is None else (found,)


class ExportsMixin:
    """Import of ACLED/GTD/UCDP files, streaming export to CSV, PLOVER JSONL, GraphML and STIX."""

    # --- in ---------------------------------------------------------------------------

    def import_events(self: "Workspace", origin: str, path: str | Path, *,  # type: ignore[misc]
                      mapping: str | Path | None = None) -> ImportReport:
        """Store the rows of an ACLED, GTD or UCDP file (.csv; .xlsx too) as imported relations.

        Actor names resolve through `knowledge/event_names.yaml`, the `mapping` YAML
        (merged over it) and the actor aliases; rows with unresolved names are skipped
        and the names reported. A row already imported (same data set and row id, from
        any file) is not added again. A malformed file raises `IngestError` naming its
        line, and nothing is stored.

        Example:
            ws.import_events("ucdp", "ged.csv").added
        """
        if origin not in ORIGINS:
            raise QueryError(f"unknown data set {origin!r}: use one of {', '.join(ORIGINS)}")
        kb = self.knowledge
        resolver = self._event_resolver(mapping)
        rows = read_events(origin, path, load_event_rules())
        result = to_imported(rows, resolver=resolver, source_file=Path(path).name, rollup=kb.rollup)
        involved = {i for e in result.events for i in (e.source, e.target, e.source_group, e.target_group)}
        self.store.upsert_actors(kb.actors[i] for i in sorted(involved) if i in kb.actors)
        added = add_imported_events(self.store, result.events)
        return ImportReport(
            file=str(path), rows=result.rows, relations=len(result.events), added=added,
            duplicates=len(result.events) - added,
            types=dict(sorted(Counter(e.type for e in result.events).items())),
            unresolved=dict(sorted(result.unresolved.items(), key=lambda kv: (-kv[1], kv[0]))),
            skipped=list(result.skipped),
        )

    def _event_resolver(self: "Workspace", mapping: str | Path | None) -> EventNameResolver:  # type: ignore[misc]
        """How event data sets' actor names become ids: event_names.yaml, the user's mapping over it, the aliases."""
        kb = self.knowledge
        names, patterns = load_event_names(EVENT_NAMES_FILE)
        if mapping is not None:
            own, own_patterns = load_event_names(mapping)
            names.update(own)
            patterns = own_patterns + patterns
        unknown = sorted({r.id for rules in names.values() for r in rules if r.id is not None and r.id not in kb.actors})
        if unknown:
            raise KnowledgeError(f"{mapping or EVENT_NAMES_FILE}: unknown actor ids {', '.join(unknown)}; "
                                 "use ids from the knowledge base or your --actors file")
        aliases = alias_index(kb.actors.values())
        states = frozenset(a.id for a in kb.actors.values() if a.kind == "state")
        return EventNameResolver(NameResolver(aliases, states=states), names, patterns)

    def agreement(self: "Workspace", origin: str, path: str | Path, *,  # type: ignore[misc]
                  mapping: str | Path | None = None, limit: int | None = None,
                  progress: Progress | None = None) -> Agreement:
        """Extract the note of every ACLED or GTD row with two named actors and compare it with the coding
        (`analysis/agreement.py`): rows reproduced, and the share of extracted relations that agree.

        Example:
            ws.agreement("acled", "acled.csv").total.as_dict()
        """
        if origin not in ("acled", "gtd"):
            raise QueryError(f"cannot compare with {origin!r}: use acled or gtd (UCDP keeps no event notes)")
        kb = self.knowledge
        result = to_imported(read_events(origin, path, load_event_rules()), resolver=self._event_resolver(mapping),
                             source_file=Path(path).name, rollup=kb.rollup)
        events = [e for e in result.events if e.evidence.strip()][:limit]
        documents = [make_document(e.evidence, source=f"{Path(path).name}:{e.row_id}", published=e.date,
                                   language="en", detect=False) for e in events]
        extractions = counted(self._extract(documents), len(documents), progress, f"extract {Path(path).name}")

        def group(actor_id: str, date: str | None) -> str:
            return kb.government_of(kb.state_of(kb.rollup(actor_id)), date)

        report = Agreement(origin, str(path), result.rows, result.rows - len(result.events))
        report.results = [row_result(e, list(x.relations), group) for e, x in zip(events, extractions)]
        return report

    # --- out --------------------------------------------------------------------------

    def export_query(
        self: "Workspace", *, source: str | None = None, target: str | None = None,  # type: ignore[misc]
        type: str | None = None, since: str | None = None, until: str | None = None, modality: str | None = None,
        group_level: bool = False, include_imported: bool = False, imported_only: bool = False,
        origin: str | None = None, by_record: bool = False,
    ) -> ExportQuery:
        """The filters of an export or listing, validated and with actor names resolved to ids."""
        info = self._actor_table()
        return ExportQuery(
            version=self.version,
            sources=None if source is None else self._actor_filter(source, info, group_level),
            targets=None if target is None else self._actor_filter(target, info, group_level),
            types=_choices(type, RELATION_TYPES, "relation type"),
            modalities=_choices(modality, MODALITIES, "modality"),
            since=_iso(since, "since"), until=_iso(until, "until"), group_level=group_level,
            extracted=not imported_only, imported=include_imported or imported_only,
            origins=_choices(origin, (*ORIGINS, "mmp"), "data set"), by_record=by_record,
        )

    def export(
        self: "Workspace", fmt: str, *, out: str | Path | TextIO | None = None,  # type: ignore[misc]
        source: str | None = None, target: str | None = None, type: str | None = None, since: str | None = None,
        until: str | None = None, modality: str | None = None, group_level: bool = False,
        include_imported: bool = False, progress: Progress | None = None,
    ) -> ExportReport:
        """Write relations as CSV (ACLED-like), PLOVER JSONL, GraphML (the network) or a STIX 2.1 bundle.

        `out` is a file path or an open text stream (standard output when None). Rows
        are read from the store and written one at a time. GraphML is the actor
        network of `network` (imported rows included with `include_imported`) and
        takes only `since`, `until` and `group_level`.

        Example:
            ws.export("jsonl", out="events.jsonl", type="ASSAULT", since="2024")
        """
        if fmt not in EXPORT_FORMATS:
            raise QueryError(f"unknown export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
        if fmt == "graphml":
            if any(v is not None for v in (source, target, type, modality)):
                raise QueryError("graphml exports the whole network: give only --since, --until, --group-level "
                                 "and --include-imported (or use csv, jsonl or stix to filter by actor or type)")
            net = self.network(since=since, until=until, group_level=group_level, include_imported=include_imported,
                               progress=progress)
            with _opened(out) as stream:
                stream.write(self.export_network(net, "graphml").decode("utf-8"))
            return ExportReport(format=fmt, out=_name(out), rows=len(net.edges))
        query = self.export_query(source=source, target=target, type=type, since=since, until=until,
                                  modality=modality, group_level=group_level, include_imported=include_imported,
                                  by_record=fmt == "stix")   # a STIX report per document needs its rows together
        total = count_rows(self.store, query)
        rows = counted(export_rows(self.store, query), total, progress, f"export {fmt}")
        report = ExportReport(format=fmt, out=_name(out))
        geocode = PlaceCache()
        with _opened(out) as stream:
            if fmt == "csv":
                report.rows = write_csv(rows, stream, geocode=geocode)
            elif fmt == "jsonl":
                report.rows = write_plover(rows, stream, actors=self._actor_table(), geocode=geocode)
            else:
                counts = write_stix(rows, stream, actors=self._actor_table())
                report.rows, report.stix = counts.relationships + counts.left_out, counts.as_dict()
        return report

    def imported_events(
        self: "Workspace", *, origin: str | None = None, source: str | None = None,  # type: ignore[misc]
        target: str | None = None, type: str | None = None, since: str | None = None, until: str | None = None,
        group_level: bool = False, limit: int | None = None,
    ) -> list[ExportRow]:
        """Imported events (ACLED, GTD, UCDP, MMP rows), grouped by data set and file.

        Example:
            [(e.source, e.type, e.target, e.date) for e in ws.imported_events(origin="acled", limit=10)]
        """
        if limit is not None and limit < 1:
            raise QueryError(f"invalid limit {limit}: give a positive number")
        query = self.export_query(source=source, target=target, type=type, since=since, until=until,
                                  group_level=group_level, imported_only=True, origin=origin)
        out = []
        for row in export_rows(self.store, query):
            if limit is not None and len(out) >= limit:
                break
            out.append(row)
        return out

    # --- helpers ----------------------------------------------------------------------

    def _actor_table(self: "Workspace") -> dict[str, Any]:  # type: ignore[misc]
        """Every actor by id: the knowledge base, and discovered actors of the store."""
        info: dict[str, Any] = {a.id: a for a in self.store.actors()}
        info.update(self.knowledge.actors)
        return info

    def _actor_filter(self: "Workspace", name: str, info: dict[str, Any],  # type: ignore[misc]
                      group_level: bool) -> frozenset[str]:
        """The ids an actor name stands for (stored aliases, else the knowledge base); their groups at group level."""
        try:
            ids = self.store.resolve_actor(name)
        except QueryError:
            folded = fold(name.strip())
            ids = {a.id for a in self.knowledge.actors.values()
                   if folded == fold(a.id) or folded in {fold(x) for x in a.aliases}}
            if not ids:
                raise
        if not group_level:
            return frozenset(ids)
        groups = group_of_each({a: (x.kind, x.part_of) for a, x in info.items()})
        return frozenset(groups.get(i, i) for i in ids)




def _name(out: str | Path | TextIO | None) -> str:
    return "-" if out is None or not isinstance(out, (str, Path)) else str(out)


class _opened:
    """A text stream for `out`: the file (created, UTF-8) or the stream given (left open)."""

    def __init__(self, out: str | Path | TextIO | None) -> None:
        self.out = out
        self.handle: TextIO | None = None

    def __enter__(self) -> TextIO:
        if isinstance(self.out, (str, Path)):
            try:
                self.handle = open(self.out, "w", encoding="utf-8", newline="")
            except OSError as exc:
                raise QueryError(f"cannot write {self.out}: {exc.strerror}") from exc
            return self.handle
        return self.out if self.out is not None else sys.stdout

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()

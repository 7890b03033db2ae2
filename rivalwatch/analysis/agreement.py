"""Agreement with human coders: does extracting an event's own note reproduce its coding?

ACLED and GTD code each event with two actors and an event type, and keep the
coder's note (ACLED `notes`, GTD `summary`). For every row whose two actors the
importer resolves (`ingest/events_csv.py`, with its name and type mapping), the
note is extracted like any document dated by the event, and its factual
relations are compared with the coded one:

* a row is **reproduced** when one extracted relation has the coded dyad, the
  coded direction (either, when one of the two types is symmetric) and the coded
  quad class;
* an extracted relation **agrees** when it is such a relation for its row;
  precision is the share of extracted relations that agree.

Actor ids are compared at group level: persons and outlets rolled up to their
group, state organs to their state, a country to its government of the day.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..models import FACTUAL_MODALITIES, QUAD_CLASS, SYMMETRIC_TYPES

Triple = tuple[str, str, str]


def agrees(coded: Triple, extracted: Triple) -> bool:
    """Same dyad, direction (either for a symmetric type) and quad class."""
    cs, ctype, ct = coded
    es, etype, et = extracted
    if QUAD_CLASS.get(ctype) != QUAD_CLASS.get(etype):
        return False
    if (cs, ct) == (es, et):
        return True
    return (ctype in SYMMETRIC_TYPES or etype in SYMMETRIC_TYPES) and (cs, ct) == (et, es)


@dataclass
class RowResult:
    """One coded row and what extraction of its note gave."""

    row_id: str
    event_type: str
    coded: Triple
    text: str
    extracted: list[Triple]

    @property
    def reproduced(self) -> bool:
        return any(agrees(self.coded, e) for e in self.extracted)

    @property
    def agreeing(self) -> int:
        return sum(1 for e in self.extracted if agrees(self.coded, e))


@dataclass
class Tally:
    """Counts of rows and relations, overall or for one event type."""

    rows: int = 0
    reproduced: int = 0
    extracted: int = 0
    agreeing: int = 0

    def add(self, row: RowResult) -> None:
        self.rows += 1
        self.reproduced += row.reproduced
        self.extracted += len(row.extracted)
        self.agreeing += row.agreeing

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "reproduced": self.reproduced,
                "reproduced_share": round(self.reproduced / self.rows, 4) if self.rows else 0.0,
                "extracted": self.extracted, "agreeing": self.agreeing,
                "precision": round(self.agreeing / self.extracted, 4) if self.extracted else 0.0}


@dataclass
class Agreement:
    """Per-row results, their total and one tally per coded event type."""

    origin: str
    file: str
    rows_read: int
    rows_without_named_actors: int
    results: list[RowResult] = field(default_factory=list)

    @property
    def total(self) -> Tally:
        tally = Tally()
        for row in self.results:
            tally.add(row)
        return tally

    def by_type(self) -> dict[str, Tally]:
        out: dict[str, Tally] = {}
        for row in self.results:
            out.setdefault(row.event_type, Tally()).add(row)
        return dict(sorted(out.items()))

    def disagreements(self) -> list[RowResult]:
        return [r for r in self.results if not r.reproduced or r.agreeing < len(r.extracted)]

    def as_dict(self, *, verbose: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "origin": self.origin, "file": self.file, "rows_read": self.rows_read,
            "rows_without_named_actors": self.rows_without_named_actors,
            "overall": self.total.as_dict(), "by_event_type": {k: v.as_dict() for k, v in self.by_type().items()},
        }
        if verbose:
            out["disagreements"] = [
                {"row": r.row_id, "event_type": r.event_type, "coded": list(r.coded),
                 "extracted": [list(e) for e in r.extracted], "text": r.text} for r in self.disagreements()]
        return out


def row_result(event: Any, relations: list[Any], group: Callable[[str, str | None], str]) -> RowResult:
    """Compare one imported event (`ImportedEvent`) with the relations extracted from its note."""
    date = event.date
    extracted = sorted({(group(r.source, date), r.type, group(r.target, date))
                        for r in relations if r.modality in FACTUAL_MODALITIES})
    extracted = [e for e in extracted if e[0] != e[2]]
    coded = (group(event.source, date), event.type, group(event.target, date))
    return RowResult(event.row_id, event.sub_type or event.code, coded, event.evidence, extracted)

"""Readers for event data sets: ACLED, GTD and UCDP GED, as CSV (or .xlsx) in their own column layouts.

Each data row becomes an `EventRow` (two actor names as written, a relation type,
date, place, deaths and the row's own text as evidence), and `to_imported` turns
rows into `ImportedEvent`s between actor ids through an `EventNameResolver`. How
each data set's event types map to relation types is knowledge
(`knowledge/event_types.yaml`), and so is the name mapping
(`knowledge/event_names.yaml`, with a user's `--mapping` file merged over it).

| data set | row id | actors | type | date | place | deaths | evidence |
| --- | --- | --- | --- | --- | --- | --- | --- |
| ACLED | event_id_cnty | actor1 -> actor2 | event_type / sub_event_type | event_date | admin1 | fatalities | notes |
| GTD | eventid | gname -> targtype1_txt | ASSAULT | iyear, imonth, iday | provstate | nkill | summary |
| UCDP GED | id | side_a -> side_b | type_of_violence | date_start, date_prec | adm_1 | best | source_headline |

A file whose CSV is malformed (bad quoting, a row with more or fewer fields than
the header) raises `IngestError` naming the file and the line. Rows that cannot
become a relation (unknown event type, one actor missing, no date) are skipped
and named in `EventResolution.skipped`.

Example:
    rules = load_event_rules()
    rows = read_events("acled", "acled.csv", rules)
    result = to_imported(rows, resolver=resolver, source_file="acled.csv")
"""
from __future__ import annotations

import csv
import datetime as _dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from ..dates import parse_date
from ..errors import IngestError, KnowledgeError
from ..knowledge.load import HERE as KNOWLEDGE_DIR
from ..models import RELATION_TYPES
from ..knowledge.load import read_yaml
from .relationships import ImportedRelation, NameResolver, clean, fold

__all__ = [
    "EVENT_NAMES_FILE", "EVENT_TYPES_FILE", "ORIGINS", "EventNameResolver", "EventResolution", "EventRow",
    "EventRules", "ImportedEvent", "NameRule", "load_event_names", "load_event_rules", "read_events", "to_imported",
]

EVENT_NAMES_FILE = KNOWLEDGE_DIR / "event_names.yaml"
EVENT_TYPES_FILE = KNOWLEDGE_DIR / "event_types.yaml"
MAX_DEPTH = 3  # pattern rewrites of pattern rewrites


@dataclass(frozen=True)
class EventRow:
    """One data row as read: names as written, the relation type it codes (None: skipped, see `skip`)."""

    origin: str
    row_id: str
    line: int
    type: str | None
    code: str             # a short slug of the data set's own type: "armed-clash", "one-sided"
    sub_type: str         # the data set's own type as written: "Battles / Armed clash"
    actor1: str
    actor2: str
    date: str | None
    country: str
    location: str | None
    fatalities: int | None
    text: str
    skip: str | None = None


@dataclass(frozen=True)
class ImportedEvent(ImportedRelation):
    """An imported relation from an event data set, with its place, deaths and own type."""

    location: str | None = None
    fatalities: int | None = None
    sub_type: str | None = None


@dataclass(frozen=True)
class NameRule:
    """A conditional name mapping entry: `id` when the event's date and country fit."""

    id: str | None
    since: str | None = None
    until: str | None = None
    countries: frozenset[str] = frozenset()

    def applies(self, date: str | None, country: str) -> bool:
        if self.countries and fold(country) not in self.countries:
            return False
        if self.since is not None and (date is None or date < self.since[:len(date)]):
            return False
        if self.until is not None and (date is None or date[:len(self.until)] > self.until):
            return False
        return True


@dataclass(frozen=True)
class EventRules:
    """`knowledge/event_types.yaml`: how each data set's types become relation types."""

    acled: dict[str, Any]
    gtd_type: str
    gtd_targets: dict[str, str | None]
    ucdp_types: dict[str, str]
    ucdp_names: dict[str, str]
    one_sided_targets: frozenset[str]
    raw: dict[str, Any]


@dataclass
class EventResolution:
    """What `to_imported` made of the rows."""

    rows: int = 0
    events: list[ImportedEvent] = field(default_factory=list)
    unresolved: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)   # "line 12 (row PAK123): reason"


def _check_type(value: Any, where: str) -> str | None:
    if value is not None and value not in RELATION_TYPES:
        raise KnowledgeError(f"{EVENT_TYPES_FILE}: {where}: unknown relation type {value!r}; "
                             f"use one of {', '.join(RELATION_TYPES)} or null")
    return value


def load_event_rules(path: Path = EVENT_TYPES_FILE) -> EventRules:
    """The built-in event type mappings (ACLED, GTD, UCDP, and the export vocabularies)."""
    data = read_yaml(path) or {}
    acled: dict[str, Any] = {}
    for name, value in ((data.get("acled") or {}).get("event_types") or {}).items():
        if isinstance(value, dict):
            acled[fold(name)] = {fold(k): _check_type(v, f"acled {name} / {k}") for k, v in value.items()}
        else:
            acled[fold(name)] = _check_type(value, f"acled {name}")
    gtd = data.get("gtd") or {}
    ucdp = data.get("ucdp") or {}
    return EventRules(
        acled=acled, gtd_type=_check_type(gtd.get("relation_type", "ASSAULT"), "gtd relation_type") or "ASSAULT",
        gtd_targets={fold(k): v for k, v in (gtd.get("targets") or {}).items()},
        ucdp_types={str(k): _check_type(v, f"ucdp {k}") for k, v in (ucdp.get("violence_types") or {}).items()},
        ucdp_names={str(k): str(v) for k, v in (ucdp.get("names") or {}).items()},
        one_sided_targets=frozenset(fold(n) for n in ucdp.get("one_sided_targets") or ()),
        raw=data,
    )


def load_event_names(path: str | Path = EVENT_NAMES_FILE) -> tuple[dict[str, list[NameRule]], list[tuple[re.Pattern[str], list[str]]]]:
    """A name mapping file: folded name -> its rules (a plain `name: ID` is one unconditional rule), and the patterns."""
    data = read_yaml(Path(path)) or {}
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected `names:` (name: ACTOR_ID) and optionally `patterns:`")
    if "names" not in data and "patterns" not in data:
        data = {"names": data}   # a user's file may be a plain mapping, as for `import relationships`
    names: dict[str, list[NameRule]] = {}
    for name, value in (data.get("names") or {}).items():
        entries = value if isinstance(value, list) else [{"id": value}]
        rules = []
        for entry in entries:
            if not isinstance(entry, dict) or not (entry.get("id") is None or isinstance(entry.get("id"), str)):
                raise KnowledgeError(f"{path}: {name}: expected an actor id, null, or a list of "
                                     "{id, since, until, country} entries")
            countries = entry.get("country") or ()
            countries = [countries] if isinstance(countries, str) else countries
            rules.append(NameRule(id=entry.get("id"), since=_opt(entry.get("since")), until=_opt(entry.get("until")),
                                  countries=frozenset(fold(str(c)) for c in countries)))
        names[fold(clean(str(name)))] = rules
    patterns = []
    for number, entry in enumerate(data.get("patterns") or (), 1):
        try:
            patterns.append((re.compile(entry["match"], re.IGNORECASE), [str(t) for t in entry["try"]]))
        except (KeyError, TypeError, re.error) as exc:
            raise KnowledgeError(f"{path}: pattern #{number}: needs `match` (a regular expression) and `try` "
                                 f"(a list of names with {{group}} fields): {exc}") from exc
    return names, patterns


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


class EventNameResolver:
    """Names as event data sets write them -> actor ids: conditional names, pattern rewrites, then aliases.

    `base` resolves plain names (its mapping, then the knowledge base aliases).
    """

    def __init__(self, base: NameResolver, names: Mapping[str, list[NameRule]],
                 patterns: list[tuple[re.Pattern[str], list[str]]]) -> None:
        self.base = base
        self.names = dict(names)
        self.patterns = patterns

    def __call__(self, name: str, *, date: str | None = None, country: str = "", depth: int = 0) -> tuple[bool, str | None]:
        """(known, actor id): (True, None) for a name skipped on purpose; (False, None) when unresolved."""
        folded = fold(name)
        for rule in self.names.get(folded, ()):
            if rule.applies(date, country):
                return True, rule.id
        if depth < MAX_DEPTH:
            for pattern, tries in self.patterns:
                match = pattern.fullmatch(name.strip())
                if match is None:
                    continue
                for template in tries:
                    candidate = _fill(template, match.groupdict())
                    if candidate is None or fold(candidate) == folded:
                        continue
                    known, actor_id = self(candidate, date=date, country=country, depth=depth + 1)
                    if known:
                        return known, actor_id
        return self.base(name)


def _fill(template: str, groups: Mapping[str, str | None]) -> str | None:
    """The template with its {fields} filled, None when one is missing or empty."""
    missing = [k for k in re.findall(r"\{(\w+)\}", template) if not (groups.get(k) or "").strip()]
    return None if missing else template.format(**{k: (v or "").strip() for k, v in groups.items()})


# --- reading rows -------------------------------------------------------------------

def _text_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, record) of a CSV file with a header row; IngestError on malformed lines."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise IngestError(str(path), "file not found") from None
    except OSError as exc:
        raise IngestError(str(path), f"cannot read ({exc.strerror})") from None
    with handle:
        reader = csv.DictReader(handle, strict=True)
        line = 1
        try:
            if not reader.fieldnames:
                raise IngestError(str(path), "empty file: no header row")
            width = len(reader.fieldnames)
            while True:
                line = reader.line_num + 1          # where the next record starts
                record = next(reader, None)
                if record is None:
                    break
                if None in record:
                    raise IngestError(str(path), f"line {line}: {width + len(record[None])} fields, the header has {width}")
                if any(v is None for v in record.values()):
                    found = sum(v is not None for v in record.values())
                    raise IngestError(str(path), f"line {line}: {found} fields, the header has {width}")
                yield line, record
        except csv.Error as exc:
            raise IngestError(str(path), f"line {line}: malformed CSV ({exc})") from None
        except UnicodeDecodeError as exc:
            raise IngestError(str(path), f"line {line}: not valid UTF-8 text (byte 0x{exc.object[exc.start]:02x})") from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, record) of the first sheet of an .xlsx workbook whose first row is the header."""
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - openpyxl is a pinned dependency
        raise IngestError(str(path), "reading .xlsx needs openpyxl (pip install openpyxl)") from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise IngestError(str(path), "file not found") from None
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for damaged files
        raise IngestError(str(path), f"not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [_cell(v) for v in next(rows, ())]
        if not any(header):
            raise IngestError(str(path), "empty workbook: no header row")
        for number, values in enumerate(rows, 2):
            if values is None or all(v is None for v in values):
                continue
            yield number, {name: _cell(v) for name, v in zip(header, values) if name}
    finally:
        book.close()


def _cell(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold (201101030009.0 -> "201101030009")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()[:10]
    return str(value)


def _records(path: Path, required: tuple[str, ...], origin: str) -> Iterator[tuple[int, dict[str, str]]]:
    rows = _xlsx_rows(path) if path.suffix.lower() == ".xlsx" else _text_rows(path)
    checked = False
    for line, record in rows:
        record = {str(k).strip().lower(): clean(v or "") for k, v in record.items()}
        if not checked:
            missing = [c for c in required if c not in record]
            if missing:
                raise IngestError(str(path), f"no column {', '.join(missing)}: an {origin.upper()} file needs "
                                             f"{', '.join(required)} (see `rivalwatch import {origin} --help`)")
            checked = True
        yield line, record


def _slug(text: str, size: int = 16) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:size].rstrip("-") or "-"


def _int(value: str) -> int | None:
    """A count or a year; text that is no number, or no number a store holds ("inf", 20 digits), is unknown."""
    try:
        number = float(value) if value.strip() and len(value) < 40 else None
    except ValueError:
        return None
    return int(number) if number is not None and math.isfinite(number) and abs(number) < 2**53 else None


def _acled(line: int, r: dict[str, str], rules: EventRules) -> EventRow:
    event_type, sub = r.get("event_type", ""), r.get("sub_event_type", "")
    rule = rules.acled.get(fold(event_type), "unknown")
    if isinstance(rule, dict):
        rule = rule.get(fold(sub), rule.get("default"))
    skip = (f"event type {event_type!r} is not in knowledge/event_types.yaml" if rule == "unknown"
            else f"event type {' / '.join(filter(None, (event_type, sub)))!r} is skipped (knowledge/event_types.yaml)"
            if rule is None else None)
    date = parse_date(r.get("event_date", ""))
    if date and r.get("time_precision") == "3":
        date = date[:7]
    return EventRow(
        origin="acled", row_id=r.get("event_id_cnty") or r.get("data_id") or str(line), line=line,
        type=None if skip else rule, code=_slug(sub or event_type), sub_type=" / ".join(filter(None, (event_type, sub))),
        actor1=r.get("actor1", ""), actor2=r.get("actor2", ""), date=date, country=r.get("country", ""),
        location=r.get("admin1") or None, fatalities=_int(r.get("fatalities", "")),
        text=r.get("notes") or f"ACLED {r.get('event_id_cnty', line)}: {event_type} {sub}".strip(), skip=skip,
    )


def _gtd(line: int, r: dict[str, str], rules: EventRules) -> EventRow:
    target_type = r.get("targtype1_txt", "")
    template = rules.gtd_targets.get(fold(target_type), "unknown")
    skip = (f"target type {target_type!r} is not in knowledge/event_types.yaml" if template == "unknown"
            else f"target type {target_type!r} is not an actor (knowledge/event_types.yaml)" if template is None else None)
    target = "" if skip else (_fill(template, {"country": r.get("country_txt"), "corp1": r.get("corp1")}) or "")
    year, month, day = (_int(r.get(k, "")) or 0 for k in ("iyear", "imonth", "iday"))
    date = None
    if year:
        date = f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
    attack = r.get("attacktype1_txt", "")
    return EventRow(
        origin="gtd", row_id=r.get("eventid") or str(line), line=line, type=None if skip else rules.gtd_type,
        code=_slug(attack or "attack"), sub_type=" / ".join(filter(None, (attack, target_type))),
        actor1=r.get("gname", ""), actor2=target, date=date, country=r.get("country_txt", ""),
        location=r.get("provstate") or None, fatalities=_int(r.get("nkill", "")),
        text=r.get("summary") or f"GTD {r.get('eventid', line)}: {attack} on {r.get('target1') or target_type}", skip=skip,
    )


def _ucdp(line: int, r: dict[str, str], rules: EventRules) -> EventRow:
    violence = r.get("type_of_violence", "").split(".")[0]
    if not violence:
        violence = "3" if fold(r.get("side_b", "")) in rules.one_sided_targets else "1"
    rtype = rules.ucdp_types.get(violence)
    skip = None if rtype else f"type_of_violence {violence!r} is not in knowledge/event_types.yaml"
    date = parse_date(r.get("date_start", "")[:10])
    precision = r.get("date_prec", "")
    if date and precision == "4":
        date = date[:7]
    elif date and precision == "5":
        date = date[:4]
    deaths = [_int(r.get(k, "")) for k in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")]
    best = _int(r.get("best", ""))
    text = r.get("source_headline") or r.get("source_article") or r.get("where_description") or r.get("dyad_name", "")
    return EventRow(
        origin="ucdp", row_id=r.get("id") or str(line), line=line, type=rtype,
        code=rules.ucdp_names.get(violence, violence or "-")[:16],
        sub_type=" / ".join(filter(None, (rules.ucdp_names.get(violence, violence), r.get("dyad_name", "")))),
        actor1=r.get("side_a", ""), actor2=r.get("side_b", ""), date=date, country=r.get("country", ""),
        location=r.get("adm_1") or None,
        fatalities=best if best is not None else (sum(d for d in deaths if d) if any(d is not None for d in deaths) else None),
        text=text or f"UCDP {r.get('id', line)}", skip=skip,
    )


_FORMATS: dict[str, tuple[tuple[str, ...], Callable[[int, dict[str, str], EventRules], EventRow]]] = {
    "acled": (("event_id_cnty", "event_date", "event_type", "actor1", "actor2"), _acled),
    "gtd": (("eventid", "iyear", "gname", "targtype1_txt"), _gtd),
    "ucdp": (("id", "side_a", "side_b", "date_start"), _ucdp),
}
ORIGINS = tuple(_FORMATS)


def read_events(origin: str, path: str | Path, rules: EventRules) -> Iterator[EventRow]:
    """The rows of an ACLED, GTD or UCDP file (.csv, or .xlsx), one `EventRow` each, as they are read."""
    required, convert = _FORMATS[origin]
    for line, record in _records(Path(path), required, origin):
        yield convert(line, record, rules)


def to_imported(rows: Iterable[EventRow], *, resolver: EventNameResolver, source_file: str,
                rollup: Callable[[str], str] = lambda actor_id: actor_id) -> EventResolution:
    """Rows as `ImportedEvent`s; rows that are skipped or have an unresolved name are left out and counted."""
    out = EventResolution()
    for row in rows:
        out.rows += 1
        where = f"line {row.line} (row {row.row_id})"
        if row.skip or row.type is None:
            out.skipped.append(f"{where}: {row.skip}")
            continue
        if not row.actor1 or not row.actor2:
            out.skipped.append(f"{where}: {'the first' if not row.actor1 else 'the second'} actor is empty")
            continue
        if row.date is None:
            out.skipped.append(f"{where}: no date")
            continue
        ids, known_all = [], True
        for name in (row.actor1, row.actor2):
            known, actor_id = resolver(name, date=row.date, country=row.country)
            if not known:
                out.unresolved[name] += 1
            known_all &= known
            ids.append(actor_id)
        if None in ids:
            if known_all:
                skipped = dict.fromkeys(n for n, i in zip((row.actor1, row.actor2), ids) if i is None)
                out.skipped.append(f"{where}: {' and '.join(map(repr, skipped))} skipped on purpose (event_names.yaml)")
            continue
        source, target = ids
        if rollup(source) == rollup(target):
            out.skipped.append(f"{where}: {row.actor1!r} and {row.actor2!r} are both {rollup(source)}")
            continue
        out.events.append(ImportedEvent(
            origin=row.origin, source_file=source_file, row_id=row.row_id, code=row.code, source=source,
            type=row.type, target=target, source_group=rollup(source), target_group=rollup(target), date=row.date,
            evidence=row.text, source_name=row.actor1, target_name=row.actor2, location=row.location,
            fatalities=row.fatalities, sub_type=row.sub_type,
        ))
    return out

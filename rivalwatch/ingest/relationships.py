"""Reader for human-coded relationship tables in the Mapping Militants (MMP) layout.

A CSV with a header row holding at least `type` (all, riv, aff, spl, mer),
`group1_name` and `group2_name`, and optionally `unique_id`, `date` (free-form:
`2/22/09`, `2014-10-00`, `June 2014`) and `description` (a one-sentence
justification, kept as evidence). How each MMP type becomes a relation type, and
which splinter rows run the other way, is knowledge: `knowledge/mmp.yaml`.

Group names become actor ids through a `NameResolver`: a name mapping first (the
built-in one in `mmp.yaml`, then the user's `--mapping` file), then the actor
aliases, tried as written and without a leading "The" or a trailing
"(Formerly ...)" / "(ACRONYM)". A name that does not resolve is reported, and its
rows skipped.

Example:
    rows = read_relationships("militant_relationships_mmp.csv")
    result = to_relations(rows, resolver=NameResolver(index), rules=load_mmp_rules(), source_file="mmp.csv")
"""
from __future__ import annotations

import csv
import datetime as _dt
import html
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping


from ..dates import parse_date
from ..errors import IngestError, KnowledgeError
from ..knowledge.load import HERE as KNOWLEDGE_DIR, read_yaml
from ..models import RELATION_TYPES, Actor

__all__ = [
    "MMP_FILE", "ORIGIN", "REQUIRED_COLUMNS", "CodedRow", "ImportedRelation", "MmpRules", "NameResolver",
    "Resolution", "clean", "fold", "load_mmp_rules", "load_name_mapping", "mmp_date", "read_relationships", "to_relations",
]

MMP_FILE = KNOWLEDGE_DIR / "mmp.yaml"
ORIGIN = "mmp"
REQUIRED_COLUMNS = ("type", "group1_name", "group2_name")
TWO_DIGIT_PIVOT = 30  # 2/22/09 is 2009, 1/1/95 is 1995: years 00-29 are 20xx, 30-99 are 19xx

_ISO_ZEROS = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
_PARENTHESIS = re.compile(r"^(?P<base>.*?)\s*\((?P<inner>[^()]*)\)\s*$")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9-]{1,11}")
_FORMERLY = re.compile(r"^(?:formerly|also known as|aka|a\.k\.a\.)\s+", re.IGNORECASE)
_THE = re.compile(r"^the\s+", re.IGNORECASE)
_C1 = re.compile("[\x80-\x9f]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u2013": "-", "\u2014": "-"})


@dataclass(frozen=True)
class CodedRow:
    """One data row of a relationships CSV, as written (names and text cleaned of encoding debris)."""

    row_id: str          # the `unique_id` column, else the line number
    line: int
    code: str            # all, riv, aff, spl, mer (lower case)
    group1: str
    group2: str
    date: str | None     # ISO at the precision the row gives
    description: str


@dataclass(frozen=True)
class ImportedRelation:
    """A coded row as a relation between actor ids, with where it came from."""

    origin: str
    source_file: str
    row_id: str
    code: str
    source: str
    type: str
    target: str
    source_group: str
    target_group: str
    date: str | None
    evidence: str
    source_name: str
    target_name: str


@dataclass(frozen=True)
class MmpRules:
    """`knowledge/mmp.yaml`: MMP type -> relation type (None: skip), reversed splinter rows, names."""

    types: dict[str, str | None]
    reversed: frozenset[str]
    names: dict[str, str | None]


@dataclass
class Resolution:
    """What `to_relations` made of the rows: relations, unresolved names (with row counts), skipped rows."""

    relations: list[ImportedRelation] = field(default_factory=list)
    unresolved: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)   # "line 12 (row 19): reason"




def _names(data: Any, path: Path | str) -> dict[str, str | None]:
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, str) or v is None for v in data.values()):
        raise KnowledgeError(f"{path}: expected a mapping of names to actor ids (name: ACTOR_ID, or null to skip)")
    return {fold(clean(str(k))): v for k, v in data.items()}


def load_mmp_rules(path: Path = MMP_FILE) -> MmpRules:
    """The built-in MMP type mapping, reversed splinter rows and name mapping."""
    data = read_yaml(path) or {}
    types = data.get("types") or {}
    wrong = {k: v for k, v in types.items() if v is not None and v not in RELATION_TYPES}
    if wrong:
        raise KnowledgeError(f"{path}: unknown relation types {wrong}; use one of {', '.join(RELATION_TYPES)} or null")
    return MmpRules(types={str(k).lower(): v for k, v in types.items()},
                    reversed=frozenset(str(r) for r in data.get("reversed") or ()),
                    names=_names(data.get("names"), path))


def load_name_mapping(path: str | Path) -> dict[str, str | None]:
    """A user's name mapping file: `name as written: ACTOR_ID` (null skips the name)."""
    return _names(read_yaml(Path(path)), path)


def fold(name: str) -> str:
    """A name as compared: case-folded, typographic quotes and dashes made plain."""
    return name.translate(_QUOTES).casefold()


def alias_index(actors: Iterable[Actor]) -> dict[str, str]:
    """Folded id or alias -> actor id (the first actor to claim a form keeps it)."""
    aliases: dict[str, str] = {}
    for actor in actors:
        for alias in (actor.id, *actor.aliases):
            aliases.setdefault(fold(alias), actor.id)
    return aliases


def clean(text: str) -> str:
    """Undo the encoding debris of scraped tables: cp1252 quotes read as C1 controls, HTML entities, `\\'`."""
    text = _C1.sub(lambda m: m.group().encode("latin-1").decode("cp1252", errors="replace"), text)
    text = re.sub(r"\\(?=['\"&])", "", text)
    return " ".join(html.unescape(text).split())


def mmp_date(value: str) -> str | None:
    """An MMP date as ISO at its precision: "2014-10-00" -> "2014-10", "1985-00-00" -> "1985",
    "2/22/09" -> "2009-02-22"; other forms through `dates.parse_date`; None when unknown."""
    value = value.strip()
    if not value:
        return None
    match = _ISO_ZEROS.fullmatch(value)
    if match:
        year, month, day = match.groups()
        if month == "00":
            return year
        return f"{year}-{month}" if day == "00" else _valid(int(year), int(month), int(day))
    match = _SLASHED.fullmatch(value)
    if match:
        month, day, year = (int(x) for x in match.groups())
        if year < 100:
            year += 2000 if year < TWO_DIGIT_PIVOT else 1900
        return _valid(year, month, day)
    return parse_date(value)


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def read_relationships(path: str | Path) -> list[CodedRow]:
    """The rows of a relationships CSV; `IngestError` when the file cannot be read or lacks a column."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise IngestError(str(path), "file not found") from None
    except OSError as exc:
        raise IngestError(str(path), f"cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise IngestError(str(path), f"not valid UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {c.strip().lower(): c for c in reader.fieldnames or ()}
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise IngestError(str(path), f"no column {', '.join(missing)}: a relationships CSV needs "
                                     f"{', '.join(REQUIRED_COLUMNS)} (and may have unique_id, date, description)")

    def cell(record: dict[str, Any], name: str) -> str:
        return clean(str(record.get(columns.get(name, ""), "") or ""))

    rows = []
    for record in reader:
        line = reader.line_num
        rows.append(CodedRow(
            row_id=cell(record, "unique_id") or str(line), line=line, code=cell(record, "type").lower(),
            group1=cell(record, "group1_name"), group2=cell(record, "group2_name"),
            date=mmp_date(cell(record, "date")), description=cell(record, "description"),
        ))
    return rows


class NameResolver:
    """Group names -> actor ids: the name mapping, then aliases (folded) tried in a few spellings.

    `aliases`: alias or id, `fold`ed -> actor id. `states`: ids of state actors, so that
    "Ansar al-Shariah (Libya)" is not read as plain "Ansar al-Shariah" or as Libya.
    `fallback`: a last lookup (the store's discovered actors), None when it finds nothing.
    """

    def __init__(self, aliases: Mapping[str, str], *, mapping: Mapping[str, str | None] | None = None,
                 states: frozenset[str] = frozenset(), fallback: Callable[[str], str | None] | None = None) -> None:
        self.aliases = aliases
        self.mapping = dict(mapping or {})
        self.states = states
        self.fallback = fallback

    def candidates(self, name: str) -> list[str]:
        """The spellings tried, in order: as written, without "(...)" unless it names a state, the
        acronym or former name in the parenthesis, each also without a leading "The"."""
        found = [name]
        match = _PARENTHESIS.match(name)
        if match:
            base, inner = match.group("base"), match.group("inner").strip()
            former = _FORMERLY.sub("", inner)
            if self.aliases.get(fold(inner)) not in self.states:
                found.append(base)
            if _ACRONYM.fullmatch(inner) or former != inner:
                found.append(former)
        found += [_THE.sub("", c) for c in found]
        return list(dict.fromkeys(c.strip() for c in found if c.strip()))

    def __call__(self, name: str) -> tuple[bool, str | None]:
        """(known, actor id): (True, None) for a name mapped to null; (False, None) when unresolved."""
        folded = fold(name)
        if folded in self.mapping:
            return True, self.mapping[folded]
        for candidate in self.candidates(name):
            hit = self.aliases.get(fold(candidate))
            if hit is not None:
                return True, hit
        hit = self.fallback(name) if self.fallback else None
        return hit is not None, hit


def to_relations(rows: list[CodedRow], *, resolver: NameResolver, rules: MmpRules, source_file: str,
                 rollup: Callable[[str], str] = lambda actor_id: actor_id) -> Resolution:
    """Coded rows as `ImportedRelation`s; rows of unknown or skipped types, unresolved names or one
    actor on both sides are left out (named in `skipped`, unresolved names counted in `unresolved`)."""
    out = Resolution()
    for row in rows:
        where = f"line {row.line} (row {row.row_id})"
        if row.code not in rules.types:
            out.skipped.append(f"{where}: unknown type {row.code!r} (use {', '.join(rules.types)})")
            continue
        rtype = rules.types[row.code]
        if rtype is None:
            out.skipped.append(f"{where}: type {row.code!r} is skipped (knowledge/mmp.yaml)")
            continue
        if not row.group1 or not row.group2:
            out.skipped.append(f"{where}: a group name is empty")
            continue
        ids = []
        for name in (row.group1, row.group2):
            known, actor_id = resolver(name)
            if not known:
                out.unresolved[name] += 1
            ids.append(actor_id)
        if None in ids:
            if all(resolver(n)[0] for n in (row.group1, row.group2)):
                out.skipped.append(f"{where}: a name is mapped to null")
            continue
        source, target = ids
        names = (row.group1, row.group2)
        if rtype == "DEFECT" and row.row_id in rules.reversed:
            source, target, names = target, source, names[::-1]
        if rollup(source) == rollup(target):
            out.skipped.append(f"{where}: {row.group1!r} and {row.group2!r} are both {rollup(source)}")
            continue
        out.relations.append(ImportedRelation(
            origin=ORIGIN, source_file=source_file, row_id=row.row_id, code=row.code, source=source, type=rtype,
            target=target, source_group=rollup(source), target_group=rollup(target), date=row.date,
            evidence=row.description, source_name=names[0], target_name=names[1],
        ))
    return out

"""Curation in the store: an analyst's verdicts, kept as overrides and applied on every save.

A relation verdict (confirmed, corrected, rejected) is keyed by the relation's
fingerprint (document, evidence offsets, source, type, target as extracted), never
by its autoincrement id, and `apply_curation` runs inside every
`Store.save_extractions` transaction: re-extraction and re-ingest produce the same
fingerprints, so a rejected relation is deleted again and a correction is made
again. Actor merges are applied first (rows of the merged actor move to the one it
was merged into), then relation verdicts, whose keys use the merged ids.

Marks: `relations.curation` ("confirmed" or "corrected") and `relations.curation_id`
(the `relation_curations` row). Rejected relations are deleted. Every change is
written to `curation_audit` in the same transaction.

Example:
    with store.writer.begin() as conn:
        apply_curation(conn, ["9fa0af79c0e1d2b3"])   # what save_extractions does
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Connection, Engine, Row

from ..errors import ConflictError
from ..models import group_of_each
from . import schema as s
from .dialect import insert_ignore
from .rows import fingerprint

__all__ = [
    "ACTIONS", "CurationKey", "apply_curation", "relation_row", "key_of", "record_verdict", "record_merge",
    "record_alias", "record_audit", "audit_rows", "merged_into",
]

ACTIONS = ("confirmed", "corrected", "rejected")
VERBS = {"confirmed": "confirm", "corrected": "correct", "rejected": "reject"}  # audit actions: relation.<verb>
_CHUNK = 500
# Columns naming an actor, per table: a merge moves them all.
_ACTOR_COLUMNS = (
    (s.relations, ("source", "target", "source_group", "target_group")),
    (s.mentions, ("actor_id",)),
    (s.claims, ("actor",)),
    (s.publications, ("outlet",)),
)


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


@dataclass(frozen=True)
class CurationKey:
    """A relation's fingerprint as columns: what a verdict is keyed by."""

    doc_id: str
    evidence_start: int
    evidence_end: int
    source: str
    type: str
    target: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.doc_id, self.evidence_start, self.evidence_end, self.source, self.type, self.target)

    def columns(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "evidence_start": self.evidence_start, "evidence_end": self.evidence_end,
                "source": self.source, "type": self.type, "target": self.target}


# --- applying (every save) ----------------------------------------------------------

def apply_curation(conn: Connection, doc_ids: Sequence[str] | None = None) -> None:
    """Apply actor merges, then relation verdicts, to the rows of `doc_ids` (all rows when None)."""
    _apply_merges(conn, doc_ids)
    _apply_verdicts(conn, doc_ids)


def _apply_merges(conn: Connection, doc_ids: Sequence[str] | None) -> None:
    m = s.actor_merges
    merges = conn.execute(select(m.c.source, m.c["into"]).order_by(m.c.id)).all()
    for source, into in merges:
        for table, columns in _ACTOR_COLUMNS:
            for column in columns:
                stmt = update(table).where(table.c[column] == source).values({column: into})
                if doc_ids is None:
                    conn.execute(stmt)
                else:
                    for chunk in _chunks(list(doc_ids)):
                        conn.execute(stmt.where(table.c.doc_id.in_(chunk)))
        if doc_ids is None:  # imported (human-coded) rows are never saved again: moved once, at merge time
            i = s.imported_relations
            for column in ("source", "target", "source_group", "target_group"):
                conn.execute(update(i).where(i.c[column] == source).values({column: into}))
        _fold_actor(conn, source, into)


def _fold_actor(conn: Connection, source: str, into: str) -> None:
    """`source`'s name and aliases become `into`'s; its members join `into`; the actor row goes."""
    a, al = s.actors, s.aliases
    row = conn.execute(select(a.c.name).where(a.c.id == source)).first()
    if row is None:
        return
    names = [row.name, *conn.scalars(select(al.c.alias).where(al.c.actor_id == source))]
    if conn.execute(select(a.c.id).where(a.c.id == into)).first() is not None:
        insert_ignore(conn, al, [{"actor_id": into, "alias": n, "folded": n.casefold()} for n in dict.fromkeys(names)],
                      keys=["actor_id", "alias"])
    conn.execute(update(a).where(a.c.part_of == source).values(part_of=into))
    conn.execute(delete(al).where(al.c.actor_id == source))
    conn.execute(delete(a).where(a.c.id == source))


def _rollup(conn: Connection) -> dict[str, str]:
    """actor id -> the group it rolls up to (persons and outlets that are part of one)."""
    rows = {r.id: (r.kind, r.part_of) for r in conn.execute(select(s.actors.c.id, s.actors.c.kind, s.actors.c.part_of))}
    return group_of_each(rows)


def _apply_verdicts(conn: Connection, doc_ids: Sequence[str] | None) -> None:
    c, r = s.relation_curations, s.relations
    verdicts: list[Row] = []
    if doc_ids is None:
        verdicts = conn.execute(select(c).order_by(c.c.id)).all()
    else:
        for chunk in _chunks(list(dict.fromkeys(doc_ids))):
            verdicts.extend(conn.execute(select(c).where(c.c.doc_id.in_(chunk)).order_by(c.c.id)))
    if not verdicts:
        return
    rollup: dict[str, str] | None = None
    for v in verdicts:
        # the row as extracted (not curated yet), or the row this verdict already curated
        match = and_(r.c.doc_id == v.doc_id, or_(
            and_(r.c.evidence_start == v.evidence_start, r.c.evidence_end == v.evidence_end, r.c.source == v.source,
                 r.c.type == v.type, r.c.target == v.target, r.c.curation_id.is_(None)),
            r.c.curation_id == v.id))
        if v.action == "rejected":
            conn.execute(delete(r).where(match))
        elif v.action == "confirmed":
            conn.execute(update(r).where(match).values(curation="confirmed", curation_id=v.id))
        else:
            rollup = rollup if rollup is not None else _rollup(conn)
            conn.execute(update(r).where(match).values(_corrected(conn, v, rollup)))


def _corrected(conn: Connection, v: Row, rollup: Mapping[str, str]) -> dict[str, Any]:
    """The column values a correction sets, from the fingerprint and the changes (absolute, so idempotent)."""
    changes = dict(v.changes or {})
    source, target = (v.target, v.source) if changes.get("swap") else (v.source, v.target)
    values: dict[str, Any] = {
        "source": source, "target": target, "type": changes.get("type") or v.type,
        "source_group": rollup.get(source, source), "target_group": rollup.get(target, target),
        "curation": "corrected", "curation_id": v.id,
    }
    if "modality" in changes:
        values["modality"] = changes["modality"]
    if "date" in changes:
        published = conn.scalar(select(s.documents.c.published).where(s.documents.c.id == v.doc_id))
        values["date"] = changes["date"]
        values["when"] = changes["date"] or published
    return values


# --- recording (one curation request) -----------------------------------------------

def relation_row(conn: Connection, relation_id: int) -> Row | None:
    """The stored relation with this id, or None."""
    return conn.execute(select(s.relations).where(s.relations.c.id == relation_id)).first()


def key_of(conn: Connection, row: Row) -> CurationKey:
    """The fingerprint a relation row is curated under: its verdict's key, else its own columns."""
    if row.curation_id is not None:
        v = conn.execute(select(s.relation_curations).where(s.relation_curations.c.id == row.curation_id)).first()
        if v is not None:
            return CurationKey(v.doc_id, v.evidence_start, v.evidence_end, v.source, v.type, v.target)
    return CurationKey(row.doc_id, row.evidence_start, row.evidence_end, row.source, row.type, row.target)


def _state(row: Row | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"id": row.id, "source": row.source, "type": row.type, "target": row.target, "modality": row.modality,
            "date": row.date, "curation": row.curation}


def record_verdict(engine: Engine, relation_id: int, *, action: str, changes: Mapping[str, Any], note: str | None,
                   who: str, expect: str | None = None) -> tuple[dict[str, Any] | None, dict[str, Any] | None, str] | None:
    """Store a verdict on a relation, apply it, audit it; (before, after, fingerprint), None when no such relation.

    A correction adds to the changes of an earlier one; confirming a corrected
    relation keeps its correction. `expect`: the fingerprint the caller saw for
    this id (ids are reused after re-extraction); ConflictError when it differs.
    """
    c = s.relation_curations
    with engine.begin() as conn:
        row = relation_row(conn, relation_id)
        if row is None:
            return None
        current = fingerprint(row.doc_id, row.evidence_start, row.evidence_end, row.source, row.type, row.target)
        if expect is not None and expect != current:
            raise ConflictError(f"relation {relation_id} is now {current}, not {expect}: the store was re-extracted; "
                                "list relations again")
        key, requested = key_of(conn, row), action
        existing = conn.execute(select(c).where(*(c.c[k] == value for k, value in key.columns().items()))).first()
        merged = {**dict(existing.changes or {}), **changes} if existing is not None and action == "corrected" else dict(changes)
        if existing is not None and existing.action == "corrected" and action == "confirmed":
            action, merged = "corrected", dict(existing.changes or {})
        values = {"action": action, "changes": merged, "note": note, "curated_by": who, "curated_at": _now()}
        if existing is None:
            conn.execute(c.insert().values(**key.columns(), **values))
        else:
            conn.execute(update(c).where(c.c.id == existing.id).values(**values))
        _apply_verdicts(conn, [key.doc_id])
        after = None
        if action != "rejected":
            after = _state(conn.execute(select(s.relations).where(s.relations.c.id == relation_id)).first())
        before = _state(row)
        record_audit(conn, who=who, action=f"relation.{VERBS[requested]}",
                     subject=key.fingerprint, before=before, after=after)
    return before, after, key.fingerprint


def merged_into(conn: Connection, actor_id: str) -> str:
    """The actor an id ends up as after every recorded merge."""
    m = s.actor_merges
    targets = dict(conn.execute(select(m.c.source, m.c["into"])).all())
    current, seen = actor_id, set()
    while current in targets and current not in seen:
        seen.add(current)
        current = targets[current]
    return current


def record_merge(engine: Engine, source: str, into: str, *, who: str) -> dict[str, int]:
    """Merge actor `source` into `into` everywhere, now and on every later save; returns rows moved per table."""
    m, c = s.actor_merges, s.relation_curations
    with engine.begin() as conn:
        before = _actor_state(conn, source)
        counts = {table.name: int(conn.scalar(select(func.count()).select_from(table).where(
            or_(*(table.c[col] == source for col in cols)))) or 0) for table, cols in _ACTOR_COLUMNS}
        conn.execute(m.insert().values(source=source, into=into, merged_by=who, merged_at=_now()))
        # verdicts keyed by the merged actor are keyed by the one it became
        for v in conn.execute(select(c).where(or_(c.c.source == source, c.c.target == source))).all():
            key = {"source": into if v.source == source else v.source, "target": into if v.target == source else v.target}
            clash = conn.execute(select(c.c.id).where(
                c.c.doc_id == v.doc_id, c.c.evidence_start == v.evidence_start, c.c.evidence_end == v.evidence_end,
                c.c.type == v.type, c.c.source == key["source"], c.c.target == key["target"])).first()
            if clash is None:
                conn.execute(update(c).where(c.c.id == v.id).values(**key))
        apply_curation(conn, None)
        record_audit(conn, who=who, action="actor.merge", subject=source, before=before,
                     after={"merged_into": into, "rows": counts, "actor": _actor_state(conn, into)})
    return counts


def _actor_state(conn: Connection, actor_id: str) -> dict[str, Any] | None:
    a = s.actors
    row = conn.execute(select(a).where(a.c.id == actor_id)).first()
    if row is None:
        return None
    aliases = sorted(conn.scalars(select(s.aliases.c.alias).where(s.aliases.c.actor_id == actor_id)))
    return {"id": row.id, "name": row.name, "kind": row.kind, "part_of": row.part_of, "aliases": aliases}


def record_alias(engine: Engine, actor_id: str, alias: str, *, who: str) -> bool:
    """Give an actor one more alias; False when it had it already. Audited."""
    with engine.begin() as conn:
        before = _actor_state(conn, actor_id)
        have = conn.execute(select(s.aliases.c.alias).where(s.aliases.c.actor_id == actor_id,
                                                            s.aliases.c.alias == alias)).first()
        if have is not None:
            return False
        conn.execute(s.aliases.insert().values(actor_id=actor_id, alias=alias, folded=alias.casefold()))
        record_audit(conn, who=who, action="actor.alias", subject=actor_id, before=before,
                     after=_actor_state(conn, actor_id))
    return True


def record_audit(conn: Connection, *, who: str, action: str, subject: str, before: Any, after: Any) -> None:
    """One audit row, in the caller's transaction."""
    conn.execute(s.curation_audit.insert().values(at=_now(), who=who, action=action, subject=subject,
                                                  before=before, after=after))


def audit_rows(engine: Engine, *, limit: int, offset: int = 0, subject: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """(total, the page of audit rows, newest first), optionally about one subject."""
    t = s.curation_audit
    where = [t.c.subject == subject] if subject is not None else []
    with engine.connect() as conn:
        total = int(conn.scalar(select(func.count()).select_from(t).where(*where)) or 0)
        rows = conn.execute(select(t).where(*where).order_by(t.c.id.desc()).limit(limit).offset(offset)).all()
    return total, [{"id": r.id, "at": r.at.isoformat(timespec="seconds") + "Z", "who": r.who, "action": r.action,
                    "subject": r.subject, "before": r.before, "after": r.after} for r in rows]

"""Curation: an analyst confirms, rejects or corrects a relation, merges two actors, adds an alias.

Verdicts are stored as overrides keyed by the relation's fingerprint (document,
evidence offsets, source, type, target as extracted) and applied again every time
a document's extraction is saved (`rivalwatch.store.curation`), so they survive
`reextract` and re-ingest; a rejected relation does not come back. Curated
relations carry `curation` ("confirmed" or "corrected") in every listing. Each
change writes one audit row: who (the token's name), when, before and after.

Example:
    ws.reject_relation(42, by="alice", note="the sentence is about 2019")
    ws.correct_relation(43, by="alice", type="FIGHT", swap=True)
    ws.merge_actors("TTP-JA", into="TTP", by="alice")
    ws.audit(limit=20).items[0]["action"]    # "actor.merge"
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..dates import parse_date
from ..errors import ConflictError, NotFoundError, QueryError
from ..models import MODALITIES, RELATION_TYPES
from ..store.curation import audit_rows, merged_into, record_alias, record_merge, record_verdict

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["CurationMixin", "CurationResult", "MergeResult", "AuditPage", "NOTE_MAX", "ALIAS_MAX"]

NOTE_MAX = 2000   # characters of an analyst's note
ALIAS_MAX = 200   # characters of an alias


@dataclass(frozen=True)
class CurationResult:
    """A relation before and after a verdict (`after` is None when it was rejected)."""

    fingerprint: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, "action": self.action, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class MergeResult:
    """Which actor was merged into which, and how many rows moved per table."""

    source: str
    into: str
    rows: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "into": self.into, "rows": dict(self.rows)}


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit trail, newest first."""

    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "limit": self.limit, "offset": self.offset, "items": self.items}


def _note(note: str | None) -> str | None:
    if note is not None and len(note) > NOTE_MAX:
        raise QueryError(f"note too long ({len(note)} characters): keep it under {NOTE_MAX}")
    return note


def _who(by: str) -> str:
    if not by or len(by) > 64:
        raise QueryError("curation needs the analyst's name (the token's name), at most 64 characters")
    return by


class CurationMixin:
    """Relation verdicts, actor merges, aliases and the audit trail (mixed into `Workspace`)."""

    store: "Store"

    def _verdict(self, relation_id: int, action: str, changes: dict[str, Any], note: str | None,
                 by: str, fingerprint: str | None) -> CurationResult:
        done = record_verdict(self.store.writer, int(relation_id), action=action, changes=changes, note=_note(note),
                              who=_who(by), expect=fingerprint)
        if done is None:
            raise NotFoundError(f"no relation with id {relation_id}: ids change on re-extraction; list relations again")
        before, after, fingerprint = done
        return CurationResult(fingerprint=fingerprint, action=action, before=before, after=after)

    def confirm_relation(self, relation_id: int, *, by: str, note: str | None = None,
                         fingerprint: str | None = None) -> CurationResult:
        """Mark a relation as checked and right (a corrected one stays corrected).

        Example:
            ws.confirm_relation(42, by="alice").after["curation"]   # "confirmed"
        """
        return self._verdict(relation_id, "confirmed", {}, note, by, fingerprint)

    def reject_relation(self, relation_id: int, *, by: str, note: str | None = None,
                        fingerprint: str | None = None) -> CurationResult:
        """Delete a relation now and whenever its document is extracted again.

        Example:
            ws.reject_relation(42, by="alice", note="not about ISKP")
        """
        return self._verdict(relation_id, "rejected", {}, note, by, fingerprint)

    def correct_relation(
        self, relation_id: int, *, by: str, type: str | None = None, swap: bool = False,
        modality: str | None = None, date: str | None = None, note: str | None = None, fingerprint: str | None = None,
    ) -> CurationResult:
        """Correct a relation's type, direction (`swap` source and target), modality or date (ISO).

        Corrections add up: a later one keeps what an earlier one changed unless it
        changes it again. `swap=True` always means reversed from the extracted direction.
        `fingerprint` (every verdict takes it): the relation's fingerprint as the caller
        listed it; a `ConflictError` when the id now names another relation.

        Example:
            ws.correct_relation(43, by="alice", type="FIGHT", date="2024-07")
        """
        changes: dict[str, Any] = {}
        if type is not None:
            normal = type.strip().upper()
            if normal not in RELATION_TYPES:
                raise QueryError(f"unknown relation type {type!r}: use one of {', '.join(RELATION_TYPES)}")
            changes["type"] = normal
        if swap:
            changes["swap"] = True
        if modality is not None:
            normal = modality.strip().lower()
            if normal not in MODALITIES:
                raise QueryError(f"unknown modality {modality!r}: use one of {', '.join(MODALITIES)}")
            changes["modality"] = normal
        if date is not None:
            iso = parse_date(date)
            if iso is None:
                raise QueryError(f"invalid date {date!r}: use ISO such as 2024, 2024-07 or 2024-07-14")
            changes["date"] = iso
        if not changes:
            raise QueryError("nothing to correct: give a type, swap, a modality or a date")
        return self._verdict(relation_id, "corrected", changes, note, by, fingerprint)

    def _one_actor(self, name: str) -> str:
        ids = self.store.resolve_actor(name)
        if len(ids) > 1:
            raise ConflictError(f"{name!r} names several actors ({', '.join(sorted(ids))}): give an actor id")
        return next(iter(ids))

    def merge_actors(self, source: str, *, into: str, by: str) -> MergeResult:
        """Merge actor `source` (an id or alias) into `into`: its relations, mentions, claims, releases,
        aliases and members move over, now and on every later extraction.

        Example:
            ws.merge_actors("Jamaat-ul-Ahrar", into="TTP", by="alice").rows["relations"]
        """
        who = _who(by)
        source_id, into_id = self._one_actor(source), self._one_actor(into)
        with self.store.engine.connect() as conn:
            into_id = merged_into(conn, into_id)
        if source_id == into_id:
            raise QueryError(f"{source!r} and {into!r} are the same actor ({source_id}): nothing to merge")
        rows = record_merge(self.store.writer, source_id, into_id, who=who)
        return MergeResult(source=source_id, into=into_id, rows=rows)

    def add_alias(self, actor: str, alias: str, *, by: str) -> dict[str, Any]:
        """Give an actor (an id or alias) another name; queries then find it by that name too.

        Example:
            ws.add_alias("ISKP", "Wilayat Khurasan", by="alice")["aliases"]
        """
        who = _who(by)
        text = " ".join((alias or "").split())
        if not text or len(text) > ALIAS_MAX:
            raise QueryError(f"invalid alias {alias!r}: give 1 to {ALIAS_MAX} characters")
        actor_id = self._one_actor(actor)
        try:
            holders = self.store.resolve_actor(text)
        except QueryError:
            holders = set()
        if holders - {actor_id}:
            raise ConflictError(f"alias {text!r} already names {', '.join(sorted(holders - {actor_id}))}: "
                                "merge the actors instead")
        added = record_alias(self.store.writer, actor_id, text, who=who)
        actor_row = next(a for a in self.store.actors() if a.id == actor_id)
        return {"actor": actor_row.as_dict(), "alias": text, "added": added}

    def audit(self, *, limit: int = 50, offset: int = 0, subject: str | None = None) -> AuditPage:
        """The audit trail, newest first: who changed what, when, before and after.

        Example:
            [(a["who"], a["action"], a["subject"]) for a in ws.audit(limit=10).items]
        """
        if limit < 1 or offset < 0:
            raise QueryError(f"invalid page limit={limit} offset={offset}: limit 1 or more, offset 0 or more")
        total, items = audit_rows(self.store.engine, limit=limit, offset=offset, subject=subject)
        return AuditPage(total=total, limit=limit, offset=offset, items=items)

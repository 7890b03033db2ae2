"""`Store`: documents and extraction output in one SQL database (SQLAlchemy Core).

Writes are idempotent: a document is stored once per content hash, and saving an
extraction replaces whatever the same extractor version stored for that document
before, in one transaction. Reads take actor ids or any alias, case-insensitively.

Example:
    store = Store("rivalwatch.db")
    store.add_document(document)
    store.save_extraction(extraction, known=kb.actors)
    store.relations(source="ISIS-K", type="ASSAULT", since="2024-01")
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import and_, create_engine, delete, exists, func, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..errors import NotFoundError, QueryError, StoreError
from ..models import group_of_each, page_at, Actor, Claim, Document, Evidence, Extraction, Publication
from . import schema as s
from .dialect import WRITER, configure, insert_ignore, schema_lock, to_url, upsert
from .links import index_added
from .curation import apply_curation
from .fulltext import ensure_fulltext
from .listing import relation_filters
from .migrate import add_missing_columns
from .rows import StoredActor, StoredRelation
from .upkeep import create_missing_indexes

__all__ = ["Store"]

_CHUNK = 500  # bound on IN (...) lists


def _now() -> _dt.datetime:
    """Naive UTC: what SQLite and PostgreSQL `TIMESTAMP` both store unchanged."""
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _evidence(row: Row, doc_id: str) -> Evidence:
    return Evidence(doc_id=doc_id, text=row.evidence_text, start=row.evidence_start, end=row.evidence_end)


def _evidence_columns(evidence: Evidence) -> dict[str, Any]:
    return {"evidence_text": evidence.text, "evidence_start": evidence.start, "evidence_end": evidence.end}


def _document(row: Row) -> Document:
    return Document(
        id=row.id, text=row.text, content_hash=row.content_hash, source=row.source, title=row.title,
        published=row.published, url=row.url, language=row.language, meta=dict(row.meta or {}),
    )


class Store:
    """One database: `Store("path.db")` or `Store("postgresql://...")`; tables are created if missing."""

    def __init__(self, url_or_path: str | Path) -> None:
        self.url = to_url(url_or_path)
        try:
            self.engine = create_engine(self.url)
            configure(self.engine)
            # transactions that write: on SQLite they take the write lock when they begin, so two
            # writers queue (busy timeout) instead of one failing with "database is locked"
            self.writer = self.engine.execution_options(**WRITER)
            with schema_lock(self.engine):
                s.metadata.create_all(self.writer)  # two processes creating one new file: the second waits
                add_missing_columns(self.engine)  # databases made before a column was added
                create_missing_indexes(self.engine)  # ... or an index
                ensure_fulltext(self.engine)  # FTS5 (kept by triggers) or a PostgreSQL GIN index of evidence
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open database {url_or_path}: {exc.__class__.__name__}: {exc.orig if hasattr(exc, 'orig') else exc}") from exc

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    # --- documents ---------------------------------------------------------------

    def add_document(self, document: Document) -> bool:
        """Store a document; False when its content hash is already stored."""
        return bool(self.add_documents([document]))

    def add_documents(self, documents: Iterable[Document]) -> list[Document]:
        """Store documents in one transaction; returns those that were new.

        In the same transaction, exact copies from another source become sightings
        of the stored text and new near-duplicates are linked (`store.links`).
        """
        documents = list(documents)
        first: dict[str, Document] = {}
        for d in documents:  # the first copy of a text is stored, later ones are its sightings
            first.setdefault(d.content_hash, d)
        unique = list(first.values())
        if not unique:
            return []
        with self.writer.begin() as conn:
            stored: set[str] = set()
            for chunk in _chunks([d.content_hash for d in unique]):
                stored.update(conn.scalars(select(s.documents.c.content_hash).where(s.documents.c.content_hash.in_(chunk))))
            new = [d for d in unique if d.content_hash not in stored]
            now = _now()
            insert_ignore(conn, s.documents, [
                {"id": d.id, "content_hash": d.content_hash, "source": d.source, "title": d.title,
                 "published": d.published, "url": d.url, "language": d.language, "meta": dict(d.meta),
                 "text": d.text, "ingested_at": now}
                for d in new
            ], keys=["content_hash"])
            index_added(conn, documents, new)
        return new

    def documents(self, ids: Sequence[str] | None = None) -> list[Document]:
        """Stored documents in ingest order, or those with the given ids (in that order)."""
        with self.engine.connect() as conn:
            if ids is None:
                rows = conn.execute(select(s.documents).order_by(s.documents.c.ingested_at, s.documents.c.id))
                return [_document(r) for r in rows]
            found: dict[str, Document] = {}
            for chunk in _chunks(list(ids)):
                found.update((r.id, _document(r)) for r in conn.execute(select(s.documents).where(s.documents.c.id.in_(chunk))))
        return [found[i] for i in ids if i in found]

    def document_ids(self, *, missing_version: str | None = None, unextracted: bool = False) -> list[str]:
        """Ids of stored documents in ingest order; with `missing_version`, only those it has not extracted;
        with `unextracted`, only those no version has extracted (new, edited, or left by a killed run)."""
        query = select(s.documents.c.id).order_by(s.documents.c.ingested_at, s.documents.c.id)
        if missing_version is not None:
            done = exists().where(and_(s.extractions.c.doc_id == s.documents.c.id, s.extractions.c.version == missing_version))
            query = query.where(~done)
        if unextracted:
            query = query.where(~exists().where(s.extractions.c.doc_id == s.documents.c.id))
        with self.engine.connect() as conn:
            return list(conn.scalars(query))

    def document(self, id_or_prefix: str) -> Document:
        """The document with this id, or the only one whose id starts with it."""
        prefix = id_or_prefix.strip().lower()
        if not prefix:
            raise QueryError("empty document id: give an id or its first characters, see `rivalwatch relations`")
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(s.documents).where(s.documents.c.id.startswith(prefix, autoescape=True)).limit(6)
            ).all()
        exact = [r for r in rows if r.id == prefix]
        if exact:
            return _document(exact[0])
        if not rows:
            raise NotFoundError(f"no document with id {id_or_prefix!r}: ids are shown by `rivalwatch documents`")
        if len(rows) > 1:
            listed = ", ".join(r.id for r in rows[:5])
            raise QueryError(f"document id {id_or_prefix!r} is ambiguous ({listed}...): give more characters")
        return _document(rows[0])

    def counts(self, *, version: str | None = None) -> dict[str, int]:
        """Row counts: documents, actors, and (of `version`, or all) mentions, relations, claims, publications."""
        out = {}
        with self.engine.connect() as conn:
            for table in (s.documents, s.actors, *s.OUTPUT_TABLES):
                query = select(func.count()).select_from(table)
                if version is not None and "version" in table.c:
                    query = query.where(table.c.version == version)
                out[table.name] = conn.scalar(query) or 0
        return out

    # --- extraction output -------------------------------------------------------

    def save_extraction(self, extraction: Extraction, *, known: Mapping[str, Actor] | None = None) -> None:
        """Replace this (document, version)'s output with `extraction`, in one transaction.

        Actors it names are upserted with their aliases; `known` (the knowledge
        base) adds every alias of a known actor and the groups it is part of.
        """
        self.save_extractions([extraction], known=known)

    def save_extractions(self, extractions: Sequence[Extraction], *, known: Mapping[str, Actor] | None = None) -> None:
        """`save_extraction` for several documents, in one transaction with one insert per table."""
        if not extractions:
            return
        actors: dict[str, Actor] = {}
        for extraction in extractions:
            for actor in _actors_to_store(extraction, known or {}):
                previous = actors.get(actor.id)
                if previous is None:
                    actors[actor.id] = actor
                elif previous.discovered or not actor.discovered:
                    # the later one wins, unless it is discovered and the earlier a knowledge-base entry
                    # (what saving them one after the other would store)
                    actors[actor.id] = _merged(actor, previous)
                else:
                    actors[actor.id] = _merged(previous, actor)
        keys = list(dict.fromkeys((e.doc_id, e.version) for e in extractions))
        published = self._published([d for d, _ in keys])
        groups = _groups(actors)
        outputs: dict[Any, list[dict[str, Any]]] = {table: [] for table in s.OUTPUT_TABLES}
        for extraction in extractions:
            for table, rows in _output_rows(extraction, groups, published.get(extraction.doc_id)):
                outputs[table].extend(rows)
        now = _now()
        try:
            with self.writer.begin() as conn:
                self._upsert_actors(conn, list(actors.values()))
                for version in dict.fromkeys(v for _, v in keys):
                    doc_ids = [d for d, v in keys if v == version]
                    for chunk in _chunks(doc_ids):
                        for table in s.OUTPUT_TABLES:
                            conn.execute(delete(table).where(and_(table.c.doc_id.in_(chunk), table.c.version == version)))
                for table, rows in outputs.items():
                    if rows:
                        conn.execute(table.insert(), rows)
                upsert(conn, s.extractions, [{"doc_id": d, "version": v, "extracted_at": now} for d, v in keys],
                       keys=["doc_id", "version"], update=["extracted_at"])
                apply_curation(conn, [d for d, _ in keys])  # analysts' merges and verdicts survive re-extraction
        except IntegrityError as exc:
            which = ", ".join(d for d, _ in keys[:3]) + (", ..." if len(keys) > 3 else "")
            raise StoreError(f"cannot save extraction of document {which}: is it stored? ({exc.orig})") from exc

    def upsert_actors(self, actors: Iterable[Actor]) -> None:
        """Store actors and their aliases (knowledge-base entries win over discovered ones)."""
        with self.writer.begin() as conn:
            self._upsert_actors(conn, list(actors))

    def _upsert_actors(self, conn: Connection, actors: list[Actor]) -> None:
        upsert(
            conn, s.actors,
            [{"id": a.id, "name": a.name, "kind": a.kind, "part_of": a.part_of, "discovered": a.discovered}
             for a in actors],
            keys=["id"], update=["name", "kind", "part_of", "discovered"],
            # a discovered actor never overwrites a knowledge-base one
            where=lambda stmt: (s.actors.c.discovered == True) | (stmt.excluded.discovered == False),  # noqa: E712
        )
        insert_ignore(conn, s.aliases, [
            {"actor_id": a.id, "alias": alias, "folded": alias.casefold()}
            for a in actors for alias in dict.fromkeys([a.name, *a.aliases])
        ], keys=["actor_id", "alias"])

    def record_run(
        self, *, version: str, started_at: _dt.datetime, finished_at: _dt.datetime, documents: int
    ) -> int:
        """Log one extraction run; returns its id."""
        with self.writer.begin() as conn:
            result = conn.execute(s.extraction_runs.insert().values(
                version=version, started_at=started_at, finished_at=finished_at, documents=documents))
            return int(result.inserted_primary_key[0])

    def runs(self) -> list[dict[str, Any]]:
        """Every recorded extraction run, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.extraction_runs).order_by(s.extraction_runs.c.id))
            return [dict(r._mapping) for r in rows]

    # --- reads -------------------------------------------------------------------

    def actors(self, kind: str | None = None, *, version: str | None = None) -> list[StoredActor]:
        """Stored actors with every alias and their mention count (of `version`, or all), most mentioned first."""
        counted = select(s.mentions.c.actor_id, func.count().label("n")).group_by(s.mentions.c.actor_id)
        if version is not None:
            counted = counted.where(s.mentions.c.version == version)
        counted = counted.subquery()
        n = func.coalesce(counted.c.n, 0)
        query = (select(s.actors, n.label("mentions"))
                 .outerjoin(counted, counted.c.actor_id == s.actors.c.id)
                 .order_by(n.desc(), s.actors.c.id))
        if kind is not None:
            query = query.where(s.actors.c.kind == kind)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            names: dict[str, list[str]] = {}
            for actor_id, alias in conn.execute(select(s.aliases.c.actor_id, s.aliases.c.alias).order_by(s.aliases.c.alias)):
                names.setdefault(actor_id, []).append(alias)
        return [
            StoredActor(id=r.id, name=r.name, kind=r.kind, part_of=r.part_of, discovered=bool(r.discovered),
                        aliases=tuple(names.get(r.id, ())), mentions=int(r.mentions))
            for r in rows
        ]

    def resolve_actor(self, name: str) -> set[str]:
        """The ids an actor id or alias stands for (case-insensitive); QueryError when none."""
        folded = name.strip().casefold()
        with self.engine.connect() as conn:
            ids = set(conn.scalars(select(s.aliases.c.actor_id).where(s.aliases.c.folded == folded)))
            ids.update(conn.scalars(select(s.actors.c.id).where(func.lower(s.actors.c.id) == folded)))
        if not ids:
            raise NotFoundError(f"unknown actor {name!r}: no stored actor has this id or alias; list them with `rivalwatch actors`")
        return ids

    def relations(
        self, *, source: str | None = None, target: str | None = None, type: str | None = None,
        since: str | None = None, until: str | None = None, modality: str | None = None,
        doc_id: str | None = None, group_level: bool = False, limit: int | None = None,
        version: str | None = None, offset: int = 0, ids: Sequence[int] | None = None,
    ) -> list[StoredRelation]:
        """Relations matching every filter given, by date (undated last).

        `source`/`target`: an actor id or alias. `since`/`until`: ISO prefixes; a
        date is kept when its period overlaps the window ("2024-07-14" and "2024"
        are both kept by since="2024-07"), and undated relations are dropped.
        `group_level` rolls persons and outlets up to the group they are part of,
        both in the filters and in the result. `limit`/`offset` give one page;
        `ids` keeps only these relation ids.
        """
        r = s.relations
        rollup = self._rollup() if group_level else {}
        where = relation_filters(self, source=source, target=target, type=type, since=since, until=until,
                                 modality=modality, doc_id=doc_id, version=version, ids=ids, rollup=rollup,
                                 group_level=group_level)
        order = (r.c.date.asc().nulls_last(), r.c.doc_id, r.c.evidence_start, r.c.id)
        query = (select(r, s.documents.c.title.label("doc_title"), s.documents.c.source.label("doc_source"),
                        s.documents.c.meta.label("doc_meta"))
                 .join(s.documents, s.documents.c.id == r.c.doc_id))
        if limit is not None or offset:
            # the page's ids first (an index range, no whole rows sorted), then those rows
            page = select(r.c.id).where(*where).order_by(*order).limit(limit).offset(offset)
            query = query.where(r.c.id.in_(page.scalar_subquery()))
        else:
            query = query.where(*where)
        query = query.order_by(*order)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            StoredRelation(
                id=row.id, doc_id=row.doc_id, version=row.version,
                source=rollup.get(row.source, row.source), type=row.type, target=rollup.get(row.target, row.target),
                modality=row.modality, date=row.date, location=row.location, confidence=row.confidence,
                cue=row.cue, evidence=_evidence(row, row.doc_id),
                source_as_written=row.source, target_as_written=row.target,
                doc_title=row.doc_title, doc_source=row.doc_source,
                page=page_at((row.doc_meta or {}).get("pages"), row.evidence_start),
                curation=row.curation,
            )
            for row in rows
        ]

    def claims(self, *, doc_id: str | None = None, version: str | None = None) -> list[Claim]:
        """Stored claims of responsibility, in document order."""
        rows = self._output_rows(s.claims, doc_id, version)
        return [Claim(actor=r.actor, evidence=_evidence(r, r.doc_id), date=r.date, location=r.location,
                      modality=r.modality) for r in rows]

    def publications(self, *, doc_id: str | None = None, version: str | None = None) -> list[Publication]:
        """Stored media releases, in document order."""
        rows = self._output_rows(s.publications, doc_id, version)
        return [Publication(outlet=r.outlet, evidence=_evidence(r, r.doc_id), format=r.format, language=r.language,
                            length=r.length, title=r.title, date=r.date) for r in rows]

    def versions(self, doc_id: str) -> list[str]:
        """The extractor versions that have processed this document."""
        with self.engine.connect() as conn:
            return list(conn.scalars(select(s.extractions.c.version).where(s.extractions.c.doc_id == doc_id)
                                     .order_by(s.extractions.c.extracted_at)))

    # --- helpers -----------------------------------------------------------------

    def _output_rows(self, table: Any, doc_id: str | None, version: str | None) -> list[Row]:
        query = select(table).order_by(table.c.doc_id, table.c.evidence_start, table.c.id)
        if doc_id is not None:
            query = query.where(table.c.doc_id == doc_id)
        if version is not None:
            query = query.where(table.c.version == version)
        with self.engine.connect() as conn:
            return conn.execute(query).all()

    def _published(self, doc_ids: Sequence[str]) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(dict.fromkeys(doc_ids))):
                query = select(s.documents.c.id, s.documents.c.published).where(s.documents.c.id.in_(chunk))
                out.update({row.id: row.published for row in conn.execute(query)})
        return out

    def _rollup(self) -> dict[str, str]:
        """actor id -> its group, for persons and outlets that are part of one."""
        with self.engine.connect() as conn:
            rows = {r.id: (r.kind, r.part_of) for r in conn.execute(select(s.actors.c.id, s.actors.c.kind, s.actors.c.part_of))}
        return {a: g for a, g in group_of_each(rows).items() if g != a}

    def _actor_ids(self, name: str, rollup: Mapping[str, str], group_level: bool) -> set[str]:
        ids = self.resolve_actor(name)
        if not group_level:
            return ids
        groups = {rollup.get(i, i) for i in ids}
        return groups | {member for member, group in rollup.items() if group in groups}


def _actors_to_store(extraction: Extraction, known: Mapping[str, Actor]) -> list[Actor]:
    """The extraction's actors, with a known actor's full alias list, plus the groups they belong to."""
    out: dict[str, Actor] = {}
    pending = list(extraction.actors)
    while pending:
        actor = pending.pop(0)
        if actor.id in out:
            continue
        base = known.get(actor.id)
        if base is not None:
            actor = Actor(id=base.id, name=base.name, kind=base.kind, part_of=base.part_of,
                          aliases=tuple(dict.fromkeys([*base.aliases, *actor.aliases])), discovered=False)
        out[actor.id] = actor
        if actor.part_of and actor.part_of not in out and actor.part_of in known:
            pending.append(known[actor.part_of])
    return list(out.values())


def _merged(first: Actor, second: Actor) -> Actor:
    """`first` with the aliases of both (one upsert row per actor id)."""
    aliases = tuple(dict.fromkeys([*first.aliases, *second.aliases]))
    return first if aliases == first.aliases else Actor(
        id=first.id, name=first.name, kind=first.kind, part_of=first.part_of, aliases=aliases,
        discovered=first.discovered)


def _groups(actors: Mapping[str, Actor]) -> dict[str, str]:
    """actor id -> the group it rolls up to (persons and outlets that are part of one)."""
    return group_of_each({a.id: (a.kind, a.part_of) for a in actors.values()})


def _output_rows(extraction: Extraction, groups: Mapping[str, str],
                 published: str | None) -> list[tuple[Any, list[dict[str, Any]]]]:
    key = {"doc_id": extraction.doc_id, "version": extraction.version}
    return [
        (s.mentions, [key | {"actor_id": m.actor_id, "start": m.start, "end": m.end, "text": m.text, "how": m.how}
                      for m in extraction.mentions]),
        (s.relations, [key | {"source": r.source, "type": r.type, "target": r.target, "modality": r.modality,
                              "date": r.date, "location": r.location, "confidence": r.confidence, "cue": r.cue,
                              "source_group": groups.get(r.source, r.source),
                              "target_group": groups.get(r.target, r.target),
                              "when": r.date or published, **_evidence_columns(r.evidence)}
                       for r in extraction.relations]),
        (s.claims, [key | {"actor": c.actor, "date": c.date, "location": c.location, "modality": c.modality,
                           **_evidence_columns(c.evidence)}
                    for c in extraction.claims]),
        (s.publications, [key | {"outlet": p.outlet, "format": p.format, "language": p.language, "length": p.length,
                                 "title": p.title, "date": p.date, **_evidence_columns(p.evidence)}
                          for p in extraction.publications]),
    ]

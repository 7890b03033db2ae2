"""Full-text search over evidence sentences: SQLite FTS5, PostgreSQL's text search, else a LIKE scan.

On SQLite the virtual table `relations_fts` indexes `relations.evidence_text`
(external content: the text is not stored twice) and three triggers keep it in
step with every insert, delete and evidence change of `relations`, however the
rows got there (saving an extraction, a curation deleting a rejected relation, a
bulk load). A database made before the index existed is indexed once, when it is
first opened. On PostgreSQL a GIN index over the sentence's `to_tsvector('simple', ...)`
serves the same queries (`simple`: no stemming, as FTS5's unicode61). An SQLite
built without FTS5 is searched with a parameterised LIKE per term.

The user's text never reaches FTS5's or PostgreSQL's query syntax: every term
becomes a quoted string (a trailing `*` makes it a prefix), terms are ANDed, and
`"two words"` is a phrase; each is passed as a bound parameter.

Example:
    ensure_fulltext(store.engine)
    total, hits = search_evidence(store.engine, 'denounced "suicide attack"', version="rw-extract-6", limit=10)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, String, and_, func, literal_column, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.exc import OperationalError

from ..errors import QueryError
from . import schema as s

__all__ = ["FTS_TABLE", "SentenceHit", "ensure_fulltext", "has_fulltext", "fts_query", "pg_query", "search_evidence"]

FTS_TABLE = "relations_fts"
PG_INDEX = "relations_evidence_tsv"  # PostgreSQL: the GIN index of evidence sentences' words
_PG_CONFIG = literal_column("'simple'::regconfig")
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_LIKE_ESCAPE = "\\"
_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(evidence_text, content='relations', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON relations BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, evidence_text) VALUES (new.id, new.evidence_text); END",
    f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON relations BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, evidence_text) VALUES ('delete', old.id, old.evidence_text); END",
    f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF evidence_text ON relations BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, evidence_text) VALUES ('delete', old.id, old.evidence_text); "
    f"INSERT INTO {FTS_TABLE}(rowid, evidence_text) VALUES (new.id, new.evidence_text); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)


@dataclass(frozen=True)
class SentenceHit:
    """One evidence sentence that matched, and the ids of the relations resting on it."""

    doc_id: str
    start: int
    end: int
    text: str
    relation_ids: tuple[int, ...]


def has_fulltext(engine: Engine) -> bool:
    """True when the full-text index exists (SQLite with FTS5, PostgreSQL with its GIN index)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return conn.execute(text("SELECT 1 FROM pg_indexes WHERE indexname = :n"), {"n": PG_INDEX}).first() \
                is not None
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"),
                            {"n": FTS_TABLE}).first() is not None


def ensure_fulltext(engine: Engine) -> bool:
    """Create the full-text index (and on SQLite its triggers) if missing, indexing existing rows once;
    False when unavailable."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON relations "
                                 "USING GIN (to_tsvector('simple', translate(evidence_text, '<>', '  ')))")
        return True
    if engine.dialect.name != "sqlite":
        return False
    if has_fulltext(engine):
        return True
    try:
        with engine.begin() as conn:
            for statement in _DDL:
                conn.exec_driver_sql(statement)
    except OperationalError:  # an SQLite without FTS5, or another process created it first
        return has_fulltext(engine)
    return True


def fts_query(user_text: str) -> str:
    """The user's words as a safe FTS5 query: quoted terms ANDed, `"a phrase"`, `prefix*`."""
    parts = []
    for phrase, word in _TERM.findall(user_text):
        term = phrase if phrase else word
        prefix = not phrase and term.endswith("*") and len(term.rstrip("*")) > 0
        term = term.rstrip("*") if prefix else term
        if not term.strip():
            continue
        parts.append('"' + term.replace('"', '""') + '"' + ("*" if prefix else ""))
    if not parts:
        raise QueryError("empty search: give one or more words, \"a phrase\" or a prefix*")
    return " AND ".join(parts)


def pg_query(user_text: str) -> ColumnElement[Any]:
    """The user's words as a PostgreSQL tsquery built from bound parameters: words ANDed, `"a phrase"`,
    `prefix*` (a prefix keeps only its letters and digits)."""
    parts = []
    for phrase, word in _TERM.findall(user_text):
        term = phrase if phrase else word
        if phrase:
            parts.append(func.phraseto_tsquery(_PG_CONFIG, term))
        elif term.endswith("*") and (prefix := re.sub(r"\W+", "", term)):
            parts.append(func.to_tsquery(_PG_CONFIG, prefix.lower() + ":*"))
        elif term.strip():
            parts.append(func.plainto_tsquery(_PG_CONFIG, term))
    if not parts:
        raise QueryError("empty search: give one or more words, \"a phrase\" or a prefix*")
    query = parts[0]
    for part in parts[1:]:
        query = query.op("&&")(part)
    return query


def _like_terms(user_text: str) -> list[str]:
    terms = [(phrase or word).rstrip("*") for phrase, word in _TERM.findall(user_text)]
    terms = [t for t in terms if t.strip()]
    if not terms:
        raise QueryError("empty search: give one or more words, \"a phrase\" or a prefix*")
    escape = _LIKE_ESCAPE
    return ["%" + t.lower().replace(escape, escape * 2).replace("%", escape + "%").replace("_", escape + "_") + "%"
            for t in terms]


def search_evidence(engine: Engine, user_text: str, *, version: str, limit: int,
                    offset: int = 0) -> tuple[int, list[SentenceHit]]:
    """(number of matching sentences, one page of them): best match first with FTS5, else by document.

    A sentence is (document, start, end); it matches when any relation of
    `version` rests on it and its text holds every term.
    """
    r = s.relations
    sentence = (r.c.doc_id, r.c.evidence_start, r.c.evidence_end)
    ids = func.group_concat(r.c.id) if engine.dialect.name == "sqlite" else func.string_agg(
        r.c.id.cast(String), ",")
    if engine.dialect.name == "postgresql" and has_fulltext(engine):
        # the index's expression; '<' and '>' as spaces, or PostgreSQL's parser drops "<script>" as a tag
        vector = func.to_tsvector(_PG_CONFIG, func.translate(r.c.evidence_text, literal_column("'<>'"),
                                                             literal_column("'  '")))
        query = pg_query(user_text)
        base = select(*sentence).where(r.c.version == version, vector.op("@@")(query))
        order, params = (func.max(func.ts_rank(vector, query)).desc(), *sentence), {}
    elif has_fulltext(engine):
        fts = text(f"SELECT rowid AS id, rank FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q").columns(
            id=Integer, rank=Float).subquery("fts")
        base = select(*sentence).select_from(r.join(fts, fts.c.id == r.c.id)).where(r.c.version == version)
        order: tuple[Any, ...] = (func.min(fts.c.rank), *sentence)
        params = {"q": fts_query(user_text)}
    else:
        base = select(*sentence).where(r.c.version == version, and_(*(
            func.lower(r.c.evidence_text).like(term, escape=_LIKE_ESCAPE) for term in _like_terms(user_text))))
        order, params = sentence, {}
    grouped = base.group_by(*sentence)
    page = grouped.add_columns(func.min(r.c.evidence_text).label("text"), ids.label("ids")).order_by(*order)
    with engine.connect() as conn:
        total = int(conn.scalar(select(func.count()).select_from(grouped.subquery()), params) or 0)
        rows = conn.execute(page.limit(limit).offset(offset), params).all()
    return total, [SentenceHit(doc_id=row.doc_id, start=row.evidence_start, end=row.evidence_end, text=row.text,
                               relation_ids=tuple(sorted(int(i) for i in str(row.ids).split(","))))
                   for row in rows]

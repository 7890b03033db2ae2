"""Reposts: exact copies seen elsewhere (sightings) and near-duplicate documents (links).

At ingest every new document long enough to compare is indexed by its MinHash
LSH band keys (`document_bands`); one whose word shingles match a stored
document's at Jaccard >= `duplicates.yaml` threshold is stored but linked to the
first copy (`document_links.duplicate_of`). An exact copy (same content hash)
from another source is no new document: it becomes a sighting of the stored one.

Analyses count a statement once: they keep relations whose document has no link,
`select(...).where(canonical_only(relations.c.doc_id))`.

`Store.add_documents` calls `index_added` in its own transaction, so every
reader (files, feeds, JSONL) is covered; Telegram imports call `link_documents`.

Example:
    store.add_documents(documents)            # links and sightings included
    [x.source for x in sources(store, doc_id)]
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from sqlalchemy import delete, exists, func, select
from sqlalchemy.engine import Connection

from ..ingest.near_duplicates import band_keys, hashed, hashed_jaccard, shingles
from ..knowledge.ingest_rules import load_duplicate_rules
from ..models import Document
from . import schema as s
from .dialect import insert_ignore, upsert

if TYPE_CHECKING:
    from .db import Store

__all__ = [
    "MAX_CANDIDATES", "DocumentSource", "canonical_only", "link_documents", "unlink_documents",
    "add_sightings", "remove_sighting", "index_added", "linked_among", "sources", "near_duplicate_ids",
]

MAX_CANDIDATES = 50  # documents sharing the most band keys that are checked exactly
_CHUNK = 500


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class DocumentSource:
    """One place a statement was published: a stored document or a sighting of one.

    `how`: "original" (the first stored copy), "near-duplicate" (a stored document
    linked to it, with `similarity`), or "exact copy" (a sighting of `doc_id`).
    """

    doc_id: str
    source: str
    title: str | None
    published: str | None
    how: str
    similarity: float | None = None
    this: bool = False          # the document being shown (or a sighting of it)

    def as_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "source": self.source, "title": self.title, "published": self.published,
                "how": self.how, "similarity": self.similarity, "this": self.this}


def canonical_only(doc_id_column: Any) -> Any:
    """A WHERE clause keeping rows whose document is no near-duplicate of another."""
    return ~exists().where(s.document_links.c.doc_id == doc_id_column)


def near_duplicate_ids(store: "Store") -> set[str]:
    """Ids of the documents linked to an earlier copy."""
    with store.engine.connect() as conn:
        return set(conn.scalars(select(s.document_links.c.doc_id)))


def _root(conn: Connection, doc_id: str) -> str:
    """The first copy a document is (transitively) linked to; itself when it is none's copy."""
    seen = {doc_id}
    while True:
        parent = conn.scalar(select(s.document_links.c.duplicate_of).where(s.document_links.c.doc_id == doc_id))
        if parent is None or parent in seen:
            return doc_id
        seen.add(parent)
        doc_id = parent


def link_documents(conn: Connection, documents: Sequence[Document]) -> int:
    """Index documents by band key and link each near-duplicate to the first copy; returns how many were linked.

    Documents are handled in order, so a later one in the same batch can match an earlier one.
    Candidates are the first copies (documents linked to none), so a statement forwarded a thousand
    times costs no more than one forwarded twice; they are compared by their stored shingle hashes
    (`document_shingles`); a candidate stored before those existed is shingled once from its text.
    """
    rules = load_duplicate_rules()
    b, h = s.document_bands, s.document_shingles
    linked = 0
    now = _now()
    for document in documents:
        own = shingles(document.text, rules=rules)
        keys = band_keys(own, rules=rules)
        if not keys:
            continue
        own_hashes = hashed(own)
        shared = func.count().label("shared")  # the documents sharing the most band keys, counted in the database
        candidates = list(conn.scalars(
            select(b.c.doc_id, shared).where(b.c.key.in_(sorted(keys)), b.c.doc_id != document.id, canonical_only(b.c.doc_id))
            .group_by(b.c.doc_id).order_by(shared.desc(), b.c.doc_id).limit(MAX_CANDIDATES)))
        best, best_score = None, 0.0
        for doc_id, their in _shingle_hashes(conn, candidates, rules).items():
            score = hashed_jaccard(own_hashes, their)
            if score > best_score:
                best, best_score = doc_id, score
        if best is not None and best_score >= rules.threshold:
            root = _root(conn, best)
            if root != document.id:
                conn.execute(delete(s.document_links).where(s.document_links.c.doc_id == document.id))
                conn.execute(s.document_links.insert().values(
                    doc_id=document.id, duplicate_of=root, similarity=round(best_score, 4), linked_at=now))
                linked += 1
        insert_ignore(conn, b, [{"doc_id": document.id, "key": key} for key in sorted(keys)], keys=["doc_id", "key"])
        upsert(conn, h, [{"doc_id": document.id, "hashes": own_hashes}], keys=["doc_id"], update=["hashes"])
    return linked


def _shingle_hashes(conn: Connection, doc_ids: Sequence[str], rules: Any) -> dict[str, bytes]:
    """The stored shingle hashes of `doc_ids`, in their order; those missing are made from the texts once."""
    h, d = s.document_shingles, s.documents
    found = dict(conn.execute(select(h.c.doc_id, h.c.hashes).where(h.c.doc_id.in_(doc_ids))).all()) if doc_ids else {}
    missing = [i for i in doc_ids if i not in found]
    if missing:
        made = {doc_id: hashed(shingles(text, rules=rules))
                for doc_id, text in conn.execute(select(d.c.id, d.c.text).where(d.c.id.in_(missing))).all()}
        if made:
            upsert(conn, h, [{"doc_id": k, "hashes": v} for k, v in sorted(made.items())], keys=["doc_id"], update=["hashes"])
        found.update(made)
    return {i: bytes(found[i]) for i in doc_ids if i in found}


def unlink_documents(conn: Connection, doc_ids: Iterable[str]) -> None:
    """Forget the band keys and the own link of documents whose text is about to change."""
    ids = list(dict.fromkeys(doc_ids))
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i:i + _CHUNK]
        conn.execute(delete(s.document_bands).where(s.document_bands.c.doc_id.in_(chunk)))
        conn.execute(delete(s.document_shingles).where(s.document_shingles.c.doc_id.in_(chunk)))
        conn.execute(delete(s.document_links).where(s.document_links.c.doc_id.in_(chunk)))


def add_sightings(conn: Connection, pairs: Iterable[tuple[str, Document]]) -> int:
    """Record (stored doc id, copy) pairs whose copy came from another source; returns how many were new."""
    rows = [{"doc_id": doc_id, "source": copy.source, "title": copy.title, "url": copy.url,
             "published": copy.published, "meta": dict(copy.meta), "seen_at": _now()}
            for doc_id, copy in pairs]
    if not rows:
        return 0
    sighting = s.document_sightings
    before = {(r.doc_id, r.source) for r in conn.execute(
        select(sighting.c.doc_id, sighting.c.source).where(sighting.c.doc_id.in_({r["doc_id"] for r in rows})))}
    insert_ignore(conn, sighting, rows, keys=["doc_id", "source"])
    return len({(r["doc_id"], r["source"]) for r in rows} - before)


def remove_sighting(conn: Connection, doc_id: str, source: str) -> None:
    """Forget that `source` published the text of `doc_id` (its text changed since)."""
    conn.execute(delete(s.document_sightings).where(
        s.document_sightings.c.doc_id == doc_id, s.document_sightings.c.source == source))


def index_added(conn: Connection, documents: Sequence[Document], added: Sequence[Document]) -> int:
    """Called by `Store.add_documents` in its transaction: record the exact copies among `documents`
    that came from another source than the stored text, and link the `added` near-duplicates.
    Returns how many were linked."""
    new = {(document.id, document.source) for document in added}
    copies = [document for document in documents if (document.id, document.source) not in new]
    stored: dict[str, tuple[str, str]] = {}
    hashes = list({document.content_hash for document in copies})
    for i in range(0, len(hashes), _CHUNK):
        query = select(s.documents.c.content_hash, s.documents.c.id, s.documents.c.source).where(
            s.documents.c.content_hash.in_(hashes[i:i + _CHUNK]))
        stored.update({row.content_hash: (row.id, row.source) for row in conn.execute(query)})
    add_sightings(conn, [(stored[c.content_hash][0], c) for c in copies
                         if c.content_hash in stored and stored[c.content_hash][1] != c.source])
    return link_documents(conn, list(added))


def linked_among(store: "Store", doc_ids: Sequence[str]) -> int:
    """How many of these documents are near-duplicates of another."""
    ids = list(dict.fromkeys(doc_ids))
    count = 0
    with store.engine.connect() as conn:
        for i in range(0, len(ids), _CHUNK):
            count += len(conn.execute(select(s.document_links.c.doc_id).where(
                s.document_links.c.doc_id.in_(ids[i:i + _CHUNK]))).all())
    return count


def sources(store: "Store", doc_id: str) -> list[DocumentSource]:
    """Every place the statement of `doc_id` was published: the first copy, its near-duplicates and every
    exact copy of each, first copy first, then by publication date."""
    d, link, sighting = s.documents, s.document_links, s.document_sightings
    with store.engine.connect() as conn:
        root = _root(conn, doc_id)
        members = {root: None}
        members.update({row.doc_id: row.similarity
                        for row in conn.execute(select(link.c.doc_id, link.c.similarity).where(link.c.duplicate_of == root))})
        docs = {row.id: row for row in conn.execute(
            select(d.c.id, d.c.source, d.c.title, d.c.published).where(d.c.id.in_(list(members))))}
        seen = conn.execute(select(sighting).where(sighting.c.doc_id.in_(list(members)))
                            .order_by(sighting.c.published, sighting.c.id)).all()
    out = []
    for member, similarity in members.items():
        row = docs.get(member)
        if row is None:
            continue
        how = "original" if member == root else "near-duplicate"
        out.append(DocumentSource(member, row.source, row.title, row.published, how, similarity, member == doc_id))
    out[1:] = sorted(out[1:], key=lambda x: (x.published or "9999", x.doc_id))
    for row in seen:
        out.append(DocumentSource(row.doc_id, row.source, row.title, row.published, "exact copy", 1.0,
                                  row.doc_id == doc_id))
    return out

"""Store a Telegram export's messages in one transaction: new, edited and repeated messages.

Each message is keyed by (channel id, message id) in `telegram_messages`:

* new: its text becomes a document, or, when that exact text is stored already
  (a forward, a repost), a sighting of the stored document;
* seen before with the same revision (edit time), text and meta: nothing;
* seen before and now edited (a newer revision) or re-mapped (another outlet): the
  document it owns keeps its id and gets the new text and meta; its extraction
  output is dropped so the current extractor runs on it again;
* an older export (a revision below the stored one): nothing.

A media message of a channel mapped to an outlet is a release: its format,
length, title and date are kept on its `telegram_messages` row, and the
`publications` of every document touched are rebuilt from those rows under
version `TELEGRAM_VERSION`, which extraction never replaces.

Example:
    items = [(m, d, m.release(d, outlet="AL_AZAIM")) for m in export.messages for d in [m.document(outlet="AL_AZAIM")]]
    store_messages(store, export.channel, items, outlet="AL_AZAIM").edited
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any, Sequence

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.engine import Connection

from ..ingest.language import language_name
from ..ingest.telegram import Channel, TelegramMessage
from ..models import Document, Publication
from . import schema as s
from .db import Store
from .dialect import upsert
from .links import add_sightings, link_documents, remove_sighting, unlink_documents

__all__ = ["TELEGRAM_VERSION", "MessageCounts", "store_messages", "channel_outlet"]

TELEGRAM_VERSION = "rw-telegram-1"  # publications read off Telegram metadata, not extracted from text
Item = tuple[TelegramMessage, Document, "Publication | None"]


@dataclass
class MessageCounts:
    """What one import did to the store."""

    added: int = 0           # new documents
    copies: int = 0          # new messages whose exact text was stored already: a sighting
    edited: int = 0          # stored messages whose text changed (newer edit): replaced in place
    updated: int = 0         # stored messages whose meta changed only (outlet mapping, fields)
    unchanged: int = 0
    older: int = 0           # the export holds an older revision than the store: ignored
    near_duplicates: int = 0
    releases: int = 0        # messages of this channel that are releases, after the import
    changed_ids: list[str] = field(default_factory=list)   # documents to (re-)extract


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def channel_outlet(store: Store, channel_id: str) -> str | None:
    """The outlet a channel was mapped to by an earlier import, if any."""
    with store.engine.connect() as conn:
        return conn.scalar(select(s.telegram_channels.c.outlet).where(s.telegram_channels.c.channel_id == channel_id))


def _same_meta(first: Any, second: Any) -> bool:
    return json.dumps(first, sort_keys=True, default=str) == json.dumps(second, sort_keys=True, default=str)


def _release_columns(release: Publication | None) -> dict[str, Any]:
    if release is None:
        return {"outlet": None, "format": None, "length": None, "title": None, "date": None}
    return {"outlet": release.outlet, "format": release.format, "length": release.length, "title": release.title,
            "date": release.date}


def store_messages(store: Store, channel: Channel, items: Sequence[Item], *, outlet: str | None) -> MessageCounts:
    """Apply an export's messages to the store in one transaction (see the module docstring)."""
    counts = MessageCounts()
    m, d = s.telegram_messages, s.documents
    with store.writer.begin() as conn:
        upsert(conn, s.telegram_channels, [{"channel_id": channel.id, "name": channel.name, "type": channel.type,
                                            "outlet": outlet, "imported_at": _now()}],
               keys=["channel_id"], update=["name", "type", "outlet", "imported_at"])
        state = {row.message_id: row for row in conn.execute(select(m).where(m.c.channel_id == channel.id))}
        owned = {row.id: row for row in conn.execute(
            select(d.c.id, d.c.source, d.c.meta).where(d.c.id.in_({r.doc_id for r in state.values()})))} if state else {}
        by_hash = _stored_hashes(conn, [doc.content_hash for _, doc, _ in items])
        new_docs: list[Document] = []
        replaced: list[Document] = []
        touched: set[str] = set()
        for message, document, release in items:
            row = state.get(message.message_id)
            if row is None:
                target = _place(conn, document, by_hash, new_docs, counts)
                conn.execute(m.insert().values(channel_id=channel.id, message_id=message.message_id, doc_id=target,
                                               revision=message.revision, content_hash=document.content_hash,
                                               **_release_columns(release)))
                touched.add(target)
                continue
            if message.revision < row.revision:
                counts.older += 1
                continue
            mine = owned.get(row.doc_id)
            is_owner = mine is not None and mine.source == document.source
            same_text = row.content_hash == document.content_hash
            if same_text and (not is_owner or _same_meta(mine.meta, document.meta)) \
                    and _same_release(row, release):
                counts.unchanged += 1
                continue
            target = row.doc_id
            if same_text:
                if is_owner:
                    conn.execute(update(d).where(d.c.id == row.doc_id).values(meta=dict(document.meta)))
                    _drop_output(conn, [row.doc_id])
                    counts.changed_ids.append(row.doc_id)
                counts.updated += 1
            elif is_owner and document.content_hash not in by_hash:
                conn.execute(update(d).where(d.c.id == row.doc_id).values(
                    text=document.text, content_hash=document.content_hash, title=document.title,
                    published=document.published, language=document.language, meta=dict(document.meta)))
                by_hash[document.content_hash] = (row.doc_id, document.source)
                _drop_output(conn, [row.doc_id])
                replaced.append(_with_id(document, row.doc_id))
                counts.changed_ids.append(row.doc_id)
                counts.edited += 1
            else:
                # the message pointed at another source's copy, or its new text is stored already:
                # it now points at the document holding its new text
                if not is_owner:
                    remove_sighting(conn, row.doc_id, document.source)
                touched.add(row.doc_id)
                target = _place(conn, document, by_hash, new_docs, counts, count=False)
                counts.edited += 1
            conn.execute(update(m).where(and_(m.c.channel_id == channel.id, m.c.message_id == message.message_id))
                         .values(doc_id=target, revision=message.revision, content_hash=document.content_hash,
                                 **_release_columns(release)))
            touched.add(target)
        unlink_documents(conn, [doc.id for doc in replaced])
        counts.near_duplicates = link_documents(conn, [*new_docs, *replaced])
        counts.changed_ids.extend(doc.id for doc in new_docs)
        _rebuild_publications(conn, touched)
        counts.releases = conn.scalar(select(func.count()).select_from(m).where(
            m.c.channel_id == channel.id, m.c.format.is_not(None), m.c.outlet.is_not(None))) or 0
    return counts


def _same_release(row: Any, release: Publication | None) -> bool:
    return all(getattr(row, key) == value for key, value in _release_columns(release).items())


def _with_id(document: Document, doc_id: str) -> Document:
    return Document(id=doc_id, text=document.text, content_hash=document.content_hash, source=document.source,
                    title=document.title, published=document.published, url=document.url,
                    language=document.language, meta=document.meta)


def _stored_hashes(conn: Connection, hashes: Sequence[str]) -> dict[str, tuple[str, str]]:
    """content hash -> (doc id, source) of the stored documents among `hashes`."""
    out: dict[str, tuple[str, str]] = {}
    unique = list(dict.fromkeys(hashes))
    for i in range(0, len(unique), 500):
        query = select(s.documents.c.content_hash, s.documents.c.id, s.documents.c.source).where(
            s.documents.c.content_hash.in_(unique[i:i + 500]))
        out.update({row.content_hash: (row.id, row.source) for row in conn.execute(query)})
    return out


def _place(conn: Connection, document: Document, by_hash: dict[str, tuple[str, str]], new_docs: list[Document],
           counts: MessageCounts, *, count: bool = True) -> str:
    """The id of the document holding this text: a stored one (plus a sighting) or a new one."""
    if document.content_hash in by_hash:
        doc_id, source = by_hash[document.content_hash]
        if source != document.source:
            add_sightings(conn, [(doc_id, document)])
        counts.copies += count
        return doc_id
    conn.execute(s.documents.insert().values(
        id=document.id, content_hash=document.content_hash, source=document.source, title=document.title,
        published=document.published, url=document.url, language=document.language, meta=dict(document.meta),
        text=document.text, ingested_at=_now()))
    by_hash[document.content_hash] = (document.id, document.source)
    new_docs.append(document)
    counts.added += count
    return document.id


def _drop_output(conn: Connection, doc_ids: list[str]) -> None:
    """Forget every extraction of these documents (all versions), so they are extracted again."""
    for table in (*s.OUTPUT_TABLES, s.extractions):
        conn.execute(delete(table).where(table.c.doc_id.in_(doc_ids)))


def _rebuild_publications(conn: Connection, doc_ids: set[str]) -> None:
    """The `TELEGRAM_VERSION` publications of these documents: one per release message pointing at each."""
    if not doc_ids:
        return
    p, m, d = s.publications, s.telegram_messages, s.documents
    ids = sorted(doc_ids)
    conn.execute(delete(p).where(p.c.doc_id.in_(ids), p.c.version == TELEGRAM_VERSION))
    rows = conn.execute(
        select(m.c.doc_id, m.c.outlet, m.c.format, m.c.length, m.c.title, m.c.date, d.c.text, d.c.language, d.c.meta)
        .join(d, d.c.id == m.c.doc_id)
        .where(m.c.doc_id.in_(ids), m.c.format.is_not(None), m.c.outlet.is_not(None))
        .order_by(m.c.doc_id, m.c.channel_id, m.c.message_id)).all()
    if rows:
        conn.execute(p.insert(), [
            {"doc_id": r.doc_id, "version": TELEGRAM_VERSION, "outlet": r.outlet, "format": r.format,
             "language": _publication_language(r.language, r.meta), "length": r.length, "title": r.title,
             "date": r.date, "evidence_text": r.text, "evidence_start": 0, "evidence_end": len(r.text)}
            for r in rows])


def _publication_language(code: str | None, meta: Any) -> str | None:
    described = isinstance(meta, dict) and (meta.get("telegram") or {}).get("text_from") == "metadata"
    return None if described or not code else language_name(code)

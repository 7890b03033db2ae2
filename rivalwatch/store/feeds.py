"""What the store remembers about feeds: the validators of each feed's last answer and the entries seen.

Example:
    state = feed_state(store, url)            # None before the first poll
    new = [e for e in entries if e.key not in seen_entries(store, url, [e.key for e in entries])]
    mark_seen(store, url, [(entry.key, document.id)])
    save_feed(store, url, status="ok", etag=etag)
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import and_, func, select

from . import schema as s
from .db import Store, _chunks
from .dialect import insert_ignore, upsert

__all__ = ["FeedState", "feed_state", "feed_states", "mark_seen", "save_feed", "seen_entries"]


@dataclass(frozen=True)
class FeedState:
    """A feed as last polled: validators for the next conditional GET, outcome, and entries seen."""

    url: str
    etag: str | None
    last_modified: str | None
    checked_at: _dt.datetime | None
    status: str | None
    error: str | None
    entries: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "error": self.error, "entries": self.entries,
                "checked_at": self.checked_at.isoformat(timespec="seconds") if self.checked_at else None,
                "etag": self.etag, "last_modified": self.last_modified}


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def feed_states(store: Store) -> list[FeedState]:
    """Every feed polled so far, by URL, with its count of entries seen."""
    counted = (select(s.feed_entries.c.feed_url, func.count().label("n"))
               .group_by(s.feed_entries.c.feed_url).subquery())
    query = (select(s.feeds, func.coalesce(counted.c.n, 0).label("n"))
             .outerjoin(counted, counted.c.feed_url == s.feeds.c.url).order_by(s.feeds.c.url))
    with store.engine.connect() as conn:
        return [FeedState(url=r.url, etag=r.etag, last_modified=r.last_modified, checked_at=r.checked_at,
                          status=r.status, error=r.error, entries=int(r.n)) for r in conn.execute(query)]


def feed_state(store: Store, url: str) -> FeedState | None:
    """One feed's state (without the count of entries), or None before its first poll."""
    with store.engine.connect() as conn:
        r = conn.execute(select(s.feeds).where(s.feeds.c.url == url)).first()
    return None if r is None else FeedState(url=r.url, etag=r.etag, last_modified=r.last_modified,
                                            checked_at=r.checked_at, status=r.status, error=r.error)


def save_feed(store: Store, url: str, *, status: str, error: str | None = None,
              etag: str | None = None, last_modified: str | None = None, keep_validators: bool = False) -> None:
    """Record a poll's outcome; the validators are replaced unless `keep_validators`."""
    update = ["checked_at", "status", "error"] + ([] if keep_validators else ["etag", "last_modified"])
    with store.writer.begin() as conn:
        upsert(conn, s.feeds, [{"url": url, "etag": etag, "last_modified": last_modified, "checked_at": _now(),
                                "status": status, "error": error}], keys=["url"], update=update)


def seen_entries(store: Store, url: str, keys: Sequence[str]) -> set[str]:
    """Which of these entry keys of the feed were seen before."""
    found: set[str] = set()
    e = s.feed_entries
    with store.engine.connect() as conn:
        for chunk in _chunks(list(keys)):
            found.update(conn.scalars(select(e.c.entry_key).where(and_(e.c.feed_url == url, e.c.entry_key.in_(chunk)))))
    return found


def mark_seen(store: Store, url: str, entries: Sequence[tuple[str, str | None]]) -> None:
    """Remember (entry key, document id or None) pairs of a feed."""
    now = _now()
    with store.writer.begin() as conn:
        insert_ignore(conn, s.feeds, [{"url": url}], keys=["url"])
        insert_ignore(conn, s.feed_entries, [{"feed_url": url, "entry_key": key, "doc_id": doc_id, "seen_at": now}
                                             for key, doc_id in entries], keys=["feed_url", "entry_key"])

"""`Workspace` methods for feeds: ingest what is new in RSS/Atom feeds, once or every so often (`watch`).

Each feed is polled with a conditional GET (the ETag and Last-Modified of its last
full answer), its entries not seen before are read (`ingest.feeds.read_entry`),
stored and remembered, and the new documents are extracted once per round. A feed
that is down is one error line naming it and the reason; the others still go in,
and the next round tries it again. An entry whose page could not be fetched is not
remembered (and the feed's validators are kept), so the next round retries it.

Example:
    report = ws.ingest_feeds(["https://example.org/feed.xml"])
    for report in ws.watch("feeds.txt", every="15m"):
        print(report.added, report.errors)
"""
from __future__ import annotations

import datetime as _dt
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from ..dates import parse_date
from ..errors import IngestError, QueryError
from ..ingest.feeds import (
    DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, DEFAULT_TIMEOUT, Fetcher, HttpFetcher, feed_key, poll_feed, read_entry,
)
from ..models import Document
from ..store.feeds import FeedState, feed_state, feed_states, mark_seen, save_feed, seen_entries
from .reports import Progress

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["FeedResult", "FeedState", "FeedsMixin", "FeedsReport", "parse_interval", "read_feed_list"]

_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)([smhd]?)")
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass
class FeedResult:
    """One feed in one round: `status` is ok, not_modified (HTTP 304) or error."""

    feed: str
    status: str
    entries: int = 0          # entries the feed lists
    new: int = 0              # of those, not seen before
    added: int = 0            # documents stored from them (new content)
    error: str | None = None  # the feed's own error line, when status is error

    def as_dict(self) -> dict[str, Any]:
        return {"feed": self.feed, "status": self.status, "entries": self.entries, "new": self.new,
                "added": self.added, "error": self.error}


@dataclass
class FeedsReport:
    """One round over the feeds: per feed, and in total; `errors` holds every error line."""

    round: int = 1
    started: _dt.datetime = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0))
    feeds: list[FeedResult] = field(default_factory=list)
    extracted: int = 0
    relations: int = 0
    errors: list[str] = field(default_factory=list)   # "url: reason [RW200]"

    @property
    def new(self) -> int:
        return sum(f.new for f in self.feeds)

    @property
    def added(self) -> int:
        return sum(f.added for f in self.feeds)

    def as_dict(self) -> dict[str, Any]:
        return {"round": self.round, "started": self.started.isoformat(), "new": self.new, "added": self.added,
                "extracted": self.extracted, "relations": self.relations,
                "feeds": [f.as_dict() for f in self.feeds], "errors": list(self.errors)}


def parse_interval(text: str) -> float:
    """Seconds in "90", "90s", "15m", "1h30m" or "1d"; QueryError when it is not a positive duration."""
    compact = text.strip().lower().replace(" ", "")
    parts = _INTERVAL.findall(compact)
    if not compact or "".join(n + u for n, u in parts) != compact:
        raise QueryError(f"invalid interval {text!r}: use a number with s, m, h or d, such as 90s, 15m or 1h30m")
    seconds = sum(float(n) * _SECONDS[u] for n, u in parts)
    if seconds < 1:
        raise QueryError(f"invalid interval {text!r}: give at least one second")
    return seconds


def read_feed_list(path: str | Path) -> list[str]:
    """The feeds a file lists, one URL or path a line; blank lines and `#` comments skipped."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise IngestError(str(path), "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(str(path), f"unreadable: {exc}".splitlines()[0]) from None
    found = [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
    if not found:
        raise IngestError(str(path), "no feeds listed (one URL or file path a line)")
    return list(dict.fromkeys(found))


class FeedsMixin:
    """Feeds: `ingest_feeds`, `watch` and `feeds` (mixed into `Workspace`)."""

    store: "Store"
    version: str

    def ingest_feeds(
        self, sources: Iterable[str], *, fetch_pages: bool = True, published: str | None = None,
        timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
        max_entries: int = DEFAULT_MAX_ENTRIES, fetcher: Fetcher | None = None, progress: Progress | None = None,
    ) -> FeedsReport:
        """Poll each feed (a URL or a file) once, store its entries not seen before and extract them.

        `fetch_pages=False` never fetches an entry's page (the summary is used);
        `published` is the fallback date; `timeout` (seconds) and `max_bytes` bound
        every fetch; `fetcher` replaces HTTP (a test seam).

        Example:
            ws.ingest_feeds(["https://example.org/feed.xml", "saved.rss"]).added
        """
        options = _options(fetch_pages, published, timeout, max_bytes, max_entries, fetcher)
        return _ingest_feeds(self, sources, progress=progress, **options)

    def watch(
        self, feeds_file: str | Path, *, every: str | float = "15m", once: bool = False,
        sleep: Callable[[float], None] = time.sleep, fetch_pages: bool = True, published: str | None = None,
        timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
        max_entries: int = DEFAULT_MAX_ENTRIES, fetcher: Fetcher | None = None,
    ) -> Iterator[FeedsReport]:
        """Rounds of `ingest_feeds` over the feeds `feeds_file` lists (read again each round), `every` apart.

        Arguments are checked at once; the rounds come from the generator returned.
        It stops after one round with `once`, else when the caller stops it (Ctrl-C).

        Example:
            for report in ws.watch("feeds.txt", every="15m"):
                print(report.round, report.added, report.errors)
        """
        seconds = every if isinstance(every, (int, float)) else parse_interval(every)
        read_feed_list(feeds_file)
        options = _options(fetch_pages, published, timeout, max_bytes, max_entries, fetcher)
        return _rounds(self, Path(feeds_file), seconds=seconds, once=once, sleep=sleep, options=options)

    def feeds(self) -> list[FeedState]:
        """Every feed polled so far: its last outcome and how many entries were seen.

        Example:
            [(f.url, f.status, f.entries) for f in ws.feeds()]
        """
        return feed_states(self.store)


def _options(fetch_pages: bool, published: str | None, timeout: float, max_bytes: int, max_entries: int,
             fetcher: Fetcher | None) -> dict[str, Any]:
    iso = parse_date(published) if published is not None else None
    if published is not None and iso is None:
        raise QueryError(f"invalid published date {published!r}: use ISO such as 2024, 2024-07 or 2024-07-14")
    if timeout <= 0 or max_bytes <= 0 or max_entries <= 0:
        raise QueryError("timeout, size limit and entry limit must be positive")
    return {"fetch_pages": fetch_pages, "published": iso, "timeout": timeout, "max_bytes": max_bytes,
            "max_entries": max_entries, "fetcher": fetcher}


def _ingest_feeds(
    ws: Any, sources: Iterable[str], *, fetch_pages: bool, published: str | None, timeout: float,
    max_bytes: int, max_entries: int, fetcher: Fetcher | None, progress: Progress | None = None, round: int = 1,
) -> FeedsReport:
    ws.knowledge  # fail early on a bad knowledge file, before anything is written
    report = FeedsReport(round=round)
    keys = list(dict.fromkeys(feed_key(source) for source in sources))
    own = HttpFetcher(timeout=timeout, max_bytes=max_bytes) if fetcher is None else None
    fetch = fetcher or own
    try:
        for done, key in enumerate(keys, 1):
            result = _poll(ws, key, fetch=fetch, fetch_pages=fetch_pages, published=published,
                           max_bytes=max_bytes, max_entries=max_entries, errors=report.errors)
            report.feeds.append(result)
            if progress:
                progress(done, len(keys), f"feed {key}")
    finally:
        if own is not None:
            own.close()
    report.extracted, report.relations = ws._extract_new(progress)
    return report


def _rounds(ws: Any, feeds_file: Path, *, seconds: float, once: bool, sleep: Callable[[float], None],
            options: dict[str, Any]) -> Iterator[FeedsReport]:
    sources: list[str] = []
    number = 0
    while True:
        number += 1
        problem = None
        try:
            sources = read_feed_list(feeds_file)
        except IngestError as exc:  # the file went missing or bad: keep the last good list, and say why
            problem = _line(exc)
        report = _ingest_feeds(ws, sources, round=number, **options)
        if problem:
            report.errors.insert(0, problem)
        yield report
        if once:
            return
        sleep(seconds)


# --- helpers -----------------------------------------------------------------------

def _poll(ws: Any, key: str, *, fetch: Fetcher, fetch_pages: bool, published: str | None,
          max_bytes: int, max_entries: int, errors: list[str]) -> FeedResult:
    store = ws.store
    state = feed_state(store, key)
    try:
        polled = poll_feed(key, fetch=fetch, etag=state.etag if state else None,
                           last_modified=state.last_modified if state else None,
                           max_bytes=max_bytes, max_entries=max_entries)
    except IngestError as exc:
        line = _line(exc)
        errors.append(line)
        save_feed(store, key, status="error", error=exc.reason, keep_validators=True)
        return FeedResult(feed=key, status="error", error=line)
    if polled.feed is None:
        save_feed(store, key, status="not_modified", keep_validators=True)
        return FeedResult(feed=key, status="not_modified")
    entries = polled.feed.entries
    seen = seen_entries(store, key, [e.key for e in entries])
    new = [e for e in entries if e.key not in seen]
    documents: list[Document] = []
    done: list[tuple[str, str | None]] = []
    retry = False
    for entry in new:
        result = read_entry(entry, feed=key, fetch=fetch if fetch_pages else None, default_published=published)
        if result.error is not None:
            errors.append(_line(result.error))
            retry = retry or result.retry
        if not result.retry:
            done.append((entry.key, result.document.id if result.document else None))
        if result.document is not None:
            documents.append(result.document)
    added = store.add_documents(documents)
    mark_seen(store, key, done)
    # With an entry to retry, keep the old validators: a 304 next round would skip it.
    save_feed(store, key, status="ok", etag=polled.etag, last_modified=polled.last_modified, keep_validators=retry)
    return FeedResult(feed=key, status="ok", entries=len(entries), new=len(new), added=len(added))


def _line(error: IngestError) -> str:
    """An error as one line: `url: reason [RW200]` (as `Workspace.ingest` reports files)."""
    return f"{error.path}: {error.reason} [{error.code}]"

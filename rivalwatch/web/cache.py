"""A cache of JSON answers, dropped whenever the database changes.

Reads are the same for every viewer, so an answer is keyed by the route's path and
its sorted query parameters and kept as the bytes sent. The database's generation
(`store.dialect.change_marker`: the size and modification time of the SQLite file
and its write-ahead log, PostgreSQL's write-ahead log position) changes with any
commit, by this server or by a CLI command in another process (ingest,
reextract), and the next request starts from an empty cache. This server's own
writes also call `clear()`. A database with no marker is not cached.

Concurrent requests for the same missing key compute it once (the others wait).
Checked tokens are remembered the same way (`token`), so a token revoked by the
CLI stops working at the next request, without a database query per request.

Example:
    cache = ResponseCache(change_marker(store.engine))
    body = cache.get("/api/dyads/ISKP/TTP?by=quarter", lambda: json_bytes(ws.dyad("ISKP", "TTP").as_dict()))
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

__all__ = ["ResponseCache"]


class ResponseCache:
    """LRU of response bodies, bounded by entries and bytes; disabled when `generation` is None (a
    function whose answer changes whenever the database does)."""

    def __init__(self, generation: Callable[[], Hashable] | None, *, max_entries: int = 2048,
                 max_bytes: int = 256 * 1024 * 1024) -> None:
        self.generation = generation
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._generation: Hashable | None = None
        self._lock = threading.Lock()
        self._computing: dict[str, threading.Lock] = {}
        self._tokens: dict[str, Any] = {}
        self.hits = self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.generation is not None

    def _current_generation(self) -> Hashable:
        assert self.generation is not None
        return self.generation()

    def clear(self) -> None:
        """Forget every answer (after a write)."""
        with self._lock:
            self._entries.clear()
            self._tokens.clear()
            self._size = 0
            self._generation = None

    def _refresh(self, generation: Hashable) -> None:
        """Start afresh when the database changed (called holding the lock)."""
        if generation != self._generation:
            self._entries.clear()
            self._tokens.clear()
            self._size = 0
            self._generation = generation

    def peek(self, key: str) -> bytes | None:
        """The cached answer for `key` if the database has not changed, without computing (never blocks long)."""
        if not self.enabled:
            return None
        generation = self._current_generation()
        with self._lock:
            self._refresh(generation)
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            return body

    def peek_token(self, secret: str) -> Any:
        """What the token was found to be since the database last changed, or None."""
        if not self.enabled:
            return None
        key = hashlib.sha256(secret.encode()).hexdigest()
        generation = self._current_generation()
        with self._lock:
            self._refresh(generation)
            return self._tokens.get(key)

    def token(self, secret: str, check: Callable[[str], Any]) -> Any:
        """What `check(secret)` returned for this token since the database last changed, else `check(secret)`."""
        if not self.enabled:
            return check(secret)
        key = hashlib.sha256(secret.encode()).hexdigest()
        generation = self._current_generation()
        with self._lock:
            self._refresh(generation)
            if key in self._tokens:
                return self._tokens[key]
        found = check(secret)  # raises for a bad token: nothing is remembered
        with self._lock:
            if self._generation == generation and len(self._tokens) < 10_000:
                self._tokens[key] = found
        return found

    def get(self, key: str, compute: Callable[[], bytes]) -> bytes:
        """The cached answer for `key`, else `compute()` stored under it."""
        if not self.enabled:
            return compute()
        generation = self._current_generation()
        with self._lock:
            self._refresh(generation)
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return body
            flight = self._computing.setdefault(key, threading.Lock())
        with flight:
            with self._lock:
                body = self._entries.get(key)
                if body is not None and self._generation == generation:
                    self.hits += 1
                    return body
            self.misses += 1
            body = compute()
            with self._lock:
                self._computing.pop(key, None)
                if self._generation == generation and len(body) <= self.max_bytes // 8:
                    self._entries[key] = body
                    self._size += len(body)
                    while len(self._entries) > self.max_entries or self._size > self.max_bytes:
                        _, dropped = self._entries.popitem(last=False)
                        self._size -= len(dropped)
        return body

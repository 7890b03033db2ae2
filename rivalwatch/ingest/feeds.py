"""Reader for RSS and Atom feeds: one document per entry, from a file or a URL.

An entry's text is the full content the feed carries (`content:encoded`,
`atom:content`); when the feed holds only a summary, the entry's own page (its
`link`, an http(s) URL) is fetched and its main text taken by trafilatura, as
`html.read` does for saved pages (a PDF report is read by `pdf.read`, its pages
kept); without a page, the summary is the text.

Only URLs the user gave (the feeds) and the entry links those feeds name are
fetched: never a link found inside page or entry text. Every fetch has a timeout,
a deadline and a size cap; feedparser only ever sees bytes, so it fetches nothing.

Example:
    with HttpFetcher(timeout=10) as fetch:
        polled = poll_feed("https://example.org/feed.xml", fetch=fetch)
        for entry in polled.feed.entries:
            result = read_entry(entry, feed=polled.source, fetch=fetch)
"""
from __future__ import annotations

import hashlib
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Protocol
from urllib.parse import urlsplit

import feedparser
import httpx
import lxml.html
from lxml.etree import ParserError
from trafilatura.utils import decode_file

from rivalwatch.errors import IngestError
from rivalwatch.ingest import html, pdf
from rivalwatch.ingest.document import make_document
from rivalwatch.models import Document

__all__ = [
    "DEFAULT_MAX_ENTRIES", "DEFAULT_TIMEOUT", "Feed", "FeedEntry", "Fetcher", "HttpFetcher", "Polled",
    "EntryResult", "Response", "feed_key", "html_text", "is_url", "parse_feed", "poll_feed", "read_entry",
]

DEFAULT_TIMEOUT = 10.0                    # seconds to connect, and between two reads
DEFAULT_MAX_BYTES = 5 * 1024 * 1024       # per feed and per page
DEFAULT_MAX_ENTRIES = 200                 # entries read from one feed (feeds list the newest first)
DEADLINE_FACTOR = 3                       # a whole response must arrive within this many timeouts
MAX_REDIRECTS = 5
USER_AGENT = "RivalWatch/0.1 (+feed reader; research use)"
_BLOCKS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "tr", "table", "section", "article", "header", "footer", "figcaption", "hr", "dd", "dt",
})
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Response:
    """An HTTP answer: the final URL (after redirects), status, headers (lower-case names), body."""

    url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


class Fetcher(Protocol):
    """GET one URL; raises `IngestError(url, reason)` when it cannot (network, HTTP 4xx/5xx, too large)."""

    def __call__(self, url: str, *, headers: Mapping[str, str] | None = None) -> Response: ...


class HttpFetcher:
    """`Fetcher` over httpx: timeouts, a deadline per response, a size cap, at most 5 redirects.

    `transport` is the test seam (an `httpx.MockTransport`, say); 304 Not Modified
    is returned, not raised, so conditional GETs work.
    """

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout), follow_redirects=True, max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": USER_AGENT}, transport=transport,
        )

    def __call__(self, url: str, *, headers: Mapping[str, str] | None = None) -> Response:
        if not is_url(url):
            raise IngestError(url, "not an http(s) URL")
        deadline = time.monotonic() + DEADLINE_FACTOR * self.timeout
        try:
            with self._client.stream("GET", url, headers=dict(headers or {})) as response:
                if response.status_code >= 400:
                    raise IngestError(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise IngestError(url, f"too large: {int(declared)} bytes > limit {self.max_bytes}")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise IngestError(url, f"too large: over the limit of {self.max_bytes} bytes")
                    if time.monotonic() > deadline:
                        raise IngestError(url, f"too slow: not complete after {DEADLINE_FACTOR * self.timeout:g}s")
                return Response(url=str(response.url), status=response.status_code,
                                headers={k.lower(): v for k, v in response.headers.items()}, body=bytes(body))
        except httpx.TimeoutException:
            raise IngestError(url, f"timed out after {self.timeout:g}s") from None
        except httpx.TooManyRedirects:
            raise IngestError(url, f"more than {MAX_REDIRECTS} redirects") from None
        except httpx.ConnectError as exc:
            raise IngestError(url, f"cannot connect: {_first_line(exc) or 'connection failed'}") from None
        except httpx.HTTPError as exc:
            raise IngestError(url, f"{type(exc).__name__}: {_first_line(exc)}") from None

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> "HttpFetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class FeedEntry:
    """One entry as the feed gives it; `key` identifies it across polls (id, else link, else a hash)."""

    key: str
    link: str | None = None
    title: str | None = None
    published: str | None = None     # ISO date, when the feed dates the entry
    summary: str = ""                # text (HTML removed)
    content: str = ""                # full text carried by the feed, "" when it has only a summary


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and its entries (at most `max_entries`, in feed order)."""

    title: str | None
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True)
class Polled:
    """One poll of a feed: `feed` is None when the server said 304 Not Modified."""

    source: str
    feed: Feed | None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class EntryResult:
    """What became of one entry. `retry`: the failure was on the network, so try it again next poll."""

    entry: FeedEntry
    document: Document | None = None
    error: IngestError | None = None
    retry: bool = False
    text_from: str | None = None     # "feed", "page" or "summary"


def is_url(value: str) -> bool:
    """Is this an http or https URL (not a file path)?"""
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def feed_key(source: str) -> str:
    """How a feed is remembered: its URL as given, or a file's absolute path."""
    source = source.strip()
    return source if is_url(source) else str(Path(source).expanduser().resolve())


def poll_feed(
    source: str, *, fetch: Fetcher, etag: str | None = None, last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES, max_entries: int = DEFAULT_MAX_ENTRIES,
) -> Polled:
    """Read a feed from a URL (a conditional GET with `etag`/`last_modified`) or a file; raises `IngestError`."""
    key = feed_key(source)
    if not is_url(key):
        return Polled(source=key, feed=parse_feed(_read_file(Path(key), max_bytes), source=key,
                                                   max_entries=max_entries))
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    response = fetch(key, headers=headers)
    if response.status == 304:
        return Polled(source=key, feed=None, etag=etag, last_modified=last_modified)
    feed = parse_feed(response.body, source=key, base_url=response.url, max_entries=max_entries)
    return Polled(source=key, feed=feed, etag=response.headers.get("etag"),
                  last_modified=response.headers.get("last-modified"))


def parse_feed(data: bytes, *, source: str, base_url: str | None = None,
               max_entries: int = DEFAULT_MAX_ENTRIES) -> Feed:
    """Entries of an RSS or Atom document (bytes only: feedparser never fetches); raises `IngestError`."""
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": base_url or source})
    except Exception as exc:  # a third-party parser on hostile input: a bad feed, never a crash
        raise IngestError(source, f"feed could not be parsed: {type(exc).__name__}: {_first_line(exc)}") from None
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({_first_line(problem)})" if problem else ""
        raise IngestError(source, f"not an RSS or Atom feed{detail}")
    entries = tuple(_entry(e) for e in parsed.entries[:max_entries])
    return Feed(title=" ".join(str(parsed.feed.get("title") or "").split()) or None, entries=entries)


def read_entry(entry: FeedEntry, *, feed: str, fetch: Fetcher | None = None,
               default_published: str | None = None) -> EntryResult:
    """One document for one entry: the feed's full text, else its page (when `fetch` is given), else its summary."""
    text, text_from = entry.content, "feed"
    title, published = entry.title, entry.published
    where = f"entry of {feed}"
    extra: Mapping[str, Any] = {}
    problem = "no text in entry or page"
    if not text and fetch is not None and entry.link and is_url(entry.link):
        try:
            response = fetch(entry.link)
        except IngestError as exc:
            return EntryResult(entry, error=IngestError(exc.path, f"{exc.reason} ({where})"), retry=True)
        if response.body.startswith(b"%PDF-"):
            page = pdf.read(response.body, source=entry.link)
        else:
            page = html.read(_decode(response), source=entry.link)
        if page.documents:
            found = page.documents[0]
            text, text_from, extra = found.text, "page", found.meta
            title, published = title or found.title, published or found.published
        elif page.errors:
            problem = f"page: {page.errors[0].reason}"
    if not text:
        text, text_from = entry.summary, "summary"
    if not text.strip():
        return EntryResult(entry, error=IngestError(entry.link or feed, f"{problem} ({where})"))
    document = make_document(
        text, source=entry.link or feed, title=title, published=published, default_published=default_published,
        url=entry.link, meta={**extra, "feed": feed, "entry": entry.key, "text_from": text_from},
    )
    return EntryResult(entry, document=document, text_from=text_from)


def html_text(markup: str) -> str:
    """Text of an HTML fragment (a feed's summary or content): one line per block, scripts dropped."""
    if "<" not in markup:
        return _clean_lines(markup)
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ParserError, ValueError):
        return _clean_lines(re.sub(r"<[^>]*>", " ", markup))
    for element in list(root.iter("script", "style", "template")):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
            if element.tag.lower() != "br":
                element.text = "\n" + (element.text or "")
    return _clean_lines(root.text_content())


# --- helpers -----------------------------------------------------------------------

def _entry(raw: Any) -> FeedEntry:
    link = (raw.get("link") or "").strip() or None
    title = " ".join(_text(raw.get("title"), raw.get("title_detail")).split()) or None
    summary = _text(raw.get("summary"), raw.get("summary_detail"))
    # feedparser copies `content` into `summary` when there is no description: content decides
    content = "\n".join(_text(part.get("value"), part) for part in raw.get("content") or [])
    key = (raw.get("id") or "").strip() or link or "sha256:" + hashlib.sha256(
        f"{title}\n{summary}".encode("utf-8")).hexdigest()[:32]
    return FeedEntry(key=key, link=link, title=title, published=_date(raw), summary=summary, content=content.strip())


def _text(value: Any, detail: Any) -> str:
    """Text of a feed field: HTML (feedparser has sanitised it) made plain; plain text kept as is."""
    kind = str((detail or {}).get("type") or "text/html")
    return html_text(str(value or "")) if "html" in kind else _clean_lines(str(value or ""))


def _date(raw: Any) -> str | None:
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(name)
        if value:
            return time.strftime("%Y-%m-%d", value)
    return None


def _decode(response: Response) -> str:
    """A page's text: the charset its Content-Type names, else what trafilatura detects."""
    match = _CHARSET.search(response.headers.get("content-type", ""))
    if match:
        try:
            return response.body.decode(match.group(1))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_file(response.body)


def _read_file(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(str(path), f"too large: {size} bytes > limit {max_bytes}")
        return path.read_bytes()
    except FileNotFoundError:
        raise IngestError(str(path), "file not found") from None
    except IsADirectoryError:
        raise IngestError(str(path), "is a directory") from None
    except OSError as exc:
        raise IngestError(str(path), f"unreadable: {(exc.strerror or str(exc)).lower()}") from None


def _clean_lines(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _first_line(exc: object) -> str:
    return (str(exc).strip().splitlines() or [""])[0]

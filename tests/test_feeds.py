"""Feeds: RSS/Atom from a real HTTP server on 127.0.0.1, polled by `feeds ingest` and `watch`.

`Site` is a `http.server` in a thread whose answers the tests change between rounds:
a feed that returns 500, one that answers too slowly, an entry whose page must be
fetched, a new entry in round three, ETags answered with 304.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator

import httpx
import pytest
from click.testing import Result

from rivalwatch.api import Workspace, parse_interval
from rivalwatch.errors import IngestError, QueryError
from rivalwatch.ingest.feeds import HttpFetcher, html_text, parse_feed
from tests.test_pdf import PAGE_1, PAGE_2, encrypted, make_pdf

REPO = Path(__file__).resolve().parents[1]

KABUL = "ISKP attacked Taliban fighters in Kabul in July 2024."
BAJAUR = "Pakistani security forces killed TTP fighters in Bajaur in March 2024."
KUNDUZ = "Taliban forces arrested ISKP members in Kunduz in 2023."
DENIAL = "The TTP denied any links to ISKP."


def page(sentence: str) -> bytes:
    """An article page with boilerplate around the sentence, and a link that must never be followed."""
    return f"""<!doctype html><html><head><title>Frontier report</title>
<meta property="article:published_time" content="2024-03-20"></head><body>
<nav><a href="/">Home</a> <a href="/subscribe">Subscribe to our newsletter</a></nav>
<article><h1>Frontier report</h1>
<p>{sentence}</p>
<p>Residents of the district told reporters by telephone that the fighting lasted for several hours
and that shops in the main bazaar stayed closed for the rest of the week.</p>
<p>Read more in <a href="/never-follow-me.html">our earlier coverage of the district</a>.</p>
</article><footer>Copyright 2024 Frontier Monitor. All rights reserved.</footer></body></html>""".encode()


def rss(*items: str) -> bytes:
    return ("""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Frontier Monitor</title><link>http://example.invalid/</link><description>News</description>
""" + "".join(items) + "</channel></rss>").encode()


def item(guid: str, title: str, *, link: str | None = None, summary: str = "", content: str = "",
         date: str = "Wed, 20 Mar 2024 10:00:00 GMT") -> str:
    parts = [f"<item><guid isPermaLink=\"false\">{guid}</guid><title>{title}</title><pubDate>{date}</pubDate>"]
    if link:
        parts.append(f"<link>{link}</link>")
    if summary:
        parts.append(f"<description><![CDATA[{summary}]]></description>")
    if content:
        parts.append(f"<content:encoded><![CDATA[{content}]]></content:encoded>")
    return "".join(parts) + "</item>\n"


def atom(*entries: tuple[str, str]) -> bytes:
    body = "".join(
        f"""<entry><id>{entry_id}</id><title>Kunduz arrests</title><updated>2024-05-02T08:00:00Z</updated>
<content type="html"><![CDATA[<p>{text}</p><p>Officials gave no numbers.</p>]]></content></entry>"""
        for entry_id, text in entries)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>North Desk</title><id>urn:north</id>
<updated>2024-05-02T08:00:00Z</updated>{body}</feed>""".encode()


@dataclass
class Answer:
    body: bytes = b""
    status: int = 200
    etag: str | None = None
    delay: float = 0.0
    content_type: str = "application/xml"


class Site:
    """A local web server: `answers` maps a path to what it returns; `hits` counts requests per path."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.hits: dict[str, int] = {}
        self.conditional: list[str] = []      # paths asked with If-None-Match
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                answer = site.answers.get(self.path, Answer(b"not here", status=404, content_type="text/plain"))
                if answer.delay:
                    time.sleep(answer.delay)
                if self.headers.get("If-None-Match"):
                    site.conditional.append(self.path)
                    if self.headers["If-None-Match"] == answer.etag:
                        self.send_response(304)
                        self.end_headers()
                        return
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                if answer.etag:
                    self.send_header("ETag", answer.etag)
                self.end_headers()
                try:
                    self.wfile.write(answer.body)
                except OSError:  # the client gave up (a timeout test)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def triples(cli: Callable[..., Result]) -> set[tuple[str, str, str]]:
    relations = json.loads(cli("relations", "--format", "json").stdout)
    return {(r["source"], r["type"], r["target"]) for r in relations if r["modality"] == "asserted"}


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


def serve_news(site: Site) -> None:
    """Feed a: full text in the feed, and a summary whose page must be fetched; feed b: Atom with content."""
    site.answers["/a.xml"] = Answer(rss(
        item("a-1", "Kabul attack", content=f"<p>{KABUL}</p><p>Police sealed off the area.</p>",
             summary="Militants struck in Kabul."),
        item("a-2", "Bajaur operation", link=site.url("/pages/bajaur.html"), summary="Troops moved in Bajaur."),
    ), etag='"a-v1"')
    site.answers["/pages/bajaur.html"] = Answer(page(BAJAUR), content_type="text/html; charset=utf-8")
    site.answers["/b.atom"] = Answer(atom(("urn:b-1", KUNDUZ)))


def test_watch_once_adds_only_what_is_new(cli: Callable[..., Result], site: Site, tmp_path: Path) -> None:
    serve_news(site)
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# news\n{site.url('/a.xml')}\n\n{site.url('/b.atom')}\n", encoding="utf-8")

    first = cli("watch", feeds, "--once", "--format", "json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert (report["round"], report["new"], report["added"], report["errors"]) == (1, 3, 3, [])
    assert {(f["feed"], f["entries"], f["added"]) for f in report["feeds"]} == {
        (site.url("/a.xml"), 2, 2), (site.url("/b.atom"), 1, 1)}
    assert triples(cli) == {("ISKP", "ASSAULT", "TALIBAN"), ("PAKISTAN", "ASSAULT", "TTP"),
                            ("TALIBAN", "COERCE", "ISKP")}
    assert site.hits["/pages/bajaur.html"] == 1          # only the summary-only entry's page was fetched
    assert "/never-follow-me.html" not in site.hits      # links inside pages are never followed
    bajaur = [r for r in json.loads(cli("relations", "--format", "json").stdout) if r["target"] == "TTP"][0]
    assert bajaur["doc_source"] == site.url("/pages/bajaur.html")
    assert bajaur["evidence"]["text"] == BAJAUR

    second = cli("watch", feeds, "--once", "--format", "json")
    assert second.exit_code == 0, second.output
    report = json.loads(second.stdout)
    assert (report["new"], report["added"]) == (0, 0)
    assert {f["feed"]: f["status"] for f in report["feeds"]} == {site.url("/a.xml"): "not_modified",
                                                                 site.url("/b.atom"): "ok"}
    assert site.conditional == ["/a.xml"]                # the ETag of round one was sent back
    assert site.hits["/pages/bajaur.html"] == 1

    site.answers["/b.atom"] = Answer(atom(("urn:b-2", DENIAL), ("urn:b-1", KUNDUZ)))
    third = cli("watch", feeds, "--once", "--format", "json")
    report = json.loads(third.stdout)
    assert (report["new"], report["added"]) == (1, 1)
    assert ("TTP", "REJECT", "ISKP") in triples(cli)
    listed = {f["url"]: f for f in json.loads(cli("feeds", "list", "--format", "json").stdout)}
    assert (listed[site.url("/a.xml")]["entries"], listed[site.url("/b.atom")]["entries"]) == (2, 2)
    assert listed[site.url("/a.xml")]["etag"] == '"a-v1"'


def test_a_feed_that_is_down_is_reported_and_retried(cli: Callable[..., Result], site: Site, tmp_path: Path) -> None:
    serve_news(site)
    site.answers["/down.xml"] = Answer(b"oops", status=500, content_type="text/plain")
    site.answers["/slow.xml"] = Answer(rss(item("s-1", "Late", content=f"<p>{DENIAL}</p>")), delay=2.0)
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("\n".join(site.url(p) for p in ("/down.xml", "/a.xml", "/slow.xml", "/b.atom")), encoding="utf-8")

    first = cli("watch", feeds, "--once", "--timeout", "0.3")
    assert first.exit_code == 1
    assert error_lines(first) == [
        f"error: {site.url('/down.xml')}: HTTP 500 Internal Server Error [RW200]",
        f"error: {site.url('/slow.xml')}: timed out after 0.3s [RW200]",
    ]
    assert "4 feeds (2 down), 3 new entries, 3 added" in first.stdout
    listed = {f["url"]: f for f in json.loads(cli("feeds", "list", "--format", "json").stdout)}
    assert (listed[site.url("/down.xml")]["status"], listed[site.url("/down.xml")]["error"]) == (
        "error", "HTTP 500 Internal Server Error")

    site.answers["/down.xml"] = Answer(rss(item("d-1", "Back up", content=f"<p>{DENIAL}</p>")))
    site.answers["/slow.xml"].delay = 0
    second = cli("watch", feeds, "--once", "--timeout", "0.3", "--format", "json")
    assert second.exit_code == 0, second.output
    report = json.loads(second.stdout)
    assert {f["feed"]: f["added"] for f in report["feeds"]}[site.url("/down.xml")] == 1
    assert report["new"] == 2          # down.xml's entry, and slow.xml's (same text: stored once)
    assert report["added"] == 1
    assert ("TTP", "REJECT", "ISKP") in triples(cli)


def test_an_entry_whose_page_fails_is_retried_next_round(cli: Callable[..., Result], site: Site) -> None:
    serve_news(site)
    site.answers["/pages/bajaur.html"] = Answer(b"busy", status=503, content_type="text/plain")
    first = cli("feeds", "ingest", site.url("/a.xml"), "--format", "json")
    assert first.exit_code == 1
    assert error_lines(first) == [f"error: {site.url('/pages/bajaur.html')}: HTTP 503 Service Unavailable "
                                  f"(entry of {site.url('/a.xml')}) [RW200]"]
    assert json.loads(first.stdout)["added"] == 1

    site.answers["/pages/bajaur.html"] = Answer(page(BAJAUR), content_type="text/html")
    second = cli("feeds", "ingest", site.url("/a.xml"), "--format", "json")
    assert second.exit_code == 0, second.output
    assert site.conditional == []        # the ETag was not kept: a 304 would have hidden the entry
    assert (json.loads(second.stdout)["new"], json.loads(second.stdout)["added"]) == (1, 1)
    assert ("PAKISTAN", "ASSAULT", "TTP") in triples(cli)


def test_no_fetch_uses_the_summary(cli: Callable[..., Result], site: Site) -> None:
    site.answers["/a.xml"] = Answer(rss(item("a-2", "Bajaur", link=site.url("/pages/bajaur.html"),
                                             summary=f"<p>{BAJAUR}</p>")))
    result = cli("feeds", "ingest", site.url("/a.xml"), "--no-fetch", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 1
    assert "/pages/bajaur.html" not in site.hits
    shown = json.loads(cli("show", json.loads(cli("relations", "--format", "json").stdout)[0]["doc_id"],
                           "--format", "json").stdout)
    assert shown["doc"]["meta"]["text_from"] == "summary"
    assert (shown["doc"]["published"], shown["doc"]["url"]) == ("2024-03-20", site.url("/pages/bajaur.html"))


def test_an_entry_linking_to_a_pdf_keeps_its_pages(cli: Callable[..., Result], site: Site) -> None:
    site.answers["/reports.xml"] = Answer(rss(
        item("r-1", "Quarterly report", link=site.url("/files/q3.pdf"), summary="Our quarterly report."),
        item("r-2", "Locked report", link=site.url("/files/locked.pdf")),
    ))
    site.answers["/files/q3.pdf"] = Answer(make_pdf([PAGE_1, PAGE_2]), content_type="application/pdf")
    site.answers["/files/locked.pdf"] = Answer(encrypted(make_pdf([PAGE_1]), user_password="secret"),
                                               content_type="application/pdf")
    result = cli("feeds", "ingest", site.url("/reports.xml"), "--format", "json")
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"error: {site.url('/files/locked.pdf')}: page: encrypted PDF: it needs a password; save an unprotected "
        f"copy and ingest that (entry of {site.url('/reports.xml')}) [RW200]"]
    relations = json.loads(cli("relations", "--format", "json").stdout)
    pages = {(r["source"], r["type"], r["target"]): r["page"] for r in relations if r["modality"] == "asserted"}
    assert pages == {("ISKP", "ASSAULT", "TALIBAN"): 1, ("PAKISTAN", "ASSAULT", "TTP"): 2, ("TTP", "REJECT", "ISKP"): 2}


def test_feeds_ingest_reads_a_saved_feed_file(cli: Callable[..., Result], tmp_path: Path) -> None:
    saved = tmp_path / "saved.rss"
    saved.write_bytes(rss(item("f-1", "Kabul", content=f"<p>{KABUL}</p>")))
    not_a_feed = tmp_path / "page.xml"
    not_a_feed.write_bytes(page(KABUL))
    result = cli("feeds", "ingest", saved, not_a_feed, tmp_path / "missing.rss")
    assert result.exit_code == 1
    lines = error_lines(result)
    assert lines[0].startswith(f"error: {not_a_feed.resolve()}: not an RSS or Atom feed")
    assert lines[1:] == [f"error: {(tmp_path / 'missing.rss').resolve()}: file not found [RW200]"]
    assert triples(cli) == {("ISKP", "ASSAULT", "TALIBAN")}
    again = cli("feeds", "ingest", saved, "--format", "json")
    assert (json.loads(again.stdout)["new"], json.loads(again.stdout)["added"]) == (0, 0)


def test_size_cap_and_mock_transport(tmp_path: Path) -> None:
    """The httpx test seam: no socket at all; a body over the cap is refused."""
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/big.xml":
            return httpx.Response(200, content=b"x" * 5000)
        return httpx.Response(200, content=rss(item("m-1", "Kunduz", content=f"<p>{KUNDUZ}</p>")))

    fetcher = HttpFetcher(max_bytes=4000, transport=httpx.MockTransport(answer))
    with pytest.raises(IngestError, match=r"too large"):
        fetcher("http://feeds.test/big.xml")
    with Workspace(tmp_path / "seam.db") as ws:
        report = ws.ingest_feeds(["http://feeds.test/ok.xml", "http://feeds.test/big.xml"], fetcher=fetcher)
        assert report.added == 1
        assert report.errors == ["http://feeds.test/big.xml: too large: 5000 bytes > limit 4000 [RW200]"]
        assert [(r.source, r.type, r.target) for r in ws.relations()] == [("TALIBAN", "COERCE", "ISKP")]


def test_watch_sleeps_between_rounds(tmp_path: Path) -> None:
    saved = tmp_path / "saved.rss"
    saved.write_bytes(rss(item("f-1", "Kabul", content=f"<p>{KABUL}</p>")))
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(str(saved), encoding="utf-8")
    slept: list[float] = []
    with Workspace(tmp_path / "w.db") as ws:
        rounds = ws.watch(feeds, every="1h30m", sleep=slept.append)
        first, second = next(rounds), next(rounds)
        rounds.close()
    assert (first.round, first.added, second.round, second.added, slept) == (1, 1, 2, 0, [5400.0])


def test_intervals_and_html_text() -> None:
    assert [parse_interval(t) for t in ("90", "90s", "15m", "1h30m", "1d")] == [90, 90, 900, 5400, 86400]
    for bad in ("", "soon", "15x", "0s", "-5m"):
        with pytest.raises(QueryError, match="invalid interval"):
            parse_interval(bad)
    assert html_text("<p>One <b>bold</b> line.</p><script>alert(1)</script><ul><li>two</li><li>three</li></ul>") == \
        "One bold line.\ntwo\nthree"
    feed = parse_feed(rss(item("x", "Teaser only", summary="<p>Teaser.</p>"),
                          item("y", "Full text", content="<p>All of it.</p>")), source="t")
    assert feed.title == "Frontier Monitor"
    assert [(e.key, e.link, e.summary, e.content) for e in feed.entries] == [
        ("x", None, "Teaser.", ""), ("y", None, "All of it.", "All of it.")]


def test_watch_stops_cleanly_on_ctrl_c(site: Site, tmp_path: Path) -> None:
    serve_news(site)
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(site.url("/b.atom"), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "rivalwatch", "--db", str(tmp_path / "w.db"), "watch", str(feeds), "--every", "1h"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        # a suite started in the background (`cmd &`) ignores SIGINT, and its children would too
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    guard = threading.Timer(120, process.kill)   # never hang the suite
    guard.start()
    try:
        line = process.stdout.readline()          # the first round's line: now it sleeps
        assert line.startswith("round 1 at "), line + process.stderr.read() if not line else line
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        guard.cancel()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert err.strip() == "stopped"
    assert "1 new entries, 1 added" in line

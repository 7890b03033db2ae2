"""`rivalwatch brief`: one page on an actor, self-contained, footnoted, and safe with hostile text.

The corpus is the two-theme statements of test_narratives plus a document whose
title, source and sentences are full of markup: a script, an image with an
onerror handler, a javascript: link, a link to an outside address.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

import lxml.html
import pytest
from click.testing import Result

from rivalwatch.api.briefing import chromium
from rivalwatch.export.brief import md_escape

from .test_narratives import RECORDS, write_jsonl

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL (conftest)

Run = Callable[..., Result]

PAYLOAD = {
    "title": "<script>alert('title')</script><b>Bold</b>", "published": "2024-09-01",
    "source": "<img src=x onerror=alert(1)>",
    "text": "ISKP denounced the Taliban <script>alert('xss')</script> as apostates. "
            "ISKP attacked TTP fighters <img src=x onerror=alert(2)> in Kabul. "
            "[link](javascript:alert(3)) ISKP condemned the TTP **loudly** as <a href='http://evil.example/'>puppets</a>.\n",
}
VOID = {"meta", "link", "br", "hr", "img", "input", "col", "area", "base", "embed", "source", "track", "wbr",
        "param", "path", "circle", "line", "rect", "polyline"}


class _Balance(HTMLParser):
    """Checks that every element is closed in order (void and self-closed SVG elements aside)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()


@pytest.fixture
def hostile(cli: Run, tmp_path: Path) -> Run:
    result = cli("ingest", write_jsonl(tmp_path / "corpus.jsonl", [*RECORDS, PAYLOAD]), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 3
    return cli


def _brief(cli: Run, out: Path, *args: str) -> dict:
    result = cli("brief", "--actor", "ISKP", "--out", out, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_html_brief_is_well_formed_self_contained_and_footnoted(hostile: Run, tmp_path: Path) -> None:
    out = tmp_path / "brief.html"
    report = _brief(hostile, out)
    html = out.read_text(encoding="utf-8")
    checker = _Balance()
    checker.feed(html)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    page = lxml.html.fromstring(html)
    # nothing is loaded from anywhere and nothing runs
    assert page.xpath("//script | //iframe | //object | //embed | //link | //img | //form") == []
    assert page.xpath("//@src") == []
    assert [h for h in page.xpath("//@href") if not h.startswith("#")] == []
    assert [a for a in page.xpath("//@*") if a.attrname.lower().startswith("on")] == []
    assert not re.search(r"url\(\s*['\"]?https?:", html) and "@import" not in html
    assert "default-src 'none'" in html
    # every statement cites a footnote, every footnote is cited, and each quotes its document
    notes = page.xpath("//section[@class='footnotes']//li")
    refs = page.xpath("//sup[@class='ref']/a/@href")
    assert len(notes) == report["footnotes"] > 0
    assert {f"#{li.get('id')}" for li in notes} == set(refs)
    rows = page.xpath("//main/section[not(@class)]//tbody/tr | //main/section[not(@class)]//ul[@class='statements']/li")
    assert len(rows) == report["statements"] > 0
    assert all(row.xpath(".//sup[@class='ref']") for row in rows)
    texts = [li.text_content() for li in notes]
    assert any(RECORDS[0]["text"].split(". ")[0] in t and "Winter statements" in t and "2024-02-10" in t for t in texts)
    assert len(page.xpath("//figure/svg")) >= 2   # hostility timeline, network, theme shares
    headings = [h.text_content() for h in page.xpath("//h2")]
    assert headings == ["Key relations", "Dyads that moved", "Alerts", "Network", "What it says about others", "Sources"]


def test_html_brief_escapes_the_hostile_document(hostile: Run, tmp_path: Path) -> None:
    out = tmp_path / "brief.html"
    _brief(hostile, out)
    html = out.read_text(encoding="utf-8")
    for live in ("<script", "<img", "<b>", "<a href='http", 'href="http', 'href="javascript'):
        assert live not in html, live       # as text ("onerror=" inside &lt;img ...&gt;) they are inert
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    page = lxml.html.fromstring(html)
    quoted = " ".join(li.text_content() for li in page.xpath("//section[@class='footnotes']//li"))
    assert "<script>alert('xss')</script>" in quoted          # shown as text, exactly as written
    assert "<script>alert('title')</script><b>Bold</b>" in quoted
    assert page.xpath("//b") == [] and page.xpath("//@onerror") == []


def test_markdown_brief_escapes_and_keeps_footnotes(hostile: Run, tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    report = _brief(hostile, out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Brief: Islamic State Khorasan Province (ISKP)")
    for live in ("<script", "<img", "<a href", "<b>", "[link](javascript"):
        assert live not in text, live
    assert "&lt;script&gt;" in text and "\\*\\*loudly\\*\\*" in text
    definitions = re.findall(r"^\[\^(\d+)\]: ", text, flags=re.M)
    cited = set(re.findall(r"\[\^(\d+)\](?!:)", text))
    assert len(definitions) == report["footnotes"] and set(definitions) == cited
    assert md_escape("a <b> [x](y) *z* | w") == "a &lt;b&gt; \\[x\\](y) \\*z\\* \\| w"


def test_brief_content_key_relations_dyads_and_since(hostile: Run, tmp_path: Path) -> None:
    out = tmp_path / "brief.html"
    _brief(hostile, out)
    page = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    key = page.xpath("//section[h2='Key relations']//tbody/tr")
    first = [td.text_content() for td in key[0].xpath("td")][:5]
    assert first == ["ISKP", "ACCUSE", "TALIBAN", "5", "3"]        # most evidenced first
    assert [td.text_content() for td in key[1].xpath("td")][:5] == ["ISKP", "ACCUSE", "TTP", "5", "3"]
    moved = [[td.text_content() for td in tr.xpath("td")][:5] for tr in page.xpath("//section[h2='Dyads that moved']//tbody/tr")]
    # events, not reports: Q3 an accusation on 2024-08-10 (reported twice), one on 2024-09-01 and an attack
    # (2 + 2 + 9); Q1 one accusation on 2024-02-10 (reported twice), Q2 none
    assert ["ISKP / TTP", "2024-Q3", "13", "1.0", "+12.0"] in moved
    later = tmp_path / "later.md"
    report = _brief(hostile, later, "--since", "2024-06")
    text = later.read_text(encoding="utf-8")
    assert "reports dated from 2024\\-06" not in text and "reports dated from 2024-06" in text
    assert "abandoned Islam" not in text and "puppets of foreign intelligence" in text
    assert report["statements"] > 0


def test_brief_refuses_an_unknown_format_and_actor(hostile: Run, tmp_path: Path) -> None:
    bad = hostile("brief", "--actor", "ISKP", "--out", tmp_path / "brief.docx")
    assert bad.exit_code == 1 and "[RW400]" in bad.output and ".html, .md or .pdf" in bad.output
    unknown = hostile("brief", "--actor", "Nobody At All", "--out", tmp_path / "b.html")
    assert unknown.exit_code == 1 and "[RW404]" in unknown.output
    assert not (tmp_path / "b.html").exists()


@pytest.mark.skipif(chromium() is None, reason="PDF output needs Chromium")
def test_pdf_brief_through_chromium(hostile: Run, tmp_path: Path) -> None:
    out = tmp_path / "brief.pdf"
    report = _brief(hostile, out)
    assert report["format"] == "pdf"
    assert out.read_bytes()[:5] == b"%PDF-"

"""Tests for rivalwatch.ingest: path expansion, reading, decoding, readers, bad input."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from rivalwatch.errors import IngestError
from rivalwatch.ingest import (
    DEFAULT_MAX_BYTES, ReadResult, expand_paths, make_document, read_file,
)

REPORT = (
    "Valley factions trade blame\n"
    "23.12.2024\n"
    "\n"
    "The river brigade accused the hill front of shelling a market.\n"
    "The hill front denied it.\n"
)

ARTICLE_HTML = """<!doctype html>
<html><head>
<title>Border clash | Example Monitor</title>
<meta property="article:published_time" content="2024-03-12">
<link rel="canonical" href="https://example.org/clash">
</head><body>
<nav><a href="/">Home</a> <a href="/subscribe">Subscribe to our newsletter today</a></nav>
<article>
<h1>Border clash</h1>
<p>Two armed factions exchanged fire near the old river crossing on Tuesday,
according to several residents who spoke to reporters by telephone.</p>
<p>A spokesman for the river brigade accused the hill front of breaking a local truce
that elders had brokered in the spring, a charge the hill front rejected.</p>
<p>Aid workers said the crossing stayed closed for most of the following day.</p>
</article>
<footer>Copyright 2024 Example Monitor. All rights reserved. Privacy policy.</footer>
</body></html>
"""


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def only_error(result: ReadResult) -> IngestError:
    assert result.documents == ()
    assert len(result.errors) == 1
    return result.errors[0]


# --- expand_paths -------------------------------------------------------------------

def test_expand_paths_walks_folders_sorted_and_filters(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "b")
    write(tmp_path / "a.md", "a")
    write(tmp_path / "sub" / "c.HTML", "<p>c</p>")
    write(tmp_path / "sub" / "d.jsonl", "{}")
    write(tmp_path / "notes.docx", "x")
    write(tmp_path / ".hidden.txt", "x")
    write(tmp_path / ".git" / "e.txt", "x")
    assert expand_paths([tmp_path]) == [
        tmp_path / "a.md",
        tmp_path / "b.txt",
        tmp_path / "sub" / "c.HTML",
        tmp_path / "sub" / "d.jsonl",
    ]


def test_expand_paths_keeps_files_and_missing_paths_as_given(tmp_path: Path) -> None:
    doc = write(tmp_path / "z.docx", "x")
    missing = tmp_path / "nope.txt"
    assert expand_paths([str(doc), missing, doc]) == [doc, missing]


# --- text ------------------------------------------------------------------------------

def test_text_file_title_dateline_and_source(tmp_path: Path) -> None:
    path = write(tmp_path / "report.txt", REPORT)
    result = read_file(path)
    assert result.errors == ()
    (doc,) = result.documents
    assert doc.title == "Valley factions trade blame"
    assert doc.published == "2024-12-23"
    assert doc.source == str(path)
    assert doc.text == REPORT.rstrip()
    assert doc.language == "en"  # detected offline (ingest/language.py)


def test_markdown_title_strips_hashes(tmp_path: Path) -> None:
    path = write(tmp_path / "note.md", "## The hill front\n\nIt issued a threat.\n")
    (doc,) = read_file(path).documents
    assert doc.title == "The hill front"


def test_text_title_skips_dateline_and_long_lines(tmp_path: Path) -> None:
    dated = write(tmp_path / "dated.txt", "Oct 2, 2023\nThe river brigade met elders.\n")
    long = write(tmp_path / "long.txt", "word " * 60 + "\nsecond line\n")
    assert read_file(dated).documents[0].title is None
    assert read_file(long).documents[0].title is None


def test_published_precedence_dateline_beats_default(tmp_path: Path) -> None:
    dated = write(tmp_path / "dated.txt", REPORT)
    undated = write(tmp_path / "undated.txt", "Title\nIn June 2024, the group split.\n")
    assert read_file(dated, published="2020-01-01").documents[0].published == "2024-12-23"
    assert read_file(undated, published="2024-07").documents[0].published == "2024-07"
    assert read_file(undated).documents[0].published is None


# --- make_document ---------------------------------------------------------------------

def test_make_document_normalises_and_hashes() -> None:
    doc = make_document("Cafe\u0301 talks\r\nended.  \n\n", source="x")
    assert doc.text == "Caf\u00e9 talks\nended."
    assert doc.content_hash == hashlib.sha256("Caf\u00e9 talks\nended.".encode()).hexdigest()
    assert doc.id == doc.content_hash[:16]


def test_identical_content_identical_id(tmp_path: Path) -> None:
    one = write(tmp_path / "one.txt", "Same words.\n")
    two = write(tmp_path / "two.txt", b"Same words.\r\n")
    first, second = read_file(one).documents[0], read_file(two).documents[0]
    assert first.id == second.id
    assert first.source != second.source


# --- bad input -------------------------------------------------------------------------

def test_missing_file(tmp_path: Path) -> None:
    error = only_error(read_file(tmp_path / "gone.txt"))
    assert (error.path, error.reason) == (str(tmp_path / "gone.txt"), "file not found")
    assert str(error) == f"[RW200] {tmp_path / 'gone.txt'}: file not found"


def test_empty_file(tmp_path: Path) -> None:
    assert only_error(read_file(write(tmp_path / "e.txt", b""))).reason == "empty file"
    assert only_error(read_file(write(tmp_path / "w.txt", " \n\n"))).reason == "empty file"


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", "x" * 100)
    assert only_error(read_file(path, max_bytes=10)).reason == "too large: 100 bytes > limit 10 bytes"
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024


def test_too_large_reports_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(int(31.2 * 1024 * 1024))
    assert only_error(read_file(path)).reason == "too large: 31.2 MB > limit 20 MB"


def test_invalid_utf8(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.txt", b"abc\xffdef")
    assert only_error(read_file(path)).reason == "not valid UTF-8 text (byte 0xff at offset 3)"


def test_utf16_without_bom_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "u16.txt", "Hello".encode("utf-16-le"))
    assert only_error(read_file(path)).reason.startswith("not UTF-8 text: contains NUL bytes")


def test_utf16_with_bom_and_utf8_bom_decode(tmp_path: Path) -> None:
    u16 = write(tmp_path / "u16.txt", "Caf\u00e9 talks".encode("utf-16"))
    u8 = write(tmp_path / "u8.txt", "\ufeffCaf\u00e9 talks".encode("utf-8"))
    assert read_file(u16).documents[0].text == "Caf\u00e9 talks"
    assert read_file(u8).documents[0].text == "Caf\u00e9 talks"


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = write(tmp_path / "memo.docx", "x")
    assert only_error(read_file(path)).reason == "unsupported file type .docx"


def test_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "locked.txt", "x")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    assert only_error(read_file(path)).reason == "unreadable: permission denied"


# --- HTML ------------------------------------------------------------------------------

def test_html_drops_boilerplate_and_reads_metadata(tmp_path: Path) -> None:
    path = write(tmp_path / "page.html", ARTICLE_HTML)
    result = read_file(path)
    assert result.errors == ()
    (doc,) = result.documents
    assert "exchanged fire near the old river crossing" in doc.text
    assert "Subscribe to our newsletter" not in doc.text
    assert "All rights reserved" not in doc.text
    assert doc.title == "Border clash"
    assert doc.published == "2024-03-12"
    assert doc.url == "https://example.org/clash"


def test_html_without_text(tmp_path: Path) -> None:
    path = write(tmp_path / "blank.htm", "<html><head><title>x</title></head><body></body></html>")
    assert only_error(read_file(path)).reason == "no text found in HTML"


# --- JSONL -----------------------------------------------------------------------------

def test_jsonl_good_lines_survive_bad_ones(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "The hill front threatened the brigade.", "title": "Threat",
                    "published": "Oct 2, 2023", "url": "https://example.org/1", "channel": "c1"}),
        "{not json",
        json.dumps({"title": "no body"}),
        "",
        json.dumps({"text": "Elders met both sides.", "source": "radio-log"}),
        json.dumps(["a", "list"]),
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    result = read_file(path, published="2024-01-01")
    first, second = result.documents
    assert (first.title, first.published, first.url, first.source) == (
        "Threat", "2023-10-02", "https://example.org/1", f"{path}:1")
    assert dict(first.meta) == {"channel": "c1"}
    assert (second.source, second.published) == ("radio-log", "2024-01-01")
    assert [(e.path, e.reason.split(":")[0]) for e in result.errors] == [
        (f"{path}:2", "malformed JSON"),
        (f"{path}:3", "record has no 'text'"),
        (f"{path}:6", "record is a JSON list, not an object"),
    ]


def test_jsonl_record_date_beats_dateline(tmp_path: Path) -> None:
    record = {"text": "Brief\n23.12.2024\nBody.", "published": "2024-06"}
    path = write(tmp_path / "one.jsonl", json.dumps(record) + "\n")
    assert read_file(path).documents[0].published == "2024-06"


# --- hostile input: every reader total ------------------------------------------------------

def _only_error(result: ReadResult) -> str:
    assert not result.documents and len(result.errors) == 1
    return result.errors[0].reason


def test_json_too_deep_or_with_unholdable_numbers_is_one_error_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"text": "x", "a": ' + "[" * 5000 + "]" * 5000 + "}\n", encoding="utf-8")
    assert "nested deeper than 64 levels" in _only_error(read_file(deep))
    nested = tmp_path / "nested.jsonl"  # under the parser's limit, over ours: never walked
    nested.write_text('{"text": "x", "a": ' + "[" * 100 + "]" * 100 + "}\n", encoding="utf-8")
    assert "nested deeper" in _only_error(read_file(nested))
    big = tmp_path / "big.jsonl"
    big.write_text('{"text": "y", "n": ' + "9" * 5000 + "}\n", encoding="utf-8")
    assert "unusable number" in _only_error(read_file(big))
    inf = tmp_path / "inf.jsonl"
    inf.write_text('{"text": "z", "n": Infinity}\n', encoding="utf-8")
    assert "unusable number" in _only_error(read_file(inf))


def test_lone_surrogates_and_control_characters_never_reach_the_store(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text('{"text": "ISKP attacked \\ud800 the Taliban\\u0007.", "title": "t\\udfff", "tag": ["\\ud83d"]}\n',
                    encoding="utf-8")
    (document,) = read_file(path).documents
    assert document.text == "ISKP attacked \ufffd the Taliban." and document.title == "t\ufffd"
    assert document.meta["tag"] == ["\ufffd"]
    for value in (document.text, document.title, json.dumps(document.meta, ensure_ascii=False)):
        value.encode("utf-8")  # would raise on a surrogate


def test_windows_1252_punctuation_read_as_latin_1_is_repaired() -> None:
    document = make_document("Baitullah\x92s men \x93said\x94 so \x96 twice\x81.", source="t.txt")
    assert document.text == "Baitullah\u2019s men \u201csaid\u201d so \u2013 twice."


def test_a_pipe_named_like_a_text_file_is_refused_not_read(tmp_path: Path) -> None:
    import os
    pipe = tmp_path / "feed.txt"
    os.mkfifo(pipe)
    assert _only_error(read_file(pipe)) == "not a regular file (a pipe, socket or device)"


def test_language_detection_is_linear_in_a_words_length() -> None:
    import time
    from rivalwatch.ingest.language import detect_language
    started = time.perf_counter()
    detect_language("a" * 200_000 + " the Taliban said")
    assert time.perf_counter() - started < 5  # a backtracking pattern took 82 s here


def test_telegram_ids_no_store_holds_are_refused() -> None:
    from rivalwatch.ingest.telegram import parse_export
    export = {"id": 1, "name": "c", "type": "public_channel",
              "messages": [{"id": 2**64, "type": "message", "date": "2024-01-02T10:00:00", "text": "hi"}]}
    with pytest.raises(IngestError, match="no whole-number 'id' a store can hold"):
        parse_export(json.dumps(export), source="result.json")
    with pytest.raises(IngestError, match="no numeric 'id' a store can hold"):
        parse_export(json.dumps({**export, "id": "9" * 30}), source="result.json")

"""Property-based tests (Hypothesis): every reader is total, and the API answers any query without a 5xx.

Readers get arbitrary bytes, arbitrary text, and structured inputs with hostile values (deep
nesting, huge or non-finite numbers, lone surrogates, control characters). Whatever comes in, a
reader returns documents whose text a store takes, or one-line errors naming the file; it never
raises. `bench/fuzz.py` runs the same idea at scale through the real CLI.
"""
from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rivalwatch.api import Workspace
from rivalwatch.ingest import ReadResult, read_file
from tests.conftest import write_corpus
from tests.server import running_server

SUFFIXES = (".txt", ".md", ".html", ".jsonl", ".json", ".pdf")
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# values a hostile or broken exporter writes
HOSTILE_TEXT = st.text(alphabet=st.characters(codec=None, categories=None), max_size=60) | st.sampled_from(
    ["\ud800", "\udfff x", "\x00", "\x07\x1b[31m", "<script>alert(1)</script>", "a" * 5000, "\u202e", "\ufeff"])
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | HOSTILE_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXT, inner, max_size=4), max_leaves=12)


def _check(result: ReadResult, path: Path) -> None:
    for document in result.documents:
        for value in (document.text, document.title or "", document.source, json.dumps(document.meta)):
            value.encode("utf-8")  # raises on a lone surrogate
        assert not any(ch in document.text for ch in "\x00\x07\x1b")
    for error in result.errors:
        assert "\n" not in str(error) and error.path.startswith(str(path)) and str(error).startswith("[RW200]")


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_give_documents_or_one_line_errors(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    _check(read_file(path), path)


@FUZZ
@given(text=HOSTILE_TEXT, suffix=st.sampled_from((".txt", ".md", ".html")))
def test_any_text_gives_documents_or_one_line_errors(tmp_path: Path, text: str, suffix: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    _check(read_file(path), path)


@FUZZ
@given(records=st.lists(st.dictionaries(st.sampled_from(["text", "title", "published", "url", "source", "x"]),
                                        JSON_VALUE, max_size=5), max_size=5),
       depth=st.integers(min_value=0, max_value=3000))
def test_hostile_jsonl_records_give_documents_or_one_line_errors(tmp_path: Path, records: list[dict[str, Any]],
                                                                 depth: int) -> None:
    lines = [json.dumps(r, allow_nan=True) for r in records] + ['{"text": "x", "n": ' + "[" * depth + "]" * depth + "}"]
    path = tmp_path / "input.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    result = read_file(path)
    _check(result, path)
    assert len(result.documents) + len(result.errors) <= len(lines)


@FUZZ
@given(channel_id=JSON_VALUE, messages=st.lists(st.fixed_dictionaries(
    {"id": JSON_VALUE, "type": st.sampled_from(["message", "service"]) | JSON_VALUE,
     "date": st.sampled_from(["2024-01-02T10:00:00"]) | JSON_VALUE, "text": JSON_VALUE}), max_size=4))
def test_hostile_telegram_exports_give_documents_or_one_error(tmp_path: Path, channel_id: Any,
                                                              messages: list[dict[str, Any]]) -> None:
    path = tmp_path / "result.json"
    export = {"name": "c", "type": "public_channel", "id": channel_id, "messages": messages}
    path.write_text(json.dumps(export, allow_nan=True), encoding="utf-8", errors="surrogatepass")
    result = read_file(path)
    _check(result, path)
    assert not (result.documents and result.errors)  # an export is taken whole or refused


# --- the API's parameters --------------------------------------------------------------------

@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    folder = write_corpus(tmp_path_factory.mktemp("fuzz") / "corpus")
    db = folder.parent / "fuzz.db"
    with Workspace(db) as ws:
        ws.ingest([folder])
        token = ws.create_token(name="fuzz", role="viewer")[1]
    with running_server(db) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client, {"Authorization": f"Bearer {token}"}


ROUTES = ["/api/relations", "/api/documents", "/api/actors", "/api/dyads", "/api/alerts", "/api/network",
          "/api/search", "/api/claims", "/api/defections", "/api/places", "/api/relations/1",
          "/api/dyads/ISKP/TTP", "/api/documents/abc"]
PARAMS = ["source", "target", "type", "since", "until", "modality", "limit", "offset", "q", "by", "year",
          "min_evidence", "group_level", "kind", "doc_id"]
QUERY_VALUE = st.text(alphabet=string.printable + "\u00e9\u0627\ud7ff", max_size=30) | st.integers().map(str) | \
    st.sampled_from(["-1", "0", str(2**64), "1e309", "NaN", "ISKP", "accuse", "2024-13-45", "%00", "&", "="])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(ROUTES), query=st.lists(st.tuples(st.sampled_from(PARAMS), QUERY_VALUE), max_size=4))
def test_any_query_gets_an_answer_or_a_json_error_never_a_5xx(api: tuple[httpx.Client, dict[str, str]], route: str,
                                                              query: list[tuple[str, str]]) -> None:
    client, auth = api
    response = client.get(route, params=query, headers=auth)
    assert response.status_code < 500, (route, query, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "status", "message"}

"""Languages: offline detection, Arabic-script aliases in Urdu and Pashto, and the coverage report."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest
from sqlalchemy import text as sql
from click.testing import Result

from rivalwatch.ingest import make_document
from rivalwatch.ingest.language import analysis_level, detect_language, is_fully_analysed, language_name
from rivalwatch.store import Store

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL (conftest)

Run = Callable[..., Result]

# Written for these tests. Urdu: "The TTP accused ISKP of targeting ordinary citizens in the tribal areas."
URDU = "تحریک طالبان پاکستان نے داعش خراسان پر الزام لگایا کہ وہ قبائلی علاقوں میں عام شہریوں کو نشانہ بنا رہی ہے۔"
# Pashto: "TTP leaders have said that ISKP harms the people of the tribal areas and they will fight it."
PASHTO = "د تحریک طالبان پاکستان مشرانو ویلي چې داعش خراسان د قبایلي سیمو خلکو ته زیان رسوي او دوی به ورسره جګړه وکړي."
# Dari (Persian): "ISKP attacked the Taliban and the Taliban group condemned this attack."
DARI = "داعش خراسان بر طالبان حمله کرد و گروه طالبان این حمله را محکوم کرد."
ENGLISH = "The TTP denounced ISKP in a statement on 3 July 2024."


def _json(result: Result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(("text", "code"), [
    (ENGLISH, "en"), (URDU, "ur"), (PASHTO, "ps"), (DARI, "fa"),
    ("أعلن تنظيم الدولة الإسلامية ولاية خراسان مسؤوليته عن الهجوم على حاجز لطالبان.", "ar"),
    # an English sentence naming a group in Arabic script is English; an Urdu post with a hashtag is Urdu
    ("The تحریک طالبان پاکستان denounced ISKP in a statement.", "en"),
    (URDU.replace("داعش خراسان", "#ISKP"), "ur"),
])
def test_detect_language(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "🎥 https://t.me/abc/12 #45", "Allahu akbar"])
def test_too_little_text_has_no_language(text: str) -> None:
    assert detect_language(text) is None


def test_make_document_detects_unless_told() -> None:
    assert make_document(URDU, source="u").language == "ur"
    assert make_document(URDU, source="u", language="ps-AF").language == "ps"
    assert make_document(URDU, source="u", detect=False).language is None


def test_only_english_and_unknown_are_fully_analysed() -> None:
    assert [analysis_level(code) for code in ("en", None, "und", "ur", "ps", "fa", "ar")] == \
        ["full", "full", "full", "partial", "partial", "partial", "partial"]
    assert is_fully_analysed("EN-us")
    assert [language_name(code) for code in ("ps", "ur", "fa", None, "xx")] == \
        ["Pashto", "Urdu", "Persian", "unknown", "xx"]


@pytest.fixture
def multilingual(cli: Run, tmp_path: Path) -> Path:
    folder = tmp_path / "multi"
    folder.mkdir()
    for name, text in (("urdu.txt", URDU), ("pashto.txt", PASHTO), ("dari.txt", DARI), ("english.txt", ENGLISH)):
        (folder / name).write_text(text + "\n", encoding="utf-8")
    report = _json(cli("ingest", folder, "--format", "json"))
    assert (report["added"], report["extracted"], report["errors"]) == (4, 4, [])
    return folder


def _doc(db_path: Path, name: str):
    store = Store(db_path)
    try:
        return next(d for d in store.documents() if d.source.endswith(name))
    finally:
        store.close()


def _mentions(db_path: Path, doc_id: str) -> list[tuple[str, str]]:
    store = Store(db_path)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(sql("SELECT text, actor_id FROM mentions WHERE doc_id = :doc ORDER BY start"),
                                {"doc": doc_id}).all()
        return [tuple(r) for r in rows]
    finally:
        store.close()


@pytest.mark.parametrize(("name", "code", "expected"), [
    ("urdu.txt", "ur", [("تحریک طالبان پاکستان", "TTP"), ("داعش خراسان", "ISKP")]),
    ("pashto.txt", "ps", [("تحریک طالبان پاکستان", "TTP"), ("داعش خراسان", "ISKP")]),
])
def test_urdu_and_pashto_yield_actors_and_mentions_but_no_relations(
        multilingual: Path, cli: Run, db_path: Path, name: str, code: str, expected: list) -> None:
    document = _doc(db_path, name)
    assert document.language == code
    assert _mentions(db_path, document.id) == expected
    view = _json(cli("show", document.id, "--format", "json"))
    assert (view["analysis"], view["doc"]["language"], view["relations"]) == ("partial", code, [])
    table = cli("show", document.id)
    assert "partial: actors, mentions and dates only (not English)" in table.output
    actors = {a["id"]: a["mentions"] for a in _json(cli("actors", "--format", "json"))}
    assert actors["TTP"] >= 3 and actors["ISKP"] >= 4


def test_languages_report_counts_full_and_partial(multilingual: Path, cli: Run, db_path: Path) -> None:
    report = _json(cli("languages", "--format", "json"))
    rows = {r["language"]: (r["analysis"], r["documents"], r["mentions"], r["relations"]) for r in report["languages"]}
    assert rows["ur"] == ("partial", 1, 2, 0)
    assert rows["ps"] == ("partial", 1, 2, 0)
    assert rows["fa"][:2] == ("partial", 1) and rows["fa"][3] == 0
    assert rows["en"][:2] == ("full", 1) and rows["en"][3] == 1    # TTP ACCUSE ISKP
    assert report["totals"]["documents"] == 4
    assert (report["totals"]["fully_analysed"], report["totals"]["partly_analysed"]) == (1, 3)
    assert report["documents"] == []

    listed = _json(cli("languages", "--documents", "--format", "json"))["documents"]
    assert sorted((Path(d["source"]).name, d["language"], d["analysis"]) for d in listed) == [
        ("dari.txt", "fa", "partial"), ("english.txt", "en", "full"),
        ("pashto.txt", "ps", "partial"), ("urdu.txt", "ur", "partial")]
    table = cli("languages", "--documents")
    assert table.exit_code == 0
    assert "4 documents: 1 fully analysed, 3 partly analysed" in table.output
    assert "Pashto" in table.output and "Urdu" in table.output

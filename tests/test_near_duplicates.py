"""Near-duplicates: the same statement reposted on several sites is one statement with several sources."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result
from sqlalchemy import func, select

from rivalwatch.ingest.near_duplicates import band_keys, is_near_duplicate, jaccard, shingles, signature
from rivalwatch.knowledge.ingest_rules import load_duplicate_rules
from rivalwatch.store import Store
from rivalwatch.store import schema as s
from rivalwatch.store.links import canonical_only

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL (conftest)

Run = Callable[..., Result]

STATEMENT = ("The Islamic State Khorasan Province said its fighters attacked a Taliban checkpoint in Jalalabad "
             "on 3 July 2024 and accused the Taliban of torturing prisoners in Nangarhar.")
REPOST = f"#Breaking {STATEMENT} Join our channel for more news: https://t.me/example_channel"
OTHER = ("The TTP denounced ISKP in a statement on 5 July 2024 and said it would fight the group "
         "wherever its members hide in the tribal districts of Bajaur and Khyber.")


def _json(result: Result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_shingles_ignore_case_links_and_diacritics() -> None:
    assert shingles("One TWO three FOUR https://example.org/x five") == \
        {"one two three four", "two three four five"}
    assert shingles("مُجاهِدين في خراسان اليوم") == shingles("مجاهدين في خراسان اليوم")


def test_jaccard_threshold_separates_reposts_from_other_statements() -> None:
    rules = load_duplicate_rules()
    assert rules.threshold == 0.75
    assert round(jaccard(shingles(STATEMENT), shingles(REPOST)), 2) == 0.77
    assert is_near_duplicate(STATEMENT, REPOST)
    # one number changed: a different report, kept apart
    assert round(jaccard(shingles(STATEMENT), shingles(STATEMENT.replace("3 July", "9 July"))), 2) == 0.71
    assert not is_near_duplicate(STATEMENT, STATEMENT.replace("3 July", "9 July"))
    assert not is_near_duplicate(STATEMENT, OTHER)
    # too short to compare, even when identical
    assert not is_near_duplicate("Allahu akbar, the brothers attacked", "Allahu akbar, the brothers attacked")


def test_minhash_bands_are_deterministic_and_shared_by_reposts() -> None:
    rules = load_duplicate_rules()
    first, again = signature(shingles(STATEMENT)), signature(shingles(STATEMENT))
    assert first.shape == (rules.permutations,) and (first == again).all()
    keys = band_keys(shingles(STATEMENT))
    assert len(keys) == rules.bands
    assert keys & band_keys(shingles(REPOST))
    assert not keys & band_keys(shingles(OTHER))
    assert band_keys(shingles("too short to index")) == set()


@pytest.fixture
def reposted(cli: Run, tmp_path: Path) -> Path:
    """A JSONL feed: a statement on site A, a repost with header and footer on site B, the exact text on
    site C, and an unrelated statement."""
    feed = tmp_path / "feed.jsonl"
    records = [
        {"text": STATEMENT, "source": "site-a", "published": "2024-07-03", "title": "A"},
        {"text": REPOST, "source": "site-b", "published": "2024-07-04", "title": "B"},
        {"text": STATEMENT, "source": "site-c", "published": "2024-07-05", "title": "C"},
        {"text": OTHER, "source": "site-d", "published": "2024-07-05", "title": "D"},
    ]
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    report = _json(cli("ingest", feed, "--format", "json"))
    assert (report["documents"], report["added"], report["duplicates"], report["near_duplicates"]) == (4, 3, 1, 1)
    return feed


def _ids(db_path: Path) -> dict[str, str]:
    store = Store(db_path)
    try:
        return {d.source: d.id for d in store.documents()}
    finally:
        store.close()


def test_repost_is_stored_but_linked_and_sources_are_listed(reposted: Path, cli: Run, db_path: Path) -> None:
    ids = _ids(db_path)
    assert sorted(ids) == ["site-a", "site-b", "site-d"]
    view = _json(cli("show", ids["site-b"], "--format", "json"))
    assert [(x["source"], x["how"], x["this"]) for x in view["sources"]] == [
        ("site-a", "original", False), ("site-b", "near-duplicate", True), ("site-c", "exact copy", False)]
    assert view["sources"][1]["similarity"] == 0.7742
    original = _json(cli("show", ids["site-a"], "--format", "json"))
    assert [(x["doc_id"], x["how"]) for x in original["sources"]] == [
        (ids["site-a"], "original"), (ids["site-b"], "near-duplicate"), (ids["site-a"], "exact copy")]
    table = cli("show", ids["site-b"]).output
    assert f"Near-duplicate of │ {ids['site-a']}" in table
    assert "source: exact copy: site-c (2024-07-05" in table
    assert _json(cli("show", ids["site-d"], "--format", "json"))["sources"][0]["how"] == "original"


def test_reingest_adds_no_source_twice(reposted: Path, cli: Run, db_path: Path) -> None:
    again = _json(cli("ingest", reposted, "--format", "json"))
    assert (again["added"], again["duplicates"], again["near_duplicates"]) == (0, 4, 0)
    view = _json(cli("show", _ids(db_path)["site-a"], "--format", "json"))
    assert len(view["sources"]) == 3


def test_relations_of_a_near_duplicate_are_not_counted_again(reposted: Path, cli: Run, db_path: Path) -> None:
    ids = _ids(db_path)
    store = Store(db_path)
    try:
        with store.engine.connect() as conn:
            per_doc = dict(conn.execute(select(s.relations.c.doc_id, func.count()).group_by(s.relations.c.doc_id)).all())
            kept = conn.scalar(select(func.count()).select_from(s.relations).where(canonical_only(s.relations.c.doc_id)))
    finally:
        store.close()
    assert per_doc[ids["site-a"]] == per_doc[ids["site-b"]] >= 2     # same statement, same relations
    assert kept == per_doc[ids["site-a"]] + per_doc.get(ids["site-d"], 0)
    report = _json(cli("languages", "--format", "json"))
    assert report["totals"]["relations"] == kept
    assert report["totals"]["near_duplicates"] == 1


def test_hashed_shingles_give_the_same_jaccard() -> None:
    from rivalwatch.ingest.near_duplicates import hashed, hashed_jaccard
    a, b = shingles(STATEMENT), shingles(REPOST)
    assert round(hashed_jaccard(hashed(a), hashed(b)), 4) == round(jaccard(a, b), 4)
    assert hashed_jaccard(hashed(a), hashed(shingles(OTHER))) < 0.1


def test_a_repost_is_checked_on_stored_shingles_not_on_reread_text(db_path: Path) -> None:
    from rivalwatch.ingest import make_document
    store = Store(db_path)
    try:
        first = make_document(STATEMENT, source="site-a.txt")
        store.add_documents([first])
        with store.engine.begin() as conn:   # the stored text changes behind the index's back
            conn.execute(s.documents.update().where(s.documents.c.id == first.id).values(text=OTHER))
        store.add_documents([make_document(REPOST, source="channel.txt")])
        with store.engine.connect() as conn:
            links = conn.execute(select(s.document_links.c.duplicate_of)).scalars().all()
            kept = conn.scalar(select(func.count()).select_from(s.document_shingles))
        assert links == [first.id] and kept == 2   # matched on what was indexed, both indexed
    finally:
        store.close()


def test_a_store_from_before_stored_shingles_is_shingled_once(db_path: Path) -> None:
    from rivalwatch.ingest import make_document
    store = Store(db_path)
    try:
        first = make_document(STATEMENT, source="site-a.txt")
        store.add_documents([first])
        with store.engine.begin() as conn:
            conn.execute(s.document_shingles.delete())
        store.add_documents([make_document(REPOST, source="channel.txt")])
        with store.engine.connect() as conn:
            links = conn.execute(select(s.document_links.c.duplicate_of)).scalars().all()
            kept = set(conn.execute(select(s.document_shingles.c.doc_id)).scalars())
        assert links == [first.id] and first.id in kept
    finally:
        store.close()

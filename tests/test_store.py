"""Tests for rivalwatch.store on a real SQLite file, with hand-built extractions."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from rivalwatch.errors import QueryError, StoreError
from rivalwatch.ingest import make_document
from rivalwatch.models import Actor, Claim, Document, Evidence, Extraction, Mention, Relation
from rivalwatch.store import Store

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL (conftest)

TEXT = "ISKP attacked Taliban fighters in 2024. Bajauri denounced ISIS-K in June 2024. The TTP met the Taliban."
KNOWN = {
    "IS": Actor(id="IS", name="Islamic State", kind="armed_group", aliases=("IS", "Daesh")),
    "ISKP": Actor(id="ISKP", name="Islamic State Khorasan Province", kind="armed_group", part_of="IS",
                  aliases=("ISKP", "ISIS-K", "Wilayat Khurasan")),
    "TALIBAN": Actor(id="TALIBAN", name="Afghan Taliban", kind="armed_group", aliases=("Taliban",)),
    "TTP": Actor(id="TTP", name="Tehrik-i-Taliban Pakistan", kind="armed_group", aliases=("TTP",)),
    "BAJAURI": Actor(id="BAJAURI", name="Qari Shoaib Bajauri", kind="person", part_of="TTP", aliases=("Bajauri",)),
}


def _sentence(doc: Document, fragment: str) -> Evidence:
    start = doc.text.index(fragment)
    return Evidence(doc_id=doc.id, text=fragment, start=start, end=start + len(fragment))


def _extraction(doc: Document, *, version: str = "v-test", relations: tuple[tuple[str, str, str, str | None], ...] = (
    ("ISKP", "ASSAULT", "TALIBAN", "2024"),
    ("BAJAURI", "ACCUSE", "ISKP", "2024-06"),
    ("TTP", "CONSULT", "TALIBAN", None),
)) -> Extraction:
    sentences = {
        "ISKP": "ISKP attacked Taliban fighters in 2024.", "BAJAURI": "Bajauri denounced ISIS-K in June 2024.",
        "TTP": "The TTP met the Taliban.",
    }
    return Extraction(
        doc_id=doc.id, version=version,
        actors=tuple(Actor(id=a, name=KNOWN[a].name, kind=KNOWN[a].kind, aliases=(a.title(),),
                           part_of=KNOWN[a].part_of) for a in ("ISKP", "TALIBAN", "BAJAURI", "TTP"))
        + (Actor(id="KABUL_POLICE", name="Kabul Police", kind="organization", aliases=("Kabul Police",), discovered=True),),
        mentions=(Mention(actor_id="ISKP", doc_id=doc.id, start=0, end=4, text="ISKP"),),
        relations=tuple(
            Relation(source=s, type=t, target=o, modality="asserted", date=d, evidence=_sentence(doc, sentences[s]))
            for s, t, o, d in relations
        ),
        claims=(Claim(actor="ISKP", evidence=_sentence(doc, sentences["ISKP"])),),
    )


@pytest.fixture
def store(db_path: Path) -> Store:
    return Store(db_path)


@pytest.fixture
def doc() -> Document:
    return make_document(TEXT, source="report.txt", title="Report", published="2024-08-01")


@pytest.fixture
def saved(store: Store, doc: Document) -> Store:
    assert store.add_document(doc) is True
    store.save_extraction(_extraction(doc), known=KNOWN)
    return store


def _triples(relations) -> list[tuple[str, str, str]]:
    return [(r.source, r.type, r.target) for r in relations]


@pytest.mark.sqlite_only
def test_path_becomes_sqlite_url_with_wal_and_foreign_keys(store: Store, db_path: Path) -> None:
    assert store.url == f"sqlite:///{db_path.resolve()}"
    assert db_path.exists()
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_missing_folder_is_a_coded_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"\[RW300\].*does not exist"):
        Store(tmp_path / "nowhere" / "x.db")


def test_add_document_twice_stores_it_once(store: Store, doc: Document) -> None:
    assert store.add_document(doc) is True
    assert store.add_document(doc) is False
    assert store.add_documents([doc, doc]) == []
    assert store.counts()["documents"] == 1
    stored = store.document(doc.id)
    assert (stored.text, stored.title, stored.published, stored.source) == (TEXT, "Report", "2024-08-01", "report.txt")


def test_save_extraction_replaces_same_version_and_keeps_others(saved: Store, doc: Document) -> None:
    saved.save_extraction(_extraction(doc), known=KNOWN)
    assert saved.counts()["relations"] == 3
    assert saved.counts()["claims"] == 1
    saved.save_extraction(_extraction(doc, relations=(("ISKP", "ASSAULT", "TALIBAN", "2024"),)), known=KNOWN)
    assert _triples(saved.relations()) == [("ISKP", "ASSAULT", "TALIBAN")]
    saved.save_extraction(_extraction(doc, version="v-other"), known=KNOWN)
    assert saved.counts()["relations"] == 4
    assert len(saved.relations(version="v-other")) == 3
    assert saved.versions(doc.id) == ["v-test", "v-other"]


def test_save_extractions_in_one_transaction_matches_saving_one_by_one(tmp_path: Path, doc: Document) -> None:
    other = make_document(TEXT + " Copy 2", source="copy.txt")
    extractions = [_extraction(doc), _extraction(other, relations=(("ISKP", "ASSAULT", "TALIBAN", "2024"),)),
                   _extraction(doc, version="v-other")]
    one_by_one, batched = Store(tmp_path / "one.db"), Store(tmp_path / "batch.db")
    for store in (one_by_one, batched):
        store.add_documents([doc, other])
    for extraction in extractions:
        one_by_one.save_extraction(extraction, known=KNOWN)
    batched.save_extractions(extractions[:1], known=KNOWN)  # saving again replaces, as one by one
    batched.save_extractions(extractions, known=KNOWN)
    assert batched.counts() == one_by_one.counts()
    assert (batched.counts()["relations"], batched.counts()["claims"]) == (7, 3)
    assert batched.actors() == one_by_one.actors()
    assert _triples(batched.relations()) == _triples(one_by_one.relations())
    assert sorted(batched.versions(doc.id)) == ["v-other", "v-test"]


def test_save_extractions_of_unknown_document_fails_and_saves_none(store: Store, doc: Document) -> None:
    other = make_document(TEXT + " Copy 2", source="copy.txt")
    store.add_document(other)
    with pytest.raises(StoreError, match=r"\[RW300\].*" + doc.id):
        store.save_extractions([_extraction(other), _extraction(doc)], known=KNOWN)
    assert store.counts()["relations"] == 0 and store.versions(other.id) == []


def test_save_extraction_of_unknown_document_fails(store: Store, doc: Document) -> None:
    with pytest.raises(StoreError, match=r"\[RW300\].*" + doc.id):
        store.save_extraction(_extraction(doc), known=KNOWN)
    assert store.counts()["actors"] == 0  # the transaction was rolled back


def test_actors_get_knowledge_base_aliases_parents_and_mention_counts(saved: Store) -> None:
    actors = {a.id: a for a in saved.actors()}
    assert set(actors) == {"IS", "ISKP", "TALIBAN", "TTP", "BAJAURI", "KABUL_POLICE"}
    assert actors["ISKP"].aliases == ("ISIS-K", "ISKP", "Iskp", "Islamic State Khorasan Province", "Wilayat Khurasan")
    assert (actors["ISKP"].mentions, actors["TTP"].mentions) == (1, 0)
    assert actors["KABUL_POLICE"].discovered is True
    assert [a.id for a in saved.actors("person")] == ["BAJAURI"]


def test_discovered_actor_never_overwrites_a_known_one(saved: Store) -> None:
    saved.upsert_actors([Actor(id="TTP", name="Ttp", kind="organization", discovered=True)])
    ttp = {a.id: a for a in saved.actors()}["TTP"]
    assert (ttp.name, ttp.kind, ttp.discovered) == ("Tehrik-i-Taliban Pakistan", "armed_group", False)


def test_relations_by_alias_any_case(saved: Store) -> None:
    assert _triples(saved.relations(target="isis-k")) == [("BAJAURI", "ACCUSE", "ISKP")]
    assert _triples(saved.relations(source="wilayat khurasan", type="ASSAULT")) == [("ISKP", "ASSAULT", "TALIBAN")]
    with pytest.raises(QueryError, match=r"\[RW404\] unknown actor 'Hamas'"):
        saved.relations(source="Hamas")


def test_since_and_until_overlap_periods_and_drop_undated(saved: Store) -> None:
    # "2024" overlaps June 2024 onwards; the undated CONSULT is dropped.
    assert _triples(saved.relations(since="2024-06")) == [("ISKP", "ASSAULT", "TALIBAN"), ("BAJAURI", "ACCUSE", "ISKP")]
    assert _triples(saved.relations(since="2024-07")) == [("ISKP", "ASSAULT", "TALIBAN")]
    assert _triples(saved.relations(until="2024-05")) == [("ISKP", "ASSAULT", "TALIBAN")]
    assert _triples(saved.relations(since="2025")) == []
    assert len(saved.relations()) == 3


def test_group_level_rolls_persons_up_and_keeps_the_name_written(saved: Store) -> None:
    rows = saved.relations(source="TTP", group_level=True)
    assert [(r.source, r.source_as_written, r.type, r.target) for r in rows] == [
        ("TTP", "BAJAURI", "ACCUSE", "ISKP"), ("TTP", "TTP", "CONSULT", "TALIBAN"),
    ]
    assert _triples(saved.relations(source="TTP")) == [("TTP", "CONSULT", "TALIBAN")]


def test_document_by_prefix_and_errors(saved: Store, doc: Document) -> None:
    assert saved.document(doc.id[:6]).id == doc.id
    with pytest.raises(QueryError, match=r"\[RW404\] no document with id 'zzzz'"):
        saved.document("zzzz")


def test_pending_documents_are_those_a_version_has_not_extracted(saved: Store, doc: Document) -> None:
    other = make_document("The TTP met the Taliban again.", source="b.txt")
    saved.add_document(other)
    assert saved.document_ids(missing_version="v-test") == [other.id]
    assert sorted(saved.document_ids(missing_version="v-new")) == sorted([doc.id, other.id])


def test_two_ingest_processes_into_one_file_queue_and_store_each_document_once(tmp_path: Path) -> None:
    # two real `rivalwatch ingest` processes at once, over corpora that share some documents
    import sqlite3
    import subprocess
    import sys
    groups = ["TTP", "ISKP", "the Afghan Taliban", "al-Qaeda", "JNIM", "al-Shabaab"]
    texts = [f"{a} condemned {b} in a statement on day {n}." for n in range(40)
             for a, b in [(groups[n % 6], groups[(n + 1) % 6])]]
    folders = []
    for name, part in (("one", texts[:28]), ("two", texts[12:])):  # 16 documents in both
        folder = tmp_path / name
        folder.mkdir()
        for n, text in enumerate(part):
            (folder / f"{name}-{n}.txt").write_text(text, encoding="utf-8")
        folders.append(folder)
    db = tmp_path / "shared.db"
    runs = [subprocess.Popen([sys.executable, "-m", "rivalwatch", "--db", str(db), "ingest", str(f), "--format", "json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in folders]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (out, err) in zip(runs, outputs):
        assert run.returncode == 0, err
        assert "Traceback" not in err and "locked" not in err
    reports = [json.loads(out) for out, _ in outputs]
    assert sum(r["added"] for r in reports) == len(set(texts)) == 40  # what each says it added, it added
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM documents").fetchone() == (40,)
        assert conn.execute("SELECT count(*), count(DISTINCT doc_id) FROM extractions").fetchone() == (40, 40)


def test_evidence_sentences_have_a_fulltext_index_on_either_database(store: Store) -> None:
    from rivalwatch.store.fulltext import has_fulltext
    assert has_fulltext(store.engine)   # FTS5 on SQLite, a GIN index of tsvectors on PostgreSQL


def test_the_change_marker_moves_with_every_commit_and_only_then(store: Store, doc: Document) -> None:
    from rivalwatch.store.dialect import change_marker
    marker = change_marker(store.engine)
    assert marker is not None
    before = marker()
    store.counts()
    assert marker() == before           # reads change nothing
    store.add_document(doc)
    assert marker() != before           # a commit does (the web cache starts afresh)

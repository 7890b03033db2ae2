"""Telegram Desktop exports: the real CLI on a temporary SQLite file.

`fixtures/telegram/result.json` is a small export written by hand (one message
of each kind); `telegram_export.py` builds a deterministic export of 300 entries,
a later export of the same channel with edits and new messages, and a second
channel reposting some statements.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import Result

from rivalwatch.errors import IngestError
from rivalwatch.extract import VERSION
from rivalwatch.ingest import expand_paths, read_file
from rivalwatch.ingest.telegram import parse_export
from rivalwatch.store import Store

from . import telegram_export as gen

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL (conftest)

Run = Callable[..., Result]
SMALL = Path(__file__).parent / "fixtures" / "telegram" / "result.json"
CHANNEL = "telegram:1700000001"


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _docs(db_path: Path) -> dict[str, Any]:
    """source -> stored Document."""
    store = Store(db_path)
    try:
        return {d.source: d for d in store.documents()}
    finally:
        store.close()


# --- the hand-made export --------------------------------------------------------------

def test_small_export_every_field(cli: Run, db_path: Path) -> None:
    report = _json(cli("import", "telegram", SMALL, "--outlet", "Al-Azaim", "--format", "json"))
    assert {k: report[k] for k in ("channel", "channel_id", "outlet", "messages", "skipped", "added", "releases")} == {
        "channel": "Azaim Test Channel", "channel_id": "1700000001", "outlet": "AL_AZAIM",
        "messages": 6, "skipped": 2, "added": 6, "releases": 4}   # skipped: the service message and the sticker
    docs = _docs(db_path)
    assert sorted(docs) == [f"{CHANNEL}/{n}" for n in (2, 3, 4, 5, 6, 8)]

    video = docs[f"{CHANNEL}/3"]
    assert video.text == ("New release: a film on the war against the apostates #Khurasan watch "
                          "https://example.org/v/1 or here")
    assert (video.title, video.published, video.language) == ("Azaim Test Channel #3", "2024-07-02", "en")
    tg = video.meta["telegram"]
    assert (tg["message_id"], tg["edited"], tg["edited_unixtime"], tg["media_type"], tg["duration_seconds"]) == \
        (3, "2024-07-02T19:05:00", 1719947100, "video_file", 2405)
    assert (tg["hashtags"], tg["links"]) == (["#Khurasan"], ["https://example.org/v/1"])
    assert tg["text_links"] == [{"text": "here", "href": "https://example.org/mirror?id=7"}]
    assert video.meta["outlet"] == "AL_AZAIM"

    assert docs[f"{CHANNEL}/2"].meta["telegram"]["author"] == "Abu Test"
    assert docs[f"{CHANNEL}/5"].meta["telegram"]["forwarded_from"] == "Khurasan Ghag"
    assert docs[f"{CHANNEL}/6"].meta["telegram"]["reply_to_message_id"] == 2
    assert docs[f"{CHANNEL}/8"].meta["telegram"]["mentions"] == ["@azaim_test"]
    audio = docs[f"{CHANNEL}/4"]
    assert audio.text == 'Azaim Test Channel #4: audio file (30:00) "Message to the tribes"'
    assert (audio.meta["telegram"]["text_from"], audio.language) == ("metadata", None)

    releases = {}
    for source in (3, 4, 5, 6, 8):
        view = _json(cli("show", docs[f"{CHANNEL}/{source}"].id, "--format", "json"))
        releases[source] = [(p["outlet"], p["format"], p["language"], p["length"], p["title"], p["date"])
                            for p in view["publications"]]
        for p in view["publications"]:
            text = docs[f"{CHANNEL}/{source}"].text   # the whole message is the evidence
            assert p["evidence"] == {"text": text, "start": 0, "end": len(text)}
    assert releases == {
        3: [("AL_AZAIM", "video", "English", "40 minute", None, "2024-07-02")],
        4: [("AL_AZAIM", "audio", None, "30 minute", "Message to the tribes", "2024-07-03")],
        5: [],                                                     # a forward is not the outlet's release
        6: [("AL_AZAIM", "audio", "Pashto", "75 second", None, "2024-07-04")],
        8: [("AL_AZAIM", "image", "English", None, None, "2024-07-05")],
    }


def test_small_export_urdu_and_pashto_messages_name_ttp_and_iskp(cli: Run, db_path: Path) -> None:
    _json(cli("ingest", SMALL, "--format", "json"))
    docs = _docs(db_path)
    for number, code in ((5, "ur"), (6, "ps")):
        view = _json(cli("show", docs[f"{CHANNEL}/{number}"].id, "--format", "json"))
        assert (view["doc"]["language"], view["analysis"]) == (code, "partial")
    store = Store(db_path)
    try:
        with store.engine.connect() as conn:
            found = {tuple(r) for r in conn.exec_driver_sql(
                "SELECT d.language, m.actor_id FROM mentions m JOIN documents d ON d.id = m.doc_id "
                "WHERE d.language IN ('ur', 'ps')")}
    finally:
        store.close()
    assert found == {("ur", "TTP"), ("ur", "ISKP"), ("ps", "TTP"), ("ps", "ISKP")}


def test_read_file_and_folder_walk(tmp_path: Path) -> None:
    result = read_file(SMALL)
    assert (len(result.documents), result.errors) == (6, ())
    folder = tmp_path / "exports"
    (folder / "ChatExport_2024").mkdir(parents=True)
    (folder / "ChatExport_2024" / "result.json").write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "gold.json").write_text("{}", encoding="utf-8")
    (folder / "note.txt").write_text("A note about ISKP.", encoding="utf-8")
    assert [p.relative_to(folder).as_posix() for p in expand_paths([folder])] == \
        ["ChatExport_2024/result.json", "note.txt"]


def test_mapped_outlet_is_the_speaker_of_first_person_posts(cli: Run, tmp_path: Path) -> None:
    post = ('We warn the apostate TTP that its leaders will pay. Our fighters attacked Taliban positions in Kunar '
            'on 3 May. The Taliban said: "we will crush ISKP".')
    export = tmp_path / "result.json"
    export.write_text(_with(lambda d: d.update(messages=[{**d["messages"][1], "text": post}])), encoding="utf-8")

    def relations() -> set[tuple[str, str, str]]:
        found = _json(cli("relations", "--format", "json"))
        return {(r["source"], r["type"], r["target"]) for r in found}

    _json(cli("import", "telegram", export, "--format", "json"))
    assert relations() == set()  # an unmapped channel: "we" is nobody
    _json(cli("import", "telegram", export, "--outlet", "AL_AZAIM", "--format", "json"))
    # the outlet speaks; "our fighters" are its group's; the quoted "we" is the Taliban's, not the outlet's
    assert relations() == {("AL_AZAIM", "THREATEN", "TTP"), ("ISKP", "ASSAULT", "TALIBAN")}


# --- malformed exports -----------------------------------------------------------------

def _with(change: Callable[[dict], Any]) -> str:
    data = json.loads(SMALL.read_text(encoding="utf-8"))
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize(("text", "reason"), [
    ('{"name": "x", "messages": [', "malformed JSON: Expecting value at line 1 column 28"),
    ("[1, 2]", "not a Telegram Desktop export: the JSON is a list, not an object"),
    ('{"name": "x", "id": 5}', "not a Telegram Desktop export: no 'messages' list at the top level"),
    ('{"personal_information": {}, "chats": {"list": []}}',
     "a whole-account Telegram export (chats.list): export one channel with 'Export chat history' "
     "and import its result.json"),
    (_with(lambda d: d.pop("id")), "not a Telegram Desktop export: the chat has no numeric 'id' a store can hold"),
    (_with(lambda d: d["messages"][3].update(date="yesterday")),
     "message id 4: 'date' is not an ISO date and time: 'yesterday'"),
    (_with(lambda d: d["messages"][2].update(text=7)), "message id 3: 'text' is a number, not text or a list of text parts"),
    (_with(lambda d: d["messages"][2]["text"].append({"type": "bold"})),
     "message id 3: text part 8 is a object without a 'text' string"),
    (_with(lambda d: d["messages"][5].update(duration_seconds="long")),
     "message id 6: 'duration_seconds' is not a whole number: 'long'"),
    (_with(lambda d: d["messages"][4].update(id=2)), "message id 2 appears twice in 'messages'"),
    (_with(lambda d: d["messages"][1].pop("id")), "message #2 in 'messages' has no whole-number 'id' a store can hold"),
])
def test_malformed_export_is_one_error(text: str, reason: str) -> None:
    with pytest.raises(IngestError) as caught:
        parse_export(text, source="result.json")
    assert caught.value.reason == reason
    assert str(caught.value) == f"[RW200] result.json: {reason}"


def test_malformed_export_stores_nothing(cli: Run, db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "result.json"
    bad.write_text(_with(lambda d: d["messages"][-1].update(date="2024-13-45")), encoding="utf-8")
    result = cli("import", "telegram", bad, "--outlet", "AL_AZAIM")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: [RW200] {bad}: message id 8: 'date' is not an ISO date and time: '2024-13-45'"]
    ingest = cli("ingest", bad, "--format", "json")
    assert ingest.exit_code == 1
    assert json.loads(ingest.stdout)["added"] == 0
    assert f"error: {bad}: message id 8: 'date' is not an ISO date and time: '2024-13-45' [RW200]" in ingest.stderr
    assert _docs(db_path) == {}


def test_unknown_outlet_is_refused(cli: Run, db_path: Path) -> None:
    result = cli("import", "telegram", SMALL, "--outlet", "NO_SUCH_OUTLET")
    assert result.exit_code == 1
    assert "[RW400] unknown outlet 'NO_SUCH_OUTLET'" in result.output
    assert _docs(db_path) == {}


# --- a channel of a few hundred messages, re-imported ---------------------------------------

@pytest.fixture
def exports(tmp_path: Path) -> Path:
    gen.write(tmp_path / "exports")
    return tmp_path / "exports"


def test_generated_export_imports_then_reimports_only_new_and_edited(cli: Run, db_path: Path, exports: Path) -> None:
    first = _json(cli("import", "telegram", exports / "result.json", "--outlet", "AL_AZAIM", "--format", "json"))
    assert {k: first[k] for k in ("messages", "skipped", "added", "copies", "edited", "near_duplicates", "releases",
                                  "extracted")} == {
        "messages": 288, "skipped": 12, "added": 288, "copies": 0, "edited": 0, "near_duplicates": 0,
        "releases": 50, "extracted": 288}   # 60 media messages, 10 of them forwards
    assert first["relations"] > 100
    docs = _docs(db_path)
    v1 = {number: docs[f"{CHANNEL}/{number}"] for number in gen.EDITED}

    again = _json(cli("import", "telegram", exports / "result.json", "--format", "json"))
    assert {k: again[k] for k in ("outlet", "added", "edited", "updated", "unchanged", "extracted")} == {
        "outlet": "AL_AZAIM", "added": 0, "edited": 0, "updated": 0, "unchanged": 288, "extracted": 0}

    newer = _json(cli("ingest", exports / "result-v2.json", "--format", "json"))
    assert {k: newer[k] for k in ("documents", "added", "updated", "duplicates", "extracted")} == {
        "documents": 308, "added": 20, "updated": 7, "duplicates": 281, "extracted": 27}
    docs = _docs(db_path)
    assert len(docs) == 308
    for number, before in v1.items():
        after = docs[f"{CHANNEL}/{number}"]
        assert after.id == before.id == hashlib.sha256(before.text.encode()).hexdigest()[:16]   # id kept
        assert after.text.startswith("Update: ") and after.text.endswith(" (corrected)")
        assert after.content_hash == hashlib.sha256(after.text.encode()).hexdigest()
        assert after.meta["telegram"]["edited_unixtime"] > before.meta["telegram"].get("edited_unixtime", 0)
        view = _json(cli("show", after.id, "--format", "json"))
        assert view["versions"] == [VERSION]
        assert all(r["evidence"]["text"] in after.text for r in view["relations"])
    # the outlet mapping is remembered: a new video of revision 2 is a release
    video = _json(cli("show", docs[f"{CHANNEL}/303"].id, "--format", "json"))
    assert [(p["outlet"], p["format"], p["length"]) for p in video["publications"]] == [
        ("AL_AZAIM", "video", "58 minute")]   # 120 + 11 x 303 s

    same = _json(cli("ingest", exports / "result-v2.json", "--format", "json"))
    assert (same["added"], same["updated"], same["duplicates"], same["extracted"]) == (0, 0, 308, 0)
    older = _json(cli("import", "telegram", exports / "result.json", "--format", "json"))
    assert (older["added"], older["edited"], older["older"], older["unchanged"]) == (0, 0, 7, 281)
    assert _docs(db_path)[f"{CHANNEL}/22"].text.endswith(" (corrected)")


def test_reposts_on_another_channel_are_sources_not_new_evidence(cli: Run, db_path: Path, exports: Path) -> None:
    _json(cli("import", "telegram", exports / "result.json", "--outlet", "AL_AZAIM", "--format", "json"))
    reposts = _json(cli("import", "telegram", exports / "reposts.json", "--format", "json"))
    assert {k: reposts[k] for k in ("outlet", "messages", "added", "copies", "near_duplicates", "releases")} == {
        "outlet": None, "messages": 8, "added": 5, "copies": 3, "near_duplicates": 3, "releases": 0}
    docs = _docs(db_path)
    forwarded = _json(cli("show", docs[f"{CHANNEL}/{gen.EXACT[0]}"].id, "--format", "json"))
    assert [(x["source"], x["how"]) for x in forwarded["sources"]] == [
        (f"{CHANNEL}/{gen.EXACT[0]}", "original"), ("telegram:1700000002/1", "exact copy")]
    copy = _json(cli("show", docs["telegram:1700000002/4"].id, "--format", "json"))
    assert [(x["source"], x["how"], x["this"]) for x in copy["sources"]] == [
        (f"{CHANNEL}/{gen.NEAR[0]}", "original", False), ("telegram:1700000002/4", "near-duplicate", True)]
    languages = _json(cli("languages", "--format", "json"))
    assert languages["totals"]["near_duplicates"] == 3
    assert languages["totals"]["documents"] == 288 + 5

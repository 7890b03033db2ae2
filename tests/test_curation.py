"""Curation through HTTP on a real server: verdicts, corrections, merges and aliases survive
`reextract` and re-ingest (run by the CLI on the same database while the server runs), are
marked in every listing, and each leaves an audit row."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest
from click.testing import CliRunner

from rivalwatch.api import Workspace
from rivalwatch.cli import main
from tests.conftest import write_corpus
from tests.server import running_server

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL (conftest)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A server over the ingested tiny corpus; `api` calls it as an analyst, `cli` runs commands on its db."""
    corpus = write_corpus(tmp_path / "corpus")
    db = tmp_path / "curation.db"
    with Workspace(db) as ws:
        ws.ingest([corpus])
        analyst = ws.create_token(name="alice", role="analyst")[1]
        viewer = ws.create_token(name="victor", role="viewer")[1]
    runner = CliRunner()

    def cli(*args: str) -> None:
        result = runner.invoke(main, ["--db", str(db), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output

    with running_server(db) as base, httpx.Client(base_url=base, timeout=60) as client:
        def api(method: str, path: str, **kwargs: Any) -> httpx.Response:
            return client.request(method, path, headers={"Authorization": f"Bearer {analyst}"}, **kwargs)

        yield {"api": api, "cli": cli, "corpus": corpus, "client": client, "viewer": viewer}


def _relations(api: Callable[..., httpx.Response], **params: Any) -> list[dict[str, Any]]:
    response = api("GET", "/api/relations", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _find(api: Callable[..., httpx.Response], source: str, rtype: str, target: str) -> list[dict[str, Any]]:
    return [r for r in _relations(api) if (r["source"], r["type"], r["target"]) == (source, rtype, target)]


def _triples(items: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(r["source"], r["type"], r["target"]) for r in items}


def _again(world: dict[str, Any]) -> None:
    """Re-extract every document and ingest the corpus again, through the CLI, as an analyst would."""
    world["cli"]("reextract")
    world["cli"]("ingest", str(world["corpus"]))


def test_reject_stays_rejected(world: dict[str, Any]) -> None:
    api = world["api"]
    [rejected] = _find(api, "TTP", "REJECT", "ISKP")
    before = len(_relations(api))
    response = api("POST", f"/api/relations/{rejected['id']}/reject", json={"note": "denial, not a rejection"})
    assert response.status_code == 200, response.text
    assert response.json()["after"] is None and response.json()["before"]["type"] == "REJECT"
    assert _find(api, "TTP", "REJECT", "ISKP") == [] and len(_relations(api)) == before - 1
    assert api("GET", f"/api/relations/{rejected['id']}").status_code == 404
    [sentence] = api("GET", "/api/search", params={"q": "denied links"}).json()["items"]
    assert _triples(sentence["relations"]) == {("TTP", "COOPERATE", "ISKP")}
    _again(world)
    assert _find(api, "TTP", "REJECT", "ISKP") == [] and len(_relations(api)) == before - 1
    # the other relation of that sentence is untouched
    assert _find(api, "TTP", "COOPERATE", "ISKP")[0]["curated"] is False


def test_correct_type_is_shown_and_marked(world: dict[str, Any]) -> None:
    api = world["api"]
    [attack] = _find(api, "ISKP", "ASSAULT", "TALIBAN")
    response = api("POST", f"/api/relations/{attack['id']}/correct", json={"type": "FIGHT", "date": "2024-07-20"})
    assert response.status_code == 200, response.text
    assert response.json()["after"]["type"] == "FIGHT" and response.json()["after"]["curation"] == "corrected"
    [fixed] = _find(api, "ISKP", "FIGHT", "TALIBAN")
    assert fixed["curated"] is True and fixed["curation"] == "corrected" and fixed["date"] == "2024-07-20"
    assert _find(api, "ISKP", "ASSAULT", "TALIBAN") == []
    _again(world)
    [fixed] = _find(api, "ISKP", "FIGHT", "TALIBAN")
    assert (fixed["curation"], fixed["date"]) == ("corrected", "2024-07-20")
    assert _find(api, "ISKP", "ASSAULT", "TALIBAN") == []
    # the CLI's JSON carries the marks too
    with Workspace(world["corpus"].parent / "curation.db") as ws:
        assert ("ISKP", "FIGHT", "TALIBAN", "corrected") in {
            (r.source, r.type, r.target, r.curation) for r in ws.relations()}
    # a later correction keeps the earlier one's changes
    again = api("POST", f"/api/relations/{fixed['id']}/correct", json={"modality": "alleged"}).json()["after"]
    assert (again["type"], again["modality"], again["date"]) == ("FIGHT", "alleged", "2024-07-20")


def test_swap_direction_and_confirm(world: dict[str, Any]) -> None:
    api = world["api"]
    [strike] = _find(api, "PAKISTAN", "ASSAULT", "TTP")
    assert api("POST", f"/api/relations/{strike['id']}/correct", json={"swap": True}).status_code == 200
    [swapped] = _find(api, "TTP", "ASSAULT", "PAKISTAN")
    assert swapped["curation"] == "corrected"
    [coerce] = _find(api, "TALIBAN", "COERCE", "ISKP")
    confirmed = api("POST", f"/api/relations/{coerce['id']}/confirm").json()["after"]
    assert confirmed["curation"] == "confirmed"
    _again(world)
    assert _find(api, "TTP", "ASSAULT", "PAKISTAN")[0]["curation"] == "corrected"
    assert _find(api, "PAKISTAN", "ASSAULT", "TTP") == []
    [coerce] = _find(api, "TALIBAN", "COERCE", "ISKP")
    assert (coerce["curated"], coerce["curation"]) == (True, "confirmed")
    assert all(r["curated"] is False for r in _relations(api) if r["type"] not in ("COERCE", "ASSAULT"))


def test_merge_actors(world: dict[str, Any]) -> None:
    api = world["api"]
    assert _find(api, "QARI_SHOAIB_BAJAURI", "ACCUSE", "ISKP")
    response = api("POST", "/api/actors/merge", json={"source": "Qari Shoaib Bajauri", "into": "Tehrik-i-Taliban"})
    assert response.status_code == 200, response.text
    assert response.json()["source"] == "QARI_SHOAIB_BAJAURI" and response.json()["into"] == "TTP"
    assert response.json()["rows"]["relations"] >= 1
    assert _find(api, "TTP", "ACCUSE", "ISKP") and _find(api, "QARI_SHOAIB_BAJAURI", "ACCUSE", "ISKP") == []
    ids = {a["id"] for a in api("GET", "/api/actors", params={"limit": 500}).json()["items"]}
    assert "QARI_SHOAIB_BAJAURI" not in ids and "TTP" in ids
    assert {r["source"] for r in _relations(api, source="Qari Shoaib Bajauri")} == {"TTP"}
    _again(world)
    assert _find(api, "TTP", "ACCUSE", "ISKP") and _find(api, "QARI_SHOAIB_BAJAURI", "ACCUSE", "ISKP") == []
    ids = {a["id"] for a in api("GET", "/api/actors", params={"limit": 500}).json()["items"]}
    assert "QARI_SHOAIB_BAJAURI" not in ids
    same = api("POST", "/api/actors/merge", json={"source": "TTP", "into": "Pakistani Taliban"})
    assert same.status_code == 400 and same.json()["error"]["code"] == "RW400"


def test_merge_then_curate_then_reextract(world: dict[str, Any]) -> None:
    """A verdict on a merged actor's relation is keyed by the merged id and survives."""
    api = world["api"]
    assert api("POST", "/api/actors/merge", json={"source": "QARI_SHOAIB_BAJAURI", "into": "TTP"}).status_code == 200
    [accuse] = _find(api, "TTP", "ACCUSE", "ISKP")
    assert api("POST", f"/api/relations/{accuse['id']}/reject").status_code == 200
    _again(world)
    assert _find(api, "TTP", "ACCUSE", "ISKP") == []


def test_add_alias(world: dict[str, Any]) -> None:
    api = world["api"]
    response = api("POST", "/api/actors/ISKP/aliases", json={"alias": "Khorasan Wing"})
    assert response.status_code == 200, response.text
    assert "Khorasan Wing" in response.json()["actor"]["aliases"] and response.json()["added"] is True
    assert {r["source"] for r in _relations(api, source="khorasan wing")} == {"ISKP"}
    clash = api("POST", "/api/actors/ISKP/aliases", json={"alias": "TTP"})
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "RW409"
    _again(world)
    assert {r["source"] for r in _relations(api, source="Khorasan Wing")} == {"ISKP"}


def test_audit_trail(world: dict[str, Any]) -> None:
    api = world["api"]
    [rejected] = _find(api, "TTP", "REJECT", "ISKP")
    [attack] = _find(api, "ISKP", "ASSAULT", "TALIBAN")
    api("POST", f"/api/relations/{rejected['id']}/reject", json={"note": "why"})
    api("POST", f"/api/relations/{attack['id']}/correct", json={"type": "FIGHT"})
    api("POST", "/api/actors/ISKP/aliases", json={"alias": "Khorasan Wing"})
    api("POST", "/api/actors/merge", json={"source": "QARI_SHOAIB_BAJAURI", "into": "TTP"})
    trail = api("GET", "/api/audit").json()
    rows = [r for r in trail["items"] if r["action"] != "token.create"]
    assert [r["action"] for r in rows] == ["actor.merge", "actor.alias", "relation.correct", "relation.reject"]
    assert {r["who"] for r in rows} == {"alice"}
    reject = rows[-1]
    assert reject["subject"] == rejected["fingerprint"]
    assert reject["before"]["type"] == "REJECT" and reject["after"] is None and reject["at"].endswith("Z")
    correct = rows[-2]
    assert (correct["before"]["type"], correct["after"]["type"]) == ("ASSAULT", "FIGHT")
    assert rows[0]["before"]["id"] == "QARI_SHOAIB_BAJAURI" and rows[0]["after"]["merged_into"] == "TTP"
    assert "Khorasan Wing" in rows[1]["after"]["aliases"] and "Khorasan Wing" not in rows[1]["before"]["aliases"]
    one = api("GET", "/api/audit", params={"subject": "ISKP"}).json()
    assert one["total"] == 1 and one["items"][0]["action"] == "actor.alias"
    assert trail["total"] == len(trail["items"])


def test_curation_needs_an_analyst(world: dict[str, Any]) -> None:
    api, client = world["api"], world["client"]
    [attack] = _find(api, "ISKP", "ASSAULT", "TALIBAN")
    viewer = {"Authorization": f"Bearer {world['viewer']}"}
    refused = client.post(f"/api/relations/{attack['id']}/reject", headers=viewer)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "RW610"
    assert client.post(f"/api/relations/{attack['id']}/reject").status_code == 401
    assert _find(api, "ISKP", "ASSAULT", "TALIBAN")
    missing = api("POST", "/api/relations/987654/confirm")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "RW404"
    empty = api("POST", f"/api/relations/{attack['id']}/correct", json={})
    assert empty.status_code == 400 and "nothing to correct" in empty.json()["error"]["message"]
    bad_date = api("POST", f"/api/relations/{attack['id']}/correct", json={"date": "soon"})
    assert bad_date.status_code == 400
    assert api("GET", "/api/audit").json()["items"][0]["action"] == "token.create"


def test_cli_writes_show_at_once(world: dict[str, Any]) -> None:
    """Answers are cached, but a write by another process (the CLI) is seen by the next request."""
    api = world["api"]
    old_ids = {r["id"] for r in _relations(api)}
    assert _relations(api) and api("GET", "/api/documents").json()["total"] == 3
    extra = world["corpus"].parent / "extra"
    extra.mkdir()
    (extra / "herat.txt").write_text("ISKP attacked Taliban fighters in Herat in May 2024.\n", encoding="utf-8")
    world["cli"]("ingest", str(extra))
    assert api("GET", "/api/documents").json()["total"] == 4
    assert len(_find(api, "ISKP", "ASSAULT", "TALIBAN")) == 2
    world["cli"]("reextract")  # replaces every row: SQLite may hand out the same ids again
    with Workspace(world["corpus"].parent / "curation.db") as ws:
        stored = {(r.id, r.fingerprint) for r in ws.relations()}
    assert {(r["id"], r["fingerprint"]) for r in _relations(api)} == stored and len(stored) > len(old_ids)


def test_fingerprint_guards_a_verdict(world: dict[str, Any]) -> None:
    """Ids are reused after re-extraction; a verdict that names the fingerprint it saw cannot hit another relation."""
    api = world["api"]
    [attack] = _find(api, "ISKP", "ASSAULT", "TALIBAN")
    [other] = _find(api, "PAKISTAN", "ASSAULT", "TTP")
    stale = api("POST", f"/api/relations/{attack['id']}/reject", json={"fingerprint": other["fingerprint"]})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "RW409"
    assert _find(api, "ISKP", "ASSAULT", "TALIBAN")
    done = api("POST", f"/api/relations/{attack['id']}/reject", json={"fingerprint": attack["fingerprint"]})
    assert done.status_code == 200 and _find(api, "ISKP", "ASSAULT", "TALIBAN") == []

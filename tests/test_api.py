"""The JSON API through HTTP on a real server (uvicorn on 127.0.0.1), over the tiny corpus.

Reads: auth required and roles, pagination, every CLI filter, documents, actors,
the analyses, full-text search, the offline docs page. Safety: 413 on a body over
1 MB, one JSON error shape, no HTML, security headers. Tokens: CLI create/list/revoke.
"""
from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest
from click.testing import Result
from sqlalchemy import select

from rivalwatch.api import Workspace
from rivalwatch.store import schema as s
from tests.conftest import CORPUS, STORES, postgres_database
from tests.server import running_server

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL (conftest)

# One more document whose evidence carries markup: it must come back as JSON text, never as HTML.
HOSTILE = {"markup.txt": 'ISKP attacked Taliban fighters in Herat in May 2024 and posted "<script>alert(1)</script>" '
                        "online.\n"}


@pytest.fixture(scope="module", params=STORES)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server over a database (SQLite, then PostgreSQL) holding the tiny corpus, and a token of each role."""
    folder = tmp_path_factory.mktemp("api")
    corpus = folder / "corpus"
    corpus.mkdir()
    for name, text in (CORPUS | HOSTILE).items():
        (corpus / name).write_text(text, encoding="utf-8")
    with contextlib.ExitStack() as stack:
        db = folder / "api.db" if request.param == "sqlite" else stack.enter_context(postgres_database())
        with Workspace(db) as ws:
            assert ws.ingest([corpus]).added == len(CORPUS) + len(HOSTILE)
            tokens = {role: ws.create_token(name=f"{role}-1", role=role)[1] for role in ("viewer", "analyst", "admin")}
        with running_server(db) as base:
            with httpx.Client(base_url=base, timeout=30) as client:
                yield {"client": client, "tokens": tokens, "db": db, "base": base}


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def get(server: dict[str, Any]) -> Callable[..., httpx.Response]:
    """GET as the viewer."""
    client, viewer = server["client"], server["tokens"]["viewer"]
    return lambda path, **params: client.get(path, params=params, headers=_auth(viewer))


def _error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["status"] == status
    assert body["error"]["message"]
    return body["error"]["message"]


def _triples(items: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(r["source"], r["type"], r["target"]) for r in items}


# --- auth -------------------------------------------------------------------------------

def test_health_and_schema_need_no_token(server: dict[str, Any]) -> None:
    client = server["client"]
    assert client.get("/api/health").json()["status"] == "ok"
    schema = client.get("/api/openapi.json").json()
    assert {"/api/relations", "/api/dyads/{a}/{b}", "/api/search", "/api/relations/{relation_id}/reject"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_reads_need_a_token(server: dict[str, Any]) -> None:
    client = server["client"]
    message = _error(client.get("/api/relations"), 401, "RW600")
    assert "viewer" in message
    assert client.get("/api/relations").headers["www-authenticate"] == "Bearer"
    _error(client.get("/api/relations", headers=_auth("rwt_0000000000000000_" + "x" * 43)), 401, "RW600")
    _error(client.get("/api/relations", headers={"Authorization": "Basic abc"}), 401, "RW600")
    _error(client.get("/api/relations", headers=_auth("not-a-token")), 401, "RW600")


def test_roles(server: dict[str, Any]) -> None:
    client, tokens = server["client"], server["tokens"]
    assert client.get("/api/relations", headers=_auth(tokens["viewer"])).status_code == 200
    _error(client.post("/api/relations/1/reject", headers=_auth(tokens["viewer"])), 403, "RW610")
    _error(client.get("/api/audit", headers=_auth(tokens["viewer"])), 403, "RW610")
    _error(client.get("/api/tokens", headers=_auth(tokens["analyst"])), 403, "RW610")
    names = {t["name"] for t in client.get("/api/tokens", headers=_auth(tokens["admin"])).json()["items"]}
    assert {"viewer-1", "analyst-1", "admin-1"} <= names


def test_admin_creates_and_revokes_tokens(server: dict[str, Any]) -> None:
    client, admin = server["client"], server["tokens"]["admin"]
    made = client.post("/api/tokens", headers=_auth(admin), json={"name": "carol", "role": "viewer"})
    assert made.status_code == 201 and made.json()["role"] == "viewer"
    secret = made.json()["token"]
    assert client.get("/api/actors", headers=_auth(secret)).status_code == 200
    _error(client.post("/api/tokens", headers=_auth(admin), json={"name": "carol", "role": "viewer"}), 409, "RW409")
    assert client.delete("/api/tokens/carol", headers=_auth(admin)).json()["active"] is False
    assert "revoked" in _error(client.get("/api/actors", headers=_auth(secret)), 401, "RW600")
    _error(client.delete("/api/tokens/nobody", headers=_auth(admin)), 404, "RW404")


def test_cookie_reads_only(server: dict[str, Any]) -> None:
    """A browser's cookie may read, never write (CSRF): writes need the header."""
    base, tokens = server["base"], server["tokens"]
    with httpx.Client(base_url=base, cookies={"rivalwatch_token": tokens["analyst"]}) as browser:
        assert browser.get("/api/relations").status_code == 200
        _error(browser.post("/api/relations/1/confirm"), 401, "RW600")


# --- listings ----------------------------------------------------------------------------

def test_relations_pages(get: Callable[..., httpx.Response]) -> None:
    everything = get("/api/relations", limit=500).json()
    total = everything["total"]
    assert total == len(everything["items"]) >= 6 and everything["next_offset"] is None
    first = get("/api/relations", limit=2).json()
    assert first["total"] == total and len(first["items"]) == 2 and first["next_offset"] == 2
    pages, offset = [], 0
    while offset is not None:
        page = get("/api/relations", limit=2, offset=offset).json()
        pages.extend(r["id"] for r in page["items"])
        offset = page["next_offset"]
    assert pages == [r["id"] for r in everything["items"]]
    past = get("/api/relations", offset=total + 10).json()
    assert past["items"] == [] and past["total"] == total
    assert "limit" in _error(get("/api/relations", limit=501), 422, "RW400")
    _error(get("/api/relations", offset=-1), 422, "RW400")


def test_relation_filters(get: Callable[..., httpx.Response]) -> None:
    by_alias = get("/api/relations", source="isis-k").json()
    assert by_alias["total"] >= 1 and {r["source"] for r in by_alias["items"]} == {"ISKP"}
    assaults = get("/api/relations", type="ASSAULT").json()["items"]
    assert {("ISKP", "ASSAULT", "TALIBAN"), ("PAKISTAN", "ASSAULT", "TTP")} <= _triples(assaults)
    assert {r["type"] for r in assaults} == {"ASSAULT"}
    negated = get("/api/relations", modality="negated").json()["items"]
    assert ("TTP", "COOPERATE", "ISKP") in _triples(negated)
    window = get("/api/relations", since="2024-06", until="2024-07").json()["items"]
    assert window and all("2024-06" <= r["date"][:7] <= "2024-07" for r in window)
    assert ("QARI_SHOAIB_BAJAURI", "ACCUSE", "ISKP") in _triples(get("/api/relations", target="ISKP").json()["items"])
    rolled = get("/api/relations", source="TTP", group_level="true").json()["items"]
    assert ("TTP", "ACCUSE", "ISKP") in _triples(rolled)
    pair = get("/api/relations", source="ISKP", target="TALIBAN", type="ASSAULT").json()
    assert pair["total"] == 2 and {r["doc_source"].rsplit("/", 1)[-1] for r in pair["items"]} == {"kabul.txt", "markup.txt"}
    assert "unknown actor" in _error(get("/api/relations", source="Nobody Front"), 404, "RW404")
    assert "query.type" in _error(get("/api/relations", type="HUG"), 422, "RW400")
    assert get("/api/relations", type="assault", modality="ASSERTED").json()["items"] == \
        get("/api/relations", type="ASSAULT", modality="asserted").json()["items"]  # any case, as in the CLI
    _error(get("/api/relations", since="yesterday"), 422, "RW400")  # the schema says: an ISO date prefix


def test_one_relation_and_marks(get: Callable[..., httpx.Response]) -> None:
    item = get("/api/relations", type="ASSAULT", source="PAKISTAN").json()["items"][0]
    one = get(f"/api/relations/{item['id']}").json()
    assert one == item
    assert one["curated"] is False and one["curation"] is None
    assert one["fingerprint"].startswith(one["doc_id"] + ":") and one["fingerprint"].endswith(":PAKISTAN:ASSAULT:TTP")
    _error(get("/api/relations/99999999"), 404, "RW404")


def test_documents(get: Callable[..., httpx.Response]) -> None:
    listing = get("/api/documents", limit=2).json()
    assert listing["total"] == 4 and len(listing["items"]) == 2 and "text" not in listing["items"][0]
    kabul = next(d for d in get("/api/documents").json()["items"] if d["source"].endswith("kabul.txt"))
    one = get(f"/api/documents/{kabul['id'][:8]}").json()
    assert one["doc"]["id"] == kabul["id"] and one["text"] == CORPUS["kabul.txt"].strip()
    assert ("ISKP", "ASSAULT", "TALIBAN") in _triples(one["relations"])
    for r in one["relations"]:
        assert one["text"][r["evidence"]["start"]:r["evidence"]["end"]] == r["evidence"]["text"]
    _error(get("/api/documents/ffffffffffff"), 404, "RW404")


def test_actors(get: Callable[..., httpx.Response]) -> None:
    groups = get("/api/actors", kind="armed_group", limit=500).json()
    iskp = next(a for a in groups["items"] if a["id"] == "ISKP")
    assert iskp["kind"] == "armed_group" and "ISIS-K" in iskp["aliases"] and iskp["mentions"] >= 1
    assert all(a["kind"] == "armed_group" for a in groups["items"])
    people = get("/api/actors", kind="person").json()["items"]
    assert {"id": "QARI_SHOAIB_BAJAURI", "part_of": "TTP"}.items() <= next(
        a for a in people if a["id"] == "QARI_SHOAIB_BAJAURI").items()
    assert len(get("/api/actors", limit=1).json()["items"]) == 1


def test_analyses(get: Callable[..., httpx.Response]) -> None:
    dyad = get("/api/dyads/ISKP/TALIBAN", by="year", events="true").json()
    events = [e for p in dyad["periods"] for e in p["events"]]
    assert ("ISKP", "ASSAULT", "TALIBAN") in {(e["source"], e["type"], e["target"]) for e in events}
    chart = get("/api/dyads/ISKP/TALIBAN", by="year").json()
    assert all(p["events"] == [] for p in chart["periods"]) and [p["period"] for p in chart["periods"]] == [
        p["period"] for p in dyad["periods"]]
    assert sum(d["events"] for p in chart["periods"] for d in p["directions"].values()) >= 1
    assert "same actor" in _error(get("/api/dyads/ISKP/isis-k"), 400, "RW400")
    assert "alerts" in get("/api/alerts", by="year").json()
    network = get("/api/network").json()
    assert {"nodes", "edges"} <= set(network)
    assert len(network["triads"]) == network["balance"]["triads"] <= 100
    assert get("/api/network", triads=0).json()["triads"] == [] and network["balance"]["triads"] >= 0
    assert "claims" in get("/api/claims").json()
    assert "flows" in get("/api/defections").json()
    _error(get("/api/alerts", by="decade"), 422, "RW400")


def test_search(get: Callable[..., httpx.Response]) -> None:
    found = get("/api/search", q="denied links").json()
    assert found["total"] == 1
    hit = found["items"][0]
    assert hit["text"] == "The TTP denied any links to ISKP." and ("TTP", "REJECT", "ISKP") in _triples(hit["relations"])
    assert get("/api/search", q='"denied any links"').json()["total"] == 1
    assert get("/api/search", q="deni*").json()["total"] == 1
    assert get("/api/search", q='"denied links"').json()["total"] == 0
    # FTS5 syntax in the words is searched as text, never parsed
    for hostile in ('NEAR(ISKP', 'ISKP OR', '"', "*", "'; DROP TABLE relations; --", "AND AND"):
        response = get("/api/search", q=hostile)
        assert response.status_code in (200, 400), (hostile, response.text)
        if response.status_code == 400:
            _error(response, 400, "RW400")
    assert get("/api/relations").json()["total"] >= 6
    _error(get("/api/search"), 422, "RW400")


# --- safety ------------------------------------------------------------------------------

def test_hostile_text_comes_back_as_json(get: Callable[..., httpx.Response]) -> None:
    response = get("/api/search", q="script alert")
    assert response.headers["content-type"] == "application/json"
    assert "<script>alert(1)</script>" in response.json()["items"][0]["text"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["cache-control"] == "no-store"


def test_huge_body_is_refused(server: dict[str, Any]) -> None:
    client, analyst = server["client"], server["tokens"]["analyst"]
    big = json.dumps({"note": "x" * (1024 * 1024 + 10)})
    _error(client.post("/api/relations/1/confirm", headers=_auth(analyst) | {"content-type": "application/json"},
                       content=big), 413, "RW413")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"note": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"}'

    _error(client.post("/api/relations/1/confirm", headers=_auth(analyst) | {"content-type": "application/json"},
                       content=chunks()), 413, "RW413")


def test_errors_are_json(server: dict[str, Any], get: Callable[..., httpx.Response]) -> None:
    _error(get("/api/nothing-here"), 404, "RW404")
    _error(server["client"].put("/api/relations", headers=_auth(server["tokens"]["viewer"])), 405, "RW400")
    analyst = _auth(server["tokens"]["analyst"])
    _error(server["client"].post("/api/relations/1/correct", headers=analyst, json={"type": "HUG"}), 422, "RW400")
    _error(server["client"].post("/api/relations/1/correct", headers=analyst, json={"colour": "red"}), 422, "RW400")


def test_two_different_queries_never_share_an_answer(server: dict[str, Any], get: Callable[..., httpx.Response]) -> None:
    client, viewer = server["client"], _auth(server["tokens"]["viewer"])
    one = get("/api/relations", source="ISKP")
    assert one.status_code == 200 and one.json()["items"]
    # a repeated parameter is refused, never answered for one of its values
    twice = client.get("/api/relations?source=ISKP&source=TTP", headers=viewer)
    assert "given more than once" in _error(twice, 400, "RW400")
    # "&" inside a value is that value's: not the key of ?source=ISKP&type=ACCUSE
    typed = get("/api/relations", source="ISKP", type="ACCUSE")
    glued = client.get("/api/relations?source=ISKP%26type%3DACCUSE", headers=viewer)
    assert glued.status_code in (200, 400, 404) and glued.content != typed.content
    assert "NUL" in _error(client.get("/api/search?q=isk%00p", headers=viewer), 400, "RW400")
    _error(client.get(f"/api/relations/{2**64}", headers=viewer), 422, "RW400")


def test_every_answer_carries_the_security_headers(server: dict[str, Any]) -> None:
    client = server["client"]
    for path in ("/no-such-page", "/api/no-such-route", "/api/relations?source=a&source=b", "/health"):
        response = client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path


def test_docs_page_is_offline(server: dict[str, Any]) -> None:
    client = server["client"]
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    assert "http://" not in page.text and "https://" not in page.text
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "'/api/openapi.json'" in page.text


# --- tokens from the CLI ---------------------------------------------------------------------

def test_token_commands(cli: Callable[..., Result], db_path: Path) -> None:
    made = cli("token", "create", "--name", "alice", "--role", "analyst")
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    assert secret.startswith("rwt_")
    listed = cli("token", "list", "--format", "json")
    assert listed.exit_code == 0 and secret not in listed.output
    assert [(t["name"], t["role"], t["active"]) for t in json.loads(listed.stdout)] == [("alice", "analyst", True)]
    with Workspace(db_path) as ws:
        assert ws.authenticate(secret).name == "alice"
        with ws.store.engine.connect() as conn:
            row = conn.execute(select(s.api_tokens)).one()
        assert secret.split("_")[-1] not in {str(v) for v in row}    # only a salted hash is kept
    assert cli("token", "create", "--name", "alice").exit_code == 1
    revoked = cli("token", "revoke", "alice")
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert "revoked" in cli("token", "list").output
    assert cli("token", "revoke", "bob").exit_code == 1


def test_serve_refuses_public_reads_off_loopback(cli: Callable[..., Result]) -> None:
    result = cli("serve", "--host", "0.0.0.0", "--public-reads")
    assert result.exit_code == 2 and "loopback" in result.output

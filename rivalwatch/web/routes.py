"""The JSON API under /api: each route checks the caller's role and calls one `Workspace` method.

Reads need a viewer token, curation an analyst token, token management an admin
token (`auth.py`). Listings take `limit` (1-500, default 50) and `offset` and
answer `{"total", "limit", "offset", "next_offset", "items"}`; analyses answer
their report. Reads are cached until the database changes (`cache.py`).

Example:
    curl -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:8000/api/relations?source=ISKP&limit=20"
"""
from __future__ import annotations

import json
from urllib.parse import urlencode
from typing import Annotated, Any, Callable, Literal

from anyio import to_thread
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ..api import ACTOR_KINDS, MODALITIES, RELATION_TYPES, Workspace
from ..api.curation import ALIAS_MAX, NOTE_MAX
from ..api.listings import MAX_PAGE
from ..api.tokens import ROLES, TokenInfo
from ..models import STORE_INT_MAX
from .auth import requires, workspace

__all__ = ["router", "json_bytes"]

class ErrorDetail(BaseModel):
    code: str = Field(description="RivalWatch's error code, e.g. RW400.")
    status: int
    message: str


class ErrorBody(BaseModel):
    """The one shape of every error answer."""

    error: ErrorDetail


_ERRORS = {400: "invalid parameters", 401: "no valid token", 403: "the token's role may not do this",
           404: "no such record", 409: "the record changed since it was read", 413: "request body too large",
           422: "a parameter or body field of the wrong form", 503: "the database is unavailable"}
router = APIRouter(prefix="/api", responses={status: {"model": ErrorBody, "description": what}
                                              for status, what in _ERRORS.items()})

Viewer = Annotated[TokenInfo, Depends(requires("viewer"))]
Analyst = Annotated[TokenInfo, Depends(requires("analyst"))]
Admin = Annotated[TokenInfo, Depends(requires("admin"))]
WS = Annotated[Workspace, Depends(workspace)]
RelationId = Annotated[int, Path(ge=1, le=STORE_INT_MAX, description="The relation's id in the current listing.")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Items per page (at most {MAX_PAGE}).")]
Offset = Annotated[int, Query(ge=0, le=100_000_000, description="Items to skip.")]
ISO_PREFIX = r"^[12][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
DOC_ID = r"^[0-9a-f]{1,64}$"
Since = Annotated[str | None, Query(pattern=ISO_PREFIX, description="ISO date prefix: 2024, 2024-07, 2024-07-14.")]
Until = Annotated[str | None, Query(pattern=ISO_PREFIX, description="ISO date prefix; undated records are dropped.")]
NO_NUL = r"^[^\x00]*$"  # the server refuses a NUL in a query (web/app.py query_problem)
ActorName = Annotated[str | None, Query(max_length=200, pattern=NO_NUL, description="An actor id or any alias, any case.")]
Period = Literal["month", "quarter", "year"]
# Closed vocabularies in upper or lower case ("accuse" = "ACCUSE"), as the CLI takes them.
RelationType = Annotated[Literal[(*RELATION_TYPES, *(t.lower() for t in RELATION_TYPES))] | None,  # type: ignore[valid-type]
                         Query(description="A relation type, upper or lower case.")]
Modality = Annotated[Literal[(*MODALITIES, *(m.upper() for m in MODALITIES))] | None,  # type: ignore[valid-type]
                     Query(description="A modality, lower or upper case.")]
ActorKind = Annotated[Literal[(*ACTOR_KINDS, *(k.upper() for k in ACTOR_KINDS))] | None,  # type: ignore[valid-type]
                      Query(description="An actor kind, lower or upper case.")]
JSON = "application/json"


def json_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON, as every answer is sent."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


async def _read(request: Request, compute: Callable[[], Any]) -> Response:
    """A read's JSON answer: from the cache, in the event loop, when the database has not changed since;
    else computed in a worker thread (the store's calls block), a few at a time (`app.state.computing`):
    many threads at once would only share the interpreter lock and all finish late."""
    key = request.url.path + "?" + urlencode(sorted(request.query_params.multi_items()))  # "&" in a value stays apart
    cache = request.app.state.cache
    body = cache.peek(key)
    if body is None:
        body = await to_thread.run_sync(cache.get, key, lambda: json_bytes(compute()),
                                        limiter=request.app.state.computing)
    return Response(body, media_type=JSON)


def _wrote(request: Request, value: Any, status: int = 200) -> Response:
    request.app.state.cache.clear()
    return Response(json_bytes(value), media_type=JSON, status_code=status)


# --- reads --------------------------------------------------------------------------

@router.get("/health", summary="Liveness (no token)")
async def health(ws: WS) -> dict[str, str]:
    """Always answers while the server runs: the extractor version whose output the API reads."""
    return {"status": "ok", "version": ws.version}


@router.get("/documents", summary="Stored documents, one page")
async def documents(request: Request, ws: WS, _: Viewer, limit: Limit = 50, offset: Offset = 0) -> Response:
    """Documents in ingest order, without their text."""
    return await _read(request, lambda: ws.documents_page(limit=limit, offset=offset).as_dict())


@router.get("/documents/{doc_id}", summary="One document with its text, relations, claims and releases")
async def document(request: Request, ws: WS, _: Viewer,
             doc_id: Annotated[str, Path(pattern=DOC_ID, description="A document id or its first characters.")]) -> Response:
    def compute() -> dict[str, Any]:
        view = ws.show(doc_id)
        return view.as_dict() | {"text": view.document.text}
    return await _read(request, compute)


@router.get("/actors", summary="Stored actors with aliases, kind and part_of, one page")
async def actors(request: Request, ws: WS, _: Viewer, limit: Limit = 50, offset: Offset = 0,
           kind: ActorKind = None) -> Response:
    """Most mentioned first."""
    return await _read(request, lambda: ws.actors_page(kind=kind, limit=limit, offset=offset).as_dict())


@router.get("/relations", summary="Relations with their evidence, filtered, one page")
async def relations(
    request: Request, ws: WS, _: Viewer, limit: Limit = 50, offset: Offset = 0, source: ActorName = None,
    target: ActorName = None, type: RelationType = None, since: Since = None, until: Until = None,
    modality: Modality = None,
    group_level: Annotated[bool, Query(description="Roll persons and outlets up to their group.")] = False,
    doc_id: Annotated[str | None, Query(pattern=DOC_ID)] = None,
) -> Response:
    """The CLI's `relations` filters; oldest first, undated last. Curated ones carry `curated` and `curation`."""
    return await _read(request, lambda: ws.relations_page(
        source=source, target=target, type=type, since=since, until=until, modality=modality, doc_id=doc_id,
        group_level=group_level, limit=limit, offset=offset).as_dict())


@router.get("/relations/{relation_id}", summary="One relation")
async def relation(request: Request, ws: WS, _: Viewer, relation_id: RelationId) -> Response:
    return await _read(request, lambda: ws.relation(relation_id).as_dict())


@router.get("/dyads/{a}/{b}", summary="Dyad timeline: hostility between two actors per period")
async def dyad(request: Request, ws: WS, _: Viewer, a: Annotated[str, Path(max_length=200)],
         b: Annotated[str, Path(max_length=200)], by: Period = "quarter", since: Since = None, until: Until = None,
         as_written: bool = False, evidence: bool = False,
         events: Annotated[bool, Query(description="Also list each period's events with their relation ids (a busy "
                                                   "dyad gives megabytes; page through /api/relations instead).")] = False,
         ) -> Response:
    """Per period and direction: events (one per source, type, target, date), counts per type and quad class,
    hostility; see analysis/dyads.py. The sentences behind a period: /api/relations?source=a&target=b&since=..."""
    return await _read(request, lambda: ws.dyad(a, b, by=by, since=since, until=until, as_written=as_written,
                                                evidence=evidence, events=events).as_dict())


@router.get("/alerts", summary="Dyads that changed: escalation, turns, denunciation after silence, firsts")
async def alerts(request: Request, ws: WS, _: Viewer, by: Period = "quarter", since: Since = None,
           limit: Annotated[int, Query(ge=1, le=200)] = 20) -> Response:
    return await _read(request, lambda: ws.alerts(by=by, since=since, limit=limit).as_dict())


@router.get("/network", summary="Signed actor network of a time slice, with balance and centrality")
async def network(request: Request, ws: WS, _: Viewer, year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
            since: Since = None, until: Until = None, min_evidence: Annotated[int, Query(ge=1, le=1000)] = 1,
            group_level: bool = True, include_imported: bool = True, directed: bool = True,
            triads: Annotated[int, Query(ge=0, le=100_000, description="Triads listed (unbalanced first); `balance` "
                                                                      "counts them all.")] = 100) -> Response:
    return await _read(request, lambda: ws.network(year=year, since=since, until=until, min_evidence=min_evidence,
                                             group_level=group_level, include_imported=include_imported,
                                             directed=directed).as_dict(triads=triads))


@router.get("/claims", summary="Claims of responsibility and competing claims")
async def claims(request: Request, ws: WS, _: Viewer, actor: ActorName = None, since: Since = None, until: Until = None,
           tolerance_days: Annotated[int, Query(ge=0, le=366)] = 1) -> Response:
    return await _read(request, lambda: ws.claims(actor=actor, since=since, until=until,
                                            tolerance_days=tolerance_days).as_dict())


@router.get("/defections", summary="DEFECT flows from group to group per year or quarter")
async def defections(request: Request, ws: WS, _: Viewer, by: Literal["year", "quarter"] = "year", since: Since = None,
               until: Until = None) -> Response:
    return await _read(request, lambda: ws.defections(by=by, since=since, until=until).as_dict())


@router.get("/search", summary="Full-text search over evidence sentences")
async def search(request: Request, ws: WS, _: Viewer,
           q: Annotated[str, Query(min_length=1, max_length=500, pattern=NO_NUL, description='Words (all must occur), "a phrase", prefix*.')],
           limit: Annotated[int, Query(ge=1, le=100)] = 20, offset: Offset = 0) -> Response:
    """Best match first; each hit is a sentence with the relations resting on it."""
    return await _read(request, lambda: ws.search(q, limit=limit, offset=offset).as_dict())


# --- curation (analyst) -----------------------------------------------------------------

class Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(None, max_length=NOTE_MAX, description="Why (kept in the audit trail).")
    fingerprint: str | None = Field(None, max_length=600, description=(
        "The relation's `fingerprint` as listed: refused (409) if the id now names another relation, "
        "as ids are reused after re-extraction. Recommended."))


class Correction(Verdict):
    type: Literal[RELATION_TYPES] | None = None  # type: ignore[valid-type]
    swap: bool = Field(False, description="Reverse source and target (from the extracted direction).")
    modality: Literal[MODALITIES] | None = None  # type: ignore[valid-type]
    date: str | None = Field(None, max_length=10, description="ISO: 2024, 2024-07 or 2024-07-14.")


class Merge(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(max_length=200, description="The actor merged away (id or alias).")
    into: str = Field(max_length=200, description="The actor it becomes (id or alias).")


class Alias(BaseModel):
    model_config = ConfigDict(extra="forbid")
    alias: str = Field(min_length=1, max_length=ALIAS_MAX)


class NewToken(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=64)
    role: Literal[ROLES]  # type: ignore[valid-type]




@router.post("/relations/{relation_id}/confirm", summary="Confirm a relation (analyst)")
def confirm(request: Request, ws: WS, who: Analyst, relation_id: RelationId, body: Verdict | None = None) -> Response:
    body = body or Verdict()
    return _wrote(request, ws.confirm_relation(relation_id, by=who.name, note=body.note,
                                               fingerprint=body.fingerprint).as_dict())


@router.post("/relations/{relation_id}/reject", summary="Reject a relation: gone now and after re-extraction (analyst)")
def reject(request: Request, ws: WS, who: Analyst, relation_id: RelationId, body: Verdict | None = None) -> Response:
    body = body or Verdict()
    return _wrote(request, ws.reject_relation(relation_id, by=who.name, note=body.note,
                                              fingerprint=body.fingerprint).as_dict())


@router.post("/relations/{relation_id}/correct", summary="Correct type, direction, modality or date (analyst)")
def correct(request: Request, ws: WS, who: Analyst, relation_id: RelationId, body: Correction) -> Response:
    return _wrote(request, ws.correct_relation(relation_id, by=who.name, type=body.type, swap=body.swap,
                                               modality=body.modality, date=body.date, note=body.note,
                                               fingerprint=body.fingerprint).as_dict())


@router.post("/actors/merge", summary="Merge one actor into another (analyst)")
def merge(request: Request, ws: WS, who: Analyst, body: Merge) -> Response:
    return _wrote(request, ws.merge_actors(body.source, into=body.into, by=who.name).as_dict())


@router.post("/actors/{actor}/aliases", summary="Add an alias to an actor (analyst)")
def add_alias(request: Request, ws: WS, who: Analyst, actor: Annotated[str, Path(max_length=200)],
              body: Alias) -> Response:
    return _wrote(request, ws.add_alias(actor, body.alias, by=who.name))


@router.get("/audit", summary="The audit trail, newest first (analyst)")
def audit(ws: WS, _: Analyst, limit: Limit = 50, offset: Offset = 0,
          subject: Annotated[str | None, Query(max_length=300)] = None) -> Response:
    return Response(json_bytes(ws.audit(limit=limit, offset=offset, subject=subject).as_dict()), media_type=JSON)


# --- tokens (admin) ------------------------------------------------------------------------

@router.get("/tokens", summary="Every token, never its secret (admin)")
def tokens(ws: WS, _: Admin) -> Response:
    return Response(json_bytes({"items": [t.as_dict() for t in ws.tokens()]}), media_type=JSON)


@router.post("/tokens", status_code=201, summary="Create a token; its secret is in this answer only (admin)")
def create_token(ws: WS, who: Admin, body: NewToken) -> Response:
    info, secret = ws.create_token(name=body.name, role=body.role, by=who.name)
    return Response(json_bytes(info.as_dict() | {"token": secret}), media_type=JSON, status_code=201)


@router.delete("/tokens/{name}", summary="Revoke a token (admin)")
def revoke_token(ws: WS, who: Admin, name: Annotated[str, Path(max_length=64)]) -> Response:
    return Response(json_bytes(ws.revoke_token(name, by=who.name).as_dict()), media_type=JSON)

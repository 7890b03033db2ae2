"""The web app: `create_app(db)` builds a FastAPI app over one `Workspace`.

- JSON API under /api (`routes.py`), schema at /api/openapi.json, interactive docs at
  /docs served entirely from this machine (Swagger UI's files come from the
  `fastapi-offline` package and are served under /static/swagger; no CDN).
- /static serves `rivalwatch/web/static/`.
- Errors are JSON: `{"error": {"code": "RW404", "status": 404, "message": "..."}}`;
  `RivalWatchError` codes map to 4xx (`STATUS`), anything unexpected is a 500
  with no details.
- Request bodies over `max_body` bytes (1 MB) are refused with 413; every answer
  carries nosniff, no-framing and no-referrer headers, and API answers a CSP that
  allows nothing and `Cache-Control: no-store`.

Example:
    app = create_app("rivalwatch.db")
    uvicorn.run(app, host="127.0.0.1", port=8000)
"""
from __future__ import annotations

import os
from contextlib import asynccontextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import parse_qsl

from anyio import CapacityLimiter
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..api import Workspace
from ..errors import (
    AuthError, ConflictError, ForbiddenError, GoldFormatError, IngestError, KnowledgeError, NotFoundError,
    QueryError, RivalWatchError, StoreError,
)
from ..store.dialect import change_marker
from ..store.upkeep import refresh_statistics
from . import pages, routes
from .cache import ResponseCache

__all__ = ["create_app", "STATUS", "MAX_BODY", "STATIC"]

MAX_BODY = 1024 * 1024
COMPUTING = max(2, os.cpu_count() or 2)  # answers computed at once (worker threads); the others wait
STATIC = Path(__file__).resolve().parent / "static"
# Most precise class first: the first match wins.
STATUS: tuple[tuple[type[RivalWatchError], int], ...] = (
    (ForbiddenError, 403), (AuthError, 401), (NotFoundError, 404), (ConflictError, 409), (QueryError, 400),
    (GoldFormatError, 400), (IngestError, 400), (KnowledgeError, 500), (StoreError, 503),
)
_HTTP_CODES = {401: "RW600", 403: "RW610", 404: "RW404", 409: "RW409", 413: "RW413"}
_SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                     (b"referrer-policy", b"no-referrer")]
_API_HEADERS = [(b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
                (b"cache-control", b"no-store")]
_DOCS_CSP = (b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
             b"img-src 'self' data:; frame-ancestors 'none'")


def error_body(status: int, code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The one error shape every route answers with."""
    return {"error": {"code": code, "status": status, "message": message, **extra}}


def _swagger_assets() -> Path:
    spec = find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("fastapi-offline is not installed: run ./scripts/setup.sh (it serves the docs' files)")
    return Path(list(spec.submodule_search_locations)[0]) / "static"


def query_problem(query_string: bytes) -> str | None:
    """What makes a query string unanswerable: a parameter given twice (every parameter takes one
    value: answering for one of them would be a wrong answer) or a NUL character."""
    seen: set[str] = set()
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if name in seen:
            return f"query parameter {name[:40]!r} given more than once: give it once"
        if "\x00" in name or "\x00" in value:
            return f"query parameter {name[:40]!r} holds a NUL character"
        seen.add(name)
    return None


class Guard:
    """ASGI middleware: refuse bodies declared over `max_body` at once (JSON 413) and query strings
    `query_problem` finds (JSON 400); add security headers to every answer, errors included."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            status = 413 if length.isdigit() else 400
            message = (f"request body too large: at most {self.max_body} bytes" if status == 413
                       else "invalid Content-Length header")
            answer = JSONResponse(error_body(status, "RW413" if status == 413 else "RW400", message),
                                  status_code=status, headers={"connection": "close"})
            await self._send_with_headers(answer, scope.get("path", ""), scope, receive, send)
            return
        path, received = scope.get("path", ""), 0
        problem = query_problem(scope.get("query_string") or b"")
        if problem is not None:
            await self._send_with_headers(JSONResponse(error_body(400, "RW400", problem), status_code=400),
                                          path, scope, receive, send)
            return

        async def limited() -> Message:  # a body sent without Content-Length (chunked) is counted as it comes
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:
                raise StarletteHTTPException(413)
            return message

        await self._send_with_headers(self.app, path, scope, limited, send)

    @staticmethod
    async def _send_with_headers(app: ASGIApp, path: str, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                have = {k.lower() for k, _ in headers}
                extra = list(_SECURITY_HEADERS)
                if path.startswith("/api"):
                    extra += _API_HEADERS
                elif path == "/docs":
                    extra.append((b"content-security-policy", _DOCS_CSP))
                else:  # a page, or an error answered for one (a 404 has no template's headers)
                    extra.append((b"content-security-policy", pages.CSP.encode()))
                headers += [(k, v) for k, v in extra if k not in have]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, with_headers)


def create_app(
    db: str | Path, *, extra_actors: str | Path | None = None, public_reads: bool = False, cache: bool = True,
    max_body: int = MAX_BODY, workspace: Workspace | None = None,
) -> FastAPI:
    """The RivalWatch web app over the database `db` (a path or URL), as the CLI's `--db` takes it.

    `public_reads`: GET routes answer without a token (keep the server on 127.0.0.1 then).
    `cache`: keep JSON answers until the database changes (SQLite files only).
    `workspace`: use this one instead of opening `db` (tests).
    """
    ws = workspace or Workspace(db, extra_actors=extra_actors)
    refresh_statistics(ws.store.engine)  # the planner's statistics, when missing or stale

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.computing = CapacityLimiter(COMPUTING)
        yield
        if workspace is None:
            ws.close()

    app = FastAPI(
        title="RivalWatch API",
        version="1",
        description="Typed, dated, evidence-linked relations between militant groups. Every route but /api/health "
                    "needs `Authorization: Bearer <token>` (`rivalwatch token create`): viewer to read, analyst to "
                    "curate, admin to manage tokens. Errors are `{\"error\": {\"code\", \"status\", \"message\"}}`.",
        openapi_url="/api/openapi.json", docs_url=None, redoc_url=None, lifespan=lifespan,
    )
    app.state.workspace = ws
    app.state.public_reads = public_reads
    app.state.cache = ResponseCache(change_marker(ws.store.engine) if cache else None)
    app.add_middleware(Guard, max_body=max_body)

    @app.exception_handler(RivalWatchError)
    async def rivalwatch_error(request: Request, exc: RivalWatchError) -> JSONResponse:
        status = next((code for cls, code in STATUS if isinstance(exc, cls)), 500)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        message = str(exc).removeprefix(f"[{exc.code}] ")
        return JSONResponse(error_body(status, exc.code, message), status_code=status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = {404: "no such route: see /docs", 405: "method not allowed on this route",
                   413: f"request body too large: at most {max_body} bytes"}.get(exc.status_code, str(exc.detail))
        return JSONResponse(error_body(exc.status_code, _HTTP_CODES.get(exc.status_code, "RW400"), message),
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
                   for e in exc.errors()]
        message = "; ".join(f"{d['where']}: {d['problem']}" for d in details) or "invalid request"
        return JSONResponse(error_body(422, "RW400", f"invalid request: {message}", details=details), status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(error_body(500, "RW000", "internal error: see the server's log"), status_code=500)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/api/openapi.json", title="RivalWatch API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js", swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon.png")

    app.include_router(routes.router)
    # --- dashboard pages: the dashboard adds its router on the next line ------------
    # (keep this block; `app.include_router(pages.router)` goes here)
    app.include_router(pages.router)
    # --- end of dashboard pages ------------------------------------------------------
    app.mount("/static/swagger", StaticFiles(directory=_swagger_assets()), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app

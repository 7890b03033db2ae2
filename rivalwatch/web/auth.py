"""Who is asking: bearer tokens with roles, as FastAPI dependencies.

Every /api route except `/api/health` needs a token: `Authorization: Bearer
rwt_...`. Reading needs the viewer role, curating the analyst role, managing
tokens the admin role (`rivalwatch.api.tokens`). A browser page cannot set that
header, so a token can also come in the `rivalwatch_token` cookie (HttpOnly,
SameSite=Strict, set by `POST /api/session`), but only for GET and HEAD: a write
always needs the header, so no other site can make a browser curate (CSRF).

`create_app(..., public_reads=True)` lets GET routes answer without a token (for
a dashboard on 127.0.0.1 only); writes still need one.

Example:
    @router.get("/things")
    def things(who: TokenInfo = Depends(requires("viewer"))) -> ...: ...
"""
from __future__ import annotations

import datetime as _dt
from typing import Callable

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..api import Workspace
from ..api.tokens import ROLES, TokenInfo, role_allows
from ..errors import AuthError, ForbiddenError

__all__ = ["COOKIE", "ANONYMOUS", "bearer", "requires", "token_from", "workspace"]

COOKIE = "rivalwatch_token"
ANONYMOUS = TokenInfo(name="anonymous", role="viewer", created_at=_dt.datetime(1970, 1, 1))
SAFE_METHODS = frozenset({"GET", "HEAD"})

# Declares the scheme in the OpenAPI schema (the docs page's "Authorize" button); errors are ours.
bearer = HTTPBearer(auto_error=False, description="A token from `rivalwatch token create`: `Bearer rwt_...`")


async def workspace(request: Request) -> Workspace:
    """The app's one `Workspace` (async: no thread needed to hand it over)."""
    return request.app.state.workspace


def token_from(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str | None:
    """The token the request carries: the Authorization header, else (GET/HEAD only) the cookie."""
    if credentials is not None:
        return credentials.credentials
    header = request.headers.get("authorization")
    if header is not None:
        raise AuthError("malformed Authorization header: send `Authorization: Bearer rwt_...`")
    if request.method in SAFE_METHODS:
        return request.cookies.get(COOKIE)
    return None


def requires(role: str) -> Callable[..., TokenInfo]:
    """A dependency that returns the caller's token when its role is `role` or above; else 401/403."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    async def check(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> TokenInfo:
        token = token_from(request, credentials)
        if token is None:
            if role == "viewer" and request.method in SAFE_METHODS and request.app.state.public_reads:
                return ANONYMOUS
            raise AuthError(f"this needs a token with the {role} role: send `Authorization: Bearer rwt_...` "
                            "(create one with `rivalwatch token create`)")
        cache = request.app.state.cache
        found = cache.peek_token(token)  # a token seen since the database last changed: no query, no thread
        if found is None:
            found = await run_in_threadpool(cache.token, token, request.app.state.workspace.authenticate)
        if not role_allows(found.role, role):
            raise ForbiddenError(f"token {found.name!r} has the {found.role} role; this needs {role} or above")
        request.state.token = found
        return found

    check.__name__ = f"requires_{role}"
    return check

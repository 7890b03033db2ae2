"""The dashboard: server-rendered HTML pages over the same `Workspace` as the JSON API.

Pages: overview (`/`), actor (`/actors/{id}`), dyad (`/dyad?x=&y=`), network
(`/network?year=`), map (`/map`), document (`/documents/{id}`), search
(`/search?q=`), sign-in (`/login`). Every page is a thin adapter: it calls one
function of `rivalwatch.api.dashboard` and renders one template.

Ingested text is hostile. Templates autoescape everything; highlighting escapes
the text piece by piece (`highlight.py`); the only markup passed through unescaped
is SVG our own writers build (labels escaped there). Responses carry a strict
Content-Security-Policy (scripts and styles from /static only, nothing inline,
nothing from elsewhere), so markup that slipped through could not run anyway.

Sign-in: a browser cannot add an Authorization header to page loads, so
`POST /login` checks the token and keeps it in an HttpOnly, SameSite=Strict
cookie, which the API accepts for reads. Curation calls from the pages send
the token as a Bearer header from the tab's sessionStorage (set by the same
sign-in form); it never goes into a URL.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..api import MODALITIES, RELATION_TYPES, Workspace
from ..api import dashboard
from ..errors import AuthError, QueryError
from .auth import COOKIE
from .highlight import highlight, term_spans

__all__ = ["router", "CSP"]

HERE = Path(__file__).parent
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "X-Frame-Options": "DENY", "Cache-Control": "no-store"}
CURATORS = ("analyst", "admin")
CURATION_URL = "/api/relations/{id}/{action}"

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(default=True,
                       default_for_string=True), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _workspace(request: Request) -> Workspace:
    """The app's one `Workspace`."""
    return request.app.state.workspace


def _role(request: Request) -> str | None:
    """The role of the sign-in cookie's token; "viewer" without one when the app allows public reads; else None."""
    if not hasattr(request.state, "role"):
        token = request.cookies.get(COOKIE)
        role = None
        if token:
            try:
                role = _workspace(request).authenticate(token).role
            except AuthError:
                role = None
        elif getattr(request.app.state, "public_reads", False):
            role = "viewer"
        request.state.role = role
    return request.state.role


def _to_login() -> RedirectResponse:
    return RedirectResponse("/login", status_code=303, headers=HEADERS)


def _same_origin(request: Request) -> bool:
    """A form post from one of our own pages. Browsers say where a request comes from in
    `Sec-Fetch-Site`; `Origin` is "null" under our no-referrer policy, so only another site's
    origin counts against it."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    return origin in (None, "null") or urlsplit(origin).netloc == request.url.netloc


def _render(request: Request, template: str, *, page: str = "", title: str = "", status: int = 200,
            **context: Any) -> HTMLResponse:
    role = _role(request)
    signed_in = role is not None and bool(request.cookies.get(COOKIE))
    can_curate = role in CURATORS
    html = _env().get_template(template).render(
        page=page, title=title, role=role, signed_in=signed_in, can_curate=can_curate, curation_url=CURATION_URL if can_curate else None,
        version=_workspace(request).version, types=RELATION_TYPES, modalities=MODALITIES, **context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _error(request: Request, error: Exception, status: int = 404) -> HTMLResponse:
    title = "Not found" if status == 404 else "Cannot show this"
    return _render(request, "error.html", title=title, message=str(error), status=status)


def _svg(text: str) -> Markup:
    """SVG from our own writers (`rivalwatch.export`), whose every label and link is escaped."""
    return Markup(text)


def _link(url: str | None) -> str | None:
    """A document's own address, only when it is plain http(s) (never `javascript:` and the like)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


# --- pages: each asks for a signed-in viewer (or public reads) first -----------------------


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request) -> Response:
    if _role(request) is None:
        return _to_login()
    return _render(request, "overview.html", page="overview", title="Overview",
                   ov=dashboard.overview(_workspace(request)))


@router.get("/actors/{actor_id}", response_class=HTMLResponse)
def actor_page(request: Request, actor_id: str) -> Response:
    if _role(request) is None:
        return _to_login()
    try:
        page = dashboard.actor_page(_workspace(request), actor_id)
    except QueryError as exc:
        return _error(request, exc)
    return _render(request, "actor.html", page="actor", title=page.actor.name, ap=page,
                   chart=_svg(page.chart) if page.chart else None)


@router.get("/dyad", response_class=HTMLResponse)
def dyad_page(request: Request, x: str = "", y: str = "", by: str = "quarter") -> Response:
    if _role(request) is None:
        return _to_login()
    if not x.strip() or not y.strip():
        return _error(request, QueryError("give two actors: /dyad?x=ISKP&y=TTP"), 400)
    try:
        page = dashboard.dyad_page(_workspace(request), x, y, by=by)
    except QueryError as exc:
        return _error(request, exc, 400)
    items = [{"period": i.period, "direction": i.direction, "hostility": i.hostility, "relation": i.relation,
              "html": highlight(i.relation.evidence.text, i.marks)} for i in page.items]
    return _render(request, "dyad.html", page="dyad", title=f"{page.x} and {page.y}", dp=page, items=items,
                   chart=_svg(page.chart) if page.chart else None, x_query=x, y_query=y, periods=dashboard.PERIODS)


@router.get("/network", response_class=HTMLResponse)
def network_page(request: Request, year: str = "") -> Response:
    if _role(request) is None:
        return _to_login()
    try:
        page = dashboard.network_page(_workspace(request), year=int(year) if year.strip() else None)
    except ValueError:
        return _error(request, QueryError(f"invalid year {year!r}: give a year such as 2024"), 400)
    except QueryError as exc:
        return _error(request, exc, 400)
    edges = sorted(page.network.edges, key=lambda e: -abs(e.weight))[:15]
    central = sorted(page.network.nodes, key=lambda n: (-n.betweenness, -n.weighted_degree, n.id))[:10]
    return _render(request, "network.html", page="network", title="Network", np=page, svg=_svg(page.svg),
                   edges=edges, central=central)


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, country: str = "", actor: str = "", since: str = "", until: str = "") -> Response:
    if _role(request) is None:
        return _to_login()
    filters = {"actor": actor.strip() or None, "since": since.strip() or None, "until": until.strip() or None}
    try:
        page = dashboard.map_page(_workspace(request), country=country.strip() or None, **filters)
    except QueryError as exc:
        return _error(request, exc, 400)
    return _render(request, "map.html", page="map", title="Map", mp=page, svg=_svg(page.svg), filters=filters)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str) -> Response:
    if _role(request) is None:
        return _to_login()
    try:
        page = dashboard.document_page(_workspace(request), doc_id)
    except QueryError as exc:
        return _error(request, exc)
    return _render(request, "document.html", page="document", title=page.document.title or page.document.id,
                   dp=page, text_html=highlight(page.document.text, page.marks), link=_link(page.document.url))


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = "") -> Response:
    if _role(request) is None:
        return _to_login()
    try:
        page = dashboard.search(_workspace(request), q)
    except QueryError as exc:
        return _error(request, exc, 400)
    quotes = {r.id: highlight(r.evidence.text, term_spans(r.evidence.text, page.query)) for r in page.relations}
    return _render(request, "search.html", page="search", title="Search", sp=page, query=page.query, quotes=quotes)


# --- sign-in -------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return _render(request, "login.html", page="login", title="Sign in", error=None)


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the posted token and keep it in the HttpOnly, SameSite=Strict sign-in cookie."""
    if not _same_origin(request):
        return _error(request, AuthError("sign in from this site's own form"), 403)
    form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=4)
    token = (form.get("token") or [""])[0].strip()
    try:
        _workspace(request).authenticate(token)
    except AuthError:
        request.state.role = None
        return _render(request, "login.html", page="login", title="Sign in", status=401,
                       error="This token is not valid (or was revoked).")
    response = RedirectResponse("/", status_code=303, headers=HEADERS)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        path="/")
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    response = RedirectResponse("/login", status_code=303, headers=HEADERS)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response

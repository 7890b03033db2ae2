"""Commands for the web app: `serve`, and `token create|list|revoke` for its API tokens."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .. import render
from ..api import ROLES
from .base import format_option, main, pass_workspace

if TYPE_CHECKING:
    from ..api import Workspace

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Loopback by default; another address exposes the API to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--public-reads", is_flag=True,
              help="Let GET routes answer without a token (only on a loopback address); writes still need one.")
@click.option("--no-cache", is_flag=True, help="Compute every answer afresh (no cache of JSON answers).")
@pass_workspace
def serve(ws: Workspace, host: str, port: int, public_reads: bool, no_cache: bool) -> None:
    """Serve the JSON API (/api), its offline docs (/docs) and the dashboard over the same --db as the CLI.

    Every API route needs a token (`rivalwatch token create`): viewer to read,
    analyst to curate, admin to manage tokens. Stop with Ctrl-C.

    Example: rivalwatch --db demo.db serve --port 8000
    """
    import uvicorn

    from ..web import create_app

    if public_reads and host not in LOOPBACK:
        raise click.UsageError("--public-reads is only allowed on a loopback address (--host 127.0.0.1)")
    if host not in LOOPBACK:
        click.echo(f"warning: listening on {host}: the API is reachable from other machines", err=True)
    app = create_app(ws.db_path, public_reads=public_reads, cache=not no_cache, workspace=ws)
    click.echo(f"RivalWatch on http://{host}:{port}/  (API /api, docs /docs; database {ws.db_path})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, proxy_headers=False)


@main.group()
def token() -> None:
    """Create, list and revoke API tokens (only a salted hash of each is stored).

    Example: rivalwatch token create --name alice --role analyst
    """


@token.command(name="create")
@click.option("--name", required=True, help="Who the token is for; shown in the audit trail.")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True,
              help="viewer reads; analyst also curates; admin also manages tokens.")
@format_option
@pass_workspace
def token_create(ws: Workspace, name: str, role: str, fmt: str) -> None:
    """Create a token and print it once: it cannot be shown again.

    Example: rivalwatch token create --name alice --role analyst
    """
    info, secret = ws.create_token(name=name, role=role)
    if fmt == "json":
        render.print_json(info.as_dict() | {"token": secret})
    else:
        click.echo(secret)
        click.echo(f"token {info.name!r} ({info.role}) created; it is shown only now. "
                   "Send it as `Authorization: Bearer <token>`.", err=True)


@token.command(name="list")
@format_option
@pass_workspace
def token_list(ws: Workspace, fmt: str) -> None:
    """List tokens: name, role, created, revoked (never a secret).

    Example: rivalwatch token list --format json
    """
    found = ws.tokens()
    if fmt == "json":
        render.print_json([t.as_dict() for t in found])
        return
    for t in found:
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        click.echo(f"{t.name}\t{t.role}\tcreated {t.created_at:%Y-%m-%d %H:%M}\t{state}")


@token.command(name="revoke")
@click.argument("name")
@format_option
@pass_workspace
def token_revoke(ws: Workspace, name: str, fmt: str) -> None:
    """Revoke a token: it stops working at once.

    Example: rivalwatch token revoke alice
    """
    info = ws.revoke_token(name)
    if fmt == "json":
        render.print_json(info.as_dict())
    else:
        click.echo(f"token {info.name!r} revoked")

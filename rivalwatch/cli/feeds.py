"""Feed commands: `feeds ingest` (poll feeds once), `feeds list` (what was polled) and `watch` (poll every so often)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from .. import render
from .base import MB, finish_batch, format_option, main, pass_workspace

if TYPE_CHECKING:
    from ..api import Workspace


def fetch_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Adds the options every feed command shares: --no-fetch, --timeout, --max-mb, --published."""
    for option in reversed((
        click.option("--no-fetch", is_flag=True,
                     help="Never fetch an entry's page: use the feed's own text, else its summary."),
        click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
                     help="Seconds to wait for a server to connect or send (a whole answer gets three times this)."),
        click.option("--max-mb", type=click.FloatRange(min=0, min_open=True), default=5.0, show_default=True,
                     help="Skip (and report) a feed or page larger than this many megabytes."),
        click.option("--published", metavar="DATE",
                     help="Publication date for entries that give none (ISO: 2024, 2024-07, 2024-07-14)."),
    )):
        command = option(command)
    return command


def _options(no_fetch: bool, timeout: float, max_mb: float, published: str | None) -> dict[str, Any]:
    return {"fetch_pages": not no_fetch, "timeout": timeout, "max_bytes": int(max_mb * MB), "published": published}


@main.group()
def feeds() -> None:
    """Read RSS and Atom feeds: each new entry becomes a document (its page is fetched when the feed holds a summary).

    Example: rivalwatch feeds ingest https://example.org/feed.xml
    """


@feeds.command(name="ingest")
@click.argument("sources", nargs=-1, required=True)
@fetch_options
@format_option
@pass_workspace
def feeds_ingest(ws: Workspace, sources: tuple[str, ...], no_fetch: bool, timeout: float, max_mb: float,
                 published: str | None, fmt: str) -> None:
    """Poll feeds (URLs or saved files) once: store and extract the entries not seen before.

    A feed that cannot be read prints one `error:` line and the others still go
    in; the exit code is then 1. Running it again adds only new entries.

    Example: rivalwatch feeds ingest https://example.org/feed.xml saved/feed.rss
    """
    with render.progress_bar("feeds") as progress:
        report = ws.ingest_feeds(sources, progress=progress, **_options(no_fetch, timeout, max_mb, published))
    render.outdated_note(ws.outdated())
    finish_batch(report, fmt, render.feeds_report)


@feeds.command(name="list")
@format_option
@pass_workspace
def feeds_list(ws: Workspace, fmt: str) -> None:
    """List the feeds polled so far: last status, entries seen, last error.

    Example: rivalwatch feeds list --format json
    """
    found = ws.feeds()
    if fmt == "json":
        render.print_json([f.as_dict() for f in found])
    else:
        render.feeds_table(found)


@main.command()
@click.argument("feeds_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--every", default="15m", show_default=True, metavar="INTERVAL",
              help="Time between rounds: 90s, 15m, 1h, 1h30m.")
@click.option("--once", is_flag=True, help="Run one round and stop (exit code 1 if a feed failed).")
@fetch_options
@format_option
@pass_workspace
def watch(ws: Workspace, feeds_file: Path, every: str, once: bool, no_fetch: bool, timeout: float, max_mb: float,
          published: str | None, fmt: str) -> None:
    """Poll the feeds FEEDS_FILE lists (one URL or path a line, # comments) every INTERVAL, ingesting what is new.

    Each round prints one line (one JSON object with --format json); a feed that
    is down prints one `error:` line and is tried again next round. The file is
    read again each round. Ctrl-C stops cleanly.

    Example: rivalwatch watch feeds.txt --every 15m
    """
    rounds = ws.watch(feeds_file, every=every, once=once, **_options(no_fetch, timeout, max_mb, published))
    failed = False
    try:
        for report in rounds:
            render.print_error_lines(report.errors)
            failed = bool(report.errors)
            if fmt == "json":
                render.print_json_line(report.as_dict())
            else:
                render.watch_round(report)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
        return
    if once and failed:
        click.get_current_context().exit(1)

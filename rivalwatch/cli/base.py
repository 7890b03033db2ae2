"""The `rivalwatch` command group and the options its commands share.

Each command parses its options, calls one `Workspace` method and prints the
result with `rivalwatch.render`; a `RivalWatchError` becomes a one-line error
with its code.
"""
from __future__ import annotations

import functools
import os
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from .. import render
from ..api import MODALITIES, RELATION_TYPES
from ..errors import RivalWatchError, internal_error_line

if TYPE_CHECKING:
    from ..api import Workspace

__all__ = ["main", "finish_batch", "format_option", "import_group", "input_options", "pass_workspace",
           "relation_filters"]

DEFAULT_DB = "rivalwatch.db"
MB = 1024 * 1024


GLOBAL_OPTIONS = ("--db", "--actors", "--workers", "--cluster")  # options of `rivalwatch` itself, each with a value


def hoist_global_options(args: list[str]) -> list[str]:
    """`rivalwatch ingest x.txt --db my.db` as `rivalwatch --db my.db ingest x.txt`: the global options
    are taken from wherever they stand (before a `--`) to the front."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            takes_next = "=" not in arg and i + 1 < len(args)
            front += args[i:i + 2] if takes_next else [arg]
            i += 2 if takes_next else 1
            continue
        rest.append(arg)
        i += 1
    return front + rest


class _Group(click.Group):
    """Turns library errors into `click.ClickException` (message keeps the code) and takes the
    global options after the command too."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args) if ctx.parent is None else args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RivalWatchError as exc:
            raise click.ClickException(str(exc)) from exc
        except (click.exceptions.Exit, click.ClickException):
            raise
        except (KeyboardInterrupt, click.Abort) as exc:
            click.echo("Interrupted: what was stored stays; run the same command again to go on.", err=True)
            if getattr(exc, "workers", False):  # queues to dead workers would hold the exit: leave now
                sys.stderr.flush()
                os._exit(INTERRUPTED_EXIT)  # committed writes are on disk; the open transaction rolls back
            ctx.exit(INTERRUPTED_EXIT)
        except Exception as exc:  # noqa: BLE001 -- a bug: one line and the log's path, not a traceback
            _failed(exc, ctx)


INTERNAL_EXIT = 3  # RivalWatch itself failed; 1 means some inputs were refused, 2 a usage error
INTERRUPTED_EXIT = 130  # Ctrl-C or SIGTERM, as shells report a SIGINT


class _Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM; `workers`: extraction worker processes were running (and were stopped)."""

    def __init__(self, workers: bool) -> None:
        super().__init__()
        self.workers = workers


def _stop(_signum: int, _frame: Any) -> None:
    """SIGINT and SIGTERM stop a command: its extraction workers at once, then it (open transactions roll back)."""
    import multiprocessing
    import warnings
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    warnings.filterwarnings("ignore", message=r"\[W127\]")  # spaCy's note that its workers were stopped
    raise _Interrupted(bool(children))


def _failed(exc: BaseException, ctx: click.Context) -> None:
    click.echo(f"Error: {internal_error_line(exc, 'rivalwatch ' + (ctx.invoked_subcommand or ''))}", err=True)
    ctx.exit(INTERNAL_EXIT)


def format_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Adds `--format table|json` to a command."""
    return click.option(
        "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
        help="Print a readable table, or JSON for other programs.",
    )(command)


def finish_batch(report: Any, fmt: str, summary: Callable[[Any], None]) -> None:
    """End a command over a batch: its error lines, then the report (JSON, or `summary` as a table);
    exit code 1 when any item failed (the others went in)."""
    render.print_error_lines(report.errors)
    if fmt == "json":
        render.print_json(report.as_dict())
    else:
        summary(report)
    if report.errors:
        click.get_current_context().exit(1)


def relation_filters(command: Callable[..., Any]) -> Callable[..., Any]:
    """Adds the filters of `relations`, shared by `export`: --source, --target, --type (as `rtype`),
    --since, --until, --modality and --group-level."""
    options = [
        click.option("--source", metavar="ACTOR", help="Source actor: an id or any alias, any case (ISKP, isis-k)."),
        click.option("--target", metavar="ACTOR", help="Target actor: an id or any alias, any case."),
        click.option("--type", "rtype", type=click.Choice(RELATION_TYPES, case_sensitive=False), help="Relation type."),
        click.option("--since", metavar="DATE",
                     help="Keep relations dated in or after this ISO date (2024, 2024-01); drops undated ones."),
        click.option("--until", metavar="DATE", help="Keep relations dated in or before this ISO date; drops undated ones."),
        click.option("--modality", type=click.Choice(MODALITIES, case_sensitive=False), help="Only this modality."),
        click.option("--group-level", is_flag=True, help="Roll persons and media outlets up to the group they belong to."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def input_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Adds `--published` and `--max-mb`, shared by commands that read files."""
    command = click.option("--max-mb", type=click.FloatRange(min=0, min_open=True), default=20.0, show_default=True,
                           help="Skip (and report) files larger than this many megabytes.")(command)
    return click.option("--published", metavar="DATE",
                        help="Publication date for documents that give none (ISO: 2024, 2024-07, 2024-07-14).")(command)


@dataclass
class _Session:
    """The options of `rivalwatch` itself. The workspace (store, knowledge base) opens when a
    command first needs it, so `--help` and `--version` load neither."""

    db: str
    actors_file: Path | None
    workers: int
    cluster: str | None = None
    workspace: Workspace | None = None

    def open(self) -> Workspace:
        if self.workspace is None:
            from ..api import Workspace
            self.workspace = Workspace(self.db, extra_actors=self.actors_file, n_process=self.workers,
                                       cluster=self.cluster)
        return self.workspace

    def close(self) -> None:
        if self.workspace is not None:
            self.workspace.close()


def pass_workspace(command: Callable[..., Any]) -> Callable[..., Any]:
    """Passes the session's `Workspace` as a command's first argument."""
    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        return ctx.invoke(command, ctx.find_object(_Session).open(), *args, **kwargs)
    return run


@click.group(cls=_Group)
@click.version_option(package_name="rivalwatch")
@click.option("--db", metavar="PATH|URL",
              default=lambda: os.environ.get("RIVALWATCH_DB", DEFAULT_DB), show_default="$RIVALWATCH_DB or ./rivalwatch.db",
              help="SQLite database file (created if missing) or a database URL.")
@click.option("--actors", "actors_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML file of your own actors, merged over the built-in knowledge base.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes to run extraction in.")
@click.option("--cluster", metavar="local:N|tcp://HOST:PORT",
              help="Extract on a Dask cluster: N local worker processes, or a running scheduler.")
@click.pass_context
def main(ctx: click.Context, db: str, actors_file: Path | None, workers: int, cluster: str | None) -> None:
    """RivalWatch: typed, evidence-linked relations between militant groups, from reporting.

    Example: rivalwatch demo
    """
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, _stop)
    if cluster is not None and workers > 1:
        raise click.UsageError("give --workers or --cluster, not both")
    session = _Session(db, actors_file, workers, cluster)
    ctx.obj = session
    ctx.call_on_close(session.close)


@main.group(name="import")
def import_group() -> None:
    """Import human-coded data sets into the database, kept apart from extracted relations.

    Example: rivalwatch import relationships militant_relationships_mmp.csv
    """

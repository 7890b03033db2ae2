"""Core commands: ingest, query, extract and evaluate."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import render
from ..api import ACTOR_KINDS
from .base import MB, finish_batch, format_option, input_options, main, pass_workspace, relation_filters

if TYPE_CHECKING:
    from ..api import Workspace


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@input_options
@format_option
@pass_workspace
def ingest(ws: Workspace, paths: tuple[Path, ...], published: str | None, max_mb: float, fmt: str) -> None:
    """Read files and folders (.txt .md .html .jsonl .pdf, Telegram .json exports), store new documents and extract them.

    Files already stored are skipped. A file that cannot be read prints one
    `error:` line and the rest still go in; the exit code is then 1. A Telegram
    export (a .json named here; from folders only result.json) adds only its new
    and edited messages; reposts of a stored text are linked to it.

    Example: rivalwatch ingest reports/ feed.jsonl --published 2024-12
    """
    with render.progress_bar("ingest") as progress:
        report = ws.ingest(paths, published=published, max_bytes=int(max_mb * MB), progress=progress)
    finish_batch(report, fmt, render.ingest_summary)


@main.command()
@click.option("--kind", type=click.Choice(ACTOR_KINDS, case_sensitive=False), help="Only actors of this kind.")
@format_option
@pass_workspace
def actors(ws: Workspace, kind: str | None, fmt: str) -> None:
    """List stored actors with their aliases and how often they are mentioned.

    Example: rivalwatch actors --kind armed_group
    """
    found = ws.actors(kind=kind)
    if fmt == "json":
        render.print_json([a.as_dict() for a in found])
    else:
        render.actors_table(found)


TABLE_ROWS = 50  # a table shows this many relations unless --limit or --all says otherwise


@main.command()
@relation_filters
@click.option("--limit", type=click.IntRange(min=1),
              help=f"Show at most this many relations (a table shows {TABLE_ROWS}; JSON all).")
@click.option("--all", "show_all", is_flag=True, help="A table of every relation that matches.")
@format_option
@pass_workspace
def relations(ws: Workspace, source: str | None, target: str | None, rtype: str | None, since: str | None,
              until: str | None, modality: str | None, group_level: bool, limit: int | None, show_all: bool,
              fmt: str) -> None:
    """List stored relations with the sentence each rests on, oldest first (undated last).

    Example: rivalwatch relations --source ISIS-K --type ASSAULT --since 2024-01
    """
    filters = {"source": source, "target": target, "type": rtype, "since": since, "until": until,
               "modality": modality, "group_level": group_level}
    if fmt == "json":
        render.print_json([r.as_dict() for r in ws.relations(**filters, limit=limit)])
        return
    if limit is None and not show_all:
        page = ws.relations_page(**filters, limit=TABLE_ROWS)
        render.relations_table(page.items, total=page.total)
        return
    render.relations_table(ws.relations(**filters, limit=limit))


@main.command()
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True, help="Documents per page.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, help="Documents to skip.")
@format_option
@pass_workspace
def documents(ws: Workspace, limit: int, offset: int, fmt: str) -> None:
    """List stored documents in ingest order: id, title, publication date, source, language, size.

    Example: rivalwatch documents --limit 20 --offset 40
    """
    page = ws.documents_page(limit=limit, offset=offset)
    if fmt == "json":
        render.print_json(page.as_dict())
    else:
        render.documents_table(page)


@main.command()
@click.argument("doc")
@format_option
@pass_workspace
def show(ws: Workspace, doc: str, fmt: str) -> None:
    """Show one document (its id, the first characters of it, or the file it was ingested from) and what
    was extracted from it.

    Example: rivalwatch show reports/clash.txt
    """
    if Path(doc).is_file():  # the file's (first) document, found by its content hash
        from ..errors import QueryError
        from ..ingest import read_file
        read = read_file(Path(doc))
        if not read.documents:
            raise QueryError(f"{doc}: {read.errors[0].reason if read.errors else 'no document in it'}")
        doc = read.documents[0].id
    view = ws.show(doc)
    if fmt == "json":
        render.print_json(view.as_dict())
    else:
        render.document_view(view)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write one gold-format JSON per document into (created if missing).")
@input_options
@format_option
@pass_workspace
def extract(ws: Workspace, files: tuple[Path, ...], out_dir: Path, published: str | None, max_mb: float,
            fmt: str) -> None:
    """Extract files to JSON in the gold format, without a database.

    Each input gives OUT/<stem>.json; a JSONL file with several records gives
    OUT/<stem>-1.json, OUT/<stem>-2.json, ...

    Example: rivalwatch extract report.txt --out out/
    """
    report = ws.extract(files, out_dir=out_dir, published=published, max_bytes=int(max_mb * MB))
    finish_batch(report, fmt, render.extract_summary)


@main.command(name="eval")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--docs", "docs_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder holding the documents the gold files annotate.")
@click.option("--against", type=click.Choice(["acled", "gtd"]),
              help="PATH is an ACLED or GTD file: compare extraction of each row's note with its coding.")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="With --against: your own name mapping (YAML, as for import).")
@click.option("--limit", type=click.IntRange(min=1), help="With --against: the first N rows with named actors only.")
@click.option("--verbose", is_flag=True, help="List the missed and spurious triples per document (with --against: "
              "every disagreement).")
@format_option
@pass_workspace
def eval_(ws: Workspace, path: Path, docs_dir: Path | None, against: str | None, mapping: Path | None,
          limit: int | None, verbose: bool, fmt: str) -> None:
    """Score the extractor against gold annotations (PATH a folder of gold JSON, with --docs), or against
    human-coded event data: with --against acled|gtd, PATH is the data file, and each row's note is
    extracted and compared with its coding (rivalwatch eval --against acled acled.csv --verbose).

    Example: rivalwatch eval demo/gold --docs demo/corpus --verbose
    """
    if against:
        with render.progress_bar("extract notes") as progress:
            report = ws.agreement(against, path, mapping=mapping, limit=limit, progress=progress)
        if fmt == "json":
            render.print_json(report.as_dict(verbose=verbose))
        else:
            render.agreement_report(report, verbose=verbose)
        return
    if docs_dir is None or not path.is_dir():
        raise click.UsageError("give a folder of gold files and --docs FOLDER, or --against acled|gtd FILE")
    result = ws.evaluate(path, docs_dir)
    if fmt == "json":
        render.print_json(result.as_dict(verbose=verbose))
    else:
        render.score_report(result, verbose=verbose)


@main.command()
@click.option("--outdated", "outdated_only", is_flag=True,
              help="Only documents the current extractor has not processed (goes on after an interrupted run).")
@format_option
@pass_workspace
def reextract(ws: Workspace, outdated_only: bool, fmt: str) -> None:
    """Run the current extractor again on every stored document, replacing its earlier output.

    Example: rivalwatch --db my.db reextract --outdated
    """
    with render.progress_bar("re-extract") as progress:
        report = ws.reextract(outdated_only=outdated_only, progress=progress)
    if fmt == "json":
        render.print_json(report.as_dict())
    else:
        click.echo(f"{report.documents} documents re-extracted by {report.version}: {report.relations} relations")


@main.command()
@format_option
@pass_workspace
def demo(ws: Workspace, fmt: str) -> None:
    """Ingest the bundled demo corpus into the database and show what was found.

    Example: rivalwatch --db demo.db demo
    """
    with render.progress_bar("demo") as progress:
        report = ws.demo(progress=progress)
    render.print_error_lines(report.ingest.errors)
    if fmt == "json":
        render.print_json(report.as_dict())
    else:
        render.demo_report(report)

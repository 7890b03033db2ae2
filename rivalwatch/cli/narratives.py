"""Narrative commands: `narratives` (themes of an actor's statements over time) and `brief` (one page on an actor)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import render
from .base import format_option, main, pass_workspace

if TYPE_CHECKING:
    from ..api import Workspace


@main.command()
@click.option("--actor", required=True, metavar="ACTOR", help="The actor whose statements to read: an id or any alias (ISKP).")
@click.option("--target", metavar="ACTOR", help="Only statements about this actor (group level).")
@click.option("--themes", type=click.IntRange(min=1), help="Number of themes; chosen by silhouette (2-8) when not given.")
@click.option("--all-types", is_flag=True, help="Cluster the evidence of every relation type, not only ACCUSE, REJECT, THREATEN.")
@click.option("--since", metavar="DATE", help="Only statements dated in or after this ISO date (relation date, else publication).")
@click.option("--until", metavar="DATE", help="Only statements dated in or before this ISO date.")
@format_option
@pass_workspace
def narratives(ws: Workspace, actor: str, target: str | None, themes: int | None, all_types: bool,
               since: str | None, until: str | None, fmt: str) -> None:
    """What an actor says about others: themes of its accusations, rejections and threats, and their share per quarter.

    Evidence sentences are embedded offline (a static table distilled from
    MiniLM) with the actors' names masked, clustered by k-means (seeded), and
    each theme labelled by its top c-TF-IDF terms, with example sentences.

    Example: rivalwatch narratives --actor ISKP --target TTP --themes 3
    """
    report = ws.narratives(actor=actor, target=target, themes=themes, all_types=all_types, since=since, until=until)
    if fmt == "json":
        render.print_json(report.as_dict())
    else:
        render.narratives_report(report)


@main.command()
@click.option("--actor", required=True, metavar="ACTOR", help="The actor to brief on: an id or any alias.")
@click.option("--since", metavar="DATE", help="Only relations dated in or after this ISO date (relation date, else publication).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write: .html (self-contained page), .md, or .pdf (needs Chromium).")
@format_option
@pass_workspace
def brief(ws: Workspace, actor: str, since: str | None, out: Path, fmt: str) -> None:
    """Write a one-page brief on an actor: key relations, dyads that moved, alerts, charts, themes, footnoted sources.

    Every statement cites the evidence sentences it rests on, quoted with their
    document's title, source and date. Ingested text is escaped: nothing in a
    document becomes live markup in the brief.

    Example: rivalwatch brief --actor ISKP --since 2024-01 --out brief.html
    """
    report = ws.brief(actor=actor, since=since, out=out)
    if fmt == "json":
        render.print_json(report.as_dict())
    else:
        render.brief_summary(report)

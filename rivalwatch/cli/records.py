"""Commands over claims, defections, media releases and places."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import render
from ..api import DEFECTION_PERIODS, PERIODS
from .base import format_option, main, pass_workspace

if TYPE_CHECKING:
    from ..api import Workspace

SINCE_HELP = "Keep records dated in or after this ISO date (2024, 2024-01); drops undated ones."
UNTIL_HELP = "Keep records dated in or before this ISO date; drops undated ones."


@main.command()
@click.option("--actor", metavar="ACTOR", help="Only claims by this actor (an id or alias; persons and outlets roll up).")
@click.option("--since", metavar="DATE", help=SINCE_HELP)
@click.option("--until", metavar="DATE", help=UNTIL_HELP)
@click.option("--tolerance-days", type=click.IntRange(min=0), default=1, show_default=True,
              help="Claims this many days apart can be of one attack (competing claims).")
@format_option
@pass_workspace
def claims(ws: Workspace, actor: str | None, since: str | None, until: str | None, tolerance_days: int,
           fmt: str) -> None:
    """List claims of responsibility with their sentence, and competing claims: two or more
    groups claiming what can be the same attack (same day within the tolerance, same place
    when both name one; a claim known only to the month matches claims in that month).

    Example: rivalwatch claims --actor ISKP --since 2024 --tolerance-days 2
    """
    report = ws.claims(actor=actor, since=since, until=until, tolerance_days=tolerance_days)
    if fmt == "json":
        render.print_json(report.as_dict())
    else:
        render.claims_report(report)


@main.command()
@click.option("--by", type=click.Choice(DEFECTION_PERIODS, case_sensitive=False), default="year", show_default=True,
              help="Count flows per year or per quarter.")
@click.option("--since", metavar="DATE", help=SINCE_HELP)
@click.option("--until", metavar="DATE", help=UNTIL_HELP)
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a Sankey-style chart to this .svg or .html file (self-contained, no script).")
@format_option
@pass_workspace
def defections(ws: Workspace, by: str, since: str | None, until: str | None, chart: Path | None, fmt: str) -> None:
    """Show where fighters go: DEFECT flows from group to group per period, each event
    (source group, target group, date) counted once however many documents report it.

    Example: rivalwatch defections --by quarter --since 2023 --chart flows.svg
    """
    report = ws.defections(by=by, since=since, until=until, chart=chart)
    if fmt == "json":
        render.print_json(report.as_dict())
    else:
        render.defections_report(report)


@main.command()
@click.option("--outlet", metavar="ACTOR", help="Only this outlet (an id or alias); a group gives all its outlets.")
@click.option("--by", type=click.Choice(PERIODS, case_sensitive=False), default="month", show_default=True,
              help="Count releases per month, quarter or year.")
@click.option("--since", metavar="DATE", help=SINCE_HELP)
@click.option("--until", metavar="DATE", help=UNTIL_HELP)
@format_option
@pass_workspace
def media(ws: Workspace, outlet: str | None, by: str, since: str | None, until: str | None, fmt: str) -> None:
    """Count media releases per outlet, period, format and language.

    Example: rivalwatch media --outlet Al-Azaim --by month --format json
    """
    report = ws.media(outlet=outlet, by=by, since=since, until=until)
    if fmt == "json":
        render.print_json(report.as_dict())
    else:
        render.media_report(report)


@main.command()
@click.option("--actor", metavar="ACTOR", help="Only relations this actor (an id or alias) is source or target of.")
@click.option("--since", metavar="DATE", help=SINCE_HELP)
@click.option("--until", metavar="DATE", help=UNTIL_HELP)
@format_option
@pass_workspace
def places(ws: Workspace, actor: str | None, since: str | None, until: str | None, fmt: str) -> None:
    """Count factual relations per province and country, with types and hostility; place names
    are geocoded offline with the bundled gazetteer, and those it cannot place are listed.

    Example: rivalwatch places --actor ISKP --since 2024
    """
    report = ws.places(actor=actor, since=since, until=until)
    if fmt == "json":
        render.print_json(report.as_dict())
    else:
        render.places_report(report)

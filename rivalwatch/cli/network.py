"""Network commands: `network` (signed actor network, balance, centrality, GraphML/GEXF) and
`import relationships` (human-coded seed relationships from a Mapping-Militants-style CSV)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import render
from ..api import GRAPH_FORMATS
from .base import import_group, main, pass_workspace

if TYPE_CHECKING:
    from ..api import Workspace


@main.command()
@click.option("--year", type=click.IntRange(min=1), help="Only this calendar year (by relation date, else publication date).")
@click.option("--since", metavar="DATE", help="Only events dated in or after this ISO date (2024, 2024-01); drops undated ones.")
@click.option("--until", metavar="DATE", help="Only events dated in or before this ISO date; drops undated ones.")
@click.option("--min-evidence", type=click.IntRange(min=1), default=1, show_default=True,
              help="Keep edges supported by at least this many documents (an imported row counts as one).")
@click.option("--actors-as-written", is_flag=True,
              help="Keep persons and media outlets as written instead of rolling them up to their group.")
@click.option("--include-imported/--no-imported", default=True, show_default=True,
              help="Add imported (human-coded) relations; their edges say origin 'imported'.")
@click.option("--undirected", is_flag=True, help="One edge per pair of actors instead of one per direction.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", *GRAPH_FORMATS]), default="table",
              show_default=True, help="A readable table, JSON (edges list their relation and document ids), "
                                      "or GraphML / GEXF for Gephi.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON, GraphML or GEXF to this file instead of standard output.")
@pass_workspace
def network(ws: Workspace, year: int | None, since: str | None, until: str | None, min_evidence: int,
            actors_as_written: bool, include_imported: bool, undirected: bool, fmt: str, out: Path | None) -> None:
    """Who is allied with and against whom: a signed, weighted actor network with structural balance.

    Edge sign: alliance (COOPERATE, SUPPORT, PLEDGE) against rivalry (ACCUSE,
    THREATEN, REJECT, ASSAULT, FIGHT, COERCE); weight: hostility weight x modality
    factor, summed over distinct events. Triads with an odd number of negative
    edges are unbalanced. Centrality: degree, weighted degree, betweenness.

    Example: rivalwatch network --year 2024 --format graphml --out net.graphml
    """
    if fmt == "table" and out is not None:
        raise click.UsageError("--out needs --format json, graphml or gexf")
    with render.progress_bar("network") as progress:
        net = ws.network(year=year, since=since, until=until, min_evidence=min_evidence, group_level=not actors_as_written,
                         include_imported=include_imported, directed=not undirected, progress=progress)
    if fmt == "table":
        render.network_report(net)
        return
    if fmt == "json":
        data = (json.dumps(net.as_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        data = ws.export_network(net, fmt)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)
        click.echo(f"wrote {out} ({len(net.nodes)} actors, {len(net.edges)} edges)")


@import_group.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML of group names the aliases do not resolve: `name as written: ACTOR_ID` (null skips it).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Print a readable table, or JSON for other programs.")
@pass_workspace
def relationships(ws: Workspace, file: Path, mapping: Path | None, fmt: str) -> None:
    """Import seed relationships from a Mapping-Militants-style CSV (type, group1_name, group2_name, date, description).

    all -> COOPERATE, riv -> ACCUSE, aff -> SUPPORT, spl -> DEFECT (group1's members
    leave for group2), mer -> COOPERATE (rivalwatch/knowledge/mmp.yaml). Each
    unresolved group name prints one line on stderr and its rows are skipped.
    Importing the same file again adds nothing.

    Example: rivalwatch import relationships militant_relationships_mmp.csv --mapping names.yaml
    """
    render.import_report(ws.import_relationships(file, mapping=mapping), fmt)

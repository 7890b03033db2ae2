"""Data exchange commands: `import acled|gtd|ucdp` (event data sets in), `export` (relations out)
and `events` (the imported events, listed)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from .. import render
from ..api import EVENT_ORIGINS, EXPORT_FORMATS, RELATION_TYPES
from .base import format_option, import_group, main, pass_workspace, relation_filters

if TYPE_CHECKING:
    from ..api import Workspace

# What each data set's command says about its layout (the readers are one, in ingest/events_csv.py).
_EVENT_HELP = {
    "acled": ("ACLED events (event_id_cnty, event_date, event_type, sub_event_type, actor1, actor2, admin1, "
              "fatalities, notes)",
              "Battles -> FIGHT; Violence against civilians, Explosions/Remote violence -> ASSAULT (actor1 -> "
              "actor2); Strategic developments: Agreement -> CONSULT, Arrests -> COERCE, the rest skipped",
              "acled_2024.csv"),
    "gtd": ("GTD incidents, .csv or .xlsx (eventid, iyear, imonth, iday, gname, targtype1_txt, corp1, "
            "country_txt, provstate, nkill, summary)",
            "The perpetrator (gname) ASSAULT its target: the state for military, police and government targets, "
            "civilians for citizens, schools and religious sites, the named group for militant targets",
            "gtd_2011.xlsx"),
    "ucdp": ("UCDP GED events (id, type_of_violence, side_a, side_b, date_start, date_prec, adm_1, best, "
             "source_headline)",
             "State-based and non-state conflict -> side_a FIGHT side_b; one-sided violence -> side_a ASSAULT "
             "civilians",
             "ged_pakistan.csv"),
}


def _import_command(origin: str) -> Callable[..., Any]:
    what, rules, example = _EVENT_HELP[origin]

    @click.argument("file", type=click.Path(path_type=Path))
    @click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="YAML of actor names the built-in mapping does not resolve: `name as written: ACTOR_ID` "
                       "(null skips the name), merged over rivalwatch/knowledge/event_names.yaml.")
    @format_option
    @pass_workspace
    def command(ws: Workspace, file: Path, mapping: Path | None, fmt: str) -> None:
        render.import_report(ws.import_events(origin, file, mapping=mapping), fmt)

    command.__doc__ = (
        f"Import {what} as relations, kept apart from extracted ones.\n\n"
        f"{rules} (rivalwatch/knowledge/event_types.yaml). Each unresolved actor name prints one line "
        "on stderr and its rows are skipped; a malformed file is one error naming its line. Importing "
        f"the same rows again adds nothing.\n\nExample: rivalwatch import {origin} {example}"
    )
    command.__name__ = origin
    return import_group.command(name=origin)(command)


for _origin in EVENT_ORIGINS:
    _import_command(_origin)


@main.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="csv (ACLED-like columns plus evidence), jsonl (PLOVER event records), graphml (the actor "
                   "network), stix (a STIX 2.1 bundle).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@relation_filters
@click.option("--include-imported", is_flag=True,
              help="Add imported rows (ACLED, GTD, UCDP, MMP), each naming its data set and row id.")
@pass_workspace
def export(ws: Workspace, fmt: str, out: Path | None, source: str | None, target: str | None, rtype: str | None,
           since: str | None, until: str | None, modality: str | None, group_level: bool,
           include_imported: bool) -> None:
    """Export relations with their evidence: CSV, PLOVER JSONL, GraphML or a STIX 2.1 bundle.

    Rows are streamed from the database and written as they come. STIX holds
    threat-actor and identity objects, relationships (start/stop time, confidence),
    a note with each evidence sentence and a report per source document; negated
    and hypothetical relations are left out of it.

    Example: rivalwatch export --format stix --source ISKP --since 2024 --out iskp.json
    """
    with render.progress_bar(f"export {fmt}") as progress:
        report = ws.export(fmt, out=out if out is not None else sys.stdout, source=source, target=target,
                           type=rtype, since=since, until=until, modality=modality, group_level=group_level,
                           include_imported=include_imported, progress=progress)
    if out is not None:
        render.export_summary(report)


@main.command()
@click.option("--origin", type=click.Choice([*EVENT_ORIGINS, "mmp"]), help="Only rows of this data set.")
@click.option("--source", metavar="ACTOR", help="Only events from this actor (an id or any alias).")
@click.option("--target", metavar="ACTOR", help="Only events to this actor (an id or any alias).")
@click.option("--type", "rtype", type=click.Choice(RELATION_TYPES, case_sensitive=False), help="Only this relation type.")
@click.option("--since", metavar="DATE", help="Only events dated in or after this ISO date.")
@click.option("--until", metavar="DATE", help="Only events dated in or before this ISO date.")
@click.option("--group-level", is_flag=True, help="Roll persons and media outlets up to the group they belong to.")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many events.")
@format_option
@pass_workspace
def events(ws: Workspace, origin: str | None, source: str | None, target: str | None, rtype: str | None,
           since: str | None, until: str | None, group_level: bool, limit: int | None, fmt: str) -> None:
    """List imported events (ACLED, GTD, UCDP, Mapping Militants), beside the extracted `relations`.

    Example: rivalwatch events --origin acled --source TTP --since 2015 --limit 20
    """
    found = ws.imported_events(origin=origin, source=source, target=target, type=rtype, since=since, until=until,
                               group_level=group_level, limit=limit)
    if fmt == "json":
        render.print_json([render.export_row_dict(e) for e in found])
    else:
        render.imported_events_table(found)

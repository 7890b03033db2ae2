"""How the CLI shows results: rich tables for people, JSON for programs.

Pure presentation: every function takes what a `Workspace` method returned and
prints it; nothing here queries or computes.
"""
from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from .api import DemoReport, DocScore, DocumentView, ExtractReport, IngestReport, Score, StoredActor, StoredRelation

PIPED_WIDTH = 160  # rich would wrap at 80 columns when output is not a terminal and COLUMNS is not set


def console(*, stderr: bool = False) -> Console:
    """A console on stdout (or stderr), as wide as $COLUMNS says when piped, else `PIPED_WIDTH`.

    Markup is off: every string is printed as it is, so ingested text such as
    "[red]...[/red]" or "[link=...]" can never style or hide output.
    """
    out = Console(stderr=stderr, markup=False)
    if not out.is_terminal:
        columns = os.environ.get("COLUMNS", "")
        out.width = int(columns) if columns.isdigit() and int(columns) >= 40 else PIPED_WIDTH
    return out


@contextmanager
def progress_bar(label: str) -> Iterator[Any]:
    """A transient progress bar on stderr (only on a terminal); yields a `progress(done, total, label)` callback."""
    err = console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int, item: str) -> None:
            progress.update(task, completed=done, total=total, description=item)

        yield update


def print_json(data: Any) -> None:
    """JSON on stdout, indented, non-ASCII kept as is."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_error_lines(errors: Sequence[str]) -> None:
    """One `error: path: reason [RW200]` line per failed input, on stderr."""
    for line in errors:
        sys.stderr.write(f"error: {line}\n")


def _key_values(title: str, rows: Sequence[tuple[str, Any]]) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in rows:
        table.add_row(key, "" if value is None else str(value))
    return table


def ingest_summary(report: IngestReport) -> None:
    console().print(_key_values("Ingest", [
        ("Files", report.files), ("Documents read", report.documents), ("Added", report.added),
        ("Duplicates skipped", report.duplicates), ("Extracted", report.extracted),
        ("Relations found", report.relations), ("Files with errors", len(report.errors)),
        *([("Updated (edited messages)", report.updated)] if report.updated else []),
        *([("Near-duplicates linked", report.near_duplicates)] if report.near_duplicates else []),
    ]))
    outdated_note(report.outdated)


def outdated_note(count: int) -> None:
    """Says that stored documents wait for `reextract` (to stderr: tables and JSON stay clean)."""
    if count:
        console(stderr=True).print(f"{count:,} document(s) were extracted by an older extractor version: "
                            "run `rivalwatch reextract --outdated` to update them.", markup=False, highlight=False)


def documents_table(page: Any) -> None:
    """One page of `Workspace.documents_page` (titles and sources as text, never markup), and what follows."""
    console().print(_table(f"Documents from {page.offset + 1} of {page.total:,}", (
        "Id", "Title", "Published", "Source", "Language", "Characters"), [
        (d.id, d.title, d.published, d.source, d.language, f"{d.chars:,}") for d in page.items]))
    following = page.offset + len(page.items)
    if following < page.total:
        console().print(f"{page.total - following:,} more: --offset {following}", markup=False, highlight=False)


def actors_table(actors: Sequence[StoredActor], *, title: str = "Actors") -> None:
    table = Table(title=f"{title} ({len(actors)})", title_justify="left")
    for column in ("Id", "Name", "Kind", "Part of", "Mentions", "Aliases"):
        table.add_column(column, justify="right" if column == "Mentions" else "left",
                         overflow="fold", ratio=3 if column == "Aliases" else None)
    for a in actors:
        name = f"{a.name} (discovered)" if a.discovered else a.name
        table.add_row(a.id, name, a.kind, a.part_of or "", str(a.mentions), _some(a.aliases))
    console().print(table)


def _as_written(rolled: str, written: str) -> str:
    return rolled if rolled == written else f"{rolled} ({written})"


def relations_table(relations: Sequence[StoredRelation], *, title: str = "Relations", show_doc: bool = True,
                    total: int | None = None) -> None:
    """Relations with their evidence; with `total`, the table is the first of that many, and says so."""
    shown = f"{len(relations)}" if total is None or total == len(relations) else f"first {len(relations)} of {total:,}"
    table = Table(title=f"{title} ({shown})", title_justify="left", show_lines=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Source")
    table.add_column("Type", no_wrap=True)
    table.add_column("Target")
    table.add_column("Modality", no_wrap=True)
    table.add_column("Where")
    table.add_column("Evidence", ratio=1, overflow="fold")
    if show_doc:
        table.add_column("Doc", no_wrap=True)
    for r in relations:
        row = [r.date or "", _as_written(r.source, r.source_as_written), r.type,
               _as_written(r.target, r.target_as_written), r.modality, r.location or "",
               (f"(p. {r.page}) " if r.page is not None else "") + " ".join(r.evidence.text.split())]
        table.add_row(*row, *([r.doc_id[:8]] if show_doc else []), style=None if r.modality in ("asserted", "alleged") else "dim")
    console().print(table)
    if total is not None and total > len(relations):
        console().print(f"{total - len(relations):,} more: --limit N or --all", markup=False, highlight=False)


def document_view(view: DocumentView) -> None:
    from .ingest.language import language_name  # the ingest package loads its readers
    d = view.document
    console().print(_key_values(f"Document {d.id}", [
        ("Title", d.title), ("Published", d.published), ("Source", d.source), ("URL", d.url),
        ("Characters", len(d.text)), *([("Pages", d.meta["page_count"])] if "page_count" in d.meta else []),
        ("Extracted by", ", ".join(view.versions) or "(not extracted)"),
        ("Language", language_name(d.language)), ("Analysis", _analysis(view.analysis)),
        *[("Near-duplicate of", f"{view.sources[0].doc_id} (its relations are not counted again)")
          for x in view.sources if x.this and x.how == "near-duplicate"],
    ]))
    relations_table(view.relations, show_doc=False)
    out = console()
    for x in view.sources if len(view.sources) > 1 else ():
        how = x.how + (f" {x.similarity:.2f}" if x.how == "near-duplicate" else "")
        out.print(f"source: {how}: {x.source} ({x.published or 'undated'}, doc {x.doc_id[:8]})"
                  + (" <- this" if x.this and x.how != "exact copy" else ""), highlight=False)
    for claim in view.claims:
        out.print(f"claim: {claim.actor} ({claim.date or 'undated'}, {claim.modality}): {claim.evidence.text}")
    for pub in view.publications:
        what = ", ".join(x for x in (pub.format, pub.language, pub.length, pub.title, pub.date) if x)
        out.print(f"publication: {pub.outlet} ({what}): {pub.evidence.text}")


def extract_summary(report: ExtractReport) -> None:
    out = console()
    for path, (_, extraction) in zip(report.written, report.results):
        out.print(f"wrote {path} ({len(extraction.relations)} relations)", highlight=False)


def _prf(counts: Any) -> str:
    return f"{counts.precision:.2f} / {counts.recall:.2f} / {counts.f1:.2f}"


def _score_row(doc: DocScore) -> list[str]:
    return [doc.doc, _prf(doc.actors), _prf(doc.exact), _prf(doc.quad), str(doc.nonfactual_as_fact)]


def agreement_report(report: Any, *, verbose: bool = False) -> None:
    """`eval --against`: rows reproduced and precision, overall and per coded event type."""
    out = console()
    table = Table(title=f"Agreement with {report.origin.upper()} coding ({report.file})", title_justify="left")
    for column in ("Event type", "Rows", "Reproduced", "Share", "Extracted", "Agreeing", "Precision"):
        table.add_column(column, justify="left" if column == "Event type" else "right")

    def row(name: str, tally: Any, **style: Any) -> None:
        d = tally.as_dict()
        table.add_row(name, str(d["rows"]), str(d["reproduced"]), f"{d['reproduced_share']:.2f}", str(d["extracted"]),
                      str(d["agreeing"]), f"{d['precision']:.2f}", **style)

    for name, tally in report.by_type().items():
        row(name, tally)
    table.add_section()
    row("overall", report.total, style="bold")
    out.print(table)
    out.print(f"{report.rows_read} rows read; {report.rows_without_named_actors} without two named actors "
              "(or of a type that codes no relation) left out.", highlight=False)
    if verbose:
        for r in report.disagreements():
            out.print(Text(f"\n{r.row_id} ({r.event_type}): coded {' '.join(r.coded)}", style="bold"))
            out.print(Text(r.text))
            for triple in r.extracted or [("(nothing extracted)",)]:
                out.print(f"  extracted: {' '.join(triple)}", highlight=False)


def score_report(result: Score, *, verbose: bool = False) -> None:
    out = console()
    table = Table(title="Evaluation (P / R / F1)", title_justify="left")
    for column in ("Document", "Actors", "Relations exact", "Relations quad", "Non-factual as fact"):
        table.add_column(column)
    for doc in result.docs:
        table.add_row(*_score_row(doc))
    table.add_section()
    table.add_row(*_score_row(result.total), style="bold")
    out.print(table)
    t = result.total
    out.print(
        f"overall: actors P={t.actors.precision:.3f} R={t.actors.recall:.3f} F1={t.actors.f1:.3f} | "
        f"relations exact P={t.exact.precision:.3f} R={t.exact.recall:.3f} F1={t.exact.f1:.3f} | "
        f"quad P={t.quad.precision:.3f} R={t.quad.recall:.3f} F1={t.quad.f1:.3f} | "
        f"negated/hypothetical predicted as fact: {t.nonfactual_as_fact}",
        highlight=False, soft_wrap=True,
    )
    if verbose:
        for doc in result.docs:
            out.print(Text(f"\n{doc.doc}", style="bold"))
            for label, triples in (("missed", doc.missed), ("spurious", doc.spurious),
                                   ("non-factual as fact", doc.nonfactual_hits)):
                for source, rtype, target in triples:
                    out.print(f"  {label}: {source} {rtype} {target}", highlight=False)


def demo_report(report: DemoReport) -> None:
    out = console()
    c = report.counts
    out.print(f"Demo corpus {report.corpus}: {c['documents']} documents, {c['actors']} actors, "
              f"{c['mentions']} mentions, {c['relations']} relations, {c['claims']} claims, "
              f"{c['publications']} publications.", highlight=False)
    actors_table(report.top_actors, title="Most mentioned actors")
    relations_table(report.relations, title="Relations (first by date)")
    out.print("Explore further: rivalwatch relations --source ISKP, rivalwatch actors, rivalwatch show DOC", highlight=False)


def _some(names: Sequence[str], shown: int = 4) -> str:
    """The first few names, and how many more (tables stay readable; JSON has them all)."""
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" (+{more} more)" if more > 0 else "")


# --- networks (rivalwatch network, rivalwatch import relationships) ------------------

_SIGNS = {1: "+", -1: "-", 0: "0"}
TRIAD_ROWS = 50  # a dense network has hundreds of thousands of triads


def network_report(net: Any) -> None:
    """A `Network`: its edges, actors with centrality, triads and the balance ratio."""
    out = console()
    window = f"{net.since or '...'} to {net.until or '...'}" if net.since or net.until else "all dates"
    out.print(f"Network, {window} ({'directed' if net.directed else 'undirected'}, "
              f"{'group level' if net.group_level else 'actors as written'}, min evidence {net.min_evidence}, "
              f"imported {'included' if net.include_imported else 'left out'}): "
              f"{len(net.nodes)} actors, {len(net.edges)} edges", highlight=False)
    edges = Table(title=f"Edges ({len(net.edges)})", title_justify="left")
    for column in ("Source", "Sign", "Target", "Weight", "Net", "Types", "Evidence", "Origin"):
        edges.add_column(column, justify="right" if column in ("Weight", "Net", "Evidence") else "left")
    for e in net.edges:
        types = ", ".join(f"{t} x{n}" if n > 1 else t for t, n in e.types.items())
        edges.add_row(e.source, _SIGNS[e.sign], e.target, f"{e.weight:g}", f"{e.net:g}", types, str(e.evidence),
                      ", ".join(e.origins), style="red" if e.sign < 0 else "green" if e.sign > 0 else None)
    out.print(edges)
    nodes = Table(title=f"Centrality ({len(net.nodes)})", title_justify="left")
    for column in ("Actor", "Kind", "Degree", "Weighted degree", "Allies", "Rivals", "Betweenness"):
        nodes.add_column(column, justify="left" if column in ("Actor", "Kind") else "right")
    for n in net.nodes:
        nodes.add_row(n.id, n.kind, str(n.degree), f"{n.weighted_degree:g}", str(n.positive), str(n.negative),
                      f"{n.betweenness:.3f}")
    out.print(nodes)
    shown = f", the first {TRIAD_ROWS}; all with --format json" if net.balance.triads > TRIAD_ROWS else ""
    triads = Table(title=f"Triads ({net.balance.triads}{shown})", title_justify="left")
    for column in ("Actors", "Signs", "Balanced", "Reading"):
        triads.add_column(column)
    for t in islice(net.triads(), TRIAD_ROWS):
        signs = ", ".join(f"{a}{_SIGNS[s]}{b}" for a, b, s in t.signs)
        triads.add_row(" / ".join(t.actors), signs, "yes" if t.balanced else "NO", t.reading,
                       style=None if t.balanced else "bold")
    out.print(triads)
    b = net.balance
    ratio = "no triads" if b.ratio is None else f"balance ratio {b.ratio:.3f}"
    out.print(f"Structural balance: {b.balanced} of {b.triads} triads balanced, {b.unbalanced} unbalanced ({ratio})",
              highlight=False)


def import_summary(report: Any) -> None:
    """An `ImportReport` as a key-value table."""
    console().print(_key_values(f"Import {report.file}", [
        ("Rows read", report.rows), ("Relations", report.relations), ("Added", report.added),
        ("Already imported", report.duplicates),
        ("By type", ", ".join(f"{t} {n}" for t, n in report.types.items())),
        ("Unresolved names", len(report.unresolved)), ("Rows skipped otherwise", len(report.skipped)),
    ]))


# --- claims, defections, media, places (rivalwatch claims / defections / media / places) -----

def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, lines: bool = False) -> Table:
    table = Table(title=f"{title} ({len(rows)})", title_justify="left", show_lines=lines)
    for column in columns:
        table.add_column(column, ratio=1 if column == "Evidence" else None,
                         overflow="fold" if column == "Evidence" else "ellipsis")
    for row in rows:
        table.add_row(*(Text("" if v is None else str(v)) for v in row))  # evidence is text, never markup
    return table


def _sentence(cited: Any) -> str:
    return f"{' '.join(cited.evidence.text.split())} [{cited.evidence.doc_id[:8]}]"


def claims_report(report: Any) -> None:
    """Claims with their sentence and document, then the competing claims."""
    out = console()
    out.print(_table("Claims", ("When", "Actor", "Group", "Where", "Modality", "Evidence"), [
        (c.when, c.actor, c.group, c.location, c.modality, _sentence(c.cited)) for c in report.claims], lines=True))
    out.print(_table(f"Competing claims (tolerance {report.tolerance_days} days)",
                     ("When", "Precision", "Groups", "Where", "Evidence"), [
        (i.when, i.precision, " vs ".join(i.groups), i.location,
         "\n".join(f"{c.group}: {_sentence(c.cited)}" for c in i.claims)) for i in report.competing], lines=True))


def defections_report(report: Any) -> None:
    """Flows per period, then the de-duplicated events with their sentences."""
    out = console()
    out.print(_table(f"Defection flows by {report.by}", ("Period", "From", "To", "Events", "Documents", "Reports"), [
        (f.period or "undated", f.source, f.target, f.events, f.documents, f.reports) for f in report.flows]))
    out.print(_table("Defection events", ("When", "From", "To", "Modality", "Evidence"), [
        (e.when, e.source, e.target, e.modality, "\n".join(_sentence(c) for c in e.evidence))
        for e in report.events], lines=True))
    if report.chart:
        out.print(f"chart written to {report.chart}", highlight=False)


def media_report(report: Any) -> None:
    """Releases per outlet, period, format and language, then totals by language and format."""
    out = console()
    out.print(_table(f"Media releases by {report.by}", ("Outlet", "Group", "Period", "Format", "Language", "Releases"), [
        (r.outlet, r.group, r.period or "undated", r.format, r.language, r.releases) for r in report.rows]))
    for what in ("outlet", "language", "format"):
        totals = report.totals(what)
        out.print(f"by {what}: " + (", ".join(f"{k} {n}" for k, n in totals.items()) or "none"), highlight=False)


def places_report(report: Any) -> None:
    """Relations per province and per country, then the place strings not resolved."""
    out = console()
    columns = ("Country", "Province", "Relations", "Hostility", "Types", "Places", "Docs")

    def rows(areas: Any) -> list[tuple[Any, ...]]:
        return [(a.country, a.province or "(country level)", a.relations, f"{a.hostility:g}",
                 ", ".join(f"{t} {n}" for t, n in sorted(a.types.items())), _some(list(a.places)), len(a.documents))
                for a in areas]

    out.print(_table("Relations by province", columns, rows(report.provinces)))
    out.print(_table("Relations by country", columns[:1] + columns[2:], [r[:1] + r[2:] for r in rows(report.countries)]))
    out.print(_table("Unresolved places", ("Place", "Relations"), list(report.unresolved.items())))
    out.print(f"{report.relations} factual relations, {report.unlocated} without a place", highlight=False)


# --- narratives and briefs (rivalwatch narratives, rivalwatch brief) ---------------------

def narratives_report(report: Any) -> None:
    """Themes with their top terms and share per period, then each theme's example sentences."""
    out = console()
    about = f" about {report.target}" if report.target else ""
    out.print(f"{report.actor}{about}: {report.statements} statements ({', '.join(report.types)}), "
              f"{report.k} themes ({report.chosen_by}, silhouette {report.silhouette:.2f})", highlight=False)
    if not report.themes:
        return
    table = Table(title="Themes (share of the period's statements)", title_justify="left", show_lines=True)
    for column in ("#", "Statements", "Top terms", "About", *report.periods):
        table.add_column(column, justify="right" if column not in ("Top terms", "About") else "left",
                         overflow="fold", ratio=2 if column == "Top terms" else None)
    for t in report.themes:
        table.add_row(str(t.number), str(t.size), ", ".join(t.terms), ", ".join(list(t.targets)[:3]),
                      *(f"{round(100 * t.shares[p])}%" if t.counts[p] else "" for p in report.periods))
    out.print(table)
    for t in report.themes:
        out.print(f"Theme {t.number}: {', '.join(t.terms[:4])}", style="bold", highlight=False, markup=False)
        for e in t.examples:
            out.print(f"  - {e.text} [{e.doc_id[:8]}, {e.when or 'undated'}]", highlight=False, markup=False)


def brief_summary(report: Any) -> None:
    """Where the brief went and what it holds."""
    console().print(f"wrote {report.path} ({report.format}): brief on {report.actor}, {report.statements} "
                    f"statements citing {report.footnotes} evidence sentences", highlight=False)


# --- feeds (rivalwatch feeds ingest|list, rivalwatch watch) ------------------------------

def feeds_report(report: Any) -> None:
    """One row per feed polled: what it listed, what was new, what was added."""
    table = _table("Feeds", ("Feed", "Status", "Entries", "New", "Added"),
                   [(f.feed, f.status, f.entries, f.new, f.added) for f in report.feeds])
    console().print(table)
    console().print(f"{report.added} documents added, {report.extracted} extracted, {report.relations} relations, "
                    f"{len(report.errors)} errors", highlight=False)


def watch_round(report: Any) -> None:
    """One line per round of `rivalwatch watch`."""
    down = sum(f.status == "error" for f in report.feeds)
    console().print(f"round {report.round} at {report.started:%Y-%m-%d %H:%M:%S}Z: {len(report.feeds)} feeds"
                    f"{f' ({down} down)' if down else ''}, {report.new} new entries, {report.added} added, "
                    f"{report.relations} relations", highlight=False)


def feeds_table(states: Sequence[Any]) -> None:
    """Feeds polled so far, with their last outcome."""
    console().print(_table("Feeds", ("Feed", "Status", "Entries seen", "Checked (UTC)", "Error"), [
        (f.url, f.status or "", f.entries, f"{f.checked_at:%Y-%m-%d %H:%M}" if f.checked_at else "", f.error or "")
        for f in states]))


def print_json_line(data: Any) -> None:
    """JSON on one line of stdout (one object per event, for streams such as `watch`)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


# --- data exchange (rivalwatch import acled/gtd/ucdp, export, events) --------------------

def export_row_dict(row: Any) -> dict[str, Any]:
    """An `ExportRow` (an imported event) as JSON: every field, dates as ISO text."""
    from dataclasses import asdict
    data = asdict(row)
    data["recorded_at"] = row.recorded_at.isoformat() if row.recorded_at else None
    return data


def imported_events_table(rows: Sequence[Any]) -> None:
    """Imported events with their data set, row id, place, deaths and text."""
    console().print(_table("Imported events", ("Date", "Source", "Type", "Target", "Data set", "Row", "Where",
                                               "Deaths", "Evidence"), [
        (r.date or "", _as_written(r.source, r.source_as_written), r.type, _as_written(r.target, r.target_as_written),
         r.origin, r.row_id, r.location or "", "" if r.fatalities is None else r.fatalities,
         " ".join(r.evidence.split()))
        for r in rows], lines=True))


def export_summary(report: Any) -> None:
    """One line on stderr: what an export wrote, and where."""
    stix = report.stix
    extra = (f" ({stix['relationships']} relationships, {stix['notes']} notes, {stix['reports']} reports, "
             f"{stix['actors']} actors; {stix['left_out']} negated or hypothetical left out)") if stix else ""
    unit = "edges" if report.format == "graphml" else "rows"
    console(stderr=True).print(f"wrote {report.out}: {report.rows} {unit} as {report.format}{extra}", highlight=False,
                               soft_wrap=True)


# --- languages and Telegram (rivalwatch languages, import telegram) ----------------------

def _analysis(level: str) -> str:
    return "full" if level == "full" else "partial: actors, mentions and dates only (not English)"


def languages_report(report: Any) -> None:
    """Coverage per language, totals, and (when listed) every document with its analysis level."""
    console().print(_table(f"Languages ({report.version})", (
        "Language", "Code", "Analysis", "Documents", "Near-duplicates", "Mentions", "Relations"), [
        (r.name, r.language, r.analysis, r.documents, r.near_duplicates, r.mentions, r.relations)
        for r in report.rows]))
    t = report.totals()
    console().print(f"{t['documents']} documents: {t['fully_analysed']} fully analysed, {t['partly_analysed']} "
                    f"partly analysed (actors, mentions, dates only)", highlight=False)
    if report.documents:
        console().print(_table("Documents", ("Doc", "Language", "Analysis", "Title", "Source"), [
            (x.doc_id[:8], x.name, x.analysis + (", near-duplicate" if x.near_duplicate else ""), x.title or "",
             x.source) for x in report.documents]))


def telegram_summary(report: Any) -> None:
    """A `TelegramReport` as a key-value table."""
    c = report.counts
    console().print(_key_values(f"Telegram {report.channel} ({report.channel_id})", [
        ("Outlet", report.outlet or "(none)"), ("Messages", report.messages), ("Skipped (service, empty)", report.skipped),
        ("Added", c.added), ("Exact copies of stored texts", c.copies), ("Edited", c.edited), ("Updated", c.updated),
        ("Unchanged", c.unchanged), ("Older than stored", c.older), ("Near-duplicates", c.near_duplicates),
        ("Releases (PUBLISH)", c.releases), ("Extracted", report.extracted), ("Relations found", report.relations),
    ]))


def import_report(report: Any, fmt: str) -> None:
    """An import's unresolved names (one line each on stderr), then its summary table or JSON."""
    for name, rows in report.unresolved.items():
        sys.stderr.write(f"unresolved: {name} ({rows} row{'s' if rows > 1 else ''} skipped): "
                         "add it to a --mapping file\n")
    if fmt == "json":
        print_json(report.as_dict())
    else:
        import_summary(report)

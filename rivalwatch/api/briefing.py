"""The narratives and brief side of `Workspace`: what an actor says, and one page on it.

`Workspace.narratives` and `Workspace.brief` delegate here, so the workspace
module stays a list of front doors. The brief gathers, at group level and from
the `since` date on (a relation's date, else its document's publication date):

- key relations, most evidenced first;
- the dyads that moved: hostility per quarter (weights of `knowledge/hostility.yaml`
  times modality factors), latest active quarter against the earlier mean;
- alerts: escalation, first material conflict, a dyad turning hostile;
- the actor's network (`Workspace.network`) and the themes of its statements
  (`analysis/narratives.py`);
and footnotes every statement with its evidence sentence.

Example:
    report = ws.brief(actor="ISKP", since="2024-01", out="brief.html")
    report.footnotes, report.path
"""
from __future__ import annotations

import datetime as _dt
import shutil
import subprocess
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .params import iso_date as _iso
from ..analysis.hostility import Hostility
from ..analysis.narratives import NarrativesReport, in_window, narratives as _narratives, period
from ..errors import QueryError, StoreError
from ..export.brief import Brief, Footnote, Section, Statement, to_html, to_markdown
from ..export.charts import network_svg, shares_svg, timeline_svg
from ..models import FACTUAL_MODALITIES
from ..store import StoredRelation

if TYPE_CHECKING:
    from .workspace import Workspace

__all__ = ["BriefReport", "narratives", "brief", "BRIEF_FORMATS"]

BRIEF_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".pdf": "pdf"}
KEY_RELATIONS = 12       # rows of the key-relations table
NOTES_PER_ROW = 2        # evidence sentences cited per row
MOVED_DYADS = 8          # rows of the dyads-that-moved table
CHART_DYADS = 5          # lines on the hostility timeline
ESCALATION_FACTOR = 2.0  # latest quarter at least this many times the earlier mean ...
ESCALATION_MIN = 5.0     # ... and at least this hostile
MATERIAL = ("ASSAULT", "FIGHT", "COERCE")
MAX_ALERTS = 8
NETWORK_NEIGHBOURS = 14  # neighbours drawn, strongest links first
PDF_TIMEOUT = 120




def narratives(ws: "Workspace", *, actor: str, target: str | None = None, themes: int | None = None,
               all_types: bool = False, since: str | None = None, until: str | None = None) -> NarrativesReport:
    """See `Workspace.narratives`."""
    if themes is not None and themes < 1:
        raise QueryError(f"invalid number of themes {themes}: give 1 or more")
    return _narratives(ws.store, actor=actor, version=ws.version, target=target, themes=themes,
                       all_types=all_types, since=_iso(since, "since"), until=_iso(until, "until"))


@dataclass
class BriefReport:
    """A written brief: where, in which format, and what it holds."""

    path: Path
    format: str
    actor: str
    statements: int
    footnotes: int
    brief: Brief

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "format": self.format, "actor": self.actor,
                "statements": self.statements, "footnotes": self.footnotes}


# --- gathering -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Rel:
    """A group-level relation seen from the actor: the other side, direction and date used."""

    r: StoredRelation
    other: str
    outgoing: bool
    when: str | None


class _Notes:
    """Footnotes numbered in order of first citation, one per evidence sentence."""

    def __init__(self, published: dict[str, str | None]) -> None:
        self.published = published
        self.by_key: dict[tuple[str, int], Footnote] = {}

    def cite(self, relations: Iterable[_Rel], limit: int = NOTES_PER_ROW) -> tuple[int, ...]:
        out: list[int] = []
        for rel in relations:
            ev = rel.r.evidence
            number = self.note(ev.doc_id, ev.start, ev.text, rel.r.doc_title, rel.r.doc_source, rel.r.date)
            if number not in out:
                out.append(number)
            if len(out) >= limit:
                break
        return tuple(out)

    def note(self, doc_id: str, start: int, text: str, title: str | None, source: str | None,
             date: str | None) -> int:
        """The footnote number of one evidence sentence (a new footnote on its first citation)."""
        key = (doc_id, start)
        if key not in self.by_key:
            self.by_key[key] = Footnote(
                number=len(self.by_key) + 1, text=" ".join(text.split()), doc_id=doc_id, doc_title=title,
                doc_source=source, published=self.published.get(doc_id), date=date)
        return self.by_key[key].number

    def all(self) -> tuple[Footnote, ...]:
        return tuple(sorted(self.by_key.values(), key=lambda f: f.number))


def _gather(ws: "Workspace", actor: str, since: str | None) -> tuple[str, list[_Rel], dict[str, str | None]]:
    ids = ws.store.resolve_actor(actor)
    outgoing = ws.store.relations(source=actor, group_level=True, version=ws.version)
    incoming = ws.store.relations(target=actor, group_level=True, version=ws.version)
    group = Counter(r.source for r in outgoing).most_common(1)[0][0] if outgoing else \
        Counter(r.target for r in incoming).most_common(1)[0][0] if incoming else sorted(ids)[0]
    published = {d.id: d.published for d in ws.store.documents(sorted({r.doc_id for r in [*outgoing, *incoming]}))}
    rels: list[_Rel] = []
    seen: set[int] = set()
    for r in [*outgoing, *incoming]:
        if r.id in seen or r.modality not in FACTUAL_MODALITIES or r.source == r.target:
            continue
        seen.add(r.id)
        out = r.source == group
        when = r.date or published.get(r.doc_id)
        if in_window(when, since):
            rels.append(_Rel(r=r, other=r.target if out else r.source, outgoing=out, when=when))
    rels.sort(key=lambda x: (x.when or "", x.r.doc_id, x.r.evidence.start))
    return group, rels, published


def _latest_first(rels: Sequence[_Rel]) -> list[_Rel]:
    return sorted(rels, key=lambda x: (x.r.modality != "asserted", -_ordinal(x.when), x.r.doc_id, x.r.evidence.start))


def _ordinal(when: str | None) -> int:
    return int((when or "0").replace("-", "").ljust(8, "0")[:8])


def _key_relations(group: str, rels: Sequence[_Rel], notes: _Notes) -> Section:
    rows: dict[tuple[bool, str, str], list[_Rel]] = defaultdict(list)
    for rel in rels:
        rows[(rel.outgoing, rel.other, rel.r.type)].append(rel)
    ranked = sorted(rows.items(), key=lambda kv: (-len({(x.r.doc_id, x.r.evidence.start) for x in kv[1]}),
                                                  -len({x.r.doc_id for x in kv[1]}), kv[0][1], kv[0][2]))
    statements = []
    for (out, other, rtype), group_rels in ranked[:KEY_RELATIONS]:
        sentences = len({(x.r.doc_id, x.r.evidence.start) for x in group_rels})
        docs = len({x.r.doc_id for x in group_rels})
        dated = sorted(x.when for x in group_rels if x.when)
        span = (dated[0] if dated[0] == dated[-1] else f"{dated[0]} to {dated[-1]}") if dated else "undated"
        alleged = sum(1 for x in group_rels if x.r.modality == "alleged")
        source, target = (group, other) if out else (other, group)
        text = f"{source} {rtype} {target}: {sentences} sentence(s) in {docs} document(s), {span}"
        statements.append(Statement(
            text=text, notes=notes.cite(_latest_first(group_rels)),
            cells=(source, rtype, target, str(sentences), str(docs), span,
                   f"{alleged} alleged" if alleged else "asserted"),
        ))
    return Section(title="Key relations", statements=tuple(statements),
                   columns=("Source", "Type", "Target", "Sentences", "Documents", "When", "Modality"),
                   lead=f"Relations of {group} with other actors (persons and media outlets rolled up to their "
                        "group), most evidenced first; dates are the relation's, else its document's. Negated "
                        "and hypothetical statements are left out.",
                   empty="No relations in this window.")


def _quarters(rels: Sequence[_Rel]) -> list[str]:
    found = sorted({period(x.when) for x in rels if x.when and "-Q" in period(x.when)})
    if not found:
        return []
    first, last = found[0], found[-1]
    year, quarter = int(first[:4]), int(first[-1])
    out = []
    while f"{year}-Q{quarter}" <= last:
        out.append(f"{year}-Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


@dataclass(frozen=True)
class _Pending:
    """A statement not yet footnoted: rows are ranked and cut before their sources are cited."""

    rank: tuple[Any, ...]
    text: str
    evidence: tuple[_Rel, ...]
    cells: tuple[str, ...] = ()

    def cite(self, notes: _Notes) -> Statement:
        return Statement(text=self.text, notes=notes.cite(self.evidence), cells=self.cells)


def _dyads(group: str, rels: Sequence[_Rel], hostility: Hostility) -> tuple[list[str], dict[str, dict[str, float]], list[_Pending], list[_Pending]]:
    """Quarters, hostility per dyad and quarter, the dyads that moved and the alerts (both ranked)."""
    quarters = _quarters(rels)
    series: dict[str, dict[str, float]] = defaultdict(lambda: {q: 0.0 for q in quarters})
    by_quarter: dict[tuple[str, str], list[_Rel]] = defaultdict(list)
    events: dict[tuple[Any, ...], float] = {}
    for rel in rels:
        q = period(rel.when)
        if q in quarters:
            # an event is (source, type, target, date): reported twice it counts once, at its strongest modality
            ends = tuple(sorted((rel.r.source, rel.r.target))) if rel.r.type == "FIGHT" else (rel.r.source, rel.r.target)
            key = (rel.other, q, rel.r.type, ends, rel.when)
            events[key] = max(events.get(key, 0.0), hostility.score(rel.r.type, rel.r.modality), key=abs)
            by_quarter[(rel.other, q)].append(rel)
    for (other, q, *_), value in events.items():
        series[other][q] += value
    moved, alerts = [], []
    for other, values in series.items():
        active = [q for q in quarters if by_quarter.get((other, q))]
        earlier = [values[q] for q in quarters if active and q < active[-1]]
        if not earlier:
            continue  # no quarter before the latest to compare with
        latest, mean = active[-1], sum(earlier) / len(earlier)
        change = values[latest] - mean
        now = sorted(by_quarter[(other, latest)], key=lambda x: -abs(hostility.score(x.r.type, x.r.modality)))
        if change:
            moved.append(_Pending(
                rank=(-abs(change), other), evidence=tuple(now),
                text=f"{group} and {other}: hostility {values[latest]:g} in {latest} against {mean:.1f} per quarter before",
                cells=(f"{group} / {other}", latest, f"{values[latest]:g}", f"{mean:.1f}", f"{change:+.1f}")))
        before = [rel for q in quarters if q < latest for rel in by_quarter.get((other, q), [])]
        alerts.extend(_alerts(group, other, latest, values[latest], mean, sum(earlier), now, before))
    return quarters, series, sorted(moved, key=lambda p: p.rank), sorted(alerts, key=lambda p: p.rank)


def _alerts(group: str, other: str, latest: str, value: float, mean: float, earlier_sum: float,
            now: list[_Rel], before: list[_Rel]) -> list[_Pending]:
    out = []
    if value >= ESCALATION_MIN and value >= ESCALATION_FACTOR * max(mean, 0.5):
        out.append(_Pending(rank=(0, -value, other), evidence=tuple(now),
                            text=f"Escalation: {group} / {other} hostility {value:g} in {latest}, "
                                 f"against {mean:.1f} per quarter before."))
    new = sorted({x.r.type for x in now if x.r.type in MATERIAL} - {x.r.type for x in before if x.r.type in MATERIAL})
    if before and new:
        out.append(_Pending(rank=(1, -value, other), evidence=tuple(x for x in now if x.r.type in new),
                            text=f"First {', '.join(new)} between {group} and {other} in this window, in {latest}."))
    if before and earlier_sum < 0 < value:
        out.append(_Pending(rank=(2, -value, other), evidence=tuple(now),
                            text=f"{group} / {other} turned hostile in {latest} after co-operation before."))
    return out


def _dyad_sections(group: str, rels: Sequence[_Rel], hostility: Hostility, notes: _Notes) -> tuple[Section, Section]:
    quarters, series, moved, alerts = _dyads(group, rels, hostility)
    top = sorted(series, key=lambda o: (-sum(abs(v) for v in series[o].values()), o))[:CHART_DYADS]
    chart = timeline_svg(quarters, {f"{group} / {o}": [series[o][q] for q in quarters] for o in top},
                         title=f"Hostility by quarter: {group} and its most active dyads") if quarters else ""
    dyads = Section(
        title="Dyads that moved", statements=tuple(p.cite(notes) for p in moved[:MOVED_DYADS]), chart_svg=chart,
        columns=("Dyad", "Latest quarter", "Hostility then", "Earlier mean", "Change"),
        lead="Hostility per quarter is the sum over events in both directions (a relation reported several "
             "times on one date counts once) of the weight of their type (a clash 10 ... a denunciation 2, "
             "co-operation negative) times 1 if asserted, 0.5 if alleged; relations dated only by year are left "
             "out of the quarters. A dyad's latest active quarter is compared with the mean of the quarters "
             "before it.",
        empty="No dyad has a quarter before its latest to compare with.")
    alert_section = Section(
        title="Alerts", statements=tuple(p.cite(notes) for p in alerts[:MAX_ALERTS]),
        lead=f"Escalation (latest quarter at least {ESCALATION_FACTOR:g} times the earlier mean and at least "
             f"{ESCALATION_MIN:g}), a first material conflict (attack, clash, crackdown), or a dyad turning hostile.",
        empty="No alerts in this window.")
    return dyads, alert_section


def _network(ws: "Workspace", group: str, since: str | None) -> Section:
    net = ws.network(since=since, group_level=True)
    own = [e for e in net.edges if group in (e.source, e.target)]
    strength: Counter[str] = Counter()
    for e in own:
        strength[e.target if e.source == group else e.source] += e.weight
    drawn = {n for n, _ in sorted(strength.items(), key=lambda kv: (-kv[1], kv[0]))[:NETWORK_NEIGHBOURS]}
    edges = [e for e in net.edges if (group in (e.source, e.target) and (e.source in drawn or e.target in drawn))
             or (e.source in drawn and e.target in drawn)]
    chart = network_svg(group, [(e.source, e.target, e.sign, e.weight) for e in edges],
                        title=f"{group}'s network: its relations and those among its neighbours") if edges else ""
    hidden = len(strength) - len(drawn)
    lead = (f"{len(strength)} actors linked to {group}" + (f" ({hidden} with the weakest links not drawn)" if hidden else "")
            + f"; structural balance of the whole network: {net.balance.balanced} of {net.balance.triads} triads "
            "balanced.") if edges else ""
    return Section(title="Network", chart_svg=chart, lead=lead, empty="No network edges in this window.")


def _themes(ws: "Workspace", group: str, since: str | None, notes: _Notes) -> Section:
    report = _narratives(ws.store, actor=group, version=ws.version, since=since)
    statements = []
    for theme in report.themes:
        cited = tuple(notes.note(e.doc_id, e.start, e.text, e.doc_title, e.doc_source,
                                 None if e.when == notes.published.get(e.doc_id) else e.when)
                      for e in theme.examples[:NOTES_PER_ROW])
        about = ", ".join(list(theme.targets)[:3])
        statements.append(Statement(
            text=f"Theme {theme.number} ({theme.size} statements; about {about}): {', '.join(theme.terms)}.",
            notes=cited, cells=(str(theme.number), str(theme.size), ", ".join(theme.terms), about)))
    chart = ""
    if report.themes:
        totals = [sum(t.counts[p] for t in report.themes) for p in report.periods]
        chart = shares_svg(list(report.periods),
                           {f"{t.number}: {', '.join(t.terms[:3])}": [t.shares[p] for p in report.periods]
                            for t in report.themes},
                           counts=totals, title=f"Themes of {group}'s statements: share by period")
    lead = (f"{report.statements} statements (accusations, rejections, threats) by {group}, grouped into "
            f"{report.k} themes (k by {report.chosen_by}) from offline sentence embeddings; each theme is labelled "
            "by its most distinctive words (c-TF-IDF) and cites the statements nearest its centre. Periods are "
            "quarters; a year alone means the text gave no month.") if statements else ""
    return Section(title="What it says about others", statements=tuple(statements), lead=lead, chart_svg=chart,
                   columns=("Theme", "Statements", "Top terms", "About"),
                   empty="No statements by this actor in this window.")


# --- the brief -----------------------------------------------------------------------

def build(ws: "Workspace", *, actor: str, since: str | None = None) -> Brief:
    """The brief's content (see the module docstring)."""
    since = _iso(since, "since")
    group, rels, published = _gather(ws, actor, since)
    notes = _Notes(published)
    hostility = Hostility.from_knowledge(ws.knowledge.hostility)
    key = _key_relations(group, rels, notes)
    dyads, alerts = _dyad_sections(group, rels, hostility, notes)
    network = _network(ws, group, since)
    themes = _themes(ws, group, since, notes)
    known = ws.knowledge.actors.get(group)
    return Brief(
        actor=group, actor_name=known.name if known else group, since=since,
        generated=_dt.date.today().isoformat(), documents=len({x.r.doc_id for x in rels}), relations=len(rels),
        sections=(key, dyads, alerts, network, themes), footnotes=notes.all(),
        notes=("Relations are extracted automatically from the documents cited; each statement rests on the "
               "sentences in its footnotes, which are quoted as written.",),
    )


def brief(ws: "Workspace", *, actor: str, out: str | Path, since: str | None = None) -> BriefReport:
    """See `Workspace.brief`."""
    path = Path(out)
    fmt = BRIEF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise QueryError(f"cannot write a brief to {path.name}: name the file .html, .md or .pdf")
    content = build(ws, actor=actor, since=since)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "markdown":
            path.write_text(to_markdown(content), encoding="utf-8")
        elif fmt == "html":
            path.write_text(to_html(content), encoding="utf-8")
        else:
            _pdf(to_html(content), path)
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return BriefReport(path=path, format=fmt, actor=content.actor, statements=content.statements,
                       footnotes=len(content.footnotes), brief=content)


def chromium() -> str | None:
    """The headless browser used for PDF output, if installed."""
    return next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)


def _pdf(html: str, path: Path) -> None:
    browser = chromium()
    if browser is None:
        raise QueryError("a PDF brief needs Chromium (apt-get install chromium); write .html and print it instead")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "brief.html"
        page.write_text(html, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={Path(tmp) / 'profile'}", "--no-pdf-header-footer",
                   f"--print-to-pdf={path.resolve()}", page.as_uri()]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=PDF_TIMEOUT)
        except (subprocess.SubprocessError, OSError) as exc:
            raise QueryError(f"Chromium could not print the PDF ({exc.__class__.__name__}); write .html instead") from exc
    if not path.exists():
        raise QueryError("Chromium printed no PDF; write .html instead")

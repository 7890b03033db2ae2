"""What the dashboard's pages show, gathered from one `Workspace`: plain records, no HTML.

Each function takes the workspace and returns one page's data: the overview,
an actor, a dyad (its hostility timeline and every evidence sentence with the
two sides' mentions located in it), the signed network of a year, relations on
a map, a document with its relations, and a search. Charts come ready as SVG
strings from `rivalwatch.export` (labels escaped); ingested text stays plain
text here, for the templates to escape.

Example:
    page = dyad_page(ws, "ISKP", "TTP", by="quarter")
    [(item.relation.type, item.marks) for item in page.items]
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence
from urllib.parse import quote, urlencode

from ..analysis.alerts import Alert
from ..analysis.dyads import PERIODS, DyadTimeline, resolve_side
from ..analysis.network import Network
from ..analysis.places import AreaCount, PlacesReport
from ..analysis.record_queries import rollup
from ..errors import NotFoundError, QueryError
from ..export.charts import timeline_svg
from ..export.figures import GraphEdge, GraphNode, MapPoint, graph_svg, map_svg
from ..models import Document, Mention
from ..store import StoredActor, StoredRelation
from ..store import browse
from ..store.browse import DocumentRow, PairRow

if TYPE_CHECKING:
    from .workspace import Workspace

__all__ = [
    "Mark", "Overview", "ActorPage", "EvidenceItem", "DyadPage", "NetworkPage", "MapPage", "DocumentPage",
    "SearchPage", "overview", "actor_page", "dyad_page", "network_page", "map_page", "document_page", "search",
    "PERIODS",
]

RELATIONS_SHOWN = 200     # relations listed on an actor page
ITEMS_SHOWN = 300         # evidence sentences listed on a dyad page
NODES_DRAWN = 150         # network nodes drawn (the most connected)


@dataclass(frozen=True)
class Mark:
    """A span to highlight: offsets into some text, a kind (`a`, `b`, `mention`, `evidence`) and a label."""

    start: int
    end: int
    kind: str
    label: str = ""
    ref: str = ""


@dataclass
class Overview:
    counts: dict[str, int]
    languages: list[tuple[str, int]]      # (language name, documents)
    documents: list[DocumentRow]
    alerts: list[Alert]
    alerts_by: str
    alert_summaries: list[str]
    pairs: list[PairRow]
    version: str


@dataclass
class ActorPage:
    actor: StoredActor
    parent: StoredActor | None
    members: list[StoredActor]
    chart: str
    outgoing: list[StoredRelation]
    incoming: list[StoredRelation]
    undated: int
    documents: list[DocumentRow]
    partners: list[tuple[str, int]]       # other group, relations either way


@dataclass(frozen=True)
class EvidenceItem:
    """One report of a dyad event: the relation, its sentence, and the marks of both sides in it."""

    period: str
    direction: str
    hostility: float
    relation: StoredRelation
    marks: tuple[Mark, ...]


@dataclass
class DyadPage:
    x: str
    y: str
    by: str
    timeline: DyadTimeline
    chart: str
    items: list[EvidenceItem]
    truncated: int


@dataclass
class NetworkPage:
    year: int | None
    years: list[int]
    network: Network
    svg: str
    hidden: int                           # nodes left out of the drawing (the least connected)


@dataclass
class MapPage:
    report: PlacesReport
    svg: str
    country: str | None
    countries: list[AreaCount]
    shown: list[AreaCount]


@dataclass
class DocumentPage:
    document: Document
    relations: list[StoredRelation]
    sentences: list[tuple[int, int, list[StoredRelation]]]   # (start, end, relations), numbered from 1 in order
    marks: tuple[Mark, ...]
    claims: list = field(default_factory=list)
    analysis: str = "full"                # "partial": not English, so actors, mentions and dates only


@dataclass
class SearchPage:
    query: str
    relations: list[StoredRelation]
    documents: list[DocumentRow]
    how: str                              # "full-text" or "substring"


# --- pages -----------------------------------------------------------------------------

def overview(ws: "Workspace", *, alerts: int = 6, pairs: int = 10, documents: int = 8, by: str = "quarter") -> Overview:
    """Counts, languages, the newest documents, the latest alerts and the most active pairs."""
    store, version = ws.store, ws.version
    report = ws.alerts(by=by, limit=max(alerts * 4, 1))
    newest = sorted(report.alerts, key=lambda a: (a.period, a.score), reverse=True)[:alerts]
    languages = [(row.name, row.documents) for row in ws.languages().rows]
    return Overview(counts=store.counts(version=version), languages=languages,
                    documents=browse.recent_documents(store, limit=documents), alerts=newest, alerts_by=by,
                    alert_summaries=[a.summary(by) for a in newest],
                    pairs=browse.active_pairs(store, version=version, limit=pairs), version=version)


def _actor(ws: "Workspace", actor_id: str) -> tuple[StoredActor, list[StoredActor]]:
    everyone = ws.actors()
    found = next((a for a in everyone if a.id == actor_id), None)
    if found is None:
        ids = ws.store.resolve_actor(actor_id)          # an alias: QueryError when unknown
        found = next((a for a in everyone if a.id in ids), None)
    if found is None:
        raise NotFoundError(f"unknown actor {actor_id!r}: list them with `rivalwatch actors`")
    return found, everyone


def actor_page(ws: "Workspace", actor_id: str) -> ActorPage:
    """An actor: aliases, the group it is part of, its members, relations by year both ways, its documents."""
    actor, everyone = _actor(ws, actor_id)
    by_id = {a.id: a for a in everyone}
    members = [a for a in everyone if a.part_of == actor.id]
    outgoing = ws.relations(source=actor.id, group_level=True)
    incoming = [r for r in ws.relations(target=actor.id, group_level=True) if r.source != actor.id]
    years = sorted({r.date[:4] for r in (*outgoing, *incoming) if r.date})
    counts_out = Counter(r.date[:4] for r in outgoing if r.date)
    counts_in = Counter(r.date[:4] for r in incoming if r.date)
    if years:
        span = [str(y) for y in range(int(years[0]), int(years[-1]) + 1)]
        chart = timeline_svg(span, {f"{actor.id} \u2192 others": [counts_out[y] for y in span],
                                    f"others \u2192 {actor.id}": [counts_in[y] for y in span]},
                             title=f"Relations of {actor.id} per year", y_label="relations", height=260)
    else:
        chart = ""
    partners = Counter()
    for r in outgoing:
        if r.target != actor.id:
            partners[r.target] += 1
    for r in incoming:
        partners[r.source] += 1
    latest = lambda rs: sorted(rs, key=lambda r: (r.date or "", r.id), reverse=True)[:RELATIONS_SHOWN]  # noqa: E731
    return ActorPage(
        actor=actor, parent=by_id.get(actor.part_of) if actor.part_of else None, members=members, chart=chart,
        outgoing=latest(outgoing), incoming=latest(incoming),
        undated=sum(1 for r in (*outgoing, *incoming) if not r.date),
        documents=browse.actor_documents(ws.store, [actor.id, *(m.id for m in members)], version=ws.version),
        partners=partners.most_common(15))


def _side_marks(relation: StoredRelation, mentions: Sequence[Mention], sides: dict[str, str]) -> tuple[Mark, ...]:
    """The mentions inside a relation's sentence whose actor is on side a or b, offsets relative to the sentence."""
    ev = relation.evidence
    marks = []
    for m in mentions:
        side = sides.get(m.actor_id)
        if side and ev.start <= m.start and m.end <= ev.end:
            marks.append(Mark(m.start - ev.start, m.end - ev.start, side, m.actor_id, m.how))
    return tuple(marks)


def dyad_page(ws: "Workspace", x: str, y: str, *, by: str = "quarter") -> DyadPage:
    """The hostility timeline of two actors and every report behind it, newest period first."""
    store, version = ws.store, ws.version
    timeline = ws.dyad(x, y, by=by)
    forward, backward = timeline.directions
    precise = [p for p in timeline.periods if p.precision == by]
    chart = timeline_svg([p.label for p in precise], {
        forward: [p.directions[forward].hostility for p in precise],
        backward: [p.directions[backward].hostility for p in precise],
        "dyad": [p.hostility for p in precise]}, title=f"Hostility per {by}: {timeline.x} and {timeline.y}") if precise else ""
    groups = rollup(store)
    xs, ys = resolve_side(store, x, as_written=False), resolve_side(store, y, as_written=False)
    sides = {a: ("a" if g in xs else "b") for a, g in groups.items() if g in xs or g in ys}
    sides.update({i: "a" for i in xs} | {i: "b" for i in ys})
    ordered = [(p, e) for p in [*reversed(timeline.periods), timeline.undated] for e in reversed(p.events)]
    wanted = [(p.label, e, rid) for p, e in ordered for rid in e.relation_ids]
    truncated = max(0, len(wanted) - ITEMS_SHOWN)
    wanted = wanted[:ITEMS_SHOWN]
    relations = {r.id: r for r in store.relations(ids=[rid for _, _, rid in wanted], version=version)} if wanted else {}
    mentions: dict[str, list[Mention]] = {}
    items = []
    for label, event, rid in wanted:
        relation = relations.get(rid)
        if relation is None:
            continue
        if relation.doc_id not in mentions:
            mentions[relation.doc_id] = browse.mentions(store, relation.doc_id, version=version)
        items.append(EvidenceItem(period=label, direction=event.direction, hostility=event.hostility,
                                  relation=relation, marks=_side_marks(relation, mentions[relation.doc_id], sides)))
    return DyadPage(x=timeline.x, y=timeline.y, by=by, timeline=timeline, chart=chart, items=items, truncated=truncated)


def network_page(ws: "Workspace", *, year: int | None = None, min_evidence: int = 1) -> NetworkPage:
    """The signed network of one year (or all years), laid out as SVG with links to actors and dyads."""
    years = browse.years(ws.store, version=ws.version)
    network = ws.network(year=year, min_evidence=min_evidence)
    drawn = sorted(network.nodes, key=lambda n: (-n.weighted_degree, n.id))[:NODES_DRAWN]
    shown = {n.id for n in drawn}
    nodes = [GraphNode(n.id, n.id, n.kind, n.weighted_degree) for n in drawn]
    edges = [GraphEdge(e.source, e.target, e.sign, e.weight) for e in network.edges
             if e.source in shown and e.target in shown]
    svg = graph_svg(nodes, edges, title=f"Signed network, {year if year is not None else 'all years'}",
                    node_link=lambda i: f"/actors/{quote(i, safe='')}",
                    edge_link=lambda e: "/dyad?" + urlencode({"x": e.source, "y": e.target}))
    return NetworkPage(year=year, years=years, network=network, svg=svg, hidden=len(network.nodes) - len(drawn))


def map_page(ws: "Workspace", *, actor: str | None = None, since: str | None = None, until: str | None = None,
             country: str | None = None) -> MapPage:
    """Factual relations per province as circles on a map; `country` (ISO alpha-3) zooms to one country."""
    report = ws.places(actor=actor, since=since, until=until)
    code = country.strip().upper() if country else None
    shown = [a for a in report.provinces if a.province and a.lat is not None and a.lon is not None
             and (code is None or a.country == code)]
    points = [MapPoint(f"{a.province}", a.lat, a.lon, a.relations, a.hostility,
                       detail=f"{a.relations} relations, hostility {a.hostility:g} ({a.country})")
              for a in shown]
    where = code or "all countries"
    svg = map_svg(points, title=f"Relations by province, {where}")
    return MapPage(report=report, svg=svg, country=code, countries=report.countries, shown=shown)


def document_page(ws: "Workspace", doc_id: str) -> DocumentPage:
    """A document's text with each evidence sentence (numbered) and actor mention located, and its relations."""
    view = ws.show(doc_id)
    document = view.document
    by_span: dict[tuple[int, int], list[StoredRelation]] = {}
    for r in view.relations:
        by_span.setdefault((r.evidence.start, r.evidence.end), []).append(r)
    sentences = [(start, end, rels) for (start, end), rels in sorted(by_span.items())]
    marks = [Mark(start, end, "evidence", str(n), f"s{n}") for n, (start, end, _) in enumerate(sentences, 1)]
    marks.extend(Mark(m.start, m.end, "mention", m.actor_id, m.how)
                 for m in browse.mentions(ws.store, document.id, version=ws.version))
    return DocumentPage(document=document, relations=view.relations, sentences=sentences, marks=tuple(marks),
                        claims=list(view.claims), analysis=view.analysis)


def search(ws: "Workspace", query: str, *, limit: int = 100) -> SearchPage:
    """Evidence sentences holding every word (the workspace's full-text search), each with its relations,
    and documents whose title or source contains the text."""
    text = " ".join(query.split())
    if not text:
        return SearchPage(query="", relations=[], documents=[], how="")
    hits = ws.search(text, limit=limit).items
    return SearchPage(query=text, relations=[r for hit in hits for r in hit.relations],
                      documents=browse.search_documents(ws.store, text), how="full-text")

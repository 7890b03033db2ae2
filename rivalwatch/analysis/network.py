"""Who is allied with and against whom: a signed, weighted actor network, its balance and centrality.

Built from `GroupEvent`s (extracted and imported relations) of one time slice,
given grouped by actor pair (as `store.events.events` streams them), one pair at
a time, so memory holds the edges, never every event:

1. **Events.** Only relation types with a network sign count (`network_sign` in
   `knowledge/hostility.yaml`: COOPERATE, SUPPORT, PLEDGE positive; ACCUSE,
   THREATEN, REJECT, ASSAULT, FIGHT, COERCE negative), and only modalities with a
   factor above zero (asserted 1, alleged 0.5; negated and hypothetical never
   count). An actor's relations with itself are left out.
2. **Deduplication.** One event is one (source, type, target, date): the same
   event reported by several documents (or twice in one) counts once, with the
   strongest modality any report gives; every report stays as its evidence.
   FIGHT is symmetric (ontology.md): "A FIGHT B" and "B FIGHT A" on one date are
   one clash, which counts on both directed edges.
3. **Edges.** Per directed pair (source -> target), or per unordered pair with
   `directed=False`: `weight` = sum of |hostility weight| x modality factor over
   its events; `net` = the same sum with each event's sign; `sign` = the sign of
   `net` (0 when alliance and rivalry weigh exactly the same). `evidence` counts
   the distinct supporting documents (an imported row counts as one); edges with
   fewer than `min_evidence` are dropped.
4. **Analysis** runs on the undirected projection of the kept edges (each pair's
   events counted once): a triad is three actors linked pairwise by signed
   edges; it is unbalanced when it holds an odd number of negative edges ("my
   ally's ally is my enemy", or three mutual enemies). Centrality: degree
   (neighbours), weighted degree (sum of pair weights), positive and negative
   degree, and betweenness (shortest paths by hop count, normalised; sign and
   weight do not shorten a path).

Example:
    net = build_network(events(store, version=VERSION), hostility, actors, min_evidence=2)
    [t.actors for t in net.triads() if not t.balanced]
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations, groupby, islice
from typing import Any, Iterable, Iterator, Mapping, Sequence

import networkx as nx

from ..models import SYMMETRIC_TYPES
from ..store.events import EXTRACTED, IMPORTED, GroupEvent
from .hostility import Hostility

__all__ = ["ActorInfo", "Edge", "Node", "Triad", "Balance", "Network", "build_network", "TRIAD_PATTERNS"]

DIGITS = 6  # weights are rounded to this many decimals (no 0.30000000000000004)

# Triads by their number of negative edges: (pattern, balanced, reading).
TRIAD_PATTERNS = {
    0: ("+++", True, "three allies"),
    1: ("++-", False, "my ally's ally is my enemy"),
    2: ("+--", True, "two allies share an enemy"),
    3: ("---", False, "three mutual enemies"),
}


@dataclass(frozen=True)
class ActorInfo:
    """What a node shows of its actor."""

    name: str
    kind: str
    part_of: str | None = None


@dataclass(slots=True)
class _Event:
    """One deduplicated event and the stored relations reporting it."""

    source: str
    type: str
    target: str
    when: str | None
    base: float            # |hostility weight|
    sign: int
    factor: float = 0.0    # the strongest modality factor among its reports
    reports: list[GroupEvent] = field(default_factory=list)

    @property
    def value(self) -> float:
        return self.base * self.factor


@dataclass(frozen=True)
class Edge:
    """A signed, weighted edge and the relations it rests on."""

    source: str
    target: str
    sign: int
    weight: float
    net: float
    positive: float
    negative: float
    types: dict[str, int]          # relation type -> events
    events: int
    evidence: int                  # distinct supporting documents (imported rows count one each)
    origins: tuple[str, ...]       # "extracted", "imported"
    relation_ids: tuple[int, ...]  # relations.id
    imported_ids: tuple[int, ...]  # imported_relations.id
    doc_ids: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "sign": self.sign, "weight": self.weight,
                "net": self.net, "positive": self.positive, "negative": self.negative, "types": dict(self.types),
                "events": self.events, "evidence": self.evidence, "origins": list(self.origins),
                "relation_ids": list(self.relation_ids), "imported_ids": list(self.imported_ids),
                "doc_ids": list(self.doc_ids)}


@dataclass(frozen=True)
class Node:
    """An actor in the network with its centrality (on the undirected projection)."""

    id: str
    name: str
    kind: str
    part_of: str | None
    degree: int
    weighted_degree: float
    positive: int          # allied neighbours
    negative: int          # hostile neighbours
    betweenness: float

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "part_of": self.part_of,
                "degree": self.degree, "weighted_degree": self.weighted_degree, "positive": self.positive,
                "negative": self.negative, "betweenness": self.betweenness}


@dataclass(frozen=True)
class Triad:
    """Three actors linked pairwise; `signs` lists (a, b, sign) for each of the three pairs."""

    actors: tuple[str, str, str]
    signs: tuple[tuple[str, str, int], ...]
    negatives: int
    pattern: str
    balanced: bool
    reading: str

    def as_dict(self) -> dict[str, Any]:
        return {"actors": list(self.actors), "signs": [list(s) for s in self.signs], "negatives": self.negatives,
                "pattern": self.pattern, "balanced": self.balanced, "reading": self.reading}


@dataclass(frozen=True)
class Balance:
    """How many triads are balanced; `ratio` is balanced / triads (None without triads)."""

    triads: int
    balanced: int
    unbalanced: int
    ratio: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"triads": self.triads, "balanced": self.balanced, "unbalanced": self.unbalanced, "ratio": self.ratio}


@dataclass(frozen=True)
class Network:
    """One time slice's network: edges (directed or not), nodes with centrality, triads and balance.

    `pairs` is the undirected projection the analysis runs on. Triads are listed
    on demand (`triads()`): a dense network has hundreds of thousands.
    """

    since: str | None
    until: str | None
    directed: bool
    group_level: bool
    min_evidence: int
    include_imported: bool
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    pairs: tuple[Edge, ...]
    balance: Balance

    def triads(self) -> Iterator[Triad]:
        """Unbalanced triads first, then balanced ones, each by their actors."""
        yield from (t for t in _triads(self.pairs) if not t.balanced)
        yield from (t for t in _triads(self.pairs) if t.balanced)

    def as_dict(self, *, triads: int | None = None) -> dict[str, Any]:
        """Everything as JSON types; `triads` lists only the first so many (the balance counts all)."""
        return {
            "slice": {"since": self.since, "until": self.until},
            "directed": self.directed, "group_level": self.group_level, "min_evidence": self.min_evidence,
            "include_imported": self.include_imported,
            "balance": self.balance.as_dict(),
            "nodes": [n.as_dict() for n in self.nodes],
            "edges": [e.as_dict() for e in self.edges],
            "triads": [t.as_dict() for t in islice(self.triads(), triads)],
        }


def _round(value: float) -> float:
    return round(value, DIGITS) + 0.0


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def _pair(event: GroupEvent) -> tuple[str, str]:
    return (event.source, event.target) if event.source <= event.target else (event.target, event.source)


def _deduplicate(events: Iterable[GroupEvent], hostility: Hostility) -> list[_Event]:
    """Signed events (of one actor pair), one per (source, type, target, date)."""
    merged: dict[tuple[Any, ...], _Event] = {}
    for event in events:
        source, target = event.source, event.target
        if event.type in SYMMETRIC_TYPES:
            source, target = _pair(event)
        key = (source, event.type, target, event.when)
        item = merged.get(key)
        if item is None:
            item = merged[key] = _Event(source, event.type, target, event.when,
                                        abs(hostility.weights.get(event.type, 0.0)), hostility.sign(event.type))
        item.factor = max(item.factor, hostility.modality_factors.get(event.modality, 0.0))
        item.reports.append(event)
    return list(merged.values())


def _ends(event: _Event, directed: bool) -> list[tuple[str, str]]:
    if not directed:
        return [tuple(sorted((event.source, event.target)))]  # type: ignore[list-item]
    if event.type in SYMMETRIC_TYPES:
        return [(event.source, event.target), (event.target, event.source)]
    return [(event.source, event.target)]


def _docs(events: Sequence[_Event]) -> set[str]:
    return {report.doc for event in events for report in event.reports}


def _edge(source: str, target: str, events: Sequence[_Event]) -> Edge:
    positive = sum(e.value for e in events if e.sign > 0)
    negative = sum(e.value for e in events if e.sign < 0)
    reports = [r for e in events for r in e.reports]
    return Edge(
        source=source, target=target, sign=_sign(_round(positive - negative)), weight=_round(positive + negative),
        net=_round(positive - negative), positive=_round(positive), negative=_round(negative),
        types=dict(sorted(Counter(e.type for e in events).items())), events=len(events), evidence=len(_docs(events)),
        origins=tuple(sorted({r.origin for r in reports})),
        relation_ids=tuple(sorted({r.id for r in reports if r.origin == EXTRACTED})),
        imported_ids=tuple(sorted({r.id for r in reports if r.origin == IMPORTED})),
        doc_ids=tuple(sorted({r.doc for r in reports if r.origin == EXTRACTED})),
    )


def _pair_edges(ends: tuple[str, str], events: Sequence[_Event], directed: bool,
                min_evidence: int) -> tuple[list[Edge], Edge | None]:
    """One actor pair's edges (one per direction, or one) with `min_evidence` documents, and their projection."""
    by_ends: dict[tuple[str, str], list[_Event]] = {}
    for event in events:
        for edge_ends in _ends(event, directed):
            by_ends.setdefault(edge_ends, []).append(event)
    kept = {ends: found for ends, found in by_ends.items() if len(_docs(found)) >= min_evidence}
    if not kept:
        return [], None
    projected = list({id(e): e for found in kept.values() for e in found}.values())  # a clash counts once
    return [_edge(s, t, found) for (s, t), found in kept.items()], _edge(*ends, projected)


def _triads(pairs: Iterable[Edge]) -> Iterator[Triad]:
    """The triads among signed pairs, by their actors."""
    signs = {frozenset((e.source, e.target)): e.sign for e in pairs if e.sign}
    neighbours: dict[str, set[str]] = {}
    for a, b in (tuple(k) for k in signs):
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    for a in sorted(neighbours):
        for b, c in combinations(sorted(n for n in neighbours[a] if n > a), 2):
            if c not in neighbours[b]:
                continue
            triple = [(x, y, signs[frozenset((x, y))]) for x, y in ((a, b), (a, c), (b, c))]
            negatives = sum(1 for *_, s in triple if s < 0)
            pattern, balanced, reading = TRIAD_PATTERNS[negatives]
            yield Triad((a, b, c), tuple(triple), negatives, pattern, balanced, reading)


def _nodes(pairs: Mapping[tuple[str, str], Edge], actors: Mapping[str, ActorInfo]) -> list[Node]:
    graph = nx.Graph()
    graph.add_edges_from(pairs)
    betweenness = nx.betweenness_centrality(graph, normalized=True) if graph.number_of_nodes() else {}
    touching: dict[str, list[Edge]] = {}
    for (a, b), edge in pairs.items():
        touching.setdefault(a, []).append(edge)
        touching.setdefault(b, []).append(edge)
    out = []
    for actor_id in graph.nodes:
        edges = touching[actor_id]
        info = actors.get(actor_id) or ActorInfo(name=actor_id, kind="unknown")
        out.append(Node(
            id=actor_id, name=info.name, kind=info.kind, part_of=info.part_of, degree=len(edges),
            weighted_degree=_round(sum(e.weight for e in edges)),
            positive=sum(1 for e in edges if e.sign > 0), negative=sum(1 for e in edges if e.sign < 0),
            betweenness=_round(betweenness.get(actor_id, 0.0)),
        ))
    return sorted(out, key=lambda n: (-n.weighted_degree, n.id))


def build_network(
    events: Iterable[GroupEvent], hostility: Hostility, actors: Mapping[str, ActorInfo], *,
    directed: bool = True, min_evidence: int = 1, since: str | None = None, until: str | None = None,
    group_level: bool = True, include_imported: bool = True,
) -> Network:
    """The signed network of `events` (see the module docstring for every rule).

    `since`, `until`, `group_level` and `include_imported` only describe how the
    events were chosen; they are reported with the network.
    """
    edges: list[Edge] = []
    done: set[tuple[str, str]] = set()
    pairs: dict[tuple[str, str], Edge] = {}
    signed = (e for e in events if e.source != e.target and hostility.sign(e.type)
              and hostility.modality_factors.get(e.modality, 0.0) > 0)
    for ends, found in groupby(signed, key=_pair):
        if ends in done:
            raise ValueError(f"events of {ends[0]} and {ends[1]} are not together: give them grouped by actor pair")
        done.add(ends)
        directed_edges, pair = _pair_edges(ends, _deduplicate(found, hostility), directed, min_evidence)
        edges.extend(directed_edges)
        if pair is not None:
            pairs[ends] = pair
    pairs = dict(sorted(pairs.items()))
    by_balance = Counter(t.balanced for t in _triads(pairs.values()))
    balanced, unbalanced = by_balance[True], by_balance[False]
    triads = balanced + unbalanced
    return Network(
        since=since, until=until, directed=directed, group_level=group_level, min_evidence=min_evidence,
        include_imported=include_imported, nodes=tuple(_nodes(pairs, actors)),
        edges=tuple(sorted(edges, key=lambda e: (-e.weight, e.source, e.target))), pairs=tuple(pairs.values()),
        balance=Balance(triads=triads, balanced=balanced, unbalanced=unbalanced,
                        ratio=_round(balanced / triads) if triads else None),
    )

"""GraphML and GEXF writers for a `Network`, for Gephi, Cytoscape or networkx.

Nodes carry `name` (also the GEXF `label`), `kind`, `part_of` ("" when none) and
their centrality; edges carry `sign` (+1 alliance, -1 rivalry, 0 mixed),
`weight` (always positive: intensity), `net`, `types` ("ACCUSE;ASSAULT"),
`events`, `evidence` (supporting documents), `origin` ("extracted",
"imported" or "extracted;imported") and the ids that trace the edge to its
relations (`relation_ids`, `imported_ids`, `doc_ids`, each ";"-separated).
Lists are joined because neither format has a list type.

Example:
    Path("net.graphml").write_bytes(to_graphml(network))
"""
from __future__ import annotations

import io
from typing import Callable

import networkx as nx

from ..analysis.network import Network

__all__ = ["FORMATS", "to_graph", "to_graphml", "to_gexf", "write_graph"]


def _joined(values: object) -> str:
    return ";".join(str(v) for v in values)  # type: ignore[attr-defined]


def to_graph(network: Network) -> nx.Graph:
    """The network as a networkx `DiGraph` (directed) or `Graph`, with every attribute set."""
    graph: nx.Graph = nx.DiGraph() if network.directed else nx.Graph()
    graph.graph.update({"since": network.since or "", "until": network.until or "",
                        "min_evidence": network.min_evidence, "balance_ratio": -1.0 if network.balance.ratio is None
                        else network.balance.ratio})
    for node in network.nodes:
        graph.add_node(node.id, label=node.name, name=node.name, kind=node.kind, part_of=node.part_of or "",
                       degree=node.degree, weighted_degree=node.weighted_degree, betweenness=node.betweenness)
    for edge in network.edges:
        graph.add_edge(edge.source, edge.target, sign=edge.sign, weight=edge.weight, net=edge.net,
                       types=_joined(edge.types), events=edge.events, evidence=edge.evidence,
                       origin=_joined(edge.origins), relation_ids=_joined(edge.relation_ids),
                       imported_ids=_joined(edge.imported_ids), doc_ids=_joined(edge.doc_ids))
    return graph


def to_graphml(network: Network) -> bytes:
    """GraphML (UTF-8) of the network."""
    out = io.BytesIO()
    nx.write_graphml(to_graph(network), out, encoding="utf-8", named_key_ids=True)
    return out.getvalue()


def to_gexf(network: Network) -> bytes:
    """GEXF 1.2 (UTF-8) of the network; `weight` is the native edge weight, `label` the node's name."""
    out = io.BytesIO()
    nx.write_gexf(to_graph(network), out, encoding="utf-8", version="1.2draft")
    return out.getvalue()


FORMATS: dict[str, Callable[[Network], bytes]] = {"graphml": to_graphml, "gexf": to_gexf}


def write_graph(network: Network, fmt: str) -> bytes:
    """The network in `fmt` (graphml or gexf)."""
    return FORMATS[fmt](network)

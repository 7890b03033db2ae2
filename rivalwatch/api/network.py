"""The network side of `Workspace`: signed actor networks, their export, and imported seed relationships.

`Workspace.network`, `Workspace.export_network` and `Workspace.import_relationships`
delegate here, so the workspace module stays a list of front doors.

Example:
    net = ws.network(year=2024, min_evidence=2)
    Path("net.gexf").write_bytes(ws.export_network(net, "gexf"))
    ws.import_relationships("militant_relationships_mmp.csv", mapping="my_names.yaml")
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analysis.hostility import Hostility
from ..analysis.network import ActorInfo, Network, build_network
from ..dates import parse_date
from ..errors import KnowledgeError, QueryError
from ..export.graph import FORMATS, write_graph
from ..models import GRAPH_FORMATS
from ..ingest.relationships import (
    NameResolver, alias_index, load_mmp_rules, load_name_mapping, read_relationships, to_relations,
)
from ..store.events import add_imported, count_events, events
from .reports import Progress, counted

if TYPE_CHECKING:
    from .workspace import Workspace

__all__ = ["GRAPH_FORMATS", "ImportReport", "Network", "network", "export_network", "import_relationships"]



@dataclass
class ImportReport:
    """One import of a relationships table: rows read, stored, skipped, and names that did not resolve."""

    file: str
    rows: int = 0                  # data rows in the file
    relations: int = 0             # rows that became relations
    added: int = 0                 # of those, new to the store
    duplicates: int = 0            # already imported before: skipped
    types: dict[str, int] = field(default_factory=dict)       # relation type -> rows
    unresolved: dict[str, int] = field(default_factory=dict)  # group name -> rows skipped for it
    skipped: list[str] = field(default_factory=list)          # "line 12 (row 19): reason"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "rows": self.rows, "relations": self.relations, "added": self.added,
                "duplicates": self.duplicates, "types": dict(self.types), "unresolved": dict(self.unresolved),
                "skipped": list(self.skipped)}


def _slice(year: int | None, since: str | None, until: str | None) -> tuple[str | None, str | None]:
    if year is not None:
        if since is not None or until is not None:
            raise QueryError("give either a year or since/until, not both")
        return str(year), str(year)
    window = []
    for value, what in ((since, "since"), (until, "until")):
        iso = None if value is None else parse_date(value)
        if value is not None and iso is None:
            raise QueryError(f"invalid {what} date {value!r}: use ISO such as 2024, 2024-07 or 2024-07-14")
        window.append(iso)
    return window[0], window[1]


def _actor_info(ws: "Workspace") -> dict[str, ActorInfo]:
    """Every known actor's name, kind and group: stored actors over the knowledge base."""
    info = {a.id: ActorInfo(a.name, a.kind, a.part_of) for a in ws.knowledge.actors.values()}
    info.update({a.id: ActorInfo(a.name, a.kind, a.part_of) for a in ws.store.actors()})
    return info


def network(
    ws: "Workspace", *, year: int | None = None, since: str | None = None, until: str | None = None,
    min_evidence: int = 1, group_level: bool = True, include_imported: bool = True, directed: bool = True,
    progress: Progress | None = None,
) -> Network:
    """The signed actor network of one time slice (see `analysis.network` for every rule)."""
    if min_evidence < 1:
        raise QueryError(f"invalid min-evidence {min_evidence}: give 1 or more")
    since, until = _slice(year, since, until)
    found = events(ws.store, version=ws.version, since=since, until=until, as_written=not group_level,
                   include_imported=include_imported)
    if progress is not None:
        total = count_events(ws.store, version=ws.version, since=since, until=until, include_imported=include_imported)
        found = counted(found, total, progress, "network")
    return build_network(found, Hostility.from_knowledge(ws.knowledge.hostility), _actor_info(ws),
                         directed=directed, min_evidence=min_evidence, since=since, until=until,
                         group_level=group_level, include_imported=include_imported)


def export_network(network: Network, fmt: str) -> bytes:
    """The network as a GraphML or GEXF file's bytes."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown graph format {fmt!r}: use one of {', '.join(FORMATS)}")
    return write_graph(network, fmt)


def _resolver(ws: "Workspace", mapping: str | Path | None) -> NameResolver:
    kb = ws.knowledge
    names = dict(load_mmp_rules().names)
    if mapping is not None:
        names.update(load_name_mapping(mapping))
    stored = {a.id for a in ws.store.actors()}
    unknown = sorted({v for v in names.values() if v is not None and v not in kb.actors and v not in stored})
    if unknown:
        raise KnowledgeError(f"{mapping or 'knowledge/mmp.yaml'}: unknown actor ids {', '.join(unknown)}; "
                             "use ids from `rivalwatch actors` or the knowledge base")
    aliases = alias_index(kb.actors.values())

    def stored_actor(name: str) -> str | None:
        try:
            ids = ws.store.resolve_actor(name)
        except QueryError:
            return None
        return next(iter(ids)) if len(ids) == 1 else None

    states = frozenset(a.id for a in kb.actors.values() if a.kind == "state")
    return NameResolver(aliases, mapping=names, states=states, fallback=stored_actor)


def import_relationships(ws: "Workspace", path: str | Path, *, mapping: str | Path | None = None) -> ImportReport:
    """Read a Mapping-Militants-style CSV and store its rows as imported relations (origin "mmp")."""
    resolver = _resolver(ws, mapping)
    rows = read_relationships(path)
    result = to_relations(rows, resolver=resolver, rules=load_mmp_rules(), source_file=Path(path).name,
                          rollup=ws.knowledge.rollup)
    added = add_imported(ws.store, result.relations)
    return ImportReport(
        file=str(path), rows=len(rows), relations=len(result.relations), added=added,
        duplicates=len(result.relations) - added,
        types=dict(sorted(Counter(r.type for r in result.relations).items())),
        unresolved=dict(sorted(result.unresolved.items(), key=lambda kv: (-kv[1], kv[0]))),
        skipped=list(result.skipped),
    )

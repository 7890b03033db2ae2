"""What an actor says about others: themes of its statements, and their share over time.

The statements are the evidence sentences of the actor's group-level verbal
relations (ACCUSE, REJECT, THREATEN; `knowledge/narratives.yaml`), one per
sentence. Each is embedded with the static MiniLM table (`embeddings.py`) after
the names of the actors it is about are masked, so sentences group by what is
said rather than by whom; k-means (seeded) groups them into themes, k given or
chosen by silhouette. A theme is labelled with its top terms by class-based
TF-IDF, shown by the sentences nearest its centre, and counted per quarter.

Example:
    report = narratives(store, actor="ISKP", version=VERSION)
    [(t.terms[:3], t.shares) for t in report.themes]
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import yaml

from ..errors import KnowledgeError
from ..models import group_of_each
from ..store import Store, StoredActor, StoredRelation
from .clustering import choose_k, ctfidf, kmeans, silhouette
from ..extract.embeddings import StaticEmbedder
from .record_queries import in_window  # re-exported for the brief

__all__ = ["Statement", "Theme", "NarrativesReport", "narratives", "find_themes", "period", "in_window", "settings"]

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "narratives.yaml"
WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
UNDATED = "undated"


@lru_cache(maxsize=1)
def settings() -> dict[str, Any]:
    """`knowledge/narratives.yaml`: statement types, k range, label stop words."""
    try:
        data = yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{SETTINGS_FILE}: cannot read ({exc})") from exc
    if not isinstance(data, dict) or not data.get("statement_types"):
        raise KnowledgeError(f"{SETTINGS_FILE}: needs a statement_types list")
    return data


def period(when: str | None) -> str:
    """The quarter of an ISO date ("2024-07-14" -> "2024-Q3"); a year alone stays a year; None is "undated"."""
    if not when:
        return UNDATED
    if len(when) >= 7 and when[5:7].isdigit():
        return f"{when[:4]}-Q{(int(when[5:7]) - 1) // 3 + 1}"
    return when[:4]




def _period_key(p: str) -> tuple[int, str]:
    return (1, p) if p == UNDATED else (0, p)


@dataclass(frozen=True)
class Statement:
    """One evidence sentence of the actor's, with what it is about."""

    text: str
    doc_id: str
    start: int
    when: str | None
    targets: tuple[str, ...]
    types: tuple[str, ...]
    doc_title: str | None = None
    doc_source: str | None = None
    names: tuple[str, ...] = ()   # names to mask before embedding and labelling

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "doc_id": self.doc_id, "start": self.start, "when": self.when,
                "targets": list(self.targets), "types": list(self.types), "doc_title": self.doc_title,
                "doc_source": self.doc_source}


@dataclass(frozen=True)
class Theme:
    """A cluster of statements: its label terms, nearest examples, counts and shares per period."""

    number: int
    size: int
    terms: tuple[str, ...]
    examples: tuple[Statement, ...]
    counts: dict[str, int]
    shares: dict[str, float]
    targets: dict[str, int]
    statements: tuple[Statement, ...] = field(repr=False, default=())

    def as_dict(self) -> dict[str, Any]:
        return {"theme": self.number, "size": self.size, "terms": list(self.terms),
                "examples": [e.as_dict() for e in self.examples], "counts": dict(self.counts),
                "shares": dict(self.shares), "targets": dict(self.targets)}


@dataclass(frozen=True)
class NarrativesReport:
    """The themes of one actor's statements (about `target`, or anyone)."""

    actor: str
    target: str | None
    types: tuple[str, ...]
    statements: int
    k: int
    chosen_by: str          # "given", "silhouette" or "too few statements"
    silhouette: float
    periods: tuple[str, ...]
    themes: tuple[Theme, ...]
    embedder: str = StaticEmbedder.name

    def as_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "target": self.target, "types": list(self.types),
                "statements": self.statements, "k": self.k, "chosen_by": self.chosen_by,
                "silhouette": round(self.silhouette, 4), "periods": list(self.periods),
                "embedder": self.embedder, "themes": [t.as_dict() for t in self.themes]}


# --- from the store ------------------------------------------------------------------

def narratives(
    store: Store, *, actor: str, version: str, target: str | None = None, themes: int | None = None,
    all_types: bool = False, since: str | None = None, until: str | None = None,
    embedder: StaticEmbedder | None = None,
) -> NarrativesReport:
    """The themes of `actor`'s statements (group level), from the store.

    `since`/`until` (ISO prefixes) apply to each statement's date: the relation's,
    else its document's publication date.
    """
    config = settings()
    groups = store.resolve_actor(actor)
    stored = store.actors()
    rollup = _rollup(stored)
    source = sorted({rollup.get(g, g) for g in groups})[0]
    relations = store.relations(source=actor, target=target, group_level=True, version=version)
    types = None if all_types else set(config["statement_types"])
    wanted = [r for r in relations if (types is None or r.type in types) and r.modality in config["modalities"]]
    published = {d.id: d.published for d in store.documents(sorted({r.doc_id for r in wanted}))}
    wanted = [r for r in wanted if in_window(r.date or published.get(r.doc_id), since, until)]
    statements = _statements(wanted, published, _names(stored, rollup))
    return find_themes(statements, actor=source, target=target, themes=themes,
                       types=tuple(sorted(types)) if types else ("all",), embedder=embedder)


def _rollup(actors: Sequence[StoredActor]) -> dict[str, str]:
    return group_of_each({a.id: (a.kind, a.part_of) for a in actors})


def _names(actors: Sequence[StoredActor], rollup: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """group id -> every name of the group and of the persons and outlets in it."""
    out: dict[str, set[str]] = {}
    for a in actors:
        out.setdefault(rollup.get(a.id, a.id), set()).update([a.id, a.name, *a.aliases])
    return {g: tuple(sorted(names, key=lambda n: (-len(n), n))) for g, names in out.items()}


def _statements(relations: Iterable[StoredRelation], published: Mapping[str, str | None],
                names: Mapping[str, tuple[str, ...]]) -> list[Statement]:
    """One statement per evidence sentence, dated by the relation (else its document), in date order."""
    merged: dict[tuple[str, int], dict[str, Any]] = {}
    for r in relations:
        key = (r.doc_id, r.evidence.start)
        entry = merged.setdefault(key, {"r": r, "targets": [], "types": [], "when": None})
        entry["targets"].append(r.target)
        entry["types"].append(r.type)
        entry["when"] = entry["when"] or r.date or published.get(r.doc_id)
    out = []
    for (doc_id, start), e in merged.items():
        r = e["r"]
        masked = [*names.get(r.source, (r.source,)), *(n for t in dict.fromkeys(e["targets"]) for n in names.get(t, (t,)))]
        out.append(Statement(
            text=" ".join(r.evidence.text.split()), doc_id=doc_id, start=start, when=e["when"],
            targets=tuple(dict.fromkeys(e["targets"])), types=tuple(dict.fromkeys(e["types"])),
            doc_title=r.doc_title, doc_source=r.doc_source, names=tuple(masked),
        ))
    out.sort(key=lambda s: (s.when is None, s.when or "", s.doc_id, s.start))
    return out


# --- clustering ----------------------------------------------------------------------

@lru_cache(maxsize=256)
def _name_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    alternatives = [re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)) if len(n) > 1]
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?:['\u2019]s)?(?!\w)", re.IGNORECASE)


def masked(statement: Statement) -> str:
    """The sentence with the names of its source and targets blanked out."""
    pattern = _name_pattern(statement.names)
    return pattern.sub(" ", statement.text) if pattern else statement.text


def _terms(text: str, stop: frozenset[str]) -> list[str]:
    words = [w.lower().replace("\u2019", "'") for w in WORD.findall(text)]
    words = [w[:-2] if w.endswith("'s") else w.strip("'-") for w in words]
    return [w for w in words if len(w) > 2 and w not in stop]


def _fold_plurals(docs: list[list[str]]) -> list[list[str]]:
    """'apostates' counts as 'apostate' when both occur."""
    vocabulary = {w for doc in docs for w in doc}
    return [[w[:-1] if w.endswith("s") and w[:-1] in vocabulary else w for w in doc] for doc in docs]


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | frozenset(w.lower() for w in settings().get("label_stopwords", []))


def find_themes(
    statements: Sequence[Statement], *, actor: str, target: str | None = None, themes: int | None = None,
    types: tuple[str, ...] = (), embedder: StaticEmbedder | None = None,
) -> NarrativesReport:
    """Cluster statements into themes (k = `themes`, or chosen by silhouette) and describe each."""
    config = settings()
    n = len(statements)
    periods = tuple(sorted({period(s.when) for s in statements}, key=_period_key))
    if n == 0:
        return NarrativesReport(actor=actor, target=target, types=types, statements=0, k=0,
                                chosen_by="too few statements", silhouette=0.0, periods=(), themes=())
    model = embedder or StaticEmbedder.load()
    texts = [masked(s) for s in statements]
    vectors = model.encode(texts)
    seed = int(config.get("seed", 0))
    if themes is not None:
        k, chosen_by = max(1, min(themes, n)), "given"
    else:
        largest = min(int(config["max_themes"]), n // int(config["min_per_theme"]))
        k, _ = choose_k(vectors, range(int(config["min_themes"]), largest + 1), seed=seed)
        chosen_by = "silhouette" if k > 1 else "too few statements"
    labels = kmeans(vectors, k, seed=seed) if k > 1 else np.zeros(n, dtype=int)
    score = silhouette(vectors, labels) if k > 1 else 0.0
    stop = _stop_words()
    docs = _fold_plurals([_terms(t, stop) for t in texts])
    members = [[i for i in range(n) if labels[i] == c] for c in range(k)]
    terms = ctfidf([[w for i in m for w in docs[i]] for m in members], top=int(config["top_terms"]))
    totals = Counter(period(s.when) for s in statements)
    out = []
    for c, (m, top) in enumerate(zip(members, terms)):
        counts = Counter(period(statements[i].when) for i in m)
        out.append(Theme(
            number=c + 1, size=len(m), terms=tuple(t for t, _ in top),
            examples=tuple(statements[i] for i in _nearest(vectors, m, int(config["examples"]), statements)),
            counts={p: counts.get(p, 0) for p in periods},
            shares={p: round(counts.get(p, 0) / totals[p], 4) for p in periods},
            targets=dict(Counter(t for i in m for t in statements[i].targets).most_common()),
            statements=tuple(statements[i] for i in m),
        ))
    return NarrativesReport(actor=actor, target=target, types=types, statements=n, k=k, chosen_by=chosen_by,
                            silhouette=score, periods=periods, themes=tuple(out), embedder=model.name)


def _nearest(vectors: np.ndarray, members: list[int], count: int, statements: Sequence[Statement]) -> list[int]:
    """The members nearest the cluster's centre, one per document first."""
    centre = vectors[members].mean(axis=0)
    ranked = sorted(members, key=lambda i: (-float(vectors[i] @ centre), i))
    picked: list[int] = []
    for i in ranked:
        if len(picked) < count and statements[i].doc_id not in {statements[j].doc_id for j in picked}:
            picked.append(i)
    for i in ranked:
        if len(picked) < count and i not in picked:
            picked.append(i)
    return picked

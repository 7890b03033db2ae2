"""Score extraction against gold annotations, exactly as `ontology.md` says.

Both sides are documents in the gold format (dicts with `actors` and
`relations`). A predicted actor matches a gold actor when one of its names equals
one of the gold actor's names, case and punctuation folded. Relations are
compared as sets of (source, type, target) per document, after persons and
outlets are rolled up to the group they are `part_of`, at exact type and at quad
class. FIGHT is symmetric. Gold relations that are negated or hypothetical are not
to be found; predicting one as fact is counted separately.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..models import FACTUAL_MODALITIES, QUAD_CLASS, ROLLUP_KINDS, SYMMETRIC_TYPES

Triple = tuple[str, str, str]
_PUNCT = re.compile(r"[^\w\s]|_")


def fold(name: str) -> str:
    """Case and punctuation folded form of a name, for matching."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(_PUNCT.sub("", text).split())


@dataclass
class Counts:
    """True positives, false positives and false negatives, with P/R/F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class DocScore:
    """The score of one document."""

    doc: str
    actors: Counts = field(default_factory=Counts)
    exact: Counts = field(default_factory=Counts)
    quad: Counts = field(default_factory=Counts)
    nonfactual_as_fact: int = 0
    missed: list[Triple] = field(default_factory=list)
    spurious: list[Triple] = field(default_factory=list)
    nonfactual_hits: list[Triple] = field(default_factory=list)

    def as_dict(self, *, verbose: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "doc": self.doc, "actors": self.actors.as_dict(), "exact": self.exact.as_dict(),
            "quad": self.quad.as_dict(), "nonfactual_as_fact": self.nonfactual_as_fact,
        }
        if verbose:
            out |= {"missed": [list(t) for t in self.missed], "spurious": [list(t) for t in self.spurious],
                    "nonfactual_hits": [list(t) for t in self.nonfactual_hits]}
        return out


@dataclass
class Score:
    """Per-document scores and their micro-averaged total."""

    docs: list[DocScore]
    total: DocScore

    def as_dict(self, *, verbose: bool = False) -> dict[str, Any]:
        return {"overall": self.total.as_dict(verbose=False) | {"documents": len(self.docs)},
                "documents": [d.as_dict(verbose=verbose) for d in self.docs]}


class _ActorMap:
    """Maps predicted actor ids to gold ids and rolls both up to groups."""

    def __init__(self, gold_actors: list[dict[str, Any]], pred_actors: list[dict[str, Any]]) -> None:
        self.gold = {a["id"]: a for a in gold_actors}
        self.pred = {a["id"]: a for a in pred_actors}
        by_name: dict[str, set[str]] = {}
        for actor in gold_actors:
            for name in [actor["id"], *actor.get("names", [])]:
                by_name.setdefault(fold(name), set()).add(actor["id"])
        self.to_gold: dict[str, str] = {}
        for actor in pred_actors:
            votes: dict[str, int] = {}
            for name in actor.get("names", []):
                for gold_id in by_name.get(fold(name), ()):
                    votes[gold_id] = votes.get(gold_id, 0) + 1
            if votes:
                self.to_gold[actor["id"]] = max(sorted(votes), key=votes.get)

    def gold_group(self, gold_id: str) -> str:
        actor = self.gold.get(gold_id)
        if actor and actor.get("kind") in ROLLUP_KINDS and actor.get("part_of"):
            return actor["part_of"]
        return gold_id

    def pred_group(self, pred_id: str) -> str:
        if pred_id in self.to_gold:
            return self.gold_group(self.to_gold[pred_id])
        actor = self.pred.get(pred_id)
        if actor and actor.get("kind") in ROLLUP_KINDS and actor.get("part_of"):
            parent = actor["part_of"]
            return self.gold_group(self.to_gold.get(parent, parent))
        return pred_id


def _canon(triple: Triple) -> Triple:
    source, rtype, target = triple
    if rtype in SYMMETRIC_TYPES and source > target:
        return target, rtype, source
    return triple


def _quad(triples: Iterable[Triple]) -> set[Triple]:
    out = set()
    for source, rtype, target in triples:
        quad = QUAD_CLASS.get(rtype, rtype)
        if rtype in SYMMETRIC_TYPES:
            out.add((min(source, target), quad + "~sym", max(source, target)))
        else:
            out.add((source, quad, target))
    return out


def _quad_counts(pred: set[Triple], gold: set[Triple]) -> Counts:
    """Quad-class counts where a symmetric triple matches either direction."""
    def expand(triple: Triple) -> set[Triple]:
        s, q, t = triple
        if q.endswith("~sym"):
            base = q[:-4]
            return {(s, base, t), (t, base, s)}
        return {triple}

    gold_plain = set().union(*(expand(g) for g in gold)) if gold else set()
    pred_plain = set().union(*(expand(p) for p in pred)) if pred else set()
    tp = sum(1 for p in pred if expand(p) & gold_plain)
    found = sum(1 for g in gold if expand(g) & pred_plain)
    return Counts(tp=tp, fp=len(pred) - tp, fn=len(gold) - found)


def score_document(gold: dict[str, Any], pred: dict[str, Any]) -> DocScore:
    """Score one predicted document against its gold annotation."""
    name = (gold.get("doc") or {}).get("source") or (gold.get("doc") or {}).get("id") or "?"
    result = DocScore(doc=name)
    mapping = _ActorMap(gold.get("actors", []), pred.get("actors", []))
    matched_gold = set(mapping.to_gold.values())
    result.actors = Counts(
        tp=len(mapping.to_gold), fp=len(mapping.pred) - len(mapping.to_gold),
        fn=len(set(mapping.gold) - matched_gold),
    )

    def gold_triples(modalities: frozenset[str] | None) -> set[Triple]:
        return {
            _canon((mapping.gold_group(r["source"]), r["type"], mapping.gold_group(r["target"])))
            for r in gold.get("relations", [])
            if (r.get("modality", "asserted") in FACTUAL_MODALITIES) == (modalities is not None)
        }

    positives = gold_triples(FACTUAL_MODALITIES)
    nonfactual = gold_triples(None) - positives
    predicted = {
        _canon((mapping.pred_group(r["source"]), r["type"], mapping.pred_group(r["target"])))
        for r in pred.get("relations", [])
        if r.get("modality", "asserted") in FACTUAL_MODALITIES
    }
    predicted = {t for t in predicted if t[0] != t[2]}
    result.exact = Counts(tp=len(predicted & positives), fp=len(predicted - positives), fn=len(positives - predicted))
    result.quad = _quad_counts(_quad(predicted), _quad(positives))
    result.missed = sorted(positives - predicted)
    result.spurious = sorted(predicted - positives)
    result.nonfactual_hits = sorted(predicted & nonfactual)
    result.nonfactual_as_fact = len(result.nonfactual_hits)
    return result


def score(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> Score:
    """Score (gold, predicted) document pairs and their micro-averaged total."""
    docs = [score_document(g, p) for g, p in pairs]
    total = DocScore(doc="overall")
    for doc in docs:
        total.actors.add(doc.actors)
        total.exact.add(doc.exact)
        total.quad.add(doc.quad)
        total.nonfactual_as_fact += doc.nonfactual_as_fact
    return Score(docs=docs, total=total)

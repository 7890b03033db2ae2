"""Training examples for the relation classifier: reading, checking, labelling.

An example is one short text of the project's own writing with the relations it
states (see training/README.md). Every pair of actor mentions in a sentence is a
candidate; a candidate whose two actors a relation of the example links is a
positive of that type and direction, every other candidate a negative (NONE).
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from ..errors import KnowledgeError
from ..extract.actors import SPAN_KEY
from ..extract.candidates import Featurizer, candidates
from ..extract.classifier import LABELS, MODEL_FILE, RelationModel, label_of
from ..extract.pipeline import _prepared, build_pipeline
from ..ingest.document import make_document
from ..ingest.gold import gold_documents
from ..knowledge.load import load_knowledge, read_yaml
from ..models import MODALITIES, RELATION_TYPES
from .evaluate import _ActorMap



@dataclass(frozen=True)
class Example:
    """One annotated text: where it came from and the relations it states."""

    where: str               # file:line
    text: str
    relations: tuple[dict[str, Any], ...]
    published: str | None = None
    actors: tuple[dict[str, Any], ...] = ()  # gold-format actors when ids are not the knowledge base's


def read_examples(path: Path) -> list[Example]:
    """The examples of one JSONL file; a malformed line is an error naming file and line."""
    out = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                data = json.loads(line)
                relations = tuple(data.get("relations", []))
                for r in relations:
                    if r["type"] not in RELATION_TYPES or r.get("modality", "asserted") not in MODALITIES:
                        raise ValueError(f"bad type or modality in {r}")
                    if r.get("evidence") and r["evidence"] not in data["text"]:
                        raise ValueError(f"evidence not in text: {r['evidence']!r}")
                out.append(Example(where, data["text"], relations, data.get("published")))
            except (ValueError, KeyError, TypeError) as exc:
                raise KnowledgeError(f"{where}: not a training example ({exc})") from exc
    return out


def _documents(examples: Iterable[Example]) -> Iterator[Any]:
    for example in examples:
        yield make_document(example.text, source=example.where, published=example.published,
                            language="en", detect=False)


def parsed(examples: list[Example]) -> Iterator[tuple[Example, Any]]:
    """(example, spaCy Doc) pairs, parsed by the extraction pipeline."""
    nlp = build_pipeline(None)
    docs = ((_prepared(nlp, d), e) for d, e in zip(_documents(examples), examples))
    with nlp.select_pipes(disable=["rivalwatch_classifier"]):  # the model being trained is not run
        yield from ((e, doc) for doc, e in nlp.pipe(docs, as_tuples=True, batch_size=64))


def relation_sentence(doc: Any, relation: dict[str, Any]) -> Any | None:
    """The sentence of `doc` holding the relation's evidence (the only sentence when none is given)."""
    sents = list(doc.sents)
    evidence = relation.get("evidence")
    if not evidence:
        return sents[0] if len(sents) == 1 else None
    start = doc.text.find(evidence)
    return next((s for s in sents if s.start_char <= start < s.end_char), None)


def check_examples(examples: list[Example]) -> Iterator[str]:
    """One line per relation whose sentence or actors the extractor does not find."""
    kb = load_knowledge()
    for example, doc in parsed(examples):
        for relation in example.relations:
            sent = relation_sentence(doc, relation)
            if sent is None:
                yield f"{example.where}: several sentences and no evidence for {relation}"
                continue
            found = {kb.rollup(s.label_) for s in doc.spans[SPAN_KEY] if sent.start <= s.start < sent.end}
            for end in ("source", "target"):
                if kb.rollup(relation[end]) not in found:
                    yield (f"{example.where}: {end} {relation[end]} not found in its sentence "
                           f"(found: {', '.join(sorted(found)) or 'none'})")


CONFIG_FILE = Path(__file__).resolve().parents[2] / "training" / "config.yaml"


def _groups(example: Example, doc: Any, kb: Any) -> tuple[Any, Any]:
    """How a mention's actor id and an annotation's actor id are compared: both rolled up to
    their group; an example with gold-format actors maps mentions to them by name, as `eval` does."""
    if not example.actors:
        return kb.rollup, kb.rollup
    names: dict[str, list[str]] = {}
    for span in doc.spans[SPAN_KEY]:
        names.setdefault(span.label_, []).append(span.text)
    mapping = _ActorMap(list(example.actors), [{"id": a, "names": n} for a, n in names.items()])
    return mapping.pred_group, mapping.gold_group


def dataset(examples: list[Example]) -> tuple[list[list[str]], np.ndarray, np.ndarray, list[str]]:
    """Features, dense vectors and 0/1 labels of every candidate pair of the examples."""
    kb = load_knowledge()
    featurizer = Featurizer(kb)
    feats: list[list[str]] = []
    dense: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    where: list[str] = []
    for example, doc in parsed(examples):
        sentence_of = [(r, relation_sentence(doc, r)) for r in example.relations]
        group, gold_group = _groups(example, doc, kb)
        for cand in candidates(doc, kb):
            y = np.zeros(len(LABELS), dtype=np.float32)
            for relation, sent in sentence_of:
                if sent is not None and sent.start == cand.sent.start:
                    label = label_of(gold_group(relation["source"]), relation["type"], gold_group(relation["target"]),
                                     cand, group)
                    if label:
                        y[LABELS.index(label)] = 1.0
            f, d = featurizer.features(cand)
            feats.append(f)
            dense.append(d)
            labels.append(y)
            where.append(example.where)
    return feats, np.vstack(dense), np.vstack(labels), where


def fit(feats: list[list[str]], dense: np.ndarray, y: np.ndarray, config: dict[str, Any]) -> RelationModel:
    """One logistic output per label, trained with Adam on mini-batches in a seeded order; the model is
    the mean of the weights at the end of each epoch from `average_from_epoch` on (default: the last)."""
    counts: dict[str, int] = {}
    for names in feats:
        for name in set(names):
            counts[name] = counts.get(name, 0) + 1
    vocab = {n: i for i, n in enumerate(sorted(n for n, c in counts.items() if c >= config["min_count"]))}
    ids = [np.array(sorted({vocab[f] for f in names if f in vocab}), dtype=np.int64) for names in feats]
    n, k = y.shape
    sparse = np.zeros((len(vocab), k), dtype=np.float64)
    dense_w = np.zeros((dense.shape[1], k), dtype=np.float64)
    bias = np.zeros(k, dtype=np.float64)
    params = [sparse, dense_w, bias]
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    rng = random.Random(config["seed"])
    order = list(range(n))
    step = 0
    lr, l2, batch = config["learning_rate"], config["l2"], config["batch_size"]
    weight = np.where(y > 0, config["positive_weight"], 1.0)
    averaged = [np.zeros_like(p) for p in params]
    first_averaged = config.get("average_from_epoch", config["epochs"])
    for epoch in range(1, config["epochs"] + 1):
        rng.shuffle(order)
        for start in range(0, n, batch):
            rows = order[start:start + batch]
            logits = dense[rows] @ dense_w + bias
            for r, row in enumerate(rows):
                logits[r] += sparse[ids[row]].sum(axis=0)
            p = 1.0 / (1.0 + np.exp(-logits))
            g = (p - y[rows]) * weight[rows] / len(rows)
            grads = [np.zeros_like(sparse), dense[rows].T @ g + l2 * dense_w, g.sum(axis=0)]
            for r, row in enumerate(rows):
                grads[0][ids[row]] += g[r]
            grads[0] += l2 * sparse
            step += 1
            for p_, g_, a, b in zip(params, grads, m1, m2):
                a *= 0.9
                a += 0.1 * g_
                b *= 0.999
                b += 0.001 * g_ * g_
                p_ -= lr * (a / (1 - 0.9 ** step)) / (np.sqrt(b / (1 - 0.999 ** step)) + 1e-8)
        if epoch >= first_averaged:  # the mean of the last epochs' weights varies less than the last
            for total, p_ in zip(averaged, params):
                total += p_
    sparse, dense_w, bias = (total / (config["epochs"] - first_averaged + 1) for total in averaged)
    return RelationModel(vocab, sparse.astype(np.float32), dense_w.astype(np.float32), bias.astype(np.float32),
                         float(config["threshold"]))


def load_config(path: Path = CONFIG_FILE) -> dict[str, Any]:
    """The training settings (`training/config.yaml`)."""
    return read_yaml(path)


def gold_examples(gold_dir: Path, docs_dir: Path) -> list[Example]:
    """Annotated documents in the gold format (ontology.md) as examples."""
    return [Example(path.name, document.text, tuple(gold.get("relations", [])), document.published,
                    tuple(gold.get("actors", [])))
            for path, gold, document in gold_documents(gold_dir, docs_dir)]


def all_examples(data: Path, config: dict[str, Any] | None = None) -> list[Example]:
    """The project's training examples: every JSONL file of `data`, then the gold sets the config names."""
    config = config or load_config()
    examples = [e for path in sorted(data.glob("*.jsonl")) for e in read_examples(path)]
    root = CONFIG_FILE.parent.parent
    for gold_dir, docs_dir in config.get("gold", []):
        examples += gold_examples(root / gold_dir, root / docs_dir)
    return examples + joined(examples, config.get("joined", 0), config["seed"])


JOINERS = ("; meanwhile, ", ", while ", ", even as ", "; separately, ")


def joined(examples: list[Example], count: int, seed: int) -> list[Example]:
    """`count` examples made of two one-sentence examples in one sentence ("S1, while s2"): each keeps its
    relations, and the pairs across the two halves are what real text is full of, actors named together
    with nothing between them."""
    single = [e for e in examples if not e.actors and e.text.count(". ") == 0 and e.text.rstrip().endswith(".")]
    rng = random.Random(seed)
    out = []
    for n in range(count if len(single) > 1 else 0):
        first, second = rng.sample(single, 2)
        head, tail = first.text.rstrip()[:-1], second.text.rstrip()
        if tail.split(" ", 1)[0] in ("The", "A", "An"):
            tail = tail[0].lower() + tail[1:]
        text = head + JOINERS[n % len(JOINERS)] + tail
        relations = tuple({**r, "evidence": part} for e, part in ((first, head), (second, tail[:-1]))
                          for r in e.relations)
        out.append(Example(f"joined:{first.where}+{second.where}", text, relations, first.published))
    return out


def train(examples: list[Example], out: Path = MODEL_FILE, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Train on `examples` and write the model to `out`; returns what was trained on."""
    config = config or load_config()
    feats, dense, y, _ = dataset(examples)
    model = fit(feats, dense, y, config)
    model.save(out)
    return {"examples": len(examples), "candidates": len(feats), "positives": int(y.sum()),
            "features": len(model.vocab), "per_label": {l: int(c) for l, c in zip(LABELS, y.sum(axis=0)) if c},
            "out": str(out)}

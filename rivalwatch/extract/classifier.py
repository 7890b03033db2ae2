"""Component `rivalwatch_classifier`: a trained model decides every candidate pair.

The rules of `rivalwatch_relations` are precise but know only the wording their
cue lists hold. This component looks at every pair of actors named in a sentence
(`candidates.py`) that the rules left without a relation, and adds the relations
a linear model scores above its threshold: one logistic output per type and
direction (`ASSAULT>`: the earlier mention attacks the later one; `ASSAULT<`: the
reverse; FIGHT has no direction). The model is rebuilt from the project's own
annotated sentences by `scripts/train_relations.py` (config in
`training/config.yaml`); its modality, date and place come from the word the
pair's dependency path meets at, as for a rule's cue word.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..errors import KnowledgeError
from ..knowledge.load import KnowledgeBase, load_knowledge
from ..models import QUAD_CLASS, RELATION_TYPES, SYMMETRIC_TYPES
from .candidates import Candidate, Featurizer, candidates
from .modality import ModalityCues, colon_speaker, modality_of
from .relations import RELATIONS_KEY

MODEL_FILE = Path(__file__).parent / "data" / "relation_model.npz"
LABELS = tuple(label for t in RELATION_TYPES for label in ((t,) if t in SYMMETRIC_TYPES else (f"{t}>", f"{t}<")))


def relation_of(label: str, cand: Candidate) -> tuple[str, str, str]:
    """(source, type, target) a label says of a candidate."""
    if label.endswith("<"):
        return cand.b.label_, label[:-1], cand.a.label_
    return cand.a.label_, label.rstrip(">"), cand.b.label_


def label_of(source: str, rtype: str, target: str, cand: Candidate, group: Any) -> str | None:
    """The label of a (source, type, target) relation of groups on a candidate, if it links the
    candidate's two actors (`group` gives a mention's group)."""
    a, b = group(cand.a.label_), group(cand.b.label_)
    if {source, target} != {a, b}:
        return None
    if rtype in SYMMETRIC_TYPES:
        return rtype
    return f"{rtype}>" if source == a else f"{rtype}<"


@dataclass
class RelationModel:
    """Weights of one logistic output per label over hashed-free feature strings plus a dense vector."""

    vocab: dict[str, int]
    sparse: np.ndarray      # (features, labels)
    dense: np.ndarray       # (dense dims, labels)
    bias: np.ndarray        # (labels,)
    threshold: float

    def scores(self, feats: Sequence[list[str]], dense: np.ndarray) -> np.ndarray:
        """Probability of every label for each candidate (rows)."""
        logits = dense @ self.dense + self.bias
        for row, names in enumerate(feats):
            ids = [self.vocab[f] for f in names if f in self.vocab]
            if ids:
                logits[row] += self.sparse[ids].sum(axis=0)
        return 1.0 / (1.0 + np.exp(-logits))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        names = sorted(self.vocab, key=self.vocab.get)
        np.savez_compressed(
            path, vocab=np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8),
            labels=np.frombuffer("\n".join(LABELS).encode("utf-8"), dtype=np.uint8),
            sparse=self.sparse.astype(np.float16), dense=self.dense.astype(np.float16),
            bias=self.bias.astype(np.float32), threshold=np.float32(self.threshold),
        )

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "RelationModel":
        return _load(str(path))


@lru_cache(maxsize=2)
def _load(path: str) -> RelationModel:
    try:
        with np.load(path, allow_pickle=False) as data:
            labels = tuple(bytes(data["labels"]).decode("utf-8").split("\n"))
            names = bytes(data["vocab"]).decode("utf-8").split("\n") if data["vocab"].size else []
            if labels != LABELS:
                raise ValueError(f"labels {labels[:3]}... are not this version's")
            return RelationModel({n: i for i, n in enumerate(names)}, data["sparse"].astype(np.float32),
                                 data["dense"].astype(np.float32), data["bias"], float(data["threshold"]))
    except (OSError, KeyError, ValueError) as exc:
        raise KnowledgeError(f"{path}: cannot read the relation model ({exc}); rebuild it with "
                             "scripts/train_relations.py train") from exc


def rule_votes(doc: Doc, rollup: Any) -> dict[tuple[int, str, str], list[tuple[str, str, str]]]:
    """(sentence start, source group, target group) -> the rules' (source, type, target) in that sentence."""
    out: dict[tuple[int, str, str], list[tuple[str, str, str]]] = {}
    for source, rtype, target, _modality, cue, _conf in doc.user_data.get(RELATIONS_KEY, []):
        out.setdefault((doc[cue].sent.start, rollup(source), rollup(target)), []).append((source, rtype, target))
    return out


def votes_for(cand: Candidate, votes: dict[tuple[int, str, str], list[tuple[str, str, str]]], rollup: Any) -> list[str]:
    """The rules' relations on this candidate's pair, as labels."""
    a, b = rollup(cand.a.label_), rollup(cand.b.label_)
    found = votes.get((cand.sent.start, a, b), []) + votes.get((cand.sent.start, b, a), [])
    return sorted({label for s, t, o in found for label in [label_of(rollup(s), t, rollup(o), cand, rollup)] if label})


class RelationClassifier:
    """Adds the model's relations for candidate pairs the rules did not relate and whose dependency
    path holds a word ("the feud between ISKP and TTP" parsed as ISKP conj TTP has none: nothing
    there says how the two relate, and the model would guess from the rest of the sentence)."""

    def __init__(self, kb: KnowledgeBase, model_path: Path = MODEL_FILE) -> None:
        self.kb = kb
        self.model_path = model_path
        self.featurizer = Featurizer(kb)
        self.modality = ModalityCues.from_knowledge(kb.modality_cues)
        self.speech_verbs = frozenset(kb.relation_cues.get("speech_verbs", []))

    def __call__(self, doc: Doc) -> Doc:
        if not self.model_path.exists():
            return doc  # trained by scripts/train_relations.py; without it the rules work alone
        model = RelationModel.load(self.model_path)
        votes = rule_votes(doc, self.kb.rollup)
        open_pairs = [c for c in candidates(doc, self.kb) if not votes_for(c, votes, self.kb.rollup)
                      and not self._quoting(c, colon_speaker(c.sent, self.modality)) and Featurizer.path_words(c)]
        if not open_pairs:
            return doc
        rows = [self.featurizer.features(c) for c in open_pairs]
        probs = model.scores([f for f, _ in rows], np.vstack([d for _, d in rows]))
        found = list(doc.user_data.get(RELATIONS_KEY, []))
        for cand, row in zip(open_pairs, probs):
            labels = np.flatnonzero(row >= model.threshold)
            if not len(labels):
                continue
            anchor = Featurizer.anchor(cand)
            modality = self._modality(cand, anchor)
            spoken = anchor.lemma_.lower() in self.speech_verbs
            for k in labels:
                source, rtype, target = relation_of(LABELS[k], cand)
                if self.kb.rollup(source) == self.kb.rollup(target) or (spoken and not QUAD_CLASS[rtype].startswith("verbal")):
                    continue  # "X advised the Y leadership to study ...": what one tells another is no act, nor a defection
                found.append((source, rtype, target, modality, anchor.i, round(float(row[k]) * 0.6, 3)))
        doc.user_data[RELATIONS_KEY] = found
        return doc

    @staticmethod
    def _quoting(cand: Candidate, speaker: Span | None) -> bool:
        """Is one side the speaker a headline quotes after a colon (the rules make that an accusation)?"""
        return speaker is not None and cand.b.start >= speaker.start > cand.a.start

    def _modality(self, cand: Candidate, anchor: Token) -> str:
        """The modality of the anchor's clause; a path through a negating word ("avoided open
        hostilities with", "denied any role in the attack on") negates it."""
        modality = modality_of(anchor, self.modality)
        if modality != "asserted":
            return modality
        for token in Featurizer.path_words(cand):
            if token.lemma_.lower() in self.modality.negating_verbs or token.lower_ in self.modality.negation_words:
                return "negated"
            marker = modality_of(token, self.modality)
            if marker != "asserted":
                return marker
        return modality


@Language.factory("rivalwatch_classifier", default_config={"extra_actors": None})
def make_classifier(nlp: Language, name: str, extra_actors: str | None) -> RelationClassifier:
    """Registered as `rivalwatch_classifier`: adds to doc.user_data['rw_relations']."""
    return RelationClassifier(load_knowledge(extra_actors))

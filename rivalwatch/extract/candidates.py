"""Candidate actor pairs and what the relation classifier sees of each.

Every two mentions of different actors in one sentence (resolved pronouns
included) are a candidate: the pair of their closest mentions, `a` the earlier.
Its features are strings (the dependency path between the two, the words on,
between and around it, the mentions' roles and kinds) and
one dense vector (static MiniLM vectors of the path's head word, the path, the
words between and the sentence), so a paraphrase the cue lists never held still
lands near the wording it means.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
from spacy.tokens import Doc, Span, Token

from ..knowledge.load import KnowledgeBase
from .actors import SPAN_KEY
from .coref import PairPhrases
from .embeddings import StaticEmbedder

# Words that say nothing of a relation; left out of bags and vectors.
STOP = frozenset("""a an the of and or , . ; : ' " ’ “ ” ( ) - -- which who that this these those its his her their
it they he she is are was were be been being has have had do does did in on at as for with from by to""".split())
MAX_PATH = 7   # longer dependency paths are cut to their ends


@dataclass(frozen=True)
class Candidate:
    """Two mentions of different actors in one sentence; `a` comes first in the text."""

    sent: Span
    a: Span
    b: Span
    others: int = 0  # mentions of other actors between the two


PARTY_KINDS = frozenset({"armed_group", "state", "political_party"})


def _is_place(span: Span, kb: KnowledgeBase, place_preps: frozenset[str], place_nouns: frozenset[str]) -> bool:
    """A state named as where something happens ("attacks in Pakistan and Afghanistan", "near Lake
    Chad", "in Yemen's capital") is no party."""
    actor = kb.actors.get(span.label_)
    if actor is None or actor.kind != "state":
        return False
    head = span.root
    if head.dep_ in ("poss", "compound", "amod") and head.head.lemma_.lower() in place_nouns:
        return True
    while head.dep_ in ("compound", "amod", "nmod", "conj") and head.head.i != head.i:
        head = head.head
    return head.dep_ == "pobj" and head.head.lower_ in place_preps


def _pair_mentions(sent: Span, recent: list[str], pairs: PairPhrases, named: list[Span]) -> list[Span]:
    """ "The two groups", "both sides": the two parties named last, as two mentions on the phrase."""
    if len(recent) < 2:
        return []
    taken = {i for span in named for i in range(span.start, span.end)}
    for token in sent:
        phrase = pairs.phrase(token)
        if phrase is not None and not taken.intersection(range(phrase.start, phrase.end)):
            return [Span(sent.doc, phrase.start, phrase.end, label=recent[-2], span_id="pair"),
                    Span(sent.doc, phrase.start, phrase.end, label=recent[-1], span_id="pair")]
    return []


def candidates(doc: Doc, kb: KnowledgeBase) -> Iterator[Candidate]:
    """Every pair of actors named in a sentence, by their closest two mentions; "the two groups"
    stands for the two parties named last."""
    cues = kb.relation_cues
    place_preps = frozenset(cues.get("place_preps", []))
    place_nouns = frozenset(cues.get("place_nouns", []))
    pairs = PairPhrases(cues)
    by_sentence: dict[int, list[Span]] = {}
    for span in doc.spans[SPAN_KEY]:
        by_sentence.setdefault(span.sent.start, []).append(span)
    recent: list[str] = []
    for sent in doc.sents:
        named = by_sentence.get(sent.start, [])
        spans = sorted((s for s in named if not _is_place(s, kb, place_preps, place_nouns)), key=lambda s: s.start)
        spans += _pair_mentions(sent, recent, pairs, named)
        spans.sort(key=lambda s: s.start)
        best: dict[tuple[str, str], tuple[int, Span, Span]] = {}
        for i, first in enumerate(spans):
            for second in spans[i + 1:]:
                if kb.rollup(first.label_) == kb.rollup(second.label_):
                    continue
                key = tuple(sorted((first.label_, second.label_)))
                distance = abs(second.start - first.end)
                if key not in best or distance < best[key][0]:
                    best[key] = (distance, first, second)
        for key in sorted(best, key=lambda k: (best[k][1].start, best[k][2].start, k)):
            _, first, second = best[key]
            between = sum(1 for s in named if first.end <= s.start and s.end <= second.start)
            yield Candidate(sent, first, second, between)
        for span in spans:
            actor = kb.actors.get(kb.rollup(span.label_))
            if span.id_ != "pair" and (actor is None or actor.kind in PARTY_KINDS):
                if span.label_ in recent:
                    recent.remove(span.label_)
                recent.append(span.label_)


def _path(a: Token, b: Token) -> tuple[list[Token], list[Token], Token]:
    """Tokens from `a` up to the lowest common ancestor, and from `b` up to it (ends excluded);
    one phrase for both ("the two groups clashed") meets at its head."""
    if a.i == b.i:
        return [a], [b], a.head
    up_a = [a, *a.ancestors]
    seen = {t.i: n for n, t in enumerate(up_a)}
    up_b = [b]
    for token in b.ancestors:
        if up_b[-1].i in seen:
            break
        up_b.append(token)
    if up_b[-1].i not in seen:  # different trees (never within one sentence): meet at b's root
        return up_a, up_b, up_b[-1]
    lca = up_b[-1]
    return up_a[1:seen[lca.i]], up_b[1:-1], lca


def _role(lca: Token, side: list[Token], own: Token) -> str:
    """How one side hangs under the common ancestor: its dependency, a preposition by its word."""
    child = side[-1] if side else own
    if child.i == lca.i:
        return "self"
    if child.dep_ == "prep" or child.dep_ == "agent":
        return f"{child.dep_}:{child.lower_}"
    if child.dep_ == "pobj":
        return f"pobj:{child.head.lower_}"
    return child.dep_


class Featurizer:
    """Turns candidates into (feature strings, dense vector)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.embedder = StaticEmbedder.load()
        self.dims = 4 * self.embedder.dims
        self._ids: dict[str, list[int]] = {}

    def _kind(self, span: Span) -> str:
        actor = self.kb.actors.get(span.label_)
        return actor.kind if actor is not None else ("person" if span.id_ == "ner" else "other")

    def _vector(self, tokens: list[Token]) -> np.ndarray:
        """What `StaticEmbedder.encode` gives the words, from row ids looked up once per word."""
        ids: list[int] = []
        for t in tokens:
            if t.lower_ not in STOP and not t.is_punct:
                found = self._ids.get(t.lower_)
                if found is None:
                    found = self._ids[t.lower_] = self.embedder.ids(t.lower_)
                ids.extend(found)
        if not ids:
            return np.zeros(self.embedder.dims, dtype=np.float32)
        vector = self.embedder.vectors[ids].mean(axis=0)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector

    def features(self, cand: Candidate) -> tuple[list[str], np.ndarray]:
        a, b, sent = cand.a, cand.b, cand.sent
        inside = set(range(a.start, a.end)) | set(range(b.start, b.end))
        side_a, side_b, lca = _path(a.root, b.root)
        role_a, role_b = _role(lca, side_a, a.root), _role(lca, side_b, b.root)
        lemma = lambda t: t.lemma_.lower()  # noqa: E731
        lca_word = "MENTION" if lca.i in inside else lemma(lca)
        out = [f"lca={lca_word}", f"lca_pos={lca.pos_}", f"roles={role_a}|{role_b}",
               f"lca_roles={lca_word}|{role_a}|{role_b}", f"lca_a={lca_word}|{role_a}", f"lca_b={lca_word}|{role_b}",
               f"kinds={self._kind(a)}|{self._kind(b)}", f"a_how={a.id_}", f"b_how={b.id_}"]
        steps = [f"{t.dep_}^" for t in side_a] + [lca.dep_ if lca.i not in inside else "M"] + [f"v{t.dep_}" for t in reversed(side_b)]
        if len(steps) > MAX_PATH:
            steps = steps[:3] + ["..."] + steps[-3:]
        out.append("path=" + " ".join(steps))
        on_path = [t for t in (*side_a, lca, *side_b) if t.i not in inside]
        out += [f"pl={lemma(t)}" for t in on_path if t.lower_ not in STOP]
        out += [f"pd={t.dep_}" for t in on_path]
        between = [t for t in sent.doc[a.end:b.start] if t.i not in inside]
        words = [lemma(t) for t in between if t.lower_ not in STOP and not t.is_punct]
        out += [f"bw={w}" for w in words]
        out += [f"bw2={x}_{y}" for x, y in zip(words, words[1:])]
        out += [f"prep_b={t.lower_}" for t in between[-2:] if t.dep_ == "prep"]
        out.append(f"gap={min(len(between), 12) // 3}")
        out.append(f"others={min(cand.others, 3)}")
        before = [t for t in sent.doc[max(sent.start, a.start - 3):a.start]]
        after = [t for t in sent.doc[b.end:min(sent.end, b.end + 3)]]
        out += [f"before={lemma(t)}" for t in before if t.lower_ not in STOP]
        out += [f"after={lemma(t)}" for t in after if t.lower_ not in STOP]
        for name, span in (("a", a), ("b", b)):
            root = span.root
            out.append(f"{name}_dep={root.dep_}")
            out.append(f"{name}_head={lemma(root.head)}|{root.dep_}")
        out += [f"sv={lemma(t)}" for t in sent if t.pos_ == "VERB" and t.i not in inside]
        out = [" ".join(f.split()) for f in out]  # a line break is a token too: features stay one line
        dense = np.concatenate([
            self._vector([lca]) if lca.i not in inside else np.zeros(self.embedder.dims, np.float32),
            self._vector(on_path), self._vector(between),
            self._vector([t for t in sent if t.i not in inside]),
        ])
        return out, dense

    @staticmethod
    def path_words(cand: Candidate) -> list[Token]:
        """The words on the dependency path between the two mentions, their common head included."""
        inside = set(range(cand.a.start, cand.a.end)) | set(range(cand.b.start, cand.b.end))
        side_a, side_b, lca = _path(cand.a.root, cand.b.root)
        return [t for t in (*side_a, lca, *side_b) if t.i not in inside]

    @staticmethod
    def anchor(cand: Candidate) -> Token:
        """The word a model-found relation hangs on (its date, place and modality are that word's)."""
        inside = set(range(cand.a.start, cand.a.end)) | set(range(cand.b.start, cand.b.end))
        side_a, side_b, lca = _path(cand.a.root, cand.b.root)
        if lca.i not in inside:
            return lca
        for token in (*side_b, *side_a):
            if token.pos_ in ("VERB", "NOUN") and token.i not in inside:
                return token
        return cand.b.root

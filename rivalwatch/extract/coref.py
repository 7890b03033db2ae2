"""Component `rivalwatch_coref`: resolve "the group", "its", "the militants" to the
group in focus.

The focus is the group that was the main subject of the previous sentence, or the
last group mentioned before the anaphor. Resolved anaphors are added to
`doc.spans["rw_actors"]` with `id_ == "coref"`.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..knowledge.load import KnowledgeBase, load_knowledge
from .actors import SPAN_KEY

FOCUS_KINDS = frozenset({"armed_group", "political_party"})


class Coreference:
    """Links group anaphors back to the group in focus."""

    def __init__(self, nlp: Language, kb: KnowledgeBase) -> None:
        cues = kb.relation_cues
        self.kb = kb
        self.phrases = [tuple(p.lower().split()) for p in cues.get("group_anaphors", [])]
        self.phrases.sort(key=len, reverse=True)
        self.pronouns = frozenset(cues.get("pronoun_anaphors", []))
        self.plurals = frozenset(cues.get("plural_anaphors", []))

    def _is_group(self, actor_id: str) -> bool:
        actor = self.kb.actors.get(actor_id)
        return actor is not None and actor.kind in FOCUS_KINDS

    def _clause_subject(self, token, mentions: dict[int, Span]) -> str | None:
        """The group that is subject of the clause around a pronoun, if it precedes it."""
        verb = token
        for _ in range(6):
            if verb.pos_ in ("VERB", "AUX"):
                for child in verb.children:
                    if child.dep_ in ("nsubj", "nsubjpass") and child.i < token.i:
                        span = mentions.get(child.i)
                        if span is not None and self._is_group(span.label_):
                            return span.label_
                if verb.dep_ not in ("conj", "advcl", "xcomp", "relcl", "acl", "pcomp", "prep", "pobj", "dobj"):
                    return None
            if verb.head is verb:
                return None
            verb = verb.head
        return None

    def _anaphor_at(self, doc: Doc, i: int) -> int:
        """Length of the anaphor starting at token i (0 if none)."""
        for phrase in self.phrases:
            n = len(phrase)
            if tuple(t.lower_ for t in doc[i:i + n]) == phrase:
                # "the group's ideologues" or "the militants": a mention; "the group of states": not.
                after = doc[i + n] if i + n < len(doc) else None
                if after is not None and after.lower_ == "of":
                    return 0
                return n
        token = doc[i]
        if token.lower_ in self.plurals:
            return 1
        if token.lower_ in self.pronouns and not (token.lower_ == "it" and token.head.lemma_ == "be"):
            return 1
        return 0

    def __call__(self, doc: Doc) -> Doc:
        mentions = {span.start: span for span in doc.spans[SPAN_KEY]}
        by_token = {i: span for span in doc.spans[SPAN_KEY] for i in range(span.start, span.end)}
        resolved: list[Span] = []
        focus: str | None = None
        previous_subject: str | None = None
        for sent in doc.sents:
            last_group: str | None = None
            subject_group: str | None = None
            i = sent.start
            while i < sent.end:
                span = mentions.get(i)
                if span is not None:
                    if self._is_group(span.label_):
                        last_group = span.label_
                        if span.root.dep_ in ("nsubj", "nsubjpass") and span.root.head == sent.root:
                            subject_group = span.label_
                    i = span.end
                    continue
                n = self._anaphor_at(doc, i)
                if n == 1 and doc[i].lower_ in self.pronouns:
                    target = self._clause_subject(doc[i], by_token) or last_group or focus
                elif doc[i].lower_ in self.plurals:
                    target, n = (None, 0) if last_group else (previous_subject, 1)
                else:
                    target = last_group or focus
                if n and target:
                    resolved.append(Span(doc, i, i + n, label=target, span_id="coref"))
                    head = doc[i + n - 1]
                    if head.head == sent.root and head.dep_ in ("nsubj", "nsubjpass"):
                        subject_group = target
                i += max(n, 1)
            focus = subject_group or last_group or focus
            previous_subject = subject_group
        if resolved:
            doc.spans[SPAN_KEY] = sorted([*doc.spans[SPAN_KEY], *resolved], key=lambda s: s.start)
        return doc


@Language.factory("rivalwatch_coref", default_config={"extra_actors": None})
def make_coreference(nlp: Language, name: str, extra_actors: str | None) -> Coreference:
    """Registered as `rivalwatch_coref`: adds resolved anaphors to doc.spans['rw_actors']."""
    return Coreference(nlp, load_knowledge(extra_actors))

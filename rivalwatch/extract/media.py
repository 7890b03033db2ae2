"""Component `rivalwatch_media`: claims of responsibility and media releases.

* CLAIM: a group is the subject of "claim" with an attack word or
  "responsibility" as object ("ISKP claimed responsibility for the bombing").
* PUBLISH: an outlet or group is the subject of a release verb whose object is a
  media format ("Al-Azaim released a 40-minute audio in Pashto"), with the
  format, language, length and quoted title read off the sentence.

Found records go to `doc.user_data` as token-indexed tuples; `records` turns them
into `Claim` and `Publication` models.
"""
from __future__ import annotations

import re
from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc, Token

from ..knowledge.load import KnowledgeBase, load_knowledge
from ..models import Claim, Evidence, Publication
from .actors import SPAN_KEY
from .modality import ModalityCues, modality_of

CLAIMS_KEY = "rw_claims"
PUBLICATIONS_KEY = "rw_publications"
LENGTH = re.compile(r"\b(\d+)[\s-](minute|min|second|hour|page)s?\b", re.IGNORECASE)
TITLE = re.compile(r"[\"\u201c]([^\"\u201d]{3,120})[\"\u201d]")


class MediaFinder:
    """Finds CLAIM and PUBLISH records."""

    def __init__(self, nlp: Language, kb: KnowledgeBase) -> None:
        cues = kb.relation_cues
        self.claim_verbs = frozenset(cues.get("claim", {}).get("verbs", []))
        self.claim_objects = frozenset(cues.get("claim", {}).get("objects", []))
        self.publish_verbs = frozenset(cues.get("publish", {}).get("verbs", []))
        self.formats: dict[str, str] = cues.get("publish", {}).get("formats", {})
        self.languages = {str(l).lower(): str(l) for l in cues.get("publish", {}).get("languages", [])}
        self.modality = ModalityCues.from_knowledge(kb.modality_cues)

    @staticmethod
    def _named(head: Token, mentions: dict[int, str]) -> list[str]:
        """Actors named by a noun phrase and its conjuncts ("both JuA and the Islamic State")."""
        found: list[str] = []
        stack = [head]
        while stack:
            token = stack.pop()
            if token.i in mentions and mentions[token.i] not in found:
                found.append(mentions[token.i])
            stack.extend(c for c in token.children if c.dep_ in ("conj", "appos", "compound", "poss", "preconj", "cc"))
        return found

    def _subject_actors(self, verb: Token, mentions: dict[int, str]) -> list[str]:
        """Who did it: the `by` agent of a passive, else the subject (climbing to a governing verb)."""
        for child in verb.children:
            if child.dep_ == "agent":
                return [a for g in child.children if g.dep_ == "pobj" for a in self._named(g, mentions)]
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
            return []  # "the attack was claimed" names no claimant
        for child in verb.children:
            if child.dep_ == "nsubj":
                return self._named(child, mentions)
        if verb.dep_ in ("conj", "advcl", "pcomp", "xcomp") and verb.head.i != verb.i:
            return self._subject_actors(verb.head if verb.dep_ != "pcomp" else verb.head.head, mentions)
        return []

    def __call__(self, doc: Doc) -> Doc:
        mentions = {i: s.label_ for s in doc.spans[SPAN_KEY] for i in range(s.start, s.end)}
        claims, publications = [], []
        for token in doc:
            if token.pos_ != "VERB":
                continue
            lemma = token.lemma_.lower()
            objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
            if lemma in self.claim_verbs and any(o.lemma_.lower() in self.claim_objects for o in objects):
                for actor in self._subject_actors(token, mentions):  # each claimant of a joint claim
                    claims.append((actor, token.i, modality_of(token, self.modality)))
            elif lemma in self.publish_verbs:
                media = [o for o in objects if o.lemma_.lower() in self.formats]
                actors = self._subject_actors(token, mentions) if media else []
                if actors:
                    actor = actors[0]
                    sent = token.sent
                    words = {t.lower_ for t in sent}
                    language = next((name for key, name in self.languages.items() if key in words), None)
                    length = LENGTH.search(sent.text)
                    title = TITLE.search(sent.text)
                    item = media[0]
                    kinds = [c for c in item.children if c.dep_ in ("amod", "compound") and c.lemma_.lower() in self.formats]
                    fmt = self.formats[(kinds[0] if kinds else item).lemma_.lower()]  # "audio message" is audio
                    publications.append((
                        actor, token.i, fmt, language,
                        f"{length.group(1)} {length.group(2).lower()}" if length else None,
                        title.group(1) if title else None,
                    ))
        doc.user_data[CLAIMS_KEY] = claims
        doc.user_data[PUBLICATIONS_KEY] = publications
        return doc


def records(
    doc: Doc, *, evidence: Callable[[int], Evidence], date: Callable[[int], str | None],
    place: Callable[[int], str | None],
) -> tuple[tuple[Claim, ...], tuple[Publication, ...]]:
    """The CLAIM and PUBLISH models for a processed doc; the callables read the
    evidence, date and place at a token index."""
    claims = tuple(
        Claim(actor=actor, evidence=evidence(i), date=date(i), location=place(i), modality=modality)
        for actor, i, modality in doc.user_data.get(CLAIMS_KEY, [])
    )
    publications = tuple(
        Publication(outlet=actor, evidence=evidence(i), format=fmt, language=lang, length=length,
                    title=title, date=date(i))
        for actor, i, fmt, lang, length, title in doc.user_data.get(PUBLICATIONS_KEY, [])
    )
    return claims, publications


@Language.factory("rivalwatch_media", default_config={"extra_actors": None})
def make_media_finder(nlp: Language, name: str, extra_actors: str | None) -> MediaFinder:
    """Registered as `rivalwatch_media`: assigns doc.user_data claims and publications."""
    return MediaFinder(nlp, load_knowledge(extra_actors))

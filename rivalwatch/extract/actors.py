"""Component `rivalwatch_actors`: find actor mentions.

Aliases from the knowledge base are matched as token sequences (longest match
wins); named organisations and people spaCy's NER finds that are not in the base
become *discovered* actors. A capital listed as an actor's metonym ("Kabul") is a
mention only where it is a party, not a place. Mentions go to
`doc.spans["rw_actors"]`, each span's `label_` the actor id and `id_` how it was
found (`alias`, `metonym` or `ner`).
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..knowledge.gazetteer import load_gazetteer
from ..knowledge.load import KnowledgeBase, load_knowledge
from ..models import Actor

SPAN_KEY = "rw_actors"
PUBLISHED_KEY = "rw_published"
DISCOVERED_KEY = "rw_discovered"
NER_KINDS = {"ORG": "organization", "PERSON": "person"}
# Acronyms match in their case only: all capitals ("IS", not "is") or two capitals in a short word ("LeT", not "let")
_CASE_SENSITIVE = re.compile(r"^(?:[A-Z0-9.\-]{1,5}|(?=(?:.*[A-Z]){2})[A-Za-z0-9.\-]{2,6})$")
_LEADING = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_SLUG = re.compile(r"[^A-Z0-9]+")
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9-]{1,9}$")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DOUBLED = re.compile(r"(.)\1+")
MIN_SQUASHED = 6       # shorter squashed aliases ("isis") would match too much
MAX_ALIAS_TOKENS = 8
MAX_NAME_TAIL = 2      # capitalised words between a known name and the acronym it is given
_JOINERS = frozenset({"-", "\u2010", "\u2011", "'", "\u2019"})  # may join the words of a name


def squash(name: str) -> str:
    """A name without case, separators or doubled letters: "Jamaat-ul-Ahrar" -> "jamatulahrar"."""
    return _DOUBLED.sub(r"\1", _NOT_ALNUM.sub("", name.lower()))


_APOSTROPHES = ("'", "\u2019", "\u2018", "`", "\u02bf", "\u02be")  # ' ’ ‘ ` ʿ ʾ: one letter (ayn, hamza) in transliterations


def _variants(alias: str) -> set[str]:
    """An alias with each way of writing an apostrophe ("al-Qa'ida", "al-Qa`ida", "al-Qaʿida")."""
    if not any(mark in alias for mark in _APOSTROPHES):
        return {alias}
    plain = alias
    for mark in _APOSTROPHES[1:]:
        plain = plain.replace(mark, "'")
    return {alias} | {plain.replace("'", mark) for mark in _APOSTROPHES}


class ActorMatcher:
    """Matches knowledge-base aliases, then adds NER-discovered actors."""

    def __init__(self, nlp: Language, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        forces = kb.relation_cues.get("force_nouns", [])
        self.location_preps = frozenset(kb.relation_cues.get("location_preps", []))
        self.metonyms = PhraseMatcher(nlp.vocab, attr="ORTH")
        for actor_id, names in kb.metonyms.items():
            self.metonyms.add(actor_id, [nlp.make_doc(n) for n in names])
        self.not_actors = frozenset(w.lower() for w in kb.relation_cues.get("not_actors", []))
        self.naming = frozenset(tuple(p.lower().split()) for p in kb.relation_cues.get("naming_phrases", []))
        self.credit_words = frozenset(kb.relation_cues.get("credit_words", []))
        self.junk_words = frozenset(str(w).lower() for w in kb.relation_cues.get("not_actor_words", []))
        self.place_preps = frozenset(kb.relation_cues.get("place_preps", []))
        self.feature_words = frozenset(kb.relation_cues.get("feature_words", []))
        self.squashed: dict[str, str] = {}
        for actor in kb.actors.values():
            for alias in actor.aliases:
                key = squash(alias)
                if len(key) >= MIN_SQUASHED:
                    self.squashed.setdefault(key, actor.id)
        self.squashed_prefixes = {key[:n] for key in self.squashed for n in range(1, len(key) + 1)}
        for actor in kb.actors.values():
            exact, folded = set(), set()
            for alias in actor.aliases:
                (exact if _CASE_SENSITIVE.match(alias) else folded).update(_variants(alias))
            for adjective in kb.adjectives.get(actor.id, ()):
                folded.update(f"{adjective} {force}" for force in forces)
            if exact:
                self.exact.add(actor.id, [nlp.make_doc(a) for a in sorted(exact)])
            if folded:
                self.folded.add(actor.id, [nlp.make_doc(a) for a in sorted(folded)])

    def __call__(self, doc: Doc) -> Doc:
        spans = [
            Span(doc, start, end, label=match_id, span_id="alias")
            for matcher in (self.exact, self.folded)
            for match_id, start, end in matcher(doc)
        ]
        spans += [
            span for span in (Span(doc, s, e, label=m, span_id="metonym") for m, s, e in self.metonyms(doc))
            if self._is_party(span)
        ]
        spans = filter_spans(spans + self._variants_of_aliases(doc))  # the longer name wins
        spans = [s for s in spans if not self._feature(s)]
        taken = {i for span in spans for i in range(span.start, span.end)}
        discovered: dict[str, list[str]] = {}
        for ent in doc.ents:
            kind = NER_KINDS.get(ent.label_)
            if kind is None or any(i in taken for i in range(ent.start, ent.end)):
                continue
            name = _LEADING.sub("", ent.text).strip()
            actor_id = _SLUG.sub("_", name.upper()).strip("_")
            if len(name) < 3 or not actor_id or not name[0].isupper() or \
                    any(t.lower_ in self.not_actors for t in ent):
                continue
            if load_gazetteer().lookup(name) is not None or self._junk(ent):
                continue  # "attacked Herat": a place the model took for an organisation is no party
            if actor_id in self.kb.actors:
                actor_id += "_NER"
            start = ent.start + (1 if ent[0].lower_ in ("the", "a", "an") else 0)
            spans.append(Span(doc, start, ent.end, label=actor_id, span_id="ner"))
            discovered[actor_id] = [name, kind]
        spans = self._introduced(doc, spans)
        spans = filter_spans(spans + self._repeated(doc, spans, discovered))
        published = doc.user_data.get(PUBLISHED_KEY)
        spans = [s if government == s.label_ else Span(doc, s.start, s.end, label=government, span_id=s.id_)
                 for s in spans for government in [self.kb.government_of(s.label_, published)]]
        doc.spans[SPAN_KEY] = sorted(spans, key=lambda s: s.start)
        used = {s.label_ for s in spans}
        doc.user_data[DISCOVERED_KEY] = {k: v for k, v in discovered.items() if k in used}
        return doc

    @staticmethod
    def _repeated(doc: Doc, spans: list[Span], discovered: dict[str, list[str]]) -> list[Span]:
        """Later uses of an organisation's name found in the text that NER left untagged ("ISSP
        expanded ... ISSP fighters attacked"), by the exact words of a mention; one pass over the text."""
        names: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for span in spans:
            if span.id_ == "ner" and discovered.get(span.label_, ["", ""])[1] == "organization":
                words = tuple(t.text for t in span)
                if (words, span.label_) not in names.get(words[0], []):
                    names.setdefault(words[0], []).append((words, span.label_))
        if not names:
            return []
        taken = {i for span in spans for i in range(span.start, span.end)}
        found = []
        for token in doc:
            for words, label in names.get(token.text, ()):
                end = token.i + len(words)
                if end <= len(doc) and tuple(t.text for t in doc[token.i:end]) == words and \
                        not taken.intersection(range(token.i, end)):
                    found.append(Span(doc, token.i, end, label=label, span_id="ner"))
        return found

    def _variants_of_aliases(self, doc: Doc) -> list[Span]:
        """Spellings no alias lists but that differ from one only in hyphens, spaces and doubled
        letters ("Jamat-ul-Ahrar", "Jamaatul Ahrar" for Jamaat-ul-Ahrar; "Islamic State-Mozambique"),
        from a capitalised word on, the longest at each word. A span grows while its squashed text
        begins some squashed alias, so the cost stays linear in the text."""
        found = []
        for i, token in enumerate(doc):
            if not (token.is_title or token.is_upper) or not token.is_alpha:
                continue
            raw, best = "", None
            for end in range(i + 1, min(len(doc), i + MAX_ALIAS_TOKENS) + 1):
                word = doc[end - 1]
                if not (word.is_alpha or word.is_digit or word.text in _JOINERS):
                    break  # "the Islamic State, Somalia's ...": a comma parts two names
                raw += _NOT_ALNUM.sub("", word.lower_)
                key = _DOUBLED.sub(r"\1", raw)
                if key not in self.squashed_prefixes:
                    break
                if key in self.squashed and (word.is_title or word.is_upper or word.is_digit):
                    best = (end, self.squashed[key])  # a name ends in a name's word: "al-Hol and" is no "Holland"
            if best is not None:
                found.append(Span(doc, i, best[0], label=best[1], span_id="alias"))
        return found

    def _feature(self, span: Span) -> bool:
        """Is the name part of a natural feature's ("Lake Chad", "the Gulf of Oman")?"""
        doc, i = span.doc, span.start
        before = doc[i - 1] if i else None
        if before is not None and before.lower_ == "of" and i > 1:
            before = doc[i - 2]
        return before is not None and before.is_title and before.lower_ in self.feature_words

    def _junk(self, ent: Span) -> bool:
        """A byline, photo credit, month, language or markup NER took for an actor ("By Ali Khan", "Dari"),
        or a place it did ("captured in Sambisa", "in the El Fasher area": a name after a place preposition)."""
        before = ent.doc[ent.start - 1].lower_ if ent.start else ""
        if before == "the" and ent.start > 1:
            before = ent.doc[ent.start - 2].lower_
        return before in self.credit_words or before in self.place_preps or \
            any(t.lower_ in self.junk_words for t in ent) or any(c in ent.text for c in "*#[]|<>_=@/\\")

    def _introduced(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """Names a text gives an actor itself: "the Islamic State in Sinai Province (ISSP)", "a
        coalition known as Fath al-Mubin": later uses of the name are mentions of that actor."""
        named: dict[tuple[str, ...], str] = {}
        at = {i: s for s in spans for i in range(s.start, s.end)}
        for span in spans:
            after = doc[span.end:span.end + 8]
            k = 0  # "Islamic State in Sinai Province (ISSP)": a name's last words no alias holds
            while k < MAX_NAME_TAIL and k < len(after) and after[k].is_title and after[k].is_alpha:
                k += 1
            if len(after) >= k + 3 and after[k].text == "(" and after[k + 2].text == ")" and _ACRONYM.match(after[k + 1].text):
                root = span.root  # "the Sahel Province of the Islamic State (ISSP)" names the province
                whole = at.get(root.head.head.i) if root.dep_ == "pobj" and root.head.lower_ == "of" else None
                named.setdefault((after[k + 1].text,), (whole or span).label_)
            words = [t.lower_ for t in after[:3]]
            for n in (1, 2):
                if tuple(words[:n]) in self.naming and len(after) > n and after[n].pos_ == "PROPN":
                    end = n
                    while end < len(after) and (after[end].pos_ == "PROPN" or after[end].text == "-"):
                        end += 1
                    named.setdefault(tuple(t.text for t in after[n:end]), span.label_)
        if not named:
            return spans
        kept = {i for s in spans if s.id_ != "ner" for i in range(s.start, s.end)}
        found = []
        for i, token in enumerate(doc):
            for name, actor_id in named.items():
                end = i + len(name)
                if token.text == name[0] and tuple(t.text for t in doc[i:end]) == name \
                        and not kept.intersection(range(i, end)):
                    found.append(Span(doc, i, end, label=actor_id, span_id="alias"))
        found = filter_spans(found)
        taken = {i for f in found for i in range(f.start, f.end)}
        return [s for s in spans if not taken.intersection(range(s.start, s.end))] + found

    def _is_party(self, span: Span) -> bool:
        """Is a capital named as a party ("Kabul denied ...") rather than a place ("in Kabul")?"""
        root = span.root
        if root.dep_ in ("compound", "amod", "npadvmod"):
            return False  # "Kabul airport", "a Kabul-based group"
        return not (root.dep_ == "pobj" and root.head.lower_ in self.location_preps)


def discovered_actors(doc: Doc) -> dict[str, Actor]:
    """The actors NER found in `doc` that the knowledge base does not know."""
    return {
        actor_id: Actor(id=actor_id, name=name, kind=kind, aliases=(name,), discovered=True)
        for actor_id, (name, kind) in doc.user_data.get(DISCOVERED_KEY, {}).items()
    }


@Language.factory("rivalwatch_actors", default_config={"extra_actors": None})
def make_actor_matcher(nlp: Language, name: str, extra_actors: str | None) -> ActorMatcher:
    """Registered as `rivalwatch_actors`: assigns doc.spans['rw_actors']."""
    return ActorMatcher(nlp, load_knowledge(extra_actors))

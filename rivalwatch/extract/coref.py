"""Component `rivalwatch_coref`: resolve "the group", "its", "they" to the group in focus.

Rules, in order:
* "its"/"itself" take the group that is subject of their clause, if it precedes them;
* "it" as a subject, and "the group"-style phrases, take the last group that was a
  subject earlier in the sentence, else the group in focus;
* "it" or "the group" as an object never takes the subject of its own clause (that
  would be "itself"): it takes the last other group mentioned;
* "they"/"their" take the group that is a subject earlier in the sentence, else,
  when no other group is named before them, the subject of the previous sentence.
"It"/"its" may also stand for a state, an organisation or an outlet. The focus is
the group in the subject of the previous sentence, else the group an anaphor there
referred to, else the last group mentioned;
the focus at each sentence start goes to `doc.user_data["rw_focus"]` (sentence
start -> actor). In a document with a speaker (`doc.user_data["rw_speaker"]`, the
outlet a Telegram channel is mapped to), "we"/"our"/"us" outside quotation marks
take the speaker, and an outlet's "our fighters" are its group's. Resolved
anaphors are added to `doc.spans["rw_actors"]` with `id_ == "coref"`.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..knowledge.gazetteer import load_gazetteer
from ..knowledge.load import KnowledgeBase, load_knowledge
from .actors import PUBLISHED_KEY, SPAN_KEY

FOCUS_KINDS = frozenset({"armed_group", "political_party"})
# "it"/"its" may also stand for a state, an organisation or an outlet; "the group" may not.
IT_KINDS = FOCUS_KINDS | {"state", "organization", "media_outlet"}
FOCUS_KEY = "rw_focus"
SPEAKER_KEY = "rw_speaker"
QUOTES = frozenset('"\u201c\u201d')
SUBJECT_DEPS = ("nsubj", "nsubjpass")
PLACE_LIKE = frozenset({"GPE", "LOC", "FAC", "ORG", "PERSON", "NORP"})


def _phrase_length(by_first: dict[str, list[tuple[str, ...]]], doc: Doc, i: int, end: int) -> int:
    """Length of the longest phrase of `by_first` (first word -> phrases, longest first) starting at
    token i and ending by `end` (0 if none)."""
    for phrase in by_first.get(doc[i].lower_, ()):
        n = len(phrase)
        if i + n <= end and tuple(t.lower_ for t in doc[i:i + n]) == phrase:
            return n
    return 0


class PairPhrases:
    """Phrases that stand for two parties: "both groups", "the two jihadist groups", "these
    factions", "the two" (knowledge: `pair_nouns`, `pair_markers` of relation_cues.yaml)."""

    def __init__(self, cues: dict) -> None:
        self.nouns = frozenset(str(n).lower() for n in cues.get("pair_nouns", []))
        self.markers = frozenset(str(m).lower() for m in cues.get("pair_markers", []))

    def phrase(self, head: Token) -> Span | None:
        """The phrase `head` heads when it stands for two parties, else None."""
        marks = [c for c in head.lefts if c.lower_ in self.markers and c.dep_ in ("det", "predet", "nummod")]
        if head.lower_ in self.nouns and marks:
            return head.doc[min(m.left_edge.i for m in marks):head.i + 1]
        if head.lower_ == "two" and head.dep_ != "nummod" and any(c.lower_ in ("the", "these") for c in head.lefts):
            return head.doc[head.left_edge.i:head.i + 1]  # "talks between the two", "the two clashed"
        return None


class Coreference:
    """Links group anaphors back to the group in focus."""

    def __init__(self, nlp: Language, kb: KnowledgeBase) -> None:
        cues = kb.relation_cues
        self.kb = kb
        phrases = sorted((tuple(p.lower().split()) for p in cues.get("group_anaphors", [])), key=len, reverse=True)
        self.phrases_by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:  # longest first within each first word
            self.phrases_by_first.setdefault(phrase[0], []).append(phrase)
        self.pronouns = frozenset(cues.get("pronoun_anaphors", []))
        self.expletive_verbs = frozenset(cues.get("expletive_verbs", []))
        self.plurals = frozenset(cues.get("plural_anaphors", []))
        self.first_person = frozenset(cues.get("first_person_anaphors", []))
        self.affiliate_nouns = frozenset(cues.get("affiliate_nouns", []))
        self.countries = {alias.casefold(): a.id for a in kb.actors.values() if a.kind == "state" and not a.part_of
                          for alias in a.aliases}
        self.forces_by_first: dict[str, list[tuple[str, ...]]] = {}
        installations = cues.get("state_installations", {})
        phrases = [*cues.get("state_force_anaphors", []),
                   *(f"{m} {n}" for m in installations.get("modifiers", []) for n in installations.get("nouns", []))]
        for phrase in sorted((tuple(p.lower().split()) for p in phrases), key=len, reverse=True):
            self.forces_by_first.setdefault(phrase[0], []).append(phrase)

    def _kind(self, actor_id: str) -> str | None:
        actor = self.kb.actors.get(actor_id)
        return actor.kind if actor is not None else None

    def _anaphor_length(self, doc: Doc, i: int) -> int:
        """Length of the anaphor starting at token i (0 if none)."""
        token = doc[i]
        n = _phrase_length(self.phrases_by_first, doc, i, len(doc))
        if n:
            after = doc[i + n] if i + n < len(doc) else None
            # "the group of states" is no anaphor; "accused the movement of colluding" is
            gerund = i + n + 1 < len(doc) and doc[i + n + 1].tag_ == "VBG"
            return 0 if after is not None and after.lower_ == "of" and not gerund else n
        if token.lower_ in self.plurals:
            return 1
        if token.lower_ in self.pronouns and not (token.lower_ == "it" and self._expletive(token)):
            return 1
        return 0

    def _expletive(self, it: Token) -> bool:
        """"It" that stands for no one: "it is clear", "it is thought that ...", "it seems that ..."."""
        head = it.head
        return (it.dep_ == "expl" or head.lemma_ == "be" or head.lemma_.lower() in self.expletive_verbs
                or (it.dep_ == "nsubjpass" and any(c.dep_ in ("ccomp", "xcomp") for c in head.children)))

    @staticmethod
    def _in_subject(token: Token) -> bool:
        """Is the token the subject of a clause, or inside it ("ISKP's media accused")?"""
        for _ in range(3):
            if token.dep_ in SUBJECT_DEPS:
                return True
            if token.dep_ not in ("poss", "compound", "appos", "nmod", "amod") or token.head.i == token.i:
                return False
            token = token.head
        return False

    @staticmethod
    def _within_subject(token: Token) -> bool:
        """Is the token anywhere in the subject phrase of its clause ("some of its leaders have",
        "a senior member of Kataib Hezbollah told")?"""
        for _ in range(6):
            if token.dep_ in SUBJECT_DEPS:
                return True
            if token.pos_ in ("VERB", "AUX") or token.head.i == token.i:
                return False
            token = token.head
        return False

    @staticmethod
    def _clause_subject_start(token: Token) -> int | None:
        """Start index of the subject of the clause governing `token`."""
        verb = token
        for _ in range(6):
            if verb.pos_ in ("VERB", "AUX"):
                subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
                if subject is not None:
                    return subject.left_edge.i
            if verb.head.i == verb.i:
                return None
            verb = verb.head
        return None

    def _speaks(self, token: Token) -> bool:
        """Is the token a first-person pronoun of the document's own voice (not inside a quotation)?"""
        if token.lower_ not in self.first_person:
            return False
        quotes = sum(1 for t in token.doc[token.sent.start:token.i] if t.text in QUOTES)
        return quotes % 2 == 0

    def _voice(self, token: Token, speaker: str) -> str:
        """Who "we" is: the speaker; "our fighters" of an outlet are its group's."""
        actor = self.kb.actors.get(speaker)
        if token.dep_ == "poss" and actor is not None and actor.kind == "media_outlet" and actor.part_of:
            return actor.part_of
        return speaker

    def __call__(self, doc: Doc) -> Doc:
        mentions = {span.start: span for span in doc.spans[SPAN_KEY]}
        speaker: str | None = doc.user_data.get(SPEAKER_KEY)
        resolved: list[Span] = []
        focus: str | None = None
        previous_subject: str | None = None
        focus_at: dict[int, str] = {}
        resolved_starts: set[int] = set()
        replaced: set[int] = set()    # mentions of a parent standing in "the <parent> affiliate"
        seen: list[str] = []          # actors mentioned so far
        for sent in doc.sents:
            if focus:
                focus_at[sent.start] = focus
            groups: list[tuple[int, str]] = []      # (start, actor) of groups met so far
            entities: list[tuple[int, str]] = []    # groups, states, organisations, outlets
            subjects: list[tuple[int, str]] = []    # groups that were subjects
            entity_subjects: list[tuple[int, str]] = []
            i = sent.start
            while i < sent.end:
                span = mentions.get(i)
                affiliate = self._affiliate(span, focus, seen) if span is not None else None
                if affiliate is not None:  # "the al-Qaeda affiliate": the group in focus, not al-Qaeda
                    replaced.add(span.start)
                    span = Span(doc, affiliate[0], affiliate[1], label=affiliate[2], span_id="coref")
                    resolved.append(span)
                    resolved_starts.add(span.start)
                if span is not None:
                    seen.append(span.label_)
                    kind = self._kind(span.label_)
                    if kind in IT_KINDS:
                        entities.append((span.start, span.label_))
                        if self._in_subject(span.root):
                            entity_subjects.append((span.start, span.label_))
                    if kind in FOCUS_KINDS:
                        groups.append((span.start, span.label_))
                        if self._in_subject(span.root):
                            subjects.append((span.start, span.label_))
                    i = span.end
                    continue
                if speaker and self._speaks(doc[i]):
                    n, target = 1, self._voice(doc[i], speaker)
                else:
                    n = self._anaphor_length(doc, i)
                    its = n == 1 and doc[i].lower_ in self.pronouns
                    target = self._resolve(doc[i], n, entities if its else groups,
                                           entity_subjects if its else subjects, focus, previous_subject) if n else None
                if target:
                    resolved.append(Span(doc, i, i + n, label=target, span_id="coref"))
                    resolved_starts.add(i)
                    in_subject = self._in_subject(doc[i + n - 1])
                    if self._kind(target) in FOCUS_KINDS:  # "it" may be a state: not a group in focus
                        if in_subject:
                            subjects.append((i, target))
                        groups.append((i, target))
                    entities.append((i, target))
                    if in_subject:
                        entity_subjects.append((i, target))
                i += max(n, 1)
            subject = subjects[0][1] if subjects else None
            continued = next((a for start, a in groups if start in resolved_starts), None)
            inside_subject = next((a for start, a in groups if self._within_subject(doc[start])), None)
            focus = subject or continued or inside_subject or (groups[-1][1] if groups else focus)
            previous_subject = subject
        doc.user_data[FOCUS_KEY] = focus_at
        resolved += self._state_forces(doc)
        if resolved:
            kept = [s for s in doc.spans[SPAN_KEY] if s.start not in replaced or s.id_ == "coref"]
            doc.spans[SPAN_KEY] = sorted([*kept, *resolved], key=lambda s: s.start)
        return doc

    def _affiliate(self, span: Span, focus: str | None, seen: list[str]) -> tuple[int, int, str] | None:
        """(start, end, group) when `span` names the parent in "the <parent> affiliate" (`affiliate_nouns`):
        the group in focus if the knowledge base has it part of that parent, else the last such one named."""
        head = span.root.head
        if span.root.dep_ not in ("compound", "amod", "nmod") or head.lower_ not in self.affiliate_nouns or \
                head.i < span.end or not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.lefts):
            return None
        child = next((a for a in [focus, *reversed(seen)] if a and self.kb.is_part_of(a, span.label_)), None)
        start = min(c.i for c in head.lefts if c.dep_ == "det")
        return (start, head.i + 1, child) if child else None

    def _state_forces(self, doc: Doc) -> list[Span]:
        """ "Soldiers", "government forces", "the authorities", "a military base" without a name of their
        own are a state's: the one after "in" ("the junta in Mali"); else the text's main state (the one
        it names most, else the country its places lie in) when this or the sentence before names it;
        else the last state named there before them; else the main state. A foreign state named nearby
        ("Turkey has sent observers, and government forces shelled ...") does not take the host's forces."""
        spans = list(doc.spans[SPAN_KEY])
        states = [s for s in spans if self._kind(s.label_) == "state"]
        counts: dict[str, int] = {}
        first: dict[str, int] = {}
        for span in states:
            state = self.kb.state_of(span.label_)
            counts[state] = counts.get(state, 0) + 1
            first.setdefault(state, span.start)
        # the state named most, of those the first named (the text's own: "Mali's junta expelled the
        # French ambassador. The regime ...")
        main = min(counts, key=lambda s: (-counts[s], first[s])) if counts else self._country_of_places(doc)
        if main is None:
            return []
        taken = {i for s in spans for i in range(s.start, s.end)}
        sents = list(doc.sents)
        out = []
        for n, sent in enumerate(sents):
            near = [s for s in states if sents[max(n - 1, 0)].start <= s.start < sent.end]
            i = sent.start
            while i < sent.end:
                length = _phrase_length(self.forces_by_first, doc, i, sent.end)
                if not length or taken.intersection(range(i, i + length)):
                    i += max(length, 1)
                    continue
                head = doc[i + length - 1]
                owned = any(c.i in taken or c.dep_ == "poss" for c in head.children if c.i < head.i) or \
                    any(c.dep_ == "prep" and c.lower_ in ("of", "loyal") for c in head.children) or \
                    any(c.dep_ == "amod" and c.lower_ == "loyal" for c in head.children)
                if not owned:
                    where = [s for c in head.children if c.dep_ == "prep" and c.lower_ == "in"
                             for s in states if c.i < s.start <= c.right_edge.i]  # "the junta in Mali"
                    before = [s for s in near if s.start < i] or near
                    named = {self.kb.state_of(s.label_) for s in near}
                    if where:
                        state = self.kb.state_of(where[-1].label_)
                    else:
                        state = main if main in named or not before else self.kb.state_of(before[-1].label_)
                    state = self.kb.government_of(state, doc.user_data.get(PUBLISHED_KEY))
                    out.append(Span(doc, i, i + length, label=state, span_id="coref"))
                i += length
        return out

    def _country_of_places(self, doc: Doc) -> str | None:
        """The state of the country the text's places lie in ("in Saydabad district, Wardak"), if one."""
        gazetteer = load_gazetteer()
        counts: dict[str, int] = {}
        for ent in doc.ents:
            # NER takes many a district for an organisation or a person: any name the gazetteer knows
            place = gazetteer.lookup(ent.text) if ent.label_ in PLACE_LIKE else None
            if place is not None:
                counts[place.country] = counts.get(place.country, 0) + 1
        for code in sorted(counts, key=lambda c: (-counts[c], c)):
            country = gazetteer.area(code)
            state = self.countries.get(country.name.casefold()) if country else None
            if state:
                return state
        return None

    def _resolve(self, token: Token, length: int, groups: list[tuple[int, str]], subjects: list[tuple[int, str]],
                 focus: str | None, previous_subject: str | None) -> str | None:
        word = token.lower_
        if length == 1 and word in self.plurals:
            if subjects:
                return subjects[-1][1]
            return None if groups else previous_subject
        if length == 1 and word in ("its", "itself"):
            start = self._clause_subject_start(token)
            own = next((a for s, a in groups if start is not None and s >= start), None)
            if own is None and focus and self._within_subject(token):
                return focus  # "According to the UN, some of its leaders ...": the group in focus
            return own or (subjects[-1][1] if subjects else None) or (groups[-1][1] if groups else focus)
        if length == 1 and token.dep_ in SUBJECT_DEPS and groups:
            # "Mali's junta says it is fighting ...", "When the coalition was present, it constrained ISKP"
            return subjects[-1][1] if subjects else groups[-1][1]
        head = token.doc[token.i + length - 1]
        if not self._in_subject(head):
            start = self._clause_subject_start(head)
            own = next((a for s, a in groups if start is not None and s >= start), None)
            others = [a for _, a in groups if a != own]
            return others[-1] if others else (focus if focus != own else None)
        return subjects[-1][1] if subjects else focus


@Language.factory("rivalwatch_coref", default_config={"extra_actors": None})
def make_coreference(nlp: Language, name: str, extra_actors: str | None) -> Coreference:
    """Registered as `rivalwatch_coref`: adds resolved anaphors to doc.spans['rw_actors']."""
    return Coreference(nlp, load_knowledge(extra_actors))

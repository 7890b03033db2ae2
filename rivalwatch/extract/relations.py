"""Component `rivalwatch_relations`: typed, directed relations between mentions.

For each sentence, every cue word (verb or noun lemma from
`knowledge/relation_cues.yaml`) proposes a relation type. Its arguments are found
on the dependency parse:

* verbs: subject -> source (climbing through conjoined, adverbial and relative
  clauses when the verb has none), object or object of a target preposition ->
  target; passives swap, with the `by` agent as source;
* nouns: possessor, compound modifier or `by` agent -> source, else the subject of
  the clause around the noun; object of a target preposition -> target;
* "X and Y clashed", "both groups co-operated": a symmetric relation between two;
* "anti-X <noun>": X is the target of the clause subject;
* host nouns ("safe houses in X-controlled areas"): X supports the clause subject;
* members of one group pledging to or joining another: a DEFECT.

Results go to `doc.user_data["rw_relations"]` as plain tuples (they survive
`nlp.pipe(n_process=...)`): (source, type, target, modality, cue_token_index,
confidence).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import takewhile
from typing import Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..knowledge.load import KnowledgeBase, load_knowledge
from .actors import SPAN_KEY
from .arguments import BY, CLIMB_LINKS, OBJECTS
from .constructions import ConstructionFinder
from .coref import FOCUS_KEY, PairPhrases
from .modality import ModalityCues, colon_speaker, modality_of, reporting_verb

RELATIONS_KEY = "rw_relations"
SUBJECTS = ("nsubj", "nsubjpass", "csubj")
CLAIM_REACH = 3  # a claim of "the attack" is of one told at most this many sentences before
PARTS = {"VERB": "verb", "AUX": "verb", "NOUN": "noun", "PROPN": "noun", "ADJ": "adj"}
REFLEXIVES = frozenset({"himself", "herself", "itself", "themselves"})


@dataclass(frozen=True)
class Cue:
    """What a cue lemma signals."""

    type: str
    part: str  # "verb" or "noun"
    preps: frozenset[str]
    prefix: tuple[str, ...] = ()  # earlier words of a multi-word cue


class RelationFinder(ConstructionFinder):
    """Finds relations in a parsed document whose actor mentions are marked."""

    def __init__(self, nlp: Language, kb: KnowledgeBase) -> None:
        cues = kb.relation_cues
        self.kb = kb
        self.cues: dict[tuple[str, str], list[Cue]] = {}
        for rtype, entry in cues.get("relations", {}).items():
            preps = frozenset(entry.get("target_preps", []))
            for part in ("verb", "noun", "adj"):
                for phrase in entry.get(f"{part}s", []):
                    *prefix, last = str(phrase).lower().split()
                    self.cues.setdefault((last, part), []).append(Cue(rtype, part, preps, tuple(prefix)))
        self.source_preps = {t: frozenset(e.get("source_preps", ["by"])) for t, e in cues.get("relations", {}).items()}
        self.defect_verbs = frozenset(cues.get("defect_verbs", []))
        self.denied_is_reject = frozenset(cues.get("denied_is_reject", []))
        self.severing_verbs = frozenset(cues.get("severing_verbs", []))
        self.xcomp_targets = frozenset(cues.get("xcomp_target_types", []))
        self.member_nouns = frozenset(cues.get("member_nouns", []))
        self.verbal_objects = frozenset(cues.get("verbal_objects", []))
        self.verbal_subjects = frozenset(cues.get("verbal_subjects", []))
        self.accuse_nouns = {key for key, found in self.cues.items() if any(c.type == "ACCUSE" for c in found)}
        self.verbal_capable = frozenset(cues.get("verbal_capable", []))
        self.verbal_modifiers = frozenset(cues.get("verbal_modifiers", []))
        self.host_nouns = frozenset(str(n).split()[-1] for n in cues.get("host_nouns", []))
        self.host_suffixes = frozenset(cues.get("host_suffixes", []))
        self.backing_suffixes = frozenset(cues.get("backing_suffixes", []))
        self.adjective_owner = {adj.lower(): actor for actor, adjs in kb.adjectives.items() for adj in adjs}
        self.anti = frozenset(cues.get("anti_prefixes", []))
        self.pairs = PairPhrases(cues)
        self.naming_verbs = frozenset(cues.get("naming_verbs", []))
        self.member_links = frozenset(cues.get("member_links", []))
        self.not_agent_verbs = frozenset(cues.get("not_agent_verbs", []))
        self.death_words = frozenset(cues.get("death_words", []))
        self.receiver_verbs = frozenset(cues.get("receiver_verbs", []))
        self.incite_verbs = frozenset(cues.get("incite_verbs", []))
        self.role_of = {str(noun): rtype for rtype, nouns in cues.get("role_nouns", {}).items() for noun in nouns}
        self.role_of.update({str(noun): "CLIENT" for noun in cues.get("client_nouns", [])})
        self.ally_preps = frozenset(cues.get("ally_preps", []))
        self.victim_nouns = frozenset(cues.get("victim_nouns", []))
        self.listing_verbs = frozenset(cues.get("listing_verbs", []))
        self.not_with_preps = {str(w).lower(): frozenset(str(p) for p in ps)
                               for w, ps in cues.get("not_with_preps", {}).items()}
        self.first_person = frozenset(cues.get("first_person_anaphors", []))
        self.symmetric = frozenset(cues.get("symmetric_types", []))
        self.location_preps = frozenset(cues.get("location_preps", []))
        self.place_nouns = frozenset(cues.get("place_nouns", []))
        self.modality = ModalityCues.from_knowledge(kb.modality_cues)
        self._anti_starts: set[int] = set()
        self._recent_pair: tuple[str, ...] = ()
        self.against_type = cues.get("cooperation_against", {})
        self.cooperative = frozenset(self.against_type) | {"SUPPORT", "PLEDGE"}

    # -- mentions --------------------------------------------------------
    def _index(self, doc: Doc) -> dict[int, Span]:
        spans = doc.spans[SPAN_KEY]
        # Mentions written "anti-X" are targets of the phrase, never its parties.
        self._anti_starts = {
            s.start for s in spans
            if s.start >= 2 and doc[s.start - 2].lower_ in self.anti and doc[s.start - 1].text == "-"
        }
        return {i: span for span in spans for i in range(span.start, span.end)}

    def _first_person(self, token: Token) -> bool:
        """Is the cue said of "we" ("we attacked", "our fighters attacked", "our attacks on")?"""
        owners = [c for c in token.children if c.dep_ in ("nsubj", "poss")]
        return any(t.lower_ in self.first_person for owner in owners for t in owner.subtree)

    def _arguments(self, token: Token, cue: Cue, mentions: dict[int, Span],
                   focus: str | None = None) -> Iterator[tuple[str, str, float]]:
        """(source, target, confidence) pairs for one cue token.

        `focus` is the group the text is about; a noun cue with a target but no
        source of its own ("Increasing attacks against NGOs") is attributed to it.
        """
        # who is said to act in the cue's reported clauses ("warned that it would ...", "warned that ISKP could ...")
        reported = [self._subject(c, mentions) for c in token.children if c.dep_ == "ccomp"] \
            if cue.part == "verb" and cue.type in self.xcomp_targets else []
        if cue.part == "verb":
            passive = [c for c in token.children if c.dep_ == "nsubjpass"]
            if passive:
                targets = [n for c in passive for n in self._names_under(c, mentions)]
                sources = self._prep_objects(token, BY, mentions)
            elif any(c.dep_ in ("auxpass", "agent") for c in token.children):
                # "after being installed in power by Americans", "ISKP, weakened by X":
                # the one the participle is said of is the target.
                targets = self._patient(token, mentions)
                sources = self._prep_objects(token, BY, mentions)
            else:
                sources = self._subject(token, mentions)
                targets = [n for c in token.children if c.dep_ in OBJECTS for n in self._names_under(c, mentions)]
                # A verb's "of" names the charge, not the target ("accused X of serving Y").
                targets += self._prep_objects(token, cue.preps - {"of"}, mentions)
                if not targets and self._recent_pair:  # "says it is fighting both organisations"
                    if any(self.pairs.phrase(c) for c in token.children if c.dep_ in OBJECTS):
                        targets = list(self._recent_pair)
                if not targets and cue.type in self.xcomp_targets:  # "threatened to attack the Taliban"
                    for comp in (c for c in token.children if c.dep_ == "xcomp"):
                        targets += [n for c in comp.children if c.dep_ in OBJECTS for n in self._names_under(c, mentions)]
                    for comp, said in zip((c for c in token.children if c.dep_ == "ccomp"), reported):
                        # "Israel warned that it would not tolerate any threat from Hezbollah": what the
                        # source says it will do itself names the one threatened
                        if sources and set(said) & set(sources):
                            named = {mentions[t.i].start: mentions[t.i].label_ for t in comp.subtree if t.i in mentions}
                            targets += [named[i] for i in sorted(named) if named[i] not in sources]
            confidence = 0.75
        else:
            phrase = token
            while phrase.dep_ == "compound" and phrase.head.i != phrase.i:
                phrase = phrase.head
            sources, targets = [], []
            holders = {token, phrase}
            if phrase.dep_ == "pobj" and phrase.head.lower_ == "of" and phrase.head.head.pos_ == "NOUN":
                holders.add(phrase.head.head)  # "acts of violence against X"
            for holder in holders:
                for child in holder.children:
                    if child.dep_ == "poss" or (child.dep_ in ("compound", "amod", "nmod") and child.i < token.i):
                        sources += self._names_under(child, mentions, follow_of=False)
                sources += self._prep_objects(holder, self.source_preps.get(cue.type, BY), mentions)
                targets += self._prep_objects(holder, cue.preps - {"by"}, mentions)
                for child in holder.children:  # "operations targeting ISKP leaders"
                    if child.dep_ == "acl" and self._cues_at(child):
                        targets += [n for c in child.children if c.dep_ in OBJECTS for n in self._names_under(c, mentions)]
            confidence = 0.7
            if not targets and phrase.dep_ in SUBJECTS:
                # "Taliban crackdowns weakened ISKP": the governing verb's object is the target.
                targets = [n for c in phrase.head.children if c.dep_ in OBJECTS for n in self._names_under(c, mentions)]
            if not sources and phrase.dep_ not in SUBJECTS:
                # "ISKP launched attacks on X": the subject did it; not so "Iran, citing the killing of X"
                by_subject = phrase.dep_ in CLIMB_LINKS and not (
                    phrase.dep_ == "dobj" and phrase.head.lemma_.lower() in self.not_agent_verbs)
                sources = self._subject(phrase, mentions) if by_subject else []
                confidence = 0.55
            in_passive = phrase.dep_ == "pobj" and self._passive(phrase.head.head)
            died = phrase.dep_ == "pobj" and phrase.head.lower_ == "in" and \
                phrase.head.head.lemma_.lower() in self.death_words
            if sources and not targets and died:
                # "X died in a US drone strike", "the death of X in a US drone strike"
                governor = phrase.head.head
                targets = (self._prep_objects(governor, frozenset({"of"}), mentions) if governor.pos_ == "NOUN"
                           else self._patient(governor, mentions))
                confidence = 0.5
            received = next((h.head for h in holders if h.dep_ == "dobj" and h.head.lemma_.lower() in self.receiver_verbs), None)
            if received is not None:
                # "the Taliban faced a wave of bombings by ISKP": the subject received the act, and
                # without a "by" nobody named did it ("ISKP suffered attacks")
                targets = self._subject(received, mentions)
                confidence = 0.55
                if not sources:
                    return
            if sources and not targets and phrase.dep_ not in SUBJECTS and (
                    cue.type in ("COERCE", "DEFECT") or in_passive):
                # "losses due to persecution by X", "weakened by Taliban crackdowns",
                # "defections from X", "was killed in a US drone strike":
                # the one the clause is about is the target.
                targets = self._patient(phrase.head.head if in_passive else phrase, mentions)
                confidence = 0.5
        if not sources and targets and focus and not self._passive(token) and not self._first_person(token):
            # "Increasing attacks against NGOs": said of the group the text is about
            # (not "our fighters attacked X" when nobody is known to speak).
            sources, confidence = [focus], 0.4
        if any(c.dep_ in OBJECTS and c.lower_ in REFLEXIVES for c in token.children):
            return  # "killed himself": no one else is the target
        if cue.part == "verb" and not targets and len(set(sources)) >= 2 and self._reciprocal(token):
            for source in dict.fromkeys(sources):  # "Hamas and Fatah accused each other": both ways
                for target in dict.fromkeys(sources):
                    if source != target:
                        yield source, target, 0.6
            return
        if sources and not targets and any(set(said) - set(sources) for said in reported):
            return  # "the UN warned that ISKP could attack": a warning of what another may do threatens no one
        if sources and not targets:
            targets = self._loose_targets(token, mentions, hostile_only=cue.type in self.cooperative)
            confidence = 0.35
        sources = [s for s in dict.fromkeys(sources)]
        targets = [t for t in dict.fromkeys(targets) if t not in sources]
        if not targets and len(sources) >= 2 and cue.type in self.symmetric:
            yield sources[0], sources[1], confidence
            yield sources[1], sources[0], confidence
            return
        for source in sources:
            for target in targets:
                yield source, target, confidence

    @staticmethod
    def _passive(token: Token) -> bool:
        """Is the token a passive verb ("was killed"), whose doer is unknown unless named by "by"?"""
        return token.pos_ in ("VERB", "AUX") and any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children)

    def _type_for(self, token: Token, cue: Cue) -> str:
        """Verbal uses of violent words ("attack the TTP's apostasy", "media offensive",
        "ideological warfare", "ISKP's propaganda targets the Taliban") are accusations."""
        if token.lemma_.lower() in self.verbal_capable and cue.part == "noun" and any(
            (c.dep_ in ("amod", "compound") and (c.lemma_.lower() in self.verbal_modifiers or c.lower_ in self.verbal_modifiers))
            or (c.dep_ == "prep" and c.lower_ == "of"  # "a war of words"
                and any(g.lemma_.lower() in self.verbal_modifiers for g in c.children if g.dep_ == "pobj"))
            for c in token.children
        ):
            return "ACCUSE"
        if token.lemma_.lower() in self.verbal_capable:
            if cue.part == "verb" and any(c.dep_ == "nsubj" and c.lemma_.lower() in self.verbal_subjects for c in token.children):
                return "ACCUSE"
            objects = [c for c in token.children if c.dep_ in OBJECTS]
            objects += [g for c in token.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
            if any(o.lemma_.lower() in self.verbal_objects or (o.lemma_.lower(), "noun") in self.accuse_nouns
                   for o in objects):
                return "ACCUSE"
        return cue.type

    def _cues_at(self, token: Token) -> list[Cue]:
        part = PARTS.get(token.pos_)
        if part is None:
            return []
        blocking = self.not_with_preps.get(token.lemma_.lower())
        if blocking and any(c.dep_ == "prep" and c.lower_ in blocking for c in token.children):
            return []  # "its fire trained on the army"
        found = []
        for cue in self.cues.get((token.lemma_.lower(), part), []) + self.cues.get((token.lower_, part), []):
            if cue.prefix:
                start = token.i - len(cue.prefix)
                if start < 0 or tuple(t.lemma_.lower() for t in token.doc[start:token.i]) != cue.prefix:
                    continue
            if cue not in found:
                found.append(cue)
        return found

    def _groups_named(self, start: int, end: int, mentions: dict[int, Span], recent: list[str]) -> list[str]:
        """`recent` (groups last named, oldest first) updated with the groups named in tokens [start, end)."""
        out = list(recent)
        for i in range(start, end):
            span = mentions.get(i)
            actor = self.kb.actors.get(span.label_) if span is not None and i == span.start else None
            if actor is not None and actor.kind in ("armed_group", "political_party"):
                if span.label_ in out:
                    out.remove(span.label_)
                out.append(span.label_)
        return out

    # -- the sentence loop ------------------------------------------------
    def relations(self, doc: Doc) -> list[tuple[str, str, str, str, int, float]]:
        mentions = self._index(doc)
        # (source, type, target, modality, sentence start) -> (confidence, cue token index)
        found: dict[tuple[str, str, str, str, int], tuple[float, int]] = {}
        recent: list[str] = []
        focus_at: dict[int, str] = doc.user_data.get(FOCUS_KEY, {})

        def keep(source: str, rtype: str, target: str, modality: str, token: Token, confidence: float) -> None:
            key = (source, rtype, target, modality, token.sent.start)
            if key not in found or found[key][0] < confidence:
                found[key] = (confidence, token.i)

        def add(source: str, rtype: str, target: str, token: Token, confidence: float, *, said_by_source: bool = True) -> None:
            if source == target or self.kb.rollup(source) == self.kb.rollup(target):
                return
            speaker = colon_speaker(token.sent, self.modality)
            quoted = set(self._names_under(speaker.root, mentions)) if speaker is not None and token.i < speaker.start else set()
            if {source, target} & quoted:
                return  # "Taliban shelter the TTP: Pakistani official": the speaker is no party to the claim
            if rtype in self.symmetric and source > target and rtype == "FIGHT":
                source, target = target, source
            modality = modality_of(token, self.modality)
            if modality == "alleged":
                confidence *= 0.8
            severed = rtype in self.denied_is_reject and token.dep_ == "dobj" and \
                token.head.lemma_.lower() in self.severing_verbs and modality_of(token.head, self.modality) == "asserted"
            if severed:
                modality = "negated"  # "broke off diplomatic relations", "suspended the talks": the tie is over
            if said_by_source and rtype in self.denied_is_reject and modality == "negated" and (any(
                c.dep_ == "det" and c.lower_ in self.modality.negation_words for c in token.children
            ) or severed):
                # "the TTP has no affiliations with ISKP", "ISKP severed ties with the TTP" disavow a tie: REJECT.
                keep(source, "REJECT", target, "asserted", token, 0.6)
            keep(source, rtype, target, modality, token, confidence)
            if modality == "alleged":
                # "Pakistan accuses Kabul of sheltering the TTP": alleging it is an accusation.
                verb = reporting_verb(token, self.modality)
                accusers = self._subject(verb, mentions) if verb is not None else sorted(quoted)
                for accuser in accusers:
                    if self.kb.rollup(accuser) not in (self.kb.rollup(source), self.kb.rollup(target)):
                        keep(accuser, "ACCUSE", source, "asserted", verb or speaker.root, 0.5)  # type: ignore[union-attr]

        quiet: list[tuple[int, Span]] = []  # sentences without a relation: their attacks may be claimed later
        for number, sent in enumerate(doc.sents):
            self._recent_pair = tuple(recent[-2:]) if len(recent) >= 2 else ()
            before = len(found)
            for token in sent:
                focus = focus_at.get(sent.start)
                if token.dep_ == "acl" and self._cues_at(token.head):
                    continue  # "operations targeting X": the noun carries the relation
                cues_here = self._cues_at(token)
                for cue in cues_here:
                    rtype = self._type_for(token, cue)
                    # "HTS arrested Hurras al-Din members after the two groups clashed": the groups so far
                    pair = self._pair_subject(sent, token, self._groups_named(sent.start, token.i, mentions, recent),
                                              mentions) if rtype in self.symmetric else []
                    if pair:
                        # "no ties between X and Y" is the writer's statement, not a rejection by either
                        add(pair[0], rtype, pair[1], token, 0.6, said_by_source=False)
                        add(pair[1], rtype, pair[0], token, 0.6, said_by_source=False)
                        continue
                    for source, target, confidence in self._arguments(token, cue, mentions, focus):
                        members_of = self._defect_source(token, mentions) if rtype in ("PLEDGE", "DEFECT") else []
                        for group in members_of:  # "TTP commanders pledged allegiance to ISKP"
                            add(group, "DEFECT", target, token, 0.6)
                        if not members_of:
                            add(source, rtype, target, token, confidence)
                for cue in cues_here:  # "cooperated against Malian and French forces"
                    joint = self.against_type.get(cue.type)
                    if joint:
                        for enemy in self._prep_objects(token, frozenset({"against"}), mentions):
                            for ally in self._subject(token, mentions):
                                add(ally, joint, enemy, token, 0.5)
                if token.pos_ == "NOUN" and token.lemma_.lower() in self.host_nouns:
                    for host, guest, confidence in self._host_relations(token, mentions):
                        add(host, "SUPPORT", guest, token, confidence)
                if token.pos_ == "NOUN" and token.lemma_.lower() in self.role_of:
                    rtype = self.role_of[token.lemma_.lower()]
                    for member, owner in self._role(token, mentions):
                        if rtype == "CLIENT":  # "X, a proxy of Y": Y supports X
                            add(owner, "SUPPORT", member, token, 0.55)
                        else:
                            add(member, rtype, owner, token, 0.55)
                if cues_here and token.pos_ == "VERB":
                    for ally in self._prep_objects(token, self.ally_preps, mentions):
                        for fighter in self._subject(token, mentions):
                            add(fighter, "COOPERATE", ally, token, 0.55)
                if token.lemma_.lower() in self.listing_verbs and token.pos_ in ("VERB", "AUX"):
                    for attacker, victim in self._victims(token, mentions, focus):
                        add(attacker, "ASSAULT", victim, token, 0.5)
                if token.pos_ == "VERB" and token.lemma_.lower() in self.incite_verbs:
                    for source, target in self._incited(token, mentions):
                        add(source, "THREATEN", target, token, 0.55)
                if token.pos_ == "VERB" and token.lemma_.lower() in self.defect_verbs:
                    for group in self._defect_source(token, mentions):
                        for target in [n for c in token.children if c.dep_ in OBJECTS for n in self._names_under(c, mentions)]:
                            add(group, "DEFECT", target, token, 0.6)
            if len(found) == before:
                for claim, claimants in self._claims_of_earlier_acts(sent, mentions):
                    # "Gunmen attacked a police post. The TTP claimed the attack.": the latest act before
                    within = takewhile(lambda q: number - q[0] <= CLAIM_REACH, reversed(quiet))
                    targets = next((t for _, earlier in within for t in [self._unattributed_targets(earlier, mentions)] if t), [])
                    for claimant in claimants:
                        for target in targets:
                            if self.kb.rollup(claimant) != self.kb.rollup(target):
                                keep(claimant, "ASSAULT", target, "alleged", claim, 0.45)
                quiet.append((number, sent))
            for head, source, target in self._backed_relations(sent, mentions):
                add(source, "SUPPORT", target, head, 0.55)
            for head, source, target in self._anti_relations(sent, mentions, focus_at.get(sent.start)):
                add(source, self._anti_type(head), target, head, 0.6)
            recent[:] = self._groups_named(sent.start, sent.end, mentions, recent)
        return [(s, t, o, m, cue, round(c, 3)) for (s, t, o, m, _), (c, cue) in found.items()]

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[RELATIONS_KEY] = self.relations(doc)
        return doc


@Language.factory("rivalwatch_relations", default_config={"extra_actors": None})
def make_relation_finder(nlp: Language, name: str, extra_actors: str | None) -> RelationFinder:
    """Registered as `rivalwatch_relations`: assigns doc.user_data['rw_relations']."""
    return RelationFinder(nlp, load_knowledge(extra_actors))

"""Relations that hang on more than a cue word's own arguments: two parties "between" which a
relation holds, hosts and backers named by hyphenated modifiers ("X-controlled", "Iran-backed"),
"anti-X" nouns, what one actor is of another ("an arm of"), calls on others to attack, attacks a
later claim attributes, who a group's "targets" are, and the group members of a defection come from.

`ConstructionFinder` is a mixin of `RelationFinder` (after `ArgumentFinder`); it reads the
attributes and the `_cues_at` method set there.
"""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Span, Token

from .arguments import BY, CLIMB_LINKS, OBJECTS, ArgumentFinder
from .modality import modality_of


class ConstructionFinder(ArgumentFinder):
    """Special constructions of the relation rules."""

    def _pair_subject(self, sent: Span, token: Token, recent: list[str], mentions: dict[int, Span]) -> list[str]:
        """The two parties of a symmetric relation: "a ceasefire between Israel and
        Hezbollah", "clashes broke out on Friday between X and Y" (the cue noun the subject of the
        verb "between" hangs on), or "both groups clashed" (the two groups last in focus)."""
        holders = [token, token.head] if token.dep_ in ("nsubj", "nsubjpass") and token.pos_ == "NOUN" else [token]
        between = next((c for h in holders for c in h.children if c.dep_ == "prep" and c.lower_ == "between"), None)
        if between is not None:
            named = [n for g in between.children if g.dep_ == "pobj" for n in self._names_under(g, mentions)]
            if len(named) >= 2:
                return named[:2]
        if len(recent) < 2:
            return []
        if between is not None:
            heads = [g for g in between.children if g.dep_ == "pobj"]
        else:
            subject = self._subject_token(token, {}) if token.pos_ in ("VERB", "AUX") or token.dep_ in CLIMB_LINKS else None
            heads = [subject] if subject is not None else []
        return recent[-2:] if any(self.pairs.phrase(h) for h in heads) else []

    def _host_relations(self, token: Token, mentions: dict[int, Span]) -> Iterator[tuple[str, str, float]]:
        """"Safe houses in X-controlled Afghanistan": X supports the clause subject."""
        hosts = [a for t in token.subtree if t.lower_ in self.host_suffixes
                 for a in [self._hyphen_actor(t, mentions)] if a]
        hosts += self._prep_objects(token, BY, mentions)
        if not hosts:
            return
        for guest in self._subject(token, mentions):
            for host in hosts:
                if host != guest:
                    yield host, guest, 0.55

    def _backed_relations(self, sent: Span, mentions: dict[int, Span]) -> Iterator[tuple[Token, str, str]]:
        """"an American-installed regime", "the Iran-backed Houthis": X supports who the noun names."""
        for token in sent:
            if token.lower_ not in self.backing_suffixes:
                continue
            backer = self._hyphen_actor(token, mentions)
            noun = token.head if token.dep_ in ("amod", "compound", "acl") else None
            if backer is None or noun is None:
                continue
            backed = self._names_under(noun, mentions, follow_of=False)
            backed = [b for b in backed if b != backer]
            if not backed and noun.head.lower_ == "as":  # "portraying it as an X-installed regime"
                verb = noun.head.head
                backed = [n for c in verb.children if c.dep_ in OBJECTS for n in self._names_under(c, mentions)]
            for actor in backed:
                yield token, backer, actor

    def _anti_relations(self, sent: Span, mentions: dict[int, Span], focus: str | None) -> Iterator[tuple[Token, str, str]]:
        """"anti-Taliban propaganda": (phrase head, source, target)."""
        for span in {m for m in mentions.values() if m.start in self._anti_starts and sent.start <= m.start < sent.end}:
            head = span.root
            while head.dep_ in ("amod", "compound", "npadvmod", "nmod") and head.head.i != head.i:
                head = head.head
            for source in self._subject(head, mentions) or ([focus] if focus else []):
                if source != span.label_:
                    yield head, source, span.label_

    def _anti_type(self, head: Token) -> str:
        """"anti-X propaganda campaign" is an accusation; "anti-X operations" keep their type."""
        words = [t for t in head.subtree if t.i <= head.i]
        if any((t.lemma_.lower(), "noun") in self.accuse_nouns or t.lemma_.lower() in self.verbal_objects
               or t.lower_ in self.verbal_modifiers for t in words):  # "media" lemmatises to "medium"
            return "ACCUSE"
        types = [c.type for c in self._cues_at(head)]
        return types[0] if types else "ACCUSE"

    def _role(self, noun: Token, mentions: dict[int, Span]) -> Iterator[tuple[str, str]]:
        """(member, owner) for "X is an arm of Y", "X serves as Y's proxy", "X, a proxy of Y"."""
        owners = self._prep_objects(noun, frozenset({"of"}), mentions)
        owners += [n for c in noun.children if c.dep_ == "poss" for n in self._names_under(c, mentions)]
        if noun.dep_ in ("attr", "oprd"):
            members = self._subject(noun.head, mentions)
        elif noun.dep_ == "pobj" and noun.head.lower_ == "as" and noun.head.head.pos_ in ("VERB", "AUX"):
            members = self._subject(noun.head.head, mentions)
        elif noun.dep_ == "appos" and noun.head.i in mentions:
            members = [mentions[noun.head.i].label_]
        else:
            members = []
        for member in members:
            for owner in owners:
                if owner != member:
                    yield member, owner

    def _unattributed_targets(self, sent: Span, mentions: dict[int, Span]) -> list[str]:
        """Who an attack in the sentence hit when no actor is named as its doer ("unidentified gunmen
        shot dead two policemen")."""
        out: list[str] = []
        for token in sent:
            for cue in self._cues_at(token):
                if cue.type != "ASSAULT" or modality_of(token, self.modality) != "asserted":
                    continue
                if cue.part == "verb":
                    passive = [c for c in token.children if c.dep_ == "nsubjpass"]
                    named = [n for c in passive for n in self._names_under(c, mentions)] if passive else \
                        [n for c in token.children if c.dep_ in OBJECTS for n in self._names_under(c, mentions)]
                    named += self._prep_objects(token, cue.preps - {"of", "by"}, mentions)
                else:
                    named = self._prep_objects(token, cue.preps - {"by"}, mentions)
                out += [n for n in named if n not in out]
        return out

    def _claims_of_earlier_acts(self, sent: Span, mentions: dict[int, Span]) -> Iterator[tuple[Token, list[str]]]:
        """(claim verb, claimants) of "X claimed responsibility for the attack", "X claimed it" whose act
        names no one: the act is one told before."""
        text = sent.text.lower()
        if not any(verb in text for verb in self.modality.claim_verbs):
            return  # most sentences: one look at the text
        for token in sent:
            if token.lemma_.lower() not in self.modality.claim_verbs or token.pos_ != "VERB":
                continue
            if modality_of(token, self.modality) != "asserted":
                continue  # "no group has claimed the attack", "may claim"
            claimants = self._subject(token, mentions)
            if claimants:
                yield token, claimants

    def _victims(self, verb: Token, mentions: dict[int, Span], focus: str | None) -> Iterator[tuple[str, str]]:
        """(attacker, victim) for "its targets have included X", "the victims of Y include X"."""
        noun = next((c for c in verb.children if c.dep_ == "nsubj" and c.lemma_.lower() in self.victim_nouns), None)
        if noun is None:
            return
        attackers = [n for c in noun.children if c.dep_ == "poss" for n in self._names_under(c, mentions)]
        attackers += self._prep_objects(noun, frozenset({"of"}), mentions)
        if not attackers and focus and not any(c.dep_ in ("det", "poss") and c.lower_ != "the" for c in noun.children):
            attackers = [focus]  # "Targets have included ...": the group the text is about
        victims = [n for c in verb.children if c.dep_ in OBJECTS for n in self._names_under(c, mentions)]
        for attacker in attackers:
            for victim in victims:
                if attacker != victim:
                    yield attacker, victim

    def _incited(self, verb: Token, mentions: dict[int, Span]) -> Iterator[tuple[str, str]]:
        """(who urges, who is to be attacked) for "X urged its fighters to attack Y"."""
        for comp in (c for c in verb.children if c.dep_ == "xcomp"):
            for cue in self._cues_at(comp):
                if cue.type not in ("ASSAULT", "FIGHT"):
                    continue
                targets = [n for c in comp.children if c.dep_ in OBJECTS for n in self._names_under(c, mentions)]
                targets += self._prep_objects(comp, cue.preps - {"of"}, mentions)
                for source in self._subject(verb, mentions):
                    for target in targets:
                        yield source, target

    def _defect_source(self, verb: Token, mentions: dict[int, Span]) -> list[str]:
        """The group whose members are the subject of `verb` ("TTP commanders")."""
        subject = self._subject_token(verb, mentions)
        if subject is None or subject.lemma_.lower() not in self.member_nouns:
            return []
        groups = []
        for mod in subject.children:
            if mod.dep_ in ("compound", "poss", "amod", "nmod"):
                groups += self._names_under(mod, mentions)
            elif mod.dep_ == "prep" and mod.lower_ in ("of", "from"):
                groups += [n for g in mod.children for n in self._names_under(g, mentions)]
        return groups

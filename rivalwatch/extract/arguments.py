"""Finding a cue's arguments on the dependency parse: who is named by a noun
phrase, the subject of a clause (climbing through governing clauses), the patient
of a passive, objects of prepositions, and last-resort targets.

`ArgumentFinder` is a mixin of `RelationFinder`; it reads the attributes `location_preps`,
`place_nouns`, `modality`, `adjective_owner`, `naming_verbs`, `member_links`, `member_nouns`, `ally_preps` and
`_anti_starts` set there.
"""
from __future__ import annotations

from spacy.tokens import Span, Token

from .modality import CLAIM_NOUNS, claim_holder, noun_clause, opens_phrase

# Dependency links we may follow down from an argument head to the actor names in it.
NP_LINKS = frozenset({"conj", "appos", "compound", "poss", "nmod", "amod", "npadvmod", "cc"})
CLIMB_LINKS = frozenset({"xcomp", "advcl", "conj", "pcomp", "acl", "relcl", "ccomp", "prep", "pobj", "dobj",
                         "appos", "attr", "compound", "npadvmod", "amod", "acomp", "oprd", "agent"})
OBJECTS = ("dobj", "dative", "attr", "oprd")
BY = frozenset({"by"})


class ArgumentFinder:
    """Parse-walking helpers shared by the relation rules."""

    def _names_under(self, head: Token, mentions: dict[int, Span], *, follow_of: bool = True) -> list[str]:
        """Actors named by the noun phrase headed by `head` (conjuncts and modifiers)."""
        found: list[str] = []
        stack = [(head, False)]
        while stack:
            token, described = stack.pop()  # described: an appositive of an actor already named
            span = mentions.get(token.i)
            if span is not None and span.start in self._anti_starts:
                continue
            if span is not None:
                if span.label_ not in found:
                    found.append(span.label_)
                if span.root == token or token.i == span.end - 1:
                    stack.extend((c, c.dep_ == "appos") for c in token.children if c.dep_ in ("conj", "appos"))
                continue
            # "Pakistan's parties like JUI-F" names JUI-F only; "the Islamic State's local
            # branch, then known as ISGS" names ISGS, not the Islamic State; "JNIM, the al-Qaeda
            # coalition" is JNIM (al-Qaeda only describes it).
            examples = any(c.dep_ == "prep" and c.lower_ in ("like", "including", "such") for c in token.children)
            named_itself = described or any(
                (c.dep_ == "appos" or (c.dep_ == "acl" and c.lemma_.lower() in self.naming_verbs))
                and any(t.i in mentions for t in c.subtree) for c in token.children)
            place = token.lemma_.lower() in self.place_nouns  # "Afghanistan's Balkh province" is where, not who
            for child in token.children:
                if child.dep_ in NP_LINKS:
                    if not ((examples or named_itself or place) and child.dep_ in ("poss", "compound", "amod", "nmod")):
                        stack.append((child, False))
                elif child.dep_ == "acl" and child.lemma_.lower() in self.naming_verbs:
                    stack.extend((g, False) for c in child.children if c.dep_ in ("prep", "oprd")
                                 for g in ([c] if c.dep_ == "oprd" else c.children) if g.dep_ in ("pobj", "oprd"))
                elif child.dep_ == "prep" and (child.lower_ in ("like", "including", "as") or
                                               (follow_of and child.lower_ == "of" and not described)):
                    # "the Haqqani network, a proxy of Pakistan, attacked": the proxy's owner did not
                    stack.extend((g, False) for g in child.children if g.dep_ == "pobj")
                elif child.dep_ == "prep" and child.lower_ in ("to", "with") and token.lemma_.lower() in self.member_links:
                    stack.extend((g, False) for g in child.children if g.dep_ == "pobj")  # "gunmen loyal to X"
                elif child.dep_ == "prep" and child.lower_ == "from" and token.lemma_.lower() in self.member_nouns:
                    # "fighters from al-Shabaab" are al-Shabaab's; "fighters from Somalia" are no state's
                    stack.extend((g, False) for g in child.children if g.dep_ == "pobj" and not (
                        g.i in mentions and getattr(self.kb.actors.get(mentions[g.i].label_), "kind", None) == "state"))
                elif child.dep_ == "prep" and child.lower_ == "such":  # "such as"
                    stack.extend((g, False) for c in child.children for g in ([c] if c.dep_ == "pobj" else c.children)
                                 if g.dep_ == "pobj")
                elif child.dep_ == "acl" and child.lower_ in ("including",):
                    stack.extend((g, False) for g in child.children if g.dep_ == "pobj")
        return found

    @staticmethod
    def _reciprocal(verb: Token) -> bool:
        """Is the verb's object "each other" or "one another" ("accused each other of", "attacked one
        another's bases")?"""
        for child in verb.children:
            if child.dep_ in (*OBJECTS, "prep"):
                for token in child.subtree:
                    if token.lower_ in ("other", "another") and token.i > 0 and token.doc[token.i - 1].lower_ in ("each", "one"):
                        return True
        return False

    def _subject_token(self, verb: Token, mentions: dict[int, Span], depth: int = 0, *,
                       agent: bool = True) -> Token | None:
        """The head of the subject of `verb`, climbing to governing clauses if needed; a passive's
        "by" agent counts as its subject unless `agent=False`."""
        for child in verb.children:
            if child.dep_ in ("nsubj", "csubj") or (child.dep_ == "nsubjpass" and depth > 0):
                if child.tag_ in ("WDT", "WP"):  # "the regime, which they claim has shielded X": the regime
                    clause = verb
                    while clause.dep_ in ("ccomp", "conj", "xcomp") and clause.head.i != clause.i:
                        clause = clause.head
                    if clause.dep_ == "relcl":
                        return clause.head
                return child
            if child.dep_ == "agent" and agent:
                return next((g for g in child.children if g.dep_ == "pobj"), None)
        if depth >= 8 or verb.head.i == verb.i or verb.dep_ not in CLIMB_LINKS:
            return None
        if verb.dep_ in ("pcomp", "pobj") and verb.head.lower_ in ("for", "of", "from"):
            # "criticised the group for engaging", "denounced X as a hypocrite for questioning"
            governor = verb.head.head
            while governor.pos_ not in ("VERB", "AUX") and governor.head.i != governor.i:
                governor = governor.head
            obj = next((c for c in governor.children if c.dep_ in ("dobj", "dative")), None)
            if obj is not None and obj.lemma_.lower() in CLAIM_NOUNS and obj.i == verb.head.head.i:
                # "ISKP claimed responsibility for the attack on X": the claimant, as alleged by itself
                return self._subject_token(governor, mentions, depth + 1)
            if obj is not None:
                return obj
        if verb.dep_ == "xcomp":  # "urged the TTP to study", "led the coalition to pursue"
            obj = next((c for c in verb.head.children if c.dep_ in ("dobj", "dative") and c.i < verb.i), None)
            if obj is not None:
                return obj
        if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN") and self._names_under(verb.head, mentions):
            return verb.head  # "ISKP, which denounced ...", "the TTP, emboldened by ..."
        return self._subject_token(verb.head, mentions, depth + 1)

    def _patient(self, token: Token, mentions: dict[int, Span]) -> list[str]:
        """Who undergoes a passive participle or a "by"-phrase: "ISKP, weakened by X" -> ISKP."""
        verb = token
        if token.dep_ == "pobj" and token.head.dep_ == "agent":
            verb = token.head.head  # "weakened by Taliban crackdowns": from the noun to the participle
        if verb.dep_ in ("acl", "amod") and verb.head.pos_ in ("NOUN", "PROPN"):
            found = self._names_under(verb.head, mentions)
            if found:
                return found
        passive = [n for c in verb.children if c.dep_ in ("nsubjpass", "nsubj") for n in self._names_under(c, mentions)]
        if passive:
            return passive
        # "accuses the TTP of being backed by India": the TTP, not the agent India
        subject = self._subject_token(verb, mentions, agent=False)
        return self._names_under(subject, mentions) if subject is not None else []

    def _subject(self, verb: Token, mentions: dict[int, Span]) -> list[str]:
        """Actors that are the subject of `verb` (see `_subject_token`); for an act whose subject
        is a claimed act ("IS claimed the bombing that killed ..."), who claimed it."""
        subject = self._subject_token(verb, mentions)
        if subject is None:
            return []
        found = self._names_under(subject, mentions)
        if not found and subject.pos_ == "NOUN" and verb.dep_ == "relcl" and verb.head.i == subject.i:
            holder = claim_holder(subject, self.modality)
            if holder is not None and holder.pos_ == "VERB":
                found = self._subject(holder, mentions)
        return found

    def _prep_objects(self, token: Token, preps: frozenset[str], mentions: dict[int, Span]) -> list[str]:
        found: list[str] = []
        for child in token.children:
            if child.dep_ in ("prep", "agent") and child.lower_ in preps:
                for grand in child.children:
                    if grand.dep_ in ("pobj", "pcomp"):
                        found += self._names_under(grand, mentions)
        return found

    # -- one cue ---------------------------------------------------------

    def _loose_targets(self, cue: Token, mentions: dict[int, Span], *, hostile_only: bool = False) -> list[str]:
        """Last resort: actors named after the cue inside its phrase, not as places ("in Iran")."""
        spans = {mentions[t.i] for t in cue.subtree
                 if t.i > cue.i and t.i in mentions and mentions[t.i].start not in self._anti_starts}
        # A verb that negates its complement ("denied attacking ISKP") does not reach into it.
        negating = cue.lemma_.lower() in self.modality.negating_verbs
        # "cooperated against X" (for a tie), "fought alongside X" (an ally), "now fight for ISWAP" (whom they serve)
        not_after = self.ally_preps | {"for"} | ({"against"} if hostile_only else set())
        return [s.label_ for s in sorted(spans, key=lambda s: s.start)
                if not self._is_place(s) and (not negating or self._same_clause(s.root, cue))
                and not self._beside_the_cue(s.root, cue)
                and self._np_head(s).head.lower_ not in not_after]

    def _beside_the_cue(self, token: Token, cue: Token) -> bool:
        """Is the token, below the cue, in what is not the cue's own phrase: a noun's "that" clause
        ("rejected reports that it supports the TTP": its own relation), another predicate joined to a
        cue that has an object of its own ("overrunning villages and clashing with JNIM"; but
        "arrested and executed X" share X), or who says it ("..., according to Israeli officials")?
        ("Warned that they will strike X", a verb's own clause, still names the target.)"""
        own_object = any(c.dep_ in OBJECTS for c in cue.children)
        node = token
        while node.i != cue.i and node.head.i != node.i:
            if noun_clause(node) and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
                return True
            if own_object and node.dep_ == "conj" and node.pos_ in ("VERB", "AUX"):
                return True
            if node.dep_ == "prep" and opens_phrase(node, self.modality.alleged_phrases):
                return True
            node = node.head
        return False

    def _is_place(self, span: Span) -> bool:
        """Is the mention (or the noun it modifies) the object of "in", "across", "under"..., or the owner
        of a place ("Afghanistan's Balkh province")?"""
        root = span.root
        if root.dep_ in ("poss", "compound") and root.head.lemma_.lower() in self.place_nouns:
            return True
        return self._np_head(span).head.lower_ in self.location_preps

    @staticmethod
    def _np_head(span: Span) -> Token:
        """The head of the noun phrase a mention sits in ("the borders of Pakistan" -> borders)."""
        head = span.root
        while head.head.i != head.i:
            if head.dep_ in ("compound", "amod", "poss", "nmod"):
                head = head.head
            elif head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.i != head.head.i:
                head = head.head.head  # "within the borders of Pakistan"
            else:
                break
        return head

    @staticmethod
    def _same_clause(token: Token, cue: Token) -> bool:
        """Is there no other verb between a token and the cue above it?"""
        node = token.head
        while node.i != cue.i and node.head.i != node.i:
            if node.pos_ in ("VERB", "AUX"):
                return False
            node = node.head
        return True

    def _hyphen_actor(self, suffix: Token, mentions: dict[int, Span]) -> str | None:
        """The actor before "-<suffix>": "Taliban-controlled", "American-installed"."""
        if suffix.i < 2 or suffix.nbor(-1).text != "-":
            return None
        span = mentions.get(suffix.i - 2)
        if span is not None:
            return span.label_
        return self.adjective_owner.get(suffix.nbor(-2).lower_)

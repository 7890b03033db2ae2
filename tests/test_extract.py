"""Tests for rivalwatch.extract: the real spaCy pipeline on short sentences we wrote.

Each test names the behaviour it guards and asserts the concrete records that
come out: mention ids, (source, type, target, modality) tuples, dates, offsets.
Tests marked xfail(strict=True) state the correct behaviour the extractor does
not reach yet; they turn into failures (XPASS) once it does, so the mark can go.
"""
from __future__ import annotations


from typing import Callable

import pytest

from rivalwatch.extract.modality import ModalityCues, modality_of
from rivalwatch.extract.pipeline import build_pipeline, extract_document
from rivalwatch.ingest import make_document
from rivalwatch.knowledge.load import load_knowledge
from rivalwatch.models import Document, Extraction

PUBLISHED = "2024-12-23"

Extract = Callable[..., Extraction]


@pytest.fixture(scope="module")
def extract() -> Extract:
    """`extract(text, published=...)`: one Extraction, on a pipeline loaded once."""
    build_pipeline(None)  # cached: every test in the module reuses this pipeline

    def run(text: str, *, published: str | None = PUBLISHED, extra_actors: str | None = None) -> Extraction:
        return extract_document(document(text, published=published), extra_actors=extra_actors)

    return run


def document(text: str, *, published: str | None = PUBLISHED) -> Document:
    return make_document(text, source="test.txt", published=published)


def mention_ids(extraction: Extraction) -> list[tuple[str, str]]:
    """(surface text, actor id) of every mention, in text order."""
    return [(m.text, m.actor_id) for m in extraction.mentions]


def triples(extraction: Extraction, modality: str | None = None) -> set[tuple[str, str, str]]:
    """(source, type, target), optionally only those of one modality."""
    return {(r.source, r.type, r.target) for r in extraction.relations if modality in (None, r.modality)}


def quads(extraction: Extraction) -> set[tuple[str, str, str, str]]:
    return {(r.source, r.type, r.target, r.modality) for r in extraction.relations}


def only(extraction: Extraction, source: str, rtype: str, target: str):
    """The single relation with this triple (FIGHT matches either order)."""
    pair = {source, target}
    found = [
        r for r in extraction.relations
        if r.type == rtype and ((r.source, r.target) == (source, target) or (rtype == "FIGHT" and {r.source, r.target} == pair))
    ]
    assert len(found) == 1, f"expected one {source} {rtype} {target}, got {quads(extraction)}"
    return found[0]


# --- aliases -------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "ISKP", "ISIS-K", "IS-K", "ISK", "Islamic State Khorasan Province", "Wilayat Khurasan", "Daesh-Khorasan",
    "داعش خراسان",
])
def test_iskp_spellings_resolve_to_one_actor(extract: Extract, name: str) -> None:
    result = extract(f"{name} attacked Taliban checkpoints near Jalalabad.")
    assert mention_ids(result)[:2] == [(name, "ISKP"), ("Taliban", "TALIBAN")]
    assert triples(result) == {("ISKP", "ASSAULT", "TALIBAN")}


@pytest.mark.parametrize("name", [
    "TTP", "Tehrik-i-Taliban Pakistan", "Tehreek-e-Taliban Pakistan", "Pakistani Taliban", "تحریک طالبان پاکستان",
])
def test_ttp_spellings_resolve_to_one_actor(extract: Extract, name: str) -> None:
    result = extract(f"The {name} denounced ISKP in a statement.")
    assert (name, "TTP") in mention_ids(result)
    assert triples(result) == {("TTP", "ACCUSE", "ISKP")}


@pytest.mark.parametrize("name", ["al-Qa'ida", "al-Qa\u2019ida", "al-Qa`ida", "al-Qa\u02bfida"])
def test_an_apostrophe_written_any_way_matches_the_alias(extract: Extract, name: str) -> None:
    # transliterations write the ayn as ', ’, ` or ʿ
    result = extract(f"{name} denounced the Islamic State in a statement.")
    assert (name, "AQ") in mention_ids(result)


def test_longest_alias_wins_over_the_shorter_one_inside_it(extract: Extract) -> None:
    # "Pakistani Taliban" is the TTP, not the Afghan Taliban.
    result = extract("The Pakistani Taliban denounced the Afghan Taliban.")
    assert mention_ids(result) == [("Pakistani Taliban", "TTP"), ("Afghan Taliban", "TALIBAN")]


def test_arabic_script_taliban_alias(extract: Extract) -> None:
    result = extract("ISKP denounced طالبان as apostates.")
    assert ("طالبان", "TALIBAN") in mention_ids(result)
    assert triples(result) == {("ISKP", "ACCUSE", "TALIBAN")}


@pytest.mark.parametrize("forces", ["Pakistani troops", "Pakistani personnel", "Pakistani police"])
def test_state_adjective_before_a_force_noun_names_the_state(extract: Extract, forces: str) -> None:
    result = extract(f"{forces} raided a TTP hideout in Khyber.")
    assert mention_ids(result) == [(forces, "PAKISTAN"), ("TTP", "TTP")]
    assert triples(result) == {("PAKISTAN", "ASSAULT", "TTP")}


def test_state_adjective_alone_is_not_a_mention(extract: Extract) -> None:
    result = extract("A Pakistani journalist interviewed TTP commanders.")
    assert "PAKISTAN" not in {m.actor_id for m in result.mentions}


def test_short_capital_aliases_match_case_sensitively(extract: Extract) -> None:
    upper = extract("The US condemned ISKP.")
    assert mention_ids(upper) == [("US", "UNITED_STATES"), ("ISKP", "ISKP")]
    assert triples(upper) == {("UNITED_STATES", "ACCUSE", "ISKP")}
    lower = extract("ISKP told us that it is stronger than the Taliban.")
    ids = {m.actor_id for m in lower.mentions}
    assert "UNITED_STATES" not in ids and "IS" not in ids
    assert ("ISKP", "ISKP") in mention_ids(lower)


def test_actor_record_lists_the_surface_forms_seen(extract: Extract) -> None:
    result = extract("ISIS-K denounced the TTP. Later ISKP attacked the TTP in Bajaur.")
    actors = {a.id: a for a in result.actors}
    assert actors["ISKP"].aliases == ("ISIS-K", "ISKP")
    assert actors["ISKP"].part_of == "IS" and actors["ISKP"].kind == "armed_group"
    assert actors["ISKP"].discovered is False


# --- user actor file -----------------------------------------------------------

USER_ACTORS = """\
- id: KHYBER_LIONS
  name: Khyber Lions Brigade
  kind: armed_group
  aliases: [Khyber Lions, KLB]
- id: ISKP
  aliases: [Khorasan Wolves]
"""


@pytest.fixture(scope="module")
def user_actors(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("knowledge") / "my_actors.yaml"
    path.write_text(USER_ACTORS, encoding="utf-8")
    return str(path)


def test_user_actor_file_adds_a_group_and_an_alias(extract: Extract, user_actors: str) -> None:
    result = extract("The Khyber Lions attacked the Khorasan Wolves in Tirah.", extra_actors=user_actors)
    assert mention_ids(result) == [("Khyber Lions", "KHYBER_LIONS"), ("Khorasan Wolves", "ISKP")]
    assert triples(result) == {("KHYBER_LIONS", "ASSAULT", "ISKP")}
    actors = {a.id: a for a in result.actors}
    assert actors["KHYBER_LIONS"].name == "Khyber Lions Brigade"
    assert actors["KHYBER_LIONS"].discovered is False


def test_user_actor_file_keeps_builtin_aliases(extract: Extract, user_actors: str) -> None:
    result = extract("KLB fighters clashed with ISIS-K near Tirah.", extra_actors=user_actors)
    assert {m.actor_id for m in result.mentions} == {"KHYBER_LIONS", "ISKP"}
    assert {frozenset((r.source, r.target)) for r in result.relations if r.type == "FIGHT"} == {
        frozenset({"KHYBER_LIONS", "ISKP"})}


def test_user_actors_do_not_leak_into_the_default_pipeline(extract: Extract, user_actors: str) -> None:
    extract("The Khyber Lions attacked ISKP.", extra_actors=user_actors)
    result = extract("The Khorasan Wolves attacked the TTP.")
    assert "ISKP" not in {m.actor_id for m in result.mentions}


# --- discovered actors ---------------------------------------------------------

def test_unknown_organisation_is_kept_as_discovered_actor(extract: Extract) -> None:
    result = extract("The Khyber Liberation Front attacked ISKP in Peshawar.")
    actors = {a.id: a for a in result.actors}
    found = actors["KHYBER_LIBERATION_FRONT"]
    assert (found.name, found.kind, found.discovered) == ("Khyber Liberation Front", "organization", True)
    assert actors["ISKP"].discovered is False
    assert triples(result) == {("KHYBER_LIBERATION_FRONT", "ASSAULT", "ISKP")}


def test_platform_names_are_not_discovered_actors(extract: Extract) -> None:
    result = extract("ISKP posted the video on Telegram.")
    assert [a.id for a in result.actors] == ["ISKP"]


def test_place_names_are_not_discovered_actors(extract: Extract) -> None:
    result = extract("ISKP attacked Taliban posts in Herat.")
    assert [a.id for a in result.actors if a.discovered] == []
    assert only(result, "ISKP", "ASSAULT", "TALIBAN").location == "Herat"


# --- coreference ---------------------------------------------------------------

def test_the_group_refers_to_the_last_group_in_focus(extract: Extract) -> None:
    result = extract("ISKP grew stronger in the east. The group later attacked Taliban checkpoints in Kunar.")
    assert ("The group", "ISKP") in mention_ids(result)
    assert quads(result) == {("ISKP", "ASSAULT", "TALIBAN", "asserted")}


def test_the_group_skips_an_earlier_group(extract: Extract) -> None:
    result = extract(
        "The Taliban arrested dozens of suspects. ISKP, meanwhile, recruited in Kunar. "
        "The group later attacked Taliban checkpoints."
    )
    assert only(result, "ISKP", "ASSAULT", "TALIBAN").evidence.text == "The group later attacked Taliban checkpoints."


def test_its_refers_back_to_the_group(extract: Extract) -> None:
    result = extract("ISKP expanded in Nangarhar. Its fighters ambushed a Taliban convoy.")
    assert [m for m in result.mentions if m.how == "coref"][0].actor_id == "ISKP"
    assert triples(result) == {("ISKP", "ASSAULT", "TALIBAN")}


def test_its_in_a_subject_refers_to_the_group_in_focus(extract: Extract) -> None:
    # not the organisation of the opening "According to ..." phrase
    result = extract("The TTP was banned in 2008. According to the United Nations, some of its "
                     "commanders have trained in Kunar.")
    assert ("its", "TTP") in mention_ids(result)


def test_a_group_inside_the_subject_stays_in_focus(extract: Extract) -> None:
    result = extract("A senior commander of Lashkar-e-Jhangvi told reporters that the attacks were revenge "
                     "for the killing of a Hamas official. The group later attacked a Pakistani army convoy.")
    assert ("The group", "LEJ") in mention_ids(result)


# --- modality ------------------------------------------------------------------

def test_asserted_attack(extract: Extract) -> None:
    result = extract("ISKP attacked Taliban checkpoints in Kabul.")
    assert quads(result) == {("ISKP", "ASSAULT", "TALIBAN", "asserted")}


def test_accusation_makes_the_charge_alleged(extract: Extract) -> None:
    result = extract("Islamabad accuses the Taliban of sheltering the TTP.")
    assert quads(result) == {
        ("PAKISTAN", "ACCUSE", "TALIBAN", "asserted"),
        ("TALIBAN", "SUPPORT", "TTP", "alleged"),
    }


@pytest.mark.parametrize("text", [
    "The Taliban reportedly shelter the TTP in Kunar.",
    "The Taliban allegedly funded the TTP.",
    "Pakistan says the Taliban harbour the TTP.",
    "There are reports that the Taliban shelter the TTP.",
    "ISKP portrays the TTP as a Taliban-backed militia.",
])
def test_reported_support_is_alleged(extract: Extract, text: str) -> None:
    result = extract(text)
    assert only(result, "TALIBAN", "SUPPORT", "TTP").modality == "alleged"
    assert ("TALIBAN", "SUPPORT", "TTP") not in triples(result, "asserted")


@pytest.mark.parametrize("text", [
    "In March, ISKP severed its ties with the TTP after a dispute over money.",
    "ISKP broke off relations with the TTP in 2023.",
])
def test_ending_a_tie_is_a_rejection_and_no_tie(extract: Extract, text: str) -> None:
    result = extract(text)
    assert ("ISKP", "REJECT", "TTP", "asserted") in quads(result)
    assert ("ISKP", "COOPERATE", "TTP") not in triples(result, "asserted")


def test_never_ending_a_tie_keeps_it(extract: Extract) -> None:
    result = extract("ISKP never cut its ties with the TTP.")
    assert ("ISKP", "REJECT", "TTP") not in triples(result)


def test_warning_what_the_source_itself_will_do_threatens_who_it_names(extract: Extract) -> None:
    result = extract("The Taliban warned that they would not tolerate any attack from ISKP on their checkpoints.")
    assert ("TALIBAN", "THREATEN", "ISKP") in triples(result, "asserted")


def test_warning_of_what_another_may_do_is_no_threat(extract: Extract) -> None:
    result = extract("The United Nations warned that ISKP could attack Taliban checkpoints this winter.")
    assert not {t for t in triples(result) if t[1] == "THREATEN"}


def test_a_headline_quoting_a_speaker_after_a_colon_is_their_claim(extract: Extract) -> None:
    result = extract("Taliban shelter the TTP in Kunar: Pakistani official\n\nThe remarks came on Monday.")
    assert quads(result) == {("TALIBAN", "SUPPORT", "TTP", "alleged"), ("PAKISTAN", "ACCUSE", "TALIBAN", "asserted")}


def test_a_colon_before_a_name_is_no_speaker(extract: Extract) -> None:
    result = extract("The Taliban and Pakistan now share one enemy: ISKP.")
    assert ("TALIBAN", "SUPPORT", "TTP") not in triples(result)
    assert all(r.modality != "alleged" for r in result.relations)


@pytest.mark.parametrize("text, triple", [
    ("The TTP is not at war with ISKP.", ("ISKP", "FIGHT", "TTP")),
    ("The TTP never clashed with ISKP.", ("ISKP", "FIGHT", "TTP")),
    ("The TTP did not attack ISKP.", ("TTP", "ASSAULT", "ISKP")),
    ("The TTP denied attacking ISKP.", ("TTP", "ASSAULT", "ISKP")),
    ("ISKP has not attacked the TTP since 2022.", ("ISKP", "ASSAULT", "TTP")),
    ("There is no evidence that al-Qaeda supports ISKP.", ("AQ", "SUPPORT", "ISKP")),
    ("Rumours that the TTP fought ISKP in Kurram were false.", ("ISKP", "FIGHT", "TTP")),
    ("Reports that ISKP attacked the Taliban were denied.", ("ISKP", "ASSAULT", "TALIBAN")),
    ("The claim that the TTP pledged allegiance to ISKP is baseless.", ("TTP", "PLEDGE", "ISKP")),
    ("The TTP no longer fights ISKP.", ("ISKP", "FIGHT", "TTP")),
    ("The TTP has yet to pledge allegiance to ISKP.", ("TTP", "PLEDGE", "ISKP")),
])
def test_negated_relation_is_marked_negated(extract: Extract, text: str, triple: tuple[str, str, str]) -> None:
    result = extract(text)
    assert only(result, *triple).modality == "negated"
    assert triples(result, "asserted") == set()


@pytest.mark.parametrize("text, triple", [
    ("ISKP could attack the Taliban in Kabul.", ("ISKP", "ASSAULT", "TALIBAN")),
    ("ISKP may target the TTP next year.", ("ISKP", "ASSAULT", "TTP")),
    ("ISKP will likely try to attack the Taliban.", ("ISKP", "ASSAULT", "TALIBAN")),
    ("If ISKP attacks the Taliban in Kabul, Pakistan will close the border.", ("ISKP", "ASSAULT", "TALIBAN")),
    ("If the talks fail, the TTP will attack Pakistani troops.", ("TTP", "ASSAULT", "PAKISTAN")),
    ("ISKP is unlikely to attack the TTP in the near term.", ("ISKP", "ASSAULT", "TTP")),
    ("Officials doubt that ISKP attacked the Taliban.", ("ISKP", "ASSAULT", "TALIBAN")),
    ("ISKP is capable of attacking the Taliban anywhere in Afghanistan.", ("ISKP", "ASSAULT", "TALIBAN")),
])
def test_hypothetical_relation_is_marked_hypothetical(extract: Extract, text: str, triple: tuple[str, str, str]) -> None:
    result = extract(text)
    assert only(result, *triple).modality == "hypothetical"
    assert triples(result, "asserted") == set()


@pytest.mark.parametrize("text", [
    "The TTP avoided open hostilities with ISKP.",
    "Analysts fear the TTP might join ISKP.",
    "There are no ties between the TTP and ISKP.",
    "A planned ISKP attack on the Taliban was foiled.",
])
def test_unreal_relations_are_never_asserted(extract: Extract, text: str) -> None:
    assert triples(extract(text), "asserted") == set()


def test_rejected_reports_are_not_facts_nor_targets(extract: Extract) -> None:
    result = extract("Pakistan rejected reports that it supports the TTP.")
    assert only(result, "PAKISTAN", "SUPPORT", "TTP").modality == "alleged"
    assert triples(result, "asserted") == set()  # and not "Pakistan REJECT TTP": it rejected reports


def test_passive_charge_names_the_backer_and_the_backed(extract: Extract) -> None:
    result = extract("Pakistan accuses the TTP of being backed by India.")
    assert only(result, "INDIA", "SUPPORT", "TTP").modality == "alleged"
    assert ("PAKISTAN", "ACCUSE", "TTP") in triples(result, "asserted")


@pytest.mark.parametrize("text, triple", [
    ("The Islamic State's Sahel branch, known as ISGS, attacked JNIM.", ("IS_SAHEL", "ASSAULT", "JNIM")),
    ("JNIM, the al-Qaeda coalition in Mali, attacked ISGS.", ("JNIM", "ASSAULT", "IS_SAHEL")),
])
def test_a_phrase_named_by_its_appositive_is_that_actor(extract: Extract, text: str,
                                                         triple: tuple[str, str, str]) -> None:
    result = extract(text)
    assert only(result, *triple).modality == "asserted"
    assert not {t for t in triples(result) if "AQ" in t or ("IS" in t and t != triple)}


def test_a_fact_stated_in_a_that_clause_stays_asserted(extract: Extract) -> None:
    assert only(extract("The fact that the TTP attacked Pakistan angered Islamabad."),
                "TTP", "ASSAULT", "PAKISTAN").modality == "asserted"


def test_which_in_a_reported_relative_clause_is_its_antecedent(extract: Extract) -> None:
    result = extract("ISKP says the TTP is a tool of the Taliban regime, which it claims has coerced the TTP "
                     "into talks with Pakistan.")
    assert only(result, "TALIBAN", "COERCE", "TTP").modality == "alleged"
    assert not {t for t in triples(result) if t[0] == "ISKP" and t[1] == "COERCE"}


@pytest.mark.parametrize("text", [
    "HTS and Hurras al-Din fell out in 2020. The two groups clashed in Idlib in June.",
    "HTS arrested dozens of Hurras al-Din members in Idlib after the two groups clashed.",
])
def test_the_two_groups_are_the_last_two_groups_named(extract: Extract, text: str) -> None:
    assert only(extract(text), "HTS", "FIGHT", "HURRAS_AL_DIN").modality == "asserted"


def test_a_thwarted_plot_is_coercion_of_the_plotter_not_an_attack(extract: Extract) -> None:
    result = extract("Pakistani police thwarted an ISKP plot to bomb a Taliban office.")
    assert triples(result, "asserted") == {("PAKISTAN", "COERCE", "ISKP")}


def test_fire_trained_on_an_enemy_is_not_training_it(extract: Extract) -> None:
    aimed = extract("The TTP's outlet keeps its fire trained on the Pakistani army rather than on ISKP.")
    assert not {t for t in triples(aimed) if t[1] == "SUPPORT"}
    assert ("AQ", "SUPPORT", "TTP") in triples(extract("Al-Qaeda trained TTP fighters in Waziristan."), "asserted")


@pytest.mark.parametrize("text, triple, not_by", [
    ("ISKP, citing the killing of its commander by the Taliban, issued a statement.", ("TALIBAN", "ASSAULT", "ISKP"),
     "ISKP"),
    ("The TTP condemned the killing of its commander by Pakistani forces.", ("PAKISTAN", "ASSAULT", "TTP"), "TTP"),
])
def test_who_cites_or_condemns_a_killing_did_not_kill(extract: Extract, text: str, triple: tuple[str, str, str],
                                                      not_by: str) -> None:
    result = extract(text)
    assert only(result, *triple).modality == "asserted"
    assert not {t for t in triples(result) if t[0] == not_by and t[1] == "ASSAULT"}


def test_the_following_month_counts_from_the_last_date_named(extract: Extract) -> None:
    result = extract("In July 2024 ISKP released an audio message against the TTP. "
                     "The following month, ISKP denounced the Taliban. Two months later, the TTP attacked Pakistani troops.")
    assert only(result, "ISKP", "ACCUSE", "TALIBAN").date == "2024-08"
    assert only(result, "TTP", "ASSAULT", "PAKISTAN").date == "2024-10"


@pytest.mark.parametrize("text", [
    "Hakimullah Mehsud died in a US drone strike in 2013.",
    "The death of Hakimullah Mehsud in a US drone strike in 2013 weakened the TTP.",
])
def test_who_died_in_an_attack_is_its_target(extract: Extract, text: str) -> None:
    assert only(extract(text), "UNITED_STATES", "ASSAULT", "HAKIMULLAH_MEHSUD").date == "2013"


def test_according_to_makes_a_claim_and_names_no_party(extract: Extract) -> None:
    result = extract("Hamas and Hezbollah coordinate closely, according to Israeli officials.")
    assert only(result, "HAMAS", "COOPERATE", "HEZBOLLAH").modality == "alleged"
    assert not {t for t in triples(result) if "ISRAEL" in t}


def test_a_reflexive_object_is_no_target(extract: Extract) -> None:
    assert triples(extract("Boko Haram's leader Abubakar Shekau killed himself rather than surrender to ISWAP.")) == set()


def test_a_shared_object_of_two_verbs_is_the_target_of_both(extract: Extract) -> None:
    result = extract("Al-Shabaab arrested and executed suspected Islamic State sympathisers.")
    assert ("SHABAAB", "COERCE", "IS") in triples(result, "asserted")


def test_threat_to_attack_is_a_threat_not_an_attack(extract: Extract) -> None:
    result = extract("ISKP threatened to attack the Taliban.")
    assert only(result, "ISKP", "THREATEN", "TALIBAN").modality == "asserted"
    assert ("ISKP", "ASSAULT", "TALIBAN") not in triples(result, "asserted")


def test_denied_tie_is_a_rejection(extract: Extract) -> None:
    result = extract("The TTP has no affiliations with ISKP.")
    assert quads(result) == {("TTP", "REJECT", "ISKP", "asserted"), ("TTP", "COOPERATE", "ISKP", "negated")}


# --- dates ---------------------------------------------------------------------

@pytest.mark.parametrize("text, published, date", [
    ("ISKP attacked Taliban checkpoints in July.", PUBLISHED, "2024-07"),
    ("In July, ISKP attacked Taliban checkpoints.", PUBLISHED, "2024-07"),
    ("ISKP attacked Taliban checkpoints last year.", PUBLISHED, "2023"),
    ("ISKP attacked Taliban checkpoints two years ago.", PUBLISHED, "2022"),
    ("ISKP attacked Taliban checkpoints in June 2024.", PUBLISHED, "2024-06"),
    ("ISKP attacked Taliban checkpoints on 14 July 2024.", PUBLISHED, "2024-07-14"),
    ("ISKP attacked Taliban checkpoints in November.", "2024-02-10", "2023-11"),
    ("ISKP attacked Taliban checkpoints in June 2024.", None, "2024-06"),
    ("ISKP attacked Taliban checkpoints in July.", None, None),
    ("ISKP attacked Taliban checkpoints.", PUBLISHED, None),
])
def test_relation_dates_resolve_against_publication(
    extract: Extract, text: str, published: str | None, date: str | None,
) -> None:
    result = extract(text, published=published)
    assert only(result, "ISKP", "ASSAULT", "TALIBAN").date == date


def test_relation_takes_the_date_nearest_its_cue(extract: Extract) -> None:
    result = extract("Founded in 2015, ISKP attacked Taliban checkpoints in March.")
    assert only(result, "ISKP", "ASSAULT", "TALIBAN").date == "2024-03"


# --- evidence ------------------------------------------------------------------

EVIDENCE_TEXT = (
    "ISKP Threatens Taliban In Kunar\n"
    "\n"
    "   ISKP’s fighters ambushed a Taliban convoy in July.  The TTP  denounced   ISKP.\n"
    "Pakistani troops raided a TTP hideout.\n"
    "\n"
    "ISKP claimed responsibility for the bombing. Al-Azaim released a 40-minute audio message in Pashto."
)


def test_evidence_offsets_slice_the_source_text(extract: Extract) -> None:
    doc = document(EVIDENCE_TEXT)
    result = extract_document(doc)
    records = [*result.relations, *result.claims, *result.publications]
    assert len(result.relations) == 4 and len(result.claims) == 1 and len(result.publications) == 1
    for record in records:
        ev = record.evidence
        assert ev.doc_id == doc.id
        assert doc.text[ev.start:ev.end] == ev.text
        assert ev.text == ev.text.strip() and "\n" not in ev.text
    for mention in result.mentions:
        assert doc.text[mention.start:mention.end] == mention.text


def test_evidence_is_the_one_sentence_of_the_relation(extract: Extract) -> None:
    result = extract(EVIDENCE_TEXT)
    evidence = {(r.source, r.type, r.target): r.evidence.text for r in result.relations}
    assert evidence == {
        ("ISKP", "THREATEN", "TALIBAN"): "ISKP Threatens Taliban In Kunar",
        ("ISKP", "ASSAULT", "TALIBAN"): "ISKP’s fighters ambushed a Taliban convoy in July.",
        ("TTP", "ACCUSE", "ISKP"): "The TTP  denounced   ISKP.",
        ("PAKISTAN", "ASSAULT", "TTP"): "Pakistani troops raided a TTP hideout.",
    }


def test_headline_does_not_fuse_with_the_next_sentence(extract: Extract) -> None:
    result = extract("Taliban Clash With ISKP In Kunar\nThe TTP denounced ISKP as a band of hypocrites.")
    evidence = {(r.source, r.type, r.target): r.evidence.text for r in result.relations}
    assert evidence[("TTP", "ACCUSE", "ISKP")] == "The TTP denounced ISKP as a band of hypocrites."
    assert evidence[("ISKP", "FIGHT", "TALIBAN")] == "Taliban Clash With ISKP In Kunar"


@pytest.mark.parametrize("text, cue", [
    ("ISKP attacked Taliban checkpoints.", "attacked"),
    ("The TTP denounced ISKP.", "denounced"),
    ("  The Taliban clashed with ISKP in Kunar.", "clashed"),
])
def test_relation_cue_is_the_cue_word_in_its_evidence(extract: Extract, text: str, cue: str) -> None:
    result = extract(text)
    assert len(result.relations) == 1
    relation = result.relations[0]
    assert relation.cue == cue
    assert cue in relation.evidence.text


def test_relation_location_is_the_place_of_the_event(extract: Extract) -> None:
    result = extract("Islamic State Khorasan Province attacked Taliban checkpoints in Kandahar.")
    assert only(result, "ISKP", "ASSAULT", "TALIBAN").location == "Kandahar"


# --- claims and publications ---------------------------------------------------

def test_claim_of_responsibility(extract: Extract) -> None:
    result = extract("ISKP claimed responsibility for the bombing in Kabul in March.")
    assert [(c.actor, c.modality, c.date) for c in result.claims] == [("ISKP", "asserted", "2024-03")]
    assert result.claims[0].evidence.text == "ISKP claimed responsibility for the bombing in Kabul in March."
    assert result.relations == ()


def test_competing_claims_are_two_records(extract: Extract) -> None:
    result = extract("ISKP claimed responsibility for the bombing. The TTP also claimed the bombing.")
    assert [c.actor for c in result.claims] == ["ISKP", "TTP"]


def test_denied_claim_is_negated(extract: Extract) -> None:
    result = extract("ISKP did not claim the attack.")
    assert [(c.actor, c.modality) for c in result.claims] == [("ISKP", "negated")]


def test_claim_has_the_place_of_the_attack(extract: Extract) -> None:
    result = extract("ISKP claimed responsibility for the bombing in Kabul in March.")
    assert [c.location for c in result.claims] == ["Kabul"]


def test_publication_language_and_length(extract: Extract) -> None:
    result = extract("Al-Azaim released a 40-minute audio message in Pashto.")
    assert [(p.outlet, p.language, p.length, p.title) for p in result.publications] == [
        ("AL_AZAIM", "Pashto", "40 minute", None)]


def test_publication_title_and_format(extract: Extract) -> None:
    result = extract('Al-Azaim published a 12-page magazine in Urdu titled "Voice of the Mujahid".')
    assert [(p.outlet, p.format, p.language, p.length, p.title) for p in result.publications] == [
        ("AL_AZAIM", "magazine", "Urdu", "12 page", "Voice of the Mujahid")]


def test_audio_message_has_format_audio(extract: Extract) -> None:
    result = extract("Al-Azaim released a 40-minute audio message in Pashto.")
    assert [p.format for p in result.publications] == ["audio"]


# --- defection and symmetric fights -------------------------------------------

def test_commanders_pledging_to_a_rival_are_a_defection(extract: Extract) -> None:
    result = extract("Several TTP commanders pledged allegiance to ISKP.")
    assert only(result, "TTP", "DEFECT", "ISKP").modality == "asserted"


def test_members_pledge_is_not_a_group_pledge(extract: Extract) -> None:
    result = extract("Several TTP commanders pledged allegiance to ISKP.")
    assert triples(result) == {("TTP", "DEFECT", "ISKP")}


def test_defect_verb(extract: Extract) -> None:
    result = extract("TTP fighters defected to ISKP last year.")
    assert [(r.source, r.type, r.target, r.date) for r in result.relations] == [("TTP", "DEFECT", "ISKP", "2023")]


@pytest.mark.parametrize("text", [
    "ISKP and the Taliban clashed in Kunar.",
    "The Taliban clashed with ISKP in Kunar.",
    "ISKP clashed with the Taliban in Kunar.",
])
def test_fight_is_stored_once_in_one_order(extract: Extract, text: str) -> None:
    result = extract(text)
    assert [(r.source, r.type, r.target, r.modality) for r in result.relations] == [
        ("ISKP", "FIGHT", "TALIBAN", "asserted")]


def test_strike_on_positions_is_an_assault(extract: Extract) -> None:
    result = extract("The US struck ISKP positions in Nangarhar.")
    assert triples(result) == {("UNITED_STATES", "ASSAULT", "ISKP")}


def test_joint_and_passive_claims_name_every_claimant(extract: Extract) -> None:
    joint = extract("Both Jamaat-ul-Ahrar and the Islamic State claimed responsibility for the bombing.")
    assert sorted(c.actor for c in joint.claims) == ["IS", "JUA"]
    passive = extract("The bombing was claimed by ISKP.")
    assert [c.actor for c in passive.claims] == ["ISKP"]


# --- long documents ---------------------------------------------------------------

def test_chunks_cut_at_paragraphs_and_join_back_to_the_text() -> None:
    from rivalwatch.extract.pipeline import CHUNK_CHARS, chunks
    paragraph = "ISKP attacked a Taliban checkpoint in Kunar. " * 30
    text = "\n\n".join([paragraph] * 40)
    pieces = chunks(text)
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= CHUNK_CHARS for _, piece in pieces) and len(pieces) > 1
    assert all(piece.endswith("\n\n") for _, piece in pieces[:-1])  # never mid-sentence when a paragraph ends near
    assert [offset for offset, _ in pieces] == [sum(len(p) for _, p in pieces[:n]) for n in range(len(pieces))]
    word = "x" * (CHUNK_CHARS * 2 + 5)  # no boundary at all: cut at the size
    assert [len(p) for _, p in chunks(word)] == [CHUNK_CHARS, CHUNK_CHARS, 5]


def test_a_text_longer_than_spacys_limit_is_extracted_with_exact_offsets(extract: Extract) -> None:
    # spaCy refuses a text over nlp.max_length (1,000,000 characters) in one piece
    text = ("The TTP condemned ISKP in a statement. " + "z" * 1000 + "\n\n") * 1000  # few tokens, many characters
    assert len(text) > 1_000_000
    result = extract(text)
    assert len([r for r in result.relations if (r.source, r.type, r.target) == ("TTP", "ACCUSE", "ISKP")]) == 1000
    assert all(text[r.evidence.start:r.evidence.end] == r.evidence.text for r in result.relations)
    assert all(text[m.start:m.end] == m.text for m in result.mentions)
    assert {a.id for a in result.actors} == {"TTP", "ISKP"}


def test_a_footnote_number_after_a_name_leaves_the_name_whole(extract: Extract) -> None:
    ids = [a for _, a in mention_ids(extract("Rivalries such as AQAP and the Islamic State in Yemen,3 and "
                                             "al-Shabaab and the Islamic State in Somalia.4 went on."))]
    assert ids == ["AQAP", "IS_YEMEN", "SHABAAB", "IS_SOMALIA"]


def test_no_name_ends_in_a_lowercase_word(extract: Extract) -> None:
    assert mention_ids(extract("Camps such as al-Hol and Roj hold thousands of families.")) == []


def test_the_model_relates_no_pair_with_no_word_between_them(extract: Extract) -> None:
    result = extract("The feud between ISKP and TTP grew louder in 2024.")
    assert not {r for r in result.relations if {r.source, r.target} == {"ISKP", "TTP"}}


@pytest.mark.parametrize("text, expected", [
    ("ISKP claimed responsibility for a suicide bombing that killed a Taliban governor in Balkh.",
     ("ISKP", "ASSAULT", "TALIBAN", "alleged")),
    ("Al-Shabaab claimed the car bomb that killed six Kenyan soldiers in Lamu.", ("SHABAAB", "ASSAULT", "KENYA", "alleged")),
    ("JNIM was blamed for the ambush on Burkinabe troops.", ("JNIM", "ASSAULT", "BURKINA_FASO", "alleged")),
    ("Lashkar-e-Jhangvi has not been implicated in attacks on Iranian diplomats.",
     ("LEJ", "ASSAULT", "IRAN", "negated")),
])
def test_event_reports_claimed_blamed_and_not_implicated(extract: Extract, text: str, expected: tuple) -> None:
    source, rtype, target, modality = expected
    found = {(r.source, r.type, r.target): r.modality for r in extract(text).relations if r.type == rtype}
    assert found.get((source, rtype, target)) == modality, found


def test_the_owner_of_a_place_is_no_target(extract: Extract) -> None:
    result = extract("The Islamic State claimed a bombing that killed the governor of Afghanistan's Balkh province.")
    assert "AFGHANISTAN" not in {r.target for r in result.relations}


def test_the_junta_in_a_country_is_that_state(extract: Extract) -> None:
    result = extract("France pulled out its soldiers after the junta in Mali turned to Russian instructors.")
    assert ("the junta", "MALI") in mention_ids(result)


def test_government_forces_are_the_host_state_not_a_foreign_one_named_nearby(extract: Extract) -> None:
    text = ("Syria's civil war has drawn in many outsiders. In Idlib, Syrian troops hold the south. "
            "Turkey has sent observers to the area, and government forces shelled HTS positions near them.")
    assert ("government forces", "SYRIA") in mention_ids(extract(text))


def test_a_that_clause_after_allege_is_alleged_however_allege_is_parsed() -> None:
    # the parser reads "Bamako allege" as a noun under "in"; the clause is still only alleged
    doc = build_pipeline(None)("Mali's junta says it is fighting both groups, though critics in Bamako allege that "
                               "the authorities have tolerated local ceasefire deals with JNIM commanders.")
    assert doc[[t.text for t in doc].index("allege")].pos_ != "VERB"
    cues = ModalityCues.from_knowledge(load_knowledge().modality_cues)
    assert modality_of(doc[[t.text for t in doc].index("deals")], cues) == "alleged"


@pytest.mark.parametrize("text, expected", [
    # "between" on the verb the cue noun is the subject of
    ("Clashes broke out on Friday between the ELN, the oldest guerrilla, and FARC dissidents.",
     {("ELN", "FIGHT", "FARC_DISSIDENTS")}),
    ("Talks did take place between the TTP and the Hafiz Gul Bahadur group on a merger.",
     {("TTP", "CONSULT", "HGB"), ("HGB", "CONSULT", "TTP")}),
    # the subject of a receiving verb is the target of the act its object names
    ("The Taliban faced a wave of bombings by ISKP in Kabul.", {("ISKP", "ASSAULT", "TALIBAN")}),
    ("The Islamic State faced a campaign of air strikes by the United States.", {("UNITED_STATES", "ASSAULT", "IS")}),
    ("Nigerian troops repelled an attack by Boko Haram on their base.", {("BOKO_HARAM", "ASSAULT", "NIGERIA")}),
    # reciprocals go both ways
    ("Hamas and Fatah have accused each other of sabotaging the talks.",
     {("HAMAS", "ACCUSE", "FATAH"), ("FATAH", "ACCUSE", "HAMAS")}),
    ("The TTP and ISKP have attacked each other's commanders.", {("TTP", "ASSAULT", "ISKP"), ("ISKP", "ASSAULT", "TTP")}),
    # members described by whom they belong to
    ("Gunmen loyal to the Islamic State killed three Taliban fighters.", {("IS", "ASSAULT", "TALIBAN")}),
    # an act of a suspect or of whoever is "responsible for" it; "the bombing of X" hits X; "help" supports
    ("ISWAP is responsible for most attacks on Nigerian troops.", {("ISWAP", "ASSAULT", "NIGERIA")}),
    ("Rwanda deployed troops to help Mozambique fight the insurgents.", {("RWANDA", "SUPPORT", "MOZAMBIQUE")}),
    # ending a tie named without "with"
    ("Colombia and Venezuela broke off diplomatic relations in 2019.",
     {("COLOMBIA", "REJECT", "VENEZUELA"), ("VENEZUELA", "REJECT", "COLOMBIA")}),
])
def test_constructions_beyond_the_cue_word(extract: Extract, text: str, expected: set[tuple[str, str, str]]) -> None:
    found = {(r.source, r.type, r.target) for r in extract(text).relations if r.modality == "asserted"}
    assert found == expected


def test_a_receiving_verb_without_an_actor_of_the_act_gives_no_relation(extract: Extract) -> None:
    assert not [r for r in extract("ISKP suffered a wave of bombings in Kabul.").relations if r.type == "ASSAULT"]


def test_places_are_no_parties(extract: Extract) -> None:
    result = extract("Boko Haram and ISWAP have fought for control of the Lake Chad islands, "
                     "and ISWAP executed Boko Haram commanders captured in Sambisa.")
    assert {m.actor_id for m in result.mentions} == {"BOKO_HARAM", "ISWAP"}
    assert ("BOKO_HARAM", "FIGHT", "ISWAP") in {(r.source, r.type, r.target) for r in result.relations}


def test_a_capital_as_a_party_names_its_state(extract: Extract) -> None:
    assert [a for _, a in mention_ids(extract("Ankara condemned the raid, and Abu Dhabi funded the militia."))] \
        == ["TURKEY", "UAE"]
    result = extract("The Moro Islamic Liberation Front signed a peace agreement with Manila.")
    assert ("MILF", "CONSULT", "PHILIPPINES") in {(r.source, r.type, r.target) for r in result.relations}


@pytest.mark.parametrize("text, expected", [
    # a suspect of an act, and whoever claims responsibility for it, is alleged to have done it
    ("ISKP was suspected of the bombing of a Taliban checkpoint.", ("ISKP", "ASSAULT", "TALIBAN", "alleged")),
    ("ISKP was believed responsible for the killing of ten Taliban fighters.", ("ISKP", "ASSAULT", "TALIBAN", "alleged")),
    ("Al-Shabaab claimed responsibility for the attack on the Kenyan base.", ("SHABAAB", "ASSAULT", "KENYA", "alleged")),
    ("Al-Shabaab claimed responsibility for attacking a Kenyan army checkpoint.", ("SHABAAB", "ASSAULT", "KENYA", "alleged")),
])
def test_a_suspect_or_claimant_of_an_act_is_alleged_to_have_done_it(extract: Extract, text: str, expected: tuple) -> None:
    assert {(r.source, r.type, r.target, r.modality) for r in extract(text).relations} == {expected}


def test_an_organisation_found_by_ner_is_found_again_where_ner_missed_it(extract: Extract) -> None:
    result = extract("The Sahel branch, known as ISSP, expanded quickly. ISSP fighters then attacked JNIM positions.")
    assert [m.text for m in result.mentions].count("ISSP") == 2
    assert ("ISSP", "ASSAULT", "JNIM") in {(r.source, r.type, r.target) for r in result.relations}


def test_denied_reports_read_as_a_relative_clause_are_still_negated(extract: Extract) -> None:
    result = extract("Reports that JNIM had allied with ISSP were denied by both groups.")
    assert {r.modality for r in result.relations if r.type == "COOPERATE"} == {"negated"}


def test_refusing_a_tie_is_a_rejection_and_no_tie(extract: Extract) -> None:
    found = {(r.source, r.type, r.target, r.modality) for r in extract("The TTP rejected the ceasefire offered by Islamabad.").relations}
    assert ("TTP", "REJECT", "PAKISTAN", "asserted") in found
    assert not [f for f in found if f[1] == "CONSULT" and f[3] == "asserted"]


@pytest.mark.parametrize("text, expected", [
    ("JNIM called on its fighters to attack French interests.", ("JNIM", "THREATEN", "FRANCE")),
    ("The ISKP spokesman urged Muslims to kill Taliban officials.", ("ISKP", "THREATEN", "TALIBAN")),
])
def test_urging_others_to_attack_someone_threatens_them(extract: Extract, text: str, expected: tuple) -> None:
    assert expected in {(r.source, r.type, r.target) for r in extract(text).relations if r.modality == "asserted"}
    assert not [r for r in extract(text).relations if r.type == "ASSAULT" and r.modality == "asserted"]


@pytest.mark.parametrize("text, expected", [
    ("The TTP serves as an operational arm of the Afghan Taliban.", {("TTP", "COOPERATE", "TALIBAN")}),
    ("The Haqqani network is an integral part of the Taliban.", {("HAQQANI", "COOPERATE", "TALIBAN")}),
    ("The Haqqani Network, a loyal proxy of Pakistan, attacked the Afghan army.",
     {("PAKISTAN", "SUPPORT", "HAQQANI"), ("HAQQANI", "ASSAULT", "TALIBAN")}),
    ("The Rwandan contingent fought alongside Mozambican forces against the insurgents.",
     {("RWANDA", "COOPERATE", "MOZAMBIQUE")}),
    ("Iran is the main backer of the Houthis.", {("IRAN", "SUPPORT", "HOUTHIS")}),
    ("The Islamic State accepted the pledge of Boko Haram.", {("BOKO_HARAM", "PLEDGE", "IS")}),
    ("Lashkar-e-Islam joined forces with the TTP in 2020.", {("LEI", "COOPERATE", "TTP")}),
    ("The TTP and Jamaat-ul-Ahrar reunited in 2020.", {("TTP", "COOPERATE", "JUA"), ("JUA", "COOPERATE", "TTP")}),
])
def test_what_one_actor_is_of_another_and_allies_in_a_fight(extract: Extract, text: str, expected: set) -> None:
    assert {(r.source, r.type, r.target) for r in extract(text, published="2024-05-01").relations
            if r.modality == "asserted"} == expected


@pytest.mark.parametrize("text, expected", [
    ("Unidentified gunmen shot dead two Pakistani policemen in Peshawar on Monday. "
     "The TTP claimed responsibility for the attack.", {("TTP", "ASSAULT", "PAKISTAN", "alleged")}),
    ("Gunmen attacked a Kenyan police post near the border. Al-Shabaab later claimed the attack in a statement.",
     {("SHABAAB", "ASSAULT", "KENYA", "alleged")}),
    ("Unknown assailants attacked a Taliban checkpoint in Kunar. No group claimed responsibility.", set()),
    ("ISKP attacked a Taliban checkpoint in Kunar. The group claimed it on Amaq.", {("ISKP", "ASSAULT", "TALIBAN", "asserted")}),
])
def test_a_claim_names_the_attacker_of_an_act_told_before(extract: Extract, text: str, expected: set) -> None:
    assert {(r.source, r.type, r.target, r.modality) for r in extract(text).relations if r.type == "ASSAULT"} == expected


def test_propaganda_that_targets_a_group_accuses_it(extract: Extract) -> None:
    assert {(r.source, r.type, r.target) for r in extract("ISKP's propaganda frequently targets the Taliban.").relations} \
        == {("ISKP", "ACCUSE", "TALIBAN")}


@pytest.mark.parametrize("text, expected", [
    ("ISKP has grown more violent. Its targets include Taliban officials and Hazara schools.",
     {("ISKP", "ASSAULT", "TALIBAN"), ("ISKP", "ASSAULT", "HAZARA")}),
    ("The victims of al-Shabaab have included Kenyan police officers.", {("SHABAAB", "ASSAULT", "KENYA")}),
    ("ISKP claimed the bombing in Kabul. Targets have included Taliban patrols.",
     {("ISKP", "ASSAULT", "TALIBAN")}),
])
def test_a_groups_targets_are_whom_it_attacks(extract: Extract, text: str, expected: set) -> None:
    assert {(r.source, r.type, r.target) for r in extract(text).relations if r.type == "ASSAULT"} >= expected


def test_whom_fighters_fight_for_is_not_whom_they_fight(extract: Extract) -> None:
    assert not [r for r in extract("Former Boko Haram members now fight for ISWAP.").relations if r.type == "FIGHT"]


@pytest.mark.parametrize("text, expected", [
    # "the <parent> affiliate" is the group in focus that the knowledge base has part of the parent
    ("JNIM seized a town near Douentza. The al-Qaeda affiliate then ambushed a Malian army convoy.",
     ("JNIM", "ASSAULT", "MALI")),
    # descriptive anaphors of rebels, guerrillas and militias
    ("M23 took another town last week. The rebels accused the Congolese army of shelling markets.",
     ("M23", "ACCUSE", "DRC")),
    ("The ELN seized two hostages in Arauca. The guerrillas later threatened the Colombian government.",
     ("ELN", "THREATEN", "COLOMBIA")),
    # an anaphor followed by "of" and a gerund is still the accused
    ("Hamas sent envoys to Cairo. Israel accused the movement of stalling.", ("ISRAEL", "ACCUSE", "HAMAS")),
    # "fighters from X" are X's; a demonym before "drone strike" or "fire" names the state
    ("Fighters from the Islamic State in Somalia were killed in US airstrikes in Puntland.",
     ("UNITED_STATES", "ASSAULT", "IS_SOMALIA")),
    ("A TTP commander was killed in a Pakistani drone strike in North Waziristan.", ("PAKISTAN", "ASSAULT", "TTP")),
    ("Hamas fighters were killed by Israeli fire in Khan Younis.", ("ISRAEL", "ASSAULT", "HAMAS")),
])
def test_descriptive_mentions_name_their_group_or_state(extract: Extract, text: str, expected: tuple) -> None:
    assert expected in {(r.source, r.type, r.target) for r in extract(text).relations}


def test_fighters_from_a_state_are_not_its_forces(extract: Extract) -> None:
    relations = extract("Fighters from Somalia were killed in US airstrikes in Puntland.").relations
    assert not [r for r in relations if r.target == "SOMALIA"]


def test_the_state_of_a_force_anaphor_is_the_one_named_first_on_a_tie(extract: Extract) -> None:
    relations = extract("The Malian army retook Kidal. The junta accused Algeria of harbouring armed groups.").relations
    assert ("MALI", "ACCUSE", "ALGERIA") in {(r.source, r.type, r.target) for r in relations}

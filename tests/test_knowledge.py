"""Tests for rivalwatch.knowledge: the built-in files validate, rollup, user actor files."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from rivalwatch.errors import KnowledgeError
from rivalwatch.knowledge.load import ACTORS_FILE, load_knowledge
from rivalwatch.models import ACTOR_KINDS, RELATION_TYPES


def write(tmp_path: Path, text: str, name: str = "my_actors.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- the built-in knowledge ----------------------------------------------------

def test_builtin_actor_ids_are_unique() -> None:
    entries = yaml.safe_load(ACTORS_FILE.read_text(encoding="utf-8"))
    counts = Counter(entry["id"] for entry in entries)
    assert [actor_id for actor_id, n in counts.items() if n > 1] == []
    assert len(load_knowledge().actors) == len(entries)


def test_builtin_actors_have_known_kinds_and_resolvable_parents() -> None:
    actors = load_knowledge().actors
    assert {a.kind for a in actors.values()} == set(ACTOR_KINDS)
    assert sorted(a.id for a in actors.values() if a.part_of and a.part_of not in actors) == []
    assert actors["ISKP"].part_of == "IS"
    assert actors["AL_AZAIM"].part_of == "ISKP"
    assert actors["QARI_SHOAIB_BAJAURI"].part_of == "TTP"


def test_each_folded_alias_has_one_owner() -> None:
    owners: dict[str, set[str]] = {}
    for actor in load_knowledge().actors.values():
        for alias in actor.aliases:
            owners.setdefault(alias.casefold(), set()).add(actor.id)
    assert {alias: ids for alias, ids in owners.items() if len(ids) > 1} == {}


def test_aliases_cover_spellings_and_scripts() -> None:
    actors = load_knowledge().actors
    assert {"ISKP", "ISIS-K", "IS-K", "Islamic State Khorasan Province", "Wilayat Khurasan", "داعش خراسان"} <= set(
        actors["ISKP"].aliases)
    assert {"TTP", "Tehrik-i-Taliban Pakistan", "Tehreek-e-Taliban Pakistan", "Pakistani Taliban"} <= set(
        actors["TTP"].aliases)
    assert actors["ISKP"].aliases[0] == "Islamic State Khorasan Province"  # the name comes first
    assert load_knowledge().adjectives["PAKISTAN"] == ("Pakistani",)


def test_cue_lexicons_cover_every_relation_type_and_modality() -> None:
    kb = load_knowledge()
    assert set(kb.relation_cues["relations"]) == set(RELATION_TYPES)
    assert {"negated", "hypothetical", "alleged"} <= set(kb.modality_cues)
    assert "accuse" in kb.modality_cues["alleged"]["verbs"]


@pytest.mark.parametrize("actor_id, group", [
    ("QARI_SHOAIB_BAJAURI", "TTP"),   # person -> group
    ("NOOR_WALI_MEHSUD", "TTP"),
    ("AL_AZAIM", "ISKP"),             # outlet -> group
    ("ISKP", "ISKP"),                 # a branch stays itself at group level
    ("PAKISTAN", "PAKISTAN"),
    ("SOMEONE_DISCOVERED", "SOMEONE_DISCOVERED"),
])
def test_rollup_of_persons_and_outlets_to_their_group(actor_id: str, group: str) -> None:
    assert load_knowledge().rollup(actor_id) == group


# --- a user's actor file -------------------------------------------------------

def test_user_file_adds_a_group_and_an_alias(tmp_path: Path) -> None:
    path = write(tmp_path, (
        "- id: KHYBER_LIONS\n"
        "  name: Khyber Lions Brigade\n"
        "  kind: armed_group\n"
        "  part_of: TTP\n"
        "  aliases: [Khyber Lions]\n"
        "- id: ISKP\n"
        "  aliases: [Khorasan Wolves]\n"
    ))
    kb = load_knowledge(path)
    lions = kb.actors["KHYBER_LIONS"]
    assert (lions.name, lions.kind, lions.part_of, lions.aliases) == (
        "Khyber Lions Brigade", "armed_group", "TTP", ("Khyber Lions Brigade", "Khyber Lions"))
    iskp = kb.actors["ISKP"]
    assert iskp.aliases[-1] == "Khorasan Wolves"
    assert "ISIS-K" in iskp.aliases and iskp.name == "Islamic State Khorasan Province" and iskp.part_of == "IS"
    assert "Khorasan Wolves" not in load_knowledge().actors["ISKP"].aliases  # built-in left untouched


def test_user_person_rolls_up_to_a_builtin_group(tmp_path: Path) -> None:
    path = write(tmp_path, "- id: MULLAH_X\n  name: Mullah Example\n  kind: person\n  part_of: AL_AZAIM\n")
    assert load_knowledge(path).rollup("MULLAH_X") == "ISKP"


@pytest.mark.parametrize("text, words", [
    ("- id: X\n  kind: [armed_group\n", ["not valid YAML"]),
    ("id: X\nkind: armed_group\n", ["expected a list"]),
    ("- name: Nameless Front\n  kind: armed_group\n", ["has no 'id'"]),
    ("- id: X_FRONT\n  kind: militia\n", ["X_FRONT", "militia"]),
    ("- id: X_FRONT\n  name: X Front\n", ["X_FRONT", "no 'kind'"]),
    ("- id: X_FRONT\n  kind: armed_group\n  part_of: NO_SUCH_GROUP\n", ["X_FRONT", "NO_SUCH_GROUP"]),
])
def test_malformed_user_file_names_the_file(tmp_path: Path, text: str, words: list[str]) -> None:
    path = write(tmp_path, text)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(path)
    message = str(caught.value)
    assert message.startswith("[RW100]")
    assert path in message
    for word in words:
        assert word in message


def test_missing_user_file_names_the_file(tmp_path: Path) -> None:
    path = str(tmp_path / "absent.yaml")
    with pytest.raises(KnowledgeError, match="absent.yaml: cannot read"):
        load_knowledge(path)


def test_duplicate_id_in_user_file_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, (
        "- id: X_FRONT\n  kind: armed_group\n  aliases: [X Front]\n"
        "- id: X_FRONT\n  kind: person\n  aliases: [Mr X]\n"
    ))
    with pytest.raises(KnowledgeError, match="X_FRONT"):
        load_knowledge(path)


def test_user_alias_owned_by_another_actor_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "- id: X_FRONT\n  kind: armed_group\n  aliases: [Pakistani Taliban]\n")
    with pytest.raises(KnowledgeError, match="Pakistani Taliban"):
        load_knowledge(path)


def test_part_of_follows_the_chain_of_parents_and_not_the_other_way() -> None:
    kb = load_knowledge()
    assert kb.is_part_of("JNIM", "AQ") and kb.is_part_of("ISWAP", "IS")
    assert not kb.is_part_of("AQ", "JNIM") and not kb.is_part_of("JNIM", "IS") and not kb.is_part_of("JNIM", "JNIM")

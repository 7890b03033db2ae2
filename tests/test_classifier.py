"""The relation classifier, the actors it pairs, its training script and `eval --against`.

Sentences are our own. The model is the one shipped in rivalwatch/extract/data,
run inside the real spaCy pipeline; the training tests train tiny models of their own.
"""
from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
from click.testing import Result

from rivalwatch.analysis import training
from rivalwatch.analysis.agreement import agrees
from rivalwatch.dates import parse_date, resolve
from rivalwatch.extract.candidates import Featurizer, candidates
from rivalwatch.extract.classifier import LABELS, MODEL_FILE, RelationModel, label_of, relation_of
from rivalwatch.extract.pipeline import build_pipeline, extract_document
from rivalwatch.ingest import make_document
from rivalwatch.knowledge.load import load_knowledge
from rivalwatch.models import Extraction

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def extract() -> Callable[..., Extraction]:
    build_pipeline(None)

    def run(text: str, published: str | None = "2024-12-23") -> Extraction:
        return extract_document(make_document(text, source="t.txt", published=published, language="en", detect=False))

    return run


def facts(extraction: Extraction) -> set[tuple[str, str, str]]:
    return {(r.source, r.type, r.target) for r in extraction.relations if r.modality in ("asserted", "alleged")}


def mentions(extraction: Extraction) -> set[tuple[str, str]]:
    return {(m.text, m.actor_id) for m in extraction.mentions}


# --- the model ------------------------------------------------------------------

def test_shipped_model_loads_and_scores_every_label_of_a_candidate() -> None:
    nlp = build_pipeline(None)
    kb = load_knowledge()
    doc = nlp(make_document("ISKP gunmen ambushed a Taliban patrol in Kunar.", source="t", language="en",
                            detect=False).text)
    (cand,) = list(candidates(doc, kb))
    feats, dense = Featurizer(kb).features(cand)
    scores = RelationModel.load(MODEL_FILE).scores([feats], dense[None])
    assert scores.shape == (1, len(LABELS))
    assert ((scores >= 0) & (scores <= 1)).all()
    assert LABELS[int(np.argmax(scores))] == "ASSAULT>"


def test_labels_carry_direction_by_text_order() -> None:
    nlp = build_pipeline(None)
    kb = load_knowledge()
    (cand,) = list(candidates(nlp("The Taliban was attacked by ISKP."), kb))
    assert (cand.a.label_, cand.b.label_) == ("TALIBAN", "ISKP")
    assert label_of("ISKP", "ASSAULT", "TALIBAN", cand, kb.rollup) == "ASSAULT<"
    assert relation_of("ASSAULT<", cand) == ("ISKP", "ASSAULT", "TALIBAN")
    assert label_of("ISKP", "FIGHT", "TALIBAN", cand, kb.rollup) == "FIGHT"


def test_model_finds_wording_no_cue_list_holds(extract: Callable[..., Extraction]) -> None:
    # "turned its guns on" is in no cue list: the rules alone find nothing here
    result = extract("Hurras al-Din turned its guns on Hayat Tahrir al-Sham fighters in Idlib.")
    assert ("HURRAS_AL_DIN", "ASSAULT", "HTS") in facts(result) or ("HTS", "FIGHT", "HURRAS_AL_DIN") in facts(result) \
        or ("HURRAS_AL_DIN", "FIGHT", "HTS") in facts(result)


def test_model_relation_through_a_negating_verb_is_not_a_fact(extract: Callable[..., Extraction]) -> None:
    result = extract("The TTP avoided open hostilities with ISKP.")
    assert facts(result) == set()


# --- actors the candidates pair -------------------------------------------------

def test_a_name_the_text_introduces_is_a_mention_later(extract: Callable[..., Extraction]) -> None:
    result = extract("The Sahel Province of the Islamic State (ISSP) expanded in 2022. "
                     "ISSP fighters later ambushed a JNIM convoy near Menaka.")
    assert ("ISSP", "IS_SAHEL") in mentions(result)
    assert ("IS_SAHEL", "ASSAULT", "JNIM") in facts(result)


def test_an_acronym_given_after_words_no_alias_holds_names_the_actor(extract: Callable[..., Extraction]) -> None:
    # the alias is "Islamic State in Sinai"; "Province" comes between it and the acronym
    result = extract("In 2023 the Islamic State in Sinai Province (ISSP) grew. Later, ISSP militants "
                     "killed four Egyptian soldiers near Rafah.")
    assert ("ISSP", "IS_SINAI") in mentions(result)
    assert ("IS_SINAI", "ASSAULT", "EGYPT") in facts(result)


def test_spelling_variants_of_an_alias_are_mentions(extract: Callable[..., Extraction]) -> None:
    result = extract("Jamat-ul-Ahrar and Hizbul Ahrar rejoined the TTP.")
    assert {("Jamat-ul-Ahrar", "JUA"), ("Hizbul Ahrar", "HUA")} <= mentions(result)


def test_a_longer_variant_beats_the_shorter_alias_inside_it(extract: Callable[..., Extraction]) -> None:
    result = extract("The group known as Islamic State-Mozambique (ISM) raided the port. ISM fighters left at dawn.")
    assert ("Islamic State-Mozambique", "IS_MOZAMBIQUE") in mentions(result)
    assert ("ISM", "IS_MOZAMBIQUE") in mentions(result)
    assert not {m for m in mentions(result) if m[1] in ("IS", "MOZAMBIQUE")}
    # a comma parts two names: no variant spans it
    result = extract("The Islamic State, Somalia's most feared group after al-Shabaab, struck Bosaso.")
    assert ("Islamic State", "IS") in mentions(result) and ("Somalia", "SOMALIA") in mentions(result)


def test_a_mixed_case_acronym_matches_in_its_case_only(extract: Callable[..., Extraction]) -> None:
    assert ("LeT", "LET") in mentions(extract("LeT and JeM were allies in Kashmir."))
    assert {a for _, a in mentions(extract("Let the TTP say what it will; they let it go."))} == {"TTP"}


def test_an_it_that_stands_for_no_one_is_no_mention(extract: Callable[..., Extraction]) -> None:
    for text in ("ISKP grew in Kunar. It is thought that the TTP helped the Taliban.",
                 "ISKP grew in Kunar. It seems the TTP helped the Taliban."):
        assert ("It", "ISKP") not in mentions(extract(text))
    assert ("It", "ISKP") in mentions(extract("ISKP grew in Kunar. It said the TTP had betrayed Islam."))


def test_soldiers_without_a_state_belong_to_the_state_of_the_context(extract: Callable[..., Extraction]) -> None:
    result = extract("ISWAP fighters killed nine soldiers in Borno state, Nigeria.")
    assert ("soldiers", "NIGERIA") in mentions(result)
    assert ("ISWAP", "ASSAULT", "NIGERIA") in facts(result)


def test_a_police_post_in_a_named_province_is_the_state_of_its_country(extract: Callable[..., Extraction]) -> None:
    # no state is named: Ghazni lies in Afghanistan, whose government in 2019 was the Republic
    result = extract("Taliban militants overran a police checkpoint in Ghazni province.", published="2019-05-02")
    assert ("TALIBAN", "ASSAULT", "AFGHAN_REPUBLIC") in facts(result)


@pytest.mark.parametrize("published, government", [("2019-05-02", "AFGHAN_REPUBLIC"), ("2023-05-02", "TALIBAN")])
def test_a_country_is_its_government_of_the_day(extract: Callable[..., Extraction], published: str,
                                                 government: str) -> None:
    result = extract("Afghan forces killed ten ISKP fighters in Nangarhar.", published=published)
    assert (government, "ASSAULT", "ISKP") in facts(result)


def test_places_are_never_parties(extract: Callable[..., Extraction]) -> None:
    result = extract("By Ahmed Rashid. The Taliban attacked Herat on Monday.")
    assert {m for _, m in mentions(result)} == {"TALIBAN"}
    assert facts(result) == set()


@pytest.mark.parametrize("text", [
    "JNIM and ISGS fought near Menaka in May. Later the two rival jihadi franchises agreed to a truce.",
    "Hamas and Fatah sent envoys to Cairo. Both parties agreed to a ceasefire there.",
    "JNIM and ISGS fought near Menaka in May. Talks between the two followed in June.",
])
def test_a_phrase_for_two_parties_is_the_two_named_last(extract: Callable[..., Extraction], text: str) -> None:
    consulted = {frozenset((s, t)) for s, r, t in facts(extract(text)) if r == "CONSULT"}
    assert consulted == {frozenset(("JNIM", "IS_SAHEL"))} or consulted == {frozenset(("HAMAS", "FATAH"))}


def test_a_state_named_as_where_is_not_paired(extract: Callable[..., Extraction]) -> None:
    nlp = build_pipeline(None)
    kb = load_knowledge()
    doc = nlp("ISKP has carried out attacks in Pakistan and Afghanistan.")
    assert list(candidates(doc, kb)) == []


def test_the_two_groups_stands_for_the_two_named_last(extract: Callable[..., Extraction]) -> None:
    result = extract("Boko Haram and ISWAP are bitter rivals. The two groups fought near Lake Chad last week.")
    assert ("BOKO_HARAM", "FIGHT", "ISWAP") in facts(result)


def test_a_claimed_attack_is_alleged(extract: Callable[..., Extraction]) -> None:
    result = extract("ISKP claimed the bombing that killed six Pakistani soldiers.")
    assert [(r.source, r.type, r.target, r.modality) for r in result.relations] == [
        ("ISKP", "ASSAULT", "PAKISTAN", "alleged")]


# --- dates ----------------------------------------------------------------------

def test_month_of_this_year_and_us_order_dates() -> None:
    assert resolve("in March this year", "2024-06-10") == "2024-03"
    assert resolve("May last year", "2024-06-10") == "2023-05"
    assert parse_date("12/23/2024") == "2024-12-23"  # month first, as GTD writes, where the day tells
    assert parse_date("03/12/2024") is None           # either order: not guessed


# --- training -------------------------------------------------------------------

TINY = [
    {"text": "ISKP ambushed a Taliban convoy in Kunar.",
     "relations": [{"source": "ISKP", "type": "ASSAULT", "target": "TALIBAN", "modality": "asserted"}]},
    {"text": "The TTP denounced ISKP as a band of traitors.",
     "relations": [{"source": "TTP", "type": "ACCUSE", "target": "ISKP", "modality": "asserted"}]},
    {"text": "Both ISKP and the TTP recruit in Bajaur.", "relations": []},
    {"text": "JNIM fighters clashed with IS Sahel near Menaka.",
     "relations": [{"source": "JNIM", "type": "FIGHT", "target": "IS_SAHEL", "modality": "asserted"}]},
]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_training_on_a_tiny_set_is_deterministic(tmp_path: Path) -> None:
    examples = training.read_examples(_write(tmp_path / "tiny.jsonl", TINY))
    config = training.load_config() | {"epochs": 3, "min_count": 1, "gold": []}
    first = training.train(examples, tmp_path / "a.npz", config)
    training.train(examples, tmp_path / "b.npz", config)
    digest = [hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in ("a.npz", "b.npz")]
    assert digest[0] == digest[1]
    assert first["examples"] == 4 and first["per_label"]["ASSAULT>"] == 1
    model = RelationModel.load(tmp_path / "a.npz")
    assert len(model.vocab) == first["features"]


def test_check_names_an_example_whose_actor_is_not_found(tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.jsonl", [
        {"text": "The northern militia shelled ISKP positions.",
         "relations": [{"source": "HTS", "type": "ASSAULT", "target": "ISKP", "modality": "asserted"}]}])
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_relations.py"), "check", str(bad)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "bad.jsonl:1: source HTS not found in its sentence (found: ISKP)" in run.stdout


def test_a_malformed_example_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.jsonl"
    bad.write_text('{"text": "ISKP attacked the Taliban.", "relations": [{"type": "HUG"}]}\n', encoding="utf-8")
    with pytest.raises(Exception, match=r"broken.jsonl:1: not a training example"):
        training.read_examples(bad)


# --- eval --against -------------------------------------------------------------

ACLED_COLUMNS = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "country",
                 "admin1", "notes", "fatalities"]


def test_eval_against_acled_counts_reproduced_rows(tmp_path: Path, cli: Callable[..., Result]) -> None:
    rows = [
        ["AFG1", "2020-03-02", "Battles", "Armed clash", "Taliban", "Military Forces of Afghanistan (2014-)",
         "Afghanistan", "Ghazni", "On 2 March 2020, Taliban militants attacked an army checkpoint in Ghazni.", "2"],
        ["AFG2", "2020-03-03", "Battles", "Armed clash", "Taliban", "Military Forces of Afghanistan (2014-)",
         "Afghanistan", "Logar", "On 3 March 2020, fighting was reported in Logar.", "0"],
        ["AFG3", "2020-03-04", "Battles", "Armed clash", "Unidentified Armed Group (Afghanistan)", "Taliban",
         "Afghanistan", "Kunar", "On 4 March 2020, gunmen fought Taliban militants in Kunar.", "1"],
    ]
    path = tmp_path / "acled.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACLED_COLUMNS)
        writer.writerows(rows)
    result = cli("eval", "--against", "acled", path, "--format", "json", "--verbose")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["rows_read"] == 3 and report["rows_without_named_actors"] == 1
    assert report["overall"]["rows"] == 2 and report["overall"]["reproduced"] == 1
    assert report["overall"]["precision"] == 1.0
    assert [d["row"] for d in report["disagreements"]] == ["AFG2"]


def test_eval_needs_docs_or_against(tmp_path: Path, cli: Callable[..., Result]) -> None:
    result = cli("eval", tmp_path)
    assert result.exit_code == 2 and "--against" in result.output


def test_agreement_direction_matters_unless_symmetric() -> None:
    assert agrees(("TALIBAN", "FIGHT", "AFGHAN_REPUBLIC"), ("AFGHAN_REPUBLIC", "ASSAULT", "TALIBAN"))
    assert agrees(("TTP", "ASSAULT", "PAKISTAN"), ("TTP", "FIGHT", "PAKISTAN"))
    assert not agrees(("TTP", "ASSAULT", "PAKISTAN"), ("PAKISTAN", "ASSAULT", "TTP"))
    assert not agrees(("TTP", "ASSAULT", "PAKISTAN"), ("TTP", "ACCUSE", "PAKISTAN"))


def test_a_topic_of_inquiry_is_not_a_finding(extract: Callable[..., Extraction]) -> None:
    result = extract("To assess the ties between JNIM and ISWAP, the report looks at trade routes in Niger.")
    assert facts(result) == set()
    assert {(r.source, r.type, r.modality) for r in result.relations} >= {("JNIM", "COOPERATE", "hypothetical")}

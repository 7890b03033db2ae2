"""`rivalwatch narratives`: themes of an actor's statements, through the real CLI and extractor.

The fixture is ours: four statements calling rivals apostates (published in
February 2024) and four calling them foreign puppets (August 2024). The two
themes must come out as two clusters, labelled by their own words, each with
all of its quarter's share.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
from click.testing import Result

from rivalwatch.analysis.clustering import choose_k, ctfidf, kmeans, silhouette
from rivalwatch.extract.embeddings import StaticEmbedder, basic_tokens
from rivalwatch.analysis.narratives import in_window, period

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL (conftest)

Run = Callable[..., Result]

APOSTASY = [
    "ISKP denounced the Taliban as apostates who abandoned Islam.",
    "ISKP condemned the TTP as apostates and renegades from Islam.",
    "ISKP accused the Taliban of apostasy and of abandoning Islam.",
    "ISKP branded the TTP apostates for abandoning Islam.",
]
PUPPET = [
    "ISKP denounced the Taliban as puppets of foreign intelligence agencies.",
    "ISKP condemned the TTP as puppets of foreign intelligence.",
    "ISKP accused the Taliban of serving as puppets of foreign powers.",
    "ISKP mocked the TTP as foreign puppets paid by intelligence agencies.",
]
RECORDS = [
    {"title": "Winter statements", "published": "2024-02-10", "source": "winter", "text": " ".join(APOSTASY) + "\n"},
    {"title": "Summer statements", "published": "2024-08-10", "source": "summer", "text": " ".join(PUPPET) + "\n"},
]


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def themed(cli: Run, tmp_path: Path) -> Run:
    """The CLI after the two-theme statements were ingested."""
    result = cli("ingest", write_jsonl(tmp_path / "statements.jsonl", RECORDS), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["relations"] == 8
    return cli


def _json(result: Result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_two_themes_are_found_with_their_own_words_and_quarters(themed: Run) -> None:
    report = _json(themed("narratives", "--actor", "ISKP", "--format", "json"))
    assert (report["statements"], report["k"], report["chosen_by"]) == (8, 2, "silhouette")
    assert report["periods"] == ["2024-Q1", "2024-Q3"]
    by_words = {frozenset(e["text"] for e in t["examples"]): t for t in report["themes"]}
    assert len(by_words) == 2
    apostasy = next(t for t in report["themes"] if "apostates" in t["terms"])
    puppet = next(t for t in report["themes"] if "puppets" in t["terms"])
    assert apostasy is not puppet
    assert {"apostates", "islam", "abandoning"} <= set(apostasy["terms"])
    assert {"puppets", "foreign", "intelligence"} <= set(puppet["terms"])
    assert not {"iskp", "taliban", "ttp"} & set(apostasy["terms"] + puppet["terms"])  # names are masked
    assert {e["text"] for e in apostasy["examples"]} <= set(APOSTASY)
    assert {e["text"] for e in puppet["examples"]} <= set(PUPPET)
    assert len(apostasy["examples"]) == 3 and apostasy["size"] == 4 and puppet["size"] == 4
    assert apostasy["shares"] == {"2024-Q1": 1.0, "2024-Q3": 0.0}
    assert puppet["shares"] == {"2024-Q1": 0.0, "2024-Q3": 1.0}
    assert apostasy["targets"] == {"TALIBAN": 2, "TTP": 2}
    assert report["silhouette"] > 0.3


def test_same_input_gives_the_same_themes(themed: Run) -> None:
    first = _json(themed("narratives", "--actor", "ISKP", "--format", "json"))
    second = _json(themed("narratives", "--actor", "iskp", "--format", "json"))
    assert first == second


def test_target_filter_and_given_number_of_themes(themed: Run) -> None:
    few = _json(themed("narratives", "--actor", "ISIS-K", "--target", "TTP", "--format", "json"))
    assert (few["statements"], few["k"], few["chosen_by"]) == (4, 1, "too few statements")
    two = _json(themed("narratives", "--actor", "ISKP", "--target", "TTP", "--themes", "2", "--format", "json"))
    assert (two["k"], two["chosen_by"]) == (2, "given")
    groups = sorted(sorted(e["text"] for e in t["examples"]) for t in two["themes"])
    assert groups == [sorted([APOSTASY[1], APOSTASY[3]]), sorted([PUPPET[1], PUPPET[3]])]


def test_since_keeps_statements_by_publication_date(themed: Run) -> None:
    report = _json(themed("narratives", "--actor", "ISKP", "--since", "2024-06", "--themes", "1", "--format", "json"))
    assert report["statements"] == 4
    assert report["periods"] == ["2024-Q3"]


def test_table_output_shows_terms_shares_and_examples(themed: Run) -> None:
    result = themed("narratives", "--actor", "ISKP")
    assert result.exit_code == 0, result.output
    assert "ISKP: 8 statements" in result.output
    assert "2024-Q1" in result.output and "100%" in result.output
    assert APOSTASY[0] in result.output


def test_an_actor_with_no_statements_and_an_unknown_actor(themed: Run) -> None:
    quiet = _json(themed("narratives", "--actor", "TTP", "--format", "json"))
    assert (quiet["statements"], quiet["themes"]) == (0, [])
    unknown = themed("narratives", "--actor", "Nobody At All")
    assert unknown.exit_code == 1
    assert "[RW404]" in unknown.output


# --- the parts --------------------------------------------------------------------------

def test_static_embeddings_tokenise_like_bert_and_keep_whole_words() -> None:
    model = StaticEmbedder.load()
    assert basic_tokens("ISKP’s Café, anti-Taliban!") == ["iskp", "’", "s", "cafe", ",", "anti", "-", "taliban", "!"]
    assert model.index["apostasy"] in model.ids("apostasy")          # a whole word of its own
    tokens = {i: t for t, i in model.index.items()}
    pieces = [tokens[i] for i in model.ids("xyzzyplugh")]                 # WordPiece for an unknown word
    assert len(pieces) > 1 and not pieces[0].startswith("##") and all(p.startswith("##") for p in pieces[1:])
    assert "".join(p.removeprefix("##") for p in pieces) == "xyzzyplugh"
    assert model.ids("Taliban apostates", skip_words=frozenset({"taliban"})) == model.ids("apostates")
    vectors = model.encode(["the Taliban are apostates", "they are renegades from Islam", "foreign puppets", ""])
    assert vectors.shape == (4, model.dims) and model.dims == 128
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert not vectors[3].any()
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


def test_kmeans_is_deterministic_and_numbers_clusters_by_size() -> None:
    rng = np.random.default_rng(1)
    points = np.vstack([rng.normal(0, 0.1, (6, 3)) + [5, 0, 0], rng.normal(0, 0.1, (3, 3)) + [0, 5, 0]])
    labels = kmeans(points, 2, seed=0)
    assert labels.tolist() == [0] * 6 + [1] * 3
    assert kmeans(points, 2, seed=0).tolist() == labels.tolist()
    assert silhouette(points, labels) > 0.9
    assert choose_k(points, range(2, 5))[0] == 2


def test_ctfidf_prefers_words_of_one_cluster() -> None:
    terms = ctfidf([["apostate", "apostate", "said"], ["puppet", "foreign", "said"]], top=2)
    assert [t for t, _ in terms[0]] == ["apostate", "said"]
    assert terms[1][0][0] in {"foreign", "puppet"}


def test_periods_and_windows() -> None:
    assert [period("2024-07-14"), period("2024-01"), period("2024"), period(None)] == ["2024-Q3", "2024-Q1", "2024", "undated"]
    assert in_window("2024-07-14", "2024-07") and in_window("2024", "2024-07") and not in_window("2024-06", "2024-07")
    assert not in_window(None, "2024") and in_window(None, None)

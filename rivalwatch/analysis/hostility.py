"""Hostility weights and network signs of relation types (see knowledge/hostility.yaml)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Hostility:
    """Weights by relation type, factors by modality, and the network sign of each type."""

    weights: dict[str, float]
    modality_factors: dict[str, float]
    positive: frozenset[str]
    negative: frozenset[str]

    @classmethod
    def from_knowledge(cls, data: dict[str, Any]) -> "Hostility":
        signs = data.get("network_sign", {})
        return cls(
            weights={k: float(v) for k, v in data["weights"].items()},
            modality_factors={k: float(v) for k, v in data.get("modality_factors", {}).items()},
            positive=frozenset(signs.get("positive", [])),
            negative=frozenset(signs.get("negative", [])),
        )

    def score(self, rtype: str, modality: str) -> float:
        """Hostility of one event: the type's weight times the modality's factor."""
        return self.weights.get(rtype, 0.0) * self.modality_factors.get(modality, 0.0)

    def sign(self, rtype: str) -> int:
        """+1 for alliance types, -1 for rivalry types, 0 for the rest."""
        return 1 if rtype in self.positive else -1 if rtype in self.negative else 0

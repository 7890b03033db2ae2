"""The Python API: `Workspace` is the one implementation the CLI and web app call."""
from __future__ import annotations

from ..analysis.evaluate import DocScore, Score
from ..models import ACTOR_KINDS, MODALITIES, RELATION_TYPES
from ..store import StoredActor, StoredRelation
from .reports import DemoReport, DocumentView, ExtractReport, IngestReport, Progress, ReextractReport
from .workspace import Workspace, demo_corpus

__all__ = [
    "Workspace", "demo_corpus", "Progress", "IngestReport", "ExtractReport", "ReextractReport",
    "DocumentView", "DemoReport", "ACTOR_KINDS", "MODALITIES", "RELATION_TYPES",
    "Score", "DocScore", "StoredActor", "StoredRelation",
]

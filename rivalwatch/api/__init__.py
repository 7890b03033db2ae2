"""The Python API: `Workspace` is the one implementation the CLI and web app call.

The closed vocabularies are plain tuples from `rivalwatch.models`; every other name
is imported on first use (PEP 562), so `import rivalwatch.api` costs nothing until
a command needs the store, the pipeline or an analysis.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..models import (
    ACTOR_KINDS, DEFECTION_PERIODS, EVENT_ORIGINS, EXPORT_FORMATS, GRAPH_FORMATS, MODALITIES, PERIODS,
    RELATION_TYPES, ROLES,
)

_WHERE = {
    ".workspace": ["Workspace", "demo_corpus"],
    ".reports": ["Progress", "IngestReport", "ExtractReport", "ReextractReport", "DocumentView", "DemoReport"],
    "..analysis.evaluate": ["Score", "DocScore"],
    "..store": ["StoredActor", "StoredRelation"],
    ".network": ["ImportReport", "Network"],
    ".records": ["ClaimsReport", "DefectionsReport", "MediaReport", "PlacesReport"],
    "..analysis.narratives": ["NarrativesReport", "Theme"],
    ".briefing": ["BriefReport", "BRIEF_FORMATS"],
    ".watch": ["FeedResult", "FeedState", "FeedsReport", "parse_interval"],
    ".exports": ["ExportReport"],
    ".telegram": ["TELEGRAM_VERSION", "TelegramReport"],
    ".languages": ["DocumentLanguage", "DocumentSource", "LanguageReport", "LanguageRow"],
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}

__all__ = ["ACTOR_KINDS", "DEFECTION_PERIODS", "EVENT_ORIGINS", "EXPORT_FORMATS", "GRAPH_FORMATS", "MODALITIES",
           "PERIODS", "RELATION_TYPES", "ROLES", *_MODULE_OF]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # what the lazy names are, for type checkers
    from ..analysis.evaluate import DocScore, Score
    from ..analysis.narratives import NarrativesReport, Theme
    from ..store import StoredActor, StoredRelation
    from .briefing import BRIEF_FORMATS, BriefReport
    from .exports import ExportReport
    from .languages import DocumentLanguage, DocumentSource, LanguageReport, LanguageRow
    from .network import ImportReport, Network
    from .records import ClaimsReport, DefectionsReport, MediaReport, PlacesReport
    from .reports import DemoReport, DocumentView, ExtractReport, IngestReport, Progress, ReextractReport
    from .telegram import TELEGRAM_VERSION, TelegramReport
    from .watch import FeedResult, FeedState, FeedsReport, parse_interval
    from .workspace import Workspace, demo_corpus

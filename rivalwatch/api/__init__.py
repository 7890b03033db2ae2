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

from .network import GRAPH_FORMATS, ImportReport, Network  # noqa: E402

__all__ += ["GRAPH_FORMATS", "ImportReport", "Network"]

from ..analysis.defections import BY as DEFECTION_PERIODS  # noqa: E402
from ..analysis.record_queries import PERIODS  # noqa: E402
from .records import ClaimsReport, DefectionsReport, MediaReport, PlacesReport  # noqa: E402

__all__ += ["ClaimsReport", "DefectionsReport", "MediaReport", "PlacesReport", "PERIODS", "DEFECTION_PERIODS"]

from ..analysis.narratives import NarrativesReport, Theme  # noqa: E402
from .briefing import BRIEF_FORMATS, BriefReport  # noqa: E402

__all__ += ["NarrativesReport", "Theme", "BriefReport", "BRIEF_FORMATS"]

from .watch import FeedResult, FeedState, FeedsReport, parse_interval  # noqa: E402

__all__ += ["FeedResult", "FeedState", "FeedsReport", "parse_interval"]

from .exports import EVENT_ORIGINS, EXPORT_FORMATS, ExportReport  # noqa: E402

__all__ += ["EVENT_ORIGINS", "EXPORT_FORMATS", "ExportReport"]

from .telegram import TELEGRAM_VERSION, TelegramReport  # noqa: E402
from .languages import DocumentLanguage, DocumentSource, LanguageReport, LanguageRow  # noqa: E402

__all__ += ["TELEGRAM_VERSION", "TelegramReport", "DocumentLanguage", "DocumentSource", "LanguageReport", "LanguageRow"]

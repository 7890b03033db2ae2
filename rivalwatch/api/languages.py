"""`Workspace.languages` and the document extras `show` needs: analysis level and sources.

Example:
    ws.languages().totals()["partly_analysed"]
    document_extras(ws.store, ws.store.document("9fa0af79"))["sources"]
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..analysis.languages import DocumentLanguage, LanguageReport, LanguageRow, language_coverage
from ..ingest.language import analysis_level
from ..models import Document
from ..store.links import DocumentSource, sources

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["LanguagesMixin", "LanguageReport", "LanguageRow", "DocumentLanguage", "DocumentSource", "document_extras"]


def document_extras(store: "Store", document: Document) -> dict[str, object]:
    """`DocumentView` fields beyond the extraction: `analysis` ("full"/"partial") and `sources`."""
    return {"analysis": analysis_level(document.language), "sources": sources(store, document.id)}


class LanguagesMixin:
    """`languages` (mixed into `Workspace`)."""

    store: "Store"
    version: str

    def languages(self, *, documents: bool = False) -> LanguageReport:
        """Per-language coverage: documents fully (English) and partly analysed, mentions, relations.

        With `documents`, every document is listed with its language and analysis level.

        Example:
            [(r.name, r.analysis, r.documents) for r in ws.languages().rows]
        """
        return language_coverage(self.store, version=self.version, documents=documents)

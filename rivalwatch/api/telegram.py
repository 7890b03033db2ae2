"""`Workspace.import_telegram`: a Telegram Desktop export into the store, and re-imports of newer ones.

The export is read and validated whole first (`ingest.telegram`); then every
message is applied in one transaction (`store.telegram`): new messages become
documents, edited ones replace their document's text (same id) and are extracted
again, identical ones add nothing. With an outlet, the channel's posts are that
outlet's statements (`Document.meta["outlet"]`) and its media messages are its
releases (PUBLISH records of version `TELEGRAM_VERSION`). The mapping is kept, so
a later `rivalwatch ingest result.json` of the same channel keeps it.

Example:
    report = ws.import_telegram("export/result.json", outlet="AL_AZAIM")
    report.added, report.edited, report.releases
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import IngestError, QueryError
from ..ingest import DEFAULT_MAX_BYTES, read_telegram_export
from ..ingest.telegram import TelegramExport, is_export_path
from ..store.telegram import TELEGRAM_VERSION, MessageCounts, channel_outlet, store_messages
from .reports import IngestReport, Progress

if TYPE_CHECKING:
    from .workspace import Workspace

__all__ = ["TELEGRAM_VERSION", "TelegramReport", "TelegramMixin", "ingest_export", "is_export_path"]


@dataclass
class TelegramReport:
    """One import of a Telegram export: messages read, what changed, releases, extraction."""

    file: str
    channel: str
    channel_id: str
    outlet: str | None
    messages: int              # messages kept (text or media)
    skipped: int               # service messages and empty ones
    counts: MessageCounts
    extracted: int = 0
    relations: int = 0

    def as_dict(self) -> dict[str, Any]:
        c = self.counts
        return {"file": self.file, "channel": self.channel, "channel_id": self.channel_id, "outlet": self.outlet,
                "messages": self.messages, "skipped": self.skipped, "added": c.added, "copies": c.copies,
                "edited": c.edited, "updated": c.updated, "unchanged": c.unchanged, "older": c.older,
                "near_duplicates": c.near_duplicates, "releases": c.releases,
                "extracted": self.extracted, "relations": self.relations}


def _outlet_id(ws: "Workspace", outlet: str) -> str:
    """A knowledge-base actor id for `--outlet`: its id or one of its aliases (any case)."""
    actors = ws.knowledge.actors
    wanted = outlet.strip()
    if wanted in actors:
        return wanted
    folded = wanted.casefold()
    found = sorted({a.id for a in actors.values() if a.id.casefold() == folded
                    or any(alias.casefold() == folded for alias in a.aliases)})
    if len(found) == 1:
        return found[0]
    if found:
        raise QueryError(f"outlet {outlet!r} names several actors ({', '.join(found)}): give the id")
    raise QueryError(f"unknown outlet {outlet!r}: give the id of a media_outlet actor such as AL_AZAIM "
                     "(`rivalwatch actors --kind media_outlet`, or add it with --actors my.yaml)")


def _apply(ws: "Workspace", export: TelegramExport, outlet: str | None) -> tuple[str | None, MessageCounts]:
    """Store the export's messages under the given (else the remembered) outlet."""
    outlet = _outlet_id(ws, outlet) if outlet else channel_outlet(ws.store, export.channel.id)
    if outlet:
        known = ws.knowledge.actors
        chain, current = [], outlet
        while current in known and current not in {a.id for a in chain}:
            chain.append(known[current])
            current = known[current].part_of
        ws.store.upsert_actors(chain)  # the outlet and its group, so releases roll up
    items = []
    for message in export.messages:
        document = message.document(outlet=outlet)
        items.append((message, document, message.release(document, outlet=outlet)))
    return outlet, store_messages(ws.store, export.channel, items, outlet=outlet)


def ingest_export(ws: "Workspace", path: Path, report: IngestReport, *, max_bytes: int) -> None:
    """`Workspace.ingest` of one `.json` file: its counts go into `report`, a bad export is one error line."""
    try:
        export = read_telegram_export(path, max_bytes=max_bytes)
    except IngestError as exc:
        report.errors.append(f"{exc.path}: {exc.reason} [{exc.code}]")
        return
    _, counts = _apply(ws, export, None)
    report.documents += len(export.messages)
    report.added += counts.added
    report.duplicates += counts.copies + counts.unchanged + counts.older
    report.updated += counts.edited + counts.updated
    report.near_duplicates += counts.near_duplicates


class TelegramMixin:
    """`import_telegram` (mixed into `Workspace`)."""

    def import_telegram(self: "Workspace", path: str | Path, *, outlet: str | None = None,
                        max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None) -> TelegramReport:
        """Import a Telegram Desktop export (`result.json`); with `outlet`, its channel is that media outlet.

        A malformed export raises one `IngestError` and nothing is stored.
        Importing a newer export of the same channel adds only new and edited messages.

        Example:
            ws.import_telegram("result.json", outlet="AL_AZAIM").releases
        """
        self.knowledge  # fail early on a bad knowledge file
        export = read_telegram_export(Path(path), max_bytes=max_bytes)
        used, counts = _apply(self, export, outlet)
        extracted, relations = self._extract_new(progress)
        return TelegramReport(file=str(path), channel=export.channel.name, channel_id=export.channel.id,
                              outlet=used, messages=len(export.messages), skipped=export.skipped, counts=counts,
                              extracted=extracted, relations=relations)

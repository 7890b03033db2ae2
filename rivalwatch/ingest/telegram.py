"""Reader for Telegram Desktop exports ("Export chat history" as JSON: `result.json`).

An export is one chat: `{"name", "type", "id", "messages": [...]}`. Every message
of type "message" with text or media becomes a `TelegramMessage` and a
`Document`; service messages (pins, joins) and empty ones are skipped. The
export is validated whole before anything is returned: the first problem raises
one `IngestError` naming the file, the message and the field.

A message's text is a string or a list mixing strings and entity objects
(`{"type": "link"|"hashtag"|"text_link"|..., "text": ..., "href": ...}`): it is
assembled from the entities' text, so links and hashtags stay as written; the
href of a `text_link` goes to meta and is never followed. A media message without
text gets a one-line description as its text ("<channel> #12: video (40:05)"),
marked `meta.telegram.text_from = "metadata"`, so its release has evidence.

Document fields: source `telegram:<chat id>/<message id>` (stable across
exports), title `<chat name> #<message id>`, published = the message's (local)
date, `meta.telegram` = channel, ids, dates, edits, author signature, forwards,
reply link, media; `meta.outlet` = the media-outlet actor the channel is mapped
to (`--outlet`), whose statements its posts are.

Example:
    export = parse_export(Path("result.json").read_text("utf-8"), source="result.json")
    [m.document(outlet="AL_AZAIM") for m in export.messages]
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..errors import IngestError
from ..knowledge.ingest_rules import load_telegram_rules
from ..models import STORE_INT_MAX, Document, Evidence, Publication
from .document import ReadResult, make_document, normalise_text, parse_json
from .language import language_name

__all__ = ["EXPORT_NAME", "Channel", "TelegramMessage", "TelegramExport", "is_export_path", "parse_export", "read"]

EXPORT_NAME = "result.json"  # what Telegram Desktop names the file; picked up when walking folders
_OPTIONAL_TEXT = ("from", "from_id", "author", "forwarded_from", "forwarded_from_id", "saved_from",
                  "via_bot", "mime_type", "title", "performer", "file_name")
_ENTITY_LISTS = {"link": "links", "hashtag": "hashtags", "cashtag": "hashtags", "mention": "mentions",
                 "mention_name": "mentions", "email": "emails"}


@dataclass(frozen=True)
class Channel:
    """The exported chat: its id (as text), name and Telegram type (public_channel, ...)."""

    id: str
    name: str
    type: str | None


@dataclass(frozen=True)
class TelegramMessage:
    """One message as RivalWatch keeps it: text assembled, fields checked."""

    channel: Channel
    message_id: int
    date: str                      # ISO local time as exported: 2024-07-14T10:22:01
    text: str
    text_from: str                 # "message", or "metadata" for a described media message
    media: str | None              # audio_file, video_file, voice_message, photo, document, ...
    duration_seconds: int | None
    edited: str | None = None
    edited_unixtime: int | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)  # the rest of meta.telegram

    @property
    def revision(self) -> int:
        """Orders versions of a message: its edit time (0 when never edited)."""
        return self.edited_unixtime or 0

    @property
    def source(self) -> str:
        return f"telegram:{self.channel.id}/{self.message_id}"

    @property
    def forwarded(self) -> bool:
        return bool(self.fields.get("forwarded_from") or self.fields.get("forwarded_from_id"))

    def meta(self, *, outlet: str | None = None) -> dict[str, Any]:
        """`Document.meta` for this message: `telegram` details, and `outlet` when the channel is mapped."""
        details = {"channel": self.channel.name, "channel_id": self.channel.id, "channel_type": self.channel.type,
                   "message_id": self.message_id, "date": self.date, "edited": self.edited,
                   "edited_unixtime": self.edited_unixtime, "media_type": self.media,
                   "duration_seconds": self.duration_seconds, "text_from": self.text_from, **self.fields}
        meta: dict[str, Any] = {"telegram": {k: v for k, v in details.items() if v not in (None, [], "")}}
        if outlet:
            meta["outlet"] = outlet
        return meta

    def document(self, *, outlet: str | None = None) -> Document:
        """The message as a `Document` (language detected, except for described media)."""
        return make_document(
            self.text, source=self.source, title=f"{self.channel.name} #{self.message_id}",
            published=self.date[:10], meta=self.meta(outlet=outlet), detect=self.text_from == "message",
        )

    def release(self, document: Document, *, outlet: str | None) -> Publication | None:
        """The PUBLISH record of a media message in an outlet's channel (not of a forward), else None.

        Format from the media type (`telegram.yaml`), length from the duration,
        date from the message, evidence the whole message text.
        """
        fmt = load_telegram_rules().formats.get(self.media or "")
        if not outlet or fmt is None or self.forwarded:
            return None
        evidence = Evidence(doc_id=document.id, text=document.text, start=0, end=len(document.text))
        language = language_name(document.language) if document.language else None
        title = self.fields.get("title") or self.fields.get("file_name")
        return Publication(outlet=outlet, evidence=evidence, format=fmt, language=language,
                           length=_length(self.duration_seconds), title=title, date=self.date[:10])


@dataclass(frozen=True)
class TelegramExport:
    """A validated export: the chat, its messages in export order, and how many were skipped."""

    source: str
    channel: Channel
    messages: tuple[TelegramMessage, ...]
    skipped: int = 0               # service messages and messages with neither text nor media


def is_export_path(path: str | Path) -> bool:
    """Is this a file RivalWatch reads as a Telegram Desktop export (a `.json` file)?"""
    return Path(path).suffix.lower() == ".json"


def read(text: str, *, source: str, default_published: str | None = None) -> ReadResult:
    """The export's documents (for `read_file`), or its one error; `default_published` is unused (messages are dated)."""
    try:
        export = parse_export(text, source=source)
    except IngestError as exc:
        return ReadResult(errors=(exc,))
    return ReadResult(documents=tuple(m.document() for m in export.messages))


def parse_export(text: str, *, source: str) -> TelegramExport:
    """Validate a whole export and return its messages; `IngestError(source, reason)` at the first problem."""
    data = parse_json(text, where=source)
    if not isinstance(data, dict):
        raise IngestError(source, f"not a Telegram Desktop export: the JSON is a {_kind(data)}, not an object")
    if "messages" not in data and isinstance(data.get("chats"), dict):
        raise IngestError(source, "a whole-account Telegram export (chats.list): export one channel with "
                                  "'Export chat history' and import its result.json")
    messages = data.get("messages")
    if not isinstance(messages, list):
        raise IngestError(source, "not a Telegram Desktop export: no 'messages' list at the top level")
    chat_id = _chat_id(data.get("id"), source)
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        raise IngestError(source, f"chat 'name' is a {_kind(name)}, not text")
    chat_type = data.get("type")
    channel = Channel(id=chat_id, name=(name or "").strip() or f"chat {chat_id}",
                      type=chat_type if isinstance(chat_type, str) else None)
    kept: list[TelegramMessage] = []
    seen: set[int] = set()
    skipped = 0
    for index, raw in enumerate(messages):
        message = _message(raw, index, channel, source)
        if message is None:
            skipped += 1
            continue
        if message.message_id in seen:
            raise IngestError(source, f"message id {message.message_id} appears twice in 'messages'")
        seen.add(message.message_id)
        kept.append(message)
    return TelegramExport(source=source, channel=channel, messages=tuple(kept), skipped=skipped)


# --- one message -------------------------------------------------------------------

class _Problem(Exception):
    """A field of one message is invalid (turned into an IngestError naming the message)."""


def _message(raw: Any, index: int, channel: Channel, source: str) -> TelegramMessage | None:
    where = f"message #{index + 1} in 'messages'"
    if not isinstance(raw, dict):
        raise IngestError(source, f"{where} is a {_kind(raw)}, not an object")
    message_id = raw.get("id")
    if isinstance(message_id, bool) or not isinstance(message_id, int) \
            or not -STORE_INT_MAX - 1 <= message_id <= STORE_INT_MAX:
        raise IngestError(source, f"{where} has no whole-number 'id' a store can hold")
    where = f"message id {message_id}"
    try:
        kind = raw.get("type", "message")
        if not isinstance(kind, str):
            raise _Problem(f"'type' is a {_kind(kind)}, not text")
        date = _iso_time(raw.get("date"), "date", required=True)
        if kind != "message":
            return None
        text, entities = _text(raw)
        media = _media(raw)
        duration = _whole(raw.get("duration_seconds"), "duration_seconds")
        fields: dict[str, Any] = {key: _optional_text(raw.get(key), key) for key in _OPTIONAL_TEXT}
        fields["reply_to_message_id"] = _whole(raw.get("reply_to_message_id"), "reply_to_message_id")
        fields["date_unixtime"] = _whole(raw.get("date_unixtime"), "date_unixtime")
        fields.update(entities)
        edited = _iso_time(raw.get("edited"), "edited")
        edited_unixtime = _whole(raw.get("edited_unixtime"), "edited_unixtime")
    except _Problem as problem:
        raise IngestError(source, f"{where}: {problem}") from None
    text_from = "message"
    if not normalise_text(text):
        label = load_telegram_rules().labels.get(media or "")
        if label is None:
            return None
        text, text_from = _describe(channel, message_id, label, duration, fields), "metadata"
    return TelegramMessage(
        channel=channel, message_id=message_id, date=date, text=text, text_from=text_from, media=media,
        duration_seconds=duration, edited=edited,
        edited_unixtime=edited_unixtime if edited_unixtime is not None else _unixtime(edited), fields=fields,
    )


def _text(raw: Mapping[str, Any]) -> tuple[str, dict[str, list[Any]]]:
    """The message text and its entities (links, hashtags, mentions, text_links with href)."""
    value = raw.get("text", "")
    if (value == "" or value == []) and raw.get("text_entities"):
        value = raw["text_entities"]
    if isinstance(value, str):
        parts: list[Any] = [value]
    elif isinstance(value, list):
        parts = value
    else:
        raise _Problem(f"'text' is a {_kind(value)}, not text or a list of text parts")
    chunks: list[str] = []
    entities: dict[str, list[Any]] = {}
    for number, part in enumerate(parts, 1):
        if isinstance(part, str):
            chunks.append(part)
            continue
        if not isinstance(part, dict) or not isinstance(part.get("text"), str):
            raise _Problem(f"text part {number} is a {_kind(part)} without a 'text' string")
        chunks.append(part["text"])
        entity = part.get("type")
        if entity == "text_link":
            entities.setdefault("text_links", []).append({"text": part["text"], "href": str(part.get("href", ""))})
        elif entity in _ENTITY_LISTS:
            entities.setdefault(_ENTITY_LISTS[entity], []).append(part["text"])
    return "".join(chunks), entities


def _media(raw: Mapping[str, Any]) -> str | None:
    media = raw.get("media_type")
    if media is not None and not isinstance(media, str):
        raise _Problem(f"'media_type' is a {_kind(media)}, not text")
    if media:
        return media
    if raw.get("photo"):
        return "photo"
    if raw.get("file"):
        return "document"
    return None


def _describe(channel: Channel, message_id: int, label: str, duration: int | None, fields: Mapping[str, Any]) -> str:
    what = label + (f" ({_clock(duration)})" if duration else "")
    title = fields.get("title") or fields.get("file_name")
    return f"{channel.name} #{message_id}: {what}" + (f" \"{title}\"" if title else "")


def _chat_id(value: Any, source: str) -> str:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value.strip()) <= 20:
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and -STORE_INT_MAX - 1 <= value <= STORE_INT_MAX:
        return str(value)
    raise IngestError(source, "not a Telegram Desktop export: the chat has no numeric 'id' a store can hold")


def _iso_time(value: Any, key: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise _Problem(f"'{key}' is missing")
        return None
    if not isinstance(value, str):
        raise _Problem(f"'{key}' is a {_kind(value)}, not an ISO date and time")
    try:
        return _dt.datetime.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise _Problem(f"'{key}' is not an ISO date and time: {value[:40]!r}") from None


def _whole(value: Any, key: str) -> int | None:
    """A whole number, given as a number or as digits (exports write unixtimes as text)."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 20:
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= STORE_INT_MAX:
        return value
    raise _Problem(f"'{key}' is not a whole number: {str(value)[:40]!r}")


def _optional_text(value: Any, key: str) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise _Problem(f"'{key}' is a {_kind(value)}, not text")


def _unixtime(iso: str | None) -> int | None:
    """Seconds for an exported local time when the export gives no unixtime (only its order matters)."""
    if iso is None:
        return None
    return int(_dt.datetime.fromisoformat(iso).replace(tzinfo=_dt.timezone.utc).timestamp())


def _length(seconds: int | None) -> str | None:
    """A release length as the extractor writes it: "40 minute", "45 second"."""
    if not seconds:
        return None
    return f"{round(seconds / 60)} minute" if seconds >= 90 else f"{seconds} second"


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return (f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}")


def _kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number" if isinstance(value, (int, float)) else type(value).__name__)

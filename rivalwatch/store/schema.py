"""The store's tables, as SQLAlchemy Core `Table`s on one `MetaData`.

Portable by construction: only generic types (`String`, `Text`, `JSON`, ...), so
the same schema is created on SQLite and PostgreSQL. Extraction output is keyed by
(doc_id, version): re-running a version replaces its rows, and two versions can
sit side by side for comparison.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON, Boolean, Column, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData,
    PrimaryKeyConstraint, String, Table, Text, UniqueConstraint,
)

__all__ = [
    "metadata", "documents", "actors", "aliases", "extraction_runs", "extractions",
    "mentions", "relations", "claims", "publications", "OUTPUT_TABLES",
]

metadata = MetaData()

ID = String(64)          # document ids: 16 hex chars today, room to grow
ACTOR_ID = String(128)   # knowledge-base ids (ISKP) and discovered slugs
DATE = String(10)        # ISO at the precision known: 2024, 2024-07, 2024-07-14
VERSION = String(64)


def _doc_id() -> Column:
    return Column("doc_id", ID, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)


def _evidence() -> list[Column]:
    return [
        Column("evidence_text", Text, nullable=False),
        Column("evidence_start", Integer, nullable=False),
        Column("evidence_end", Integer, nullable=False),
    ]


documents = Table(
    "documents", metadata,
    Column("id", ID, primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("title", Text),
    Column("published", DATE),
    Column("url", Text),
    Column("language", String(16)),
    Column("meta", JSON, nullable=False),
    Column("text", Text, nullable=False),
    Column("ingested_at", DateTime, nullable=False),
)

actors = Table(
    "actors", metadata,
    Column("id", ACTOR_ID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("part_of", ACTOR_ID),
    Column("discovered", Boolean, nullable=False),
)

aliases = Table(
    "aliases", metadata,
    Column("actor_id", ACTOR_ID, ForeignKey("actors.id", ondelete="CASCADE"), nullable=False),
    Column("alias", Text, nullable=False),
    # `alias.casefold()`: case-insensitive lookup that also works beyond ASCII.
    Column("folded", Text, nullable=False),
    PrimaryKeyConstraint("actor_id", "alias"),
    Index("ix_aliases_folded", "folded"),
)

extraction_runs = Table(
    "extraction_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version", VERSION, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=False),
    Column("documents", Integer, nullable=False),
)

# Which (document, version) pairs have been extracted, even when nothing was found.
extractions = Table(
    "extractions", metadata,
    _doc_id(),
    Column("version", VERSION, nullable=False),
    Column("extracted_at", DateTime, nullable=False),
    PrimaryKeyConstraint("doc_id", "version"),
)

mentions = Table(
    "mentions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_id(),
    Column("actor_id", ACTOR_ID, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("how", String(16), nullable=False),
    Column("version", VERSION, nullable=False),
    Index("ix_mentions_doc_id", "doc_id"),
    Index("ix_mentions_actor_id", "actor_id"),
)

relations = Table(
    "relations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_id(),
    Column("version", VERSION, nullable=False),
    Column("source", ACTOR_ID, nullable=False),
    Column("type", String(16), nullable=False),
    Column("target", ACTOR_ID, nullable=False),
    Column("modality", String(16), nullable=False),
    Column("date", DATE),
    Column("location", Text),
    Column("confidence", Float, nullable=False),
    Column("cue", Text, nullable=False),
    # Group level (persons and outlets rolled up to their group) and the relation's
    # date, else its document's publication date: what timelines and networks read.
    Column("source_group", ACTOR_ID, nullable=False),
    Column("target_group", ACTOR_ID, nullable=False),
    Column("when", DATE),
    *_evidence(),
    # An analyst's curation (api/curation.py): "confirmed" or "corrected" (rejected rows are
    # deleted), and the relation_curations row that says so; null when uncurated.
    Column("curation", String(16)),
    Column("curation_id", Integer),
    Index("ix_relations_source_target_type_date", "source", "target", "type", "date"),
    Index("ix_relations_groups_when", "source_group", "target_group", "when"),
    Index("ix_relations_when", "when"),
    Index("ix_relations_target", "target"),
    Index("ix_relations_doc_id", "doc_id"),
    # Covers dyad timelines and alerts: events are GROUP BY (source_group, target_group,
    # type, when) of one version, read from this index alone (id is the rowid).
    Index("ix_relations_dyad_events", "version", "source_group", "target_group", "type", "when", "modality", "doc_id"),
    # Listings in `Store.relations` order (date, document, offset): a page is an index range,
    # and a total by source or target is counted from the index alone (web API, 1M relations).
    Index("ix_relations_listing", "date", "doc_id", "evidence_start"),
    Index("ix_relations_source_listing", "source", "version", "date", "doc_id", "evidence_start", "target", "type"),
    Index("ix_relations_target_listing", "target", "version", "date", "doc_id", "evidence_start", "source", "type"),
    Index("ix_relations_pair_listing", "source", "target", "version", "date", "doc_id", "evidence_start", "type"),
)

claims = Table(
    "claims", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_id(),
    Column("version", VERSION, nullable=False),
    Column("actor", ACTOR_ID, nullable=False),
    Column("date", DATE),
    Column("location", Text),
    Column("modality", String(16), nullable=False),
    *_evidence(),
    Index("ix_claims_doc_id", "doc_id"),
)

publications = Table(
    "publications", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_id(),
    Column("version", VERSION, nullable=False),
    Column("outlet", ACTOR_ID, nullable=False),
    Column("format", String(32)),
    Column("language", String(32)),
    Column("length", String(32)),
    Column("title", Text),
    Column("date", DATE),
    *_evidence(),
    Index("ix_publications_doc_id", "doc_id"),
)

# The tables one extraction writes, keyed by (doc_id, version).
OUTPUT_TABLES = (mentions, relations, claims, publications)

# Human-coded relations imported from a table such as Mapping Militants
# (`rivalwatch import relationships`), kept apart from extracted ones. One row per
# coded row: importing the same file again adds nothing. `evidence_text` is the
# row's own justification (MMP `description`).
imported_relations = Table(
    "imported_relations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", String(32), nullable=False),          # "mmp"
    Column("source_file", Text, nullable=False),           # the file's name
    Column("row_id", String(64), nullable=False),          # the row's unique_id, else its line
    Column("code", String(16), nullable=False),            # the table's own type: all, riv, aff, spl, mer
    Column("source", ACTOR_ID, nullable=False),
    Column("type", String(16), nullable=False),
    Column("target", ACTOR_ID, nullable=False),
    Column("source_group", ACTOR_ID, nullable=False),
    Column("target_group", ACTOR_ID, nullable=False),
    Column("date", DATE),
    Column("source_name", Text, nullable=False),           # the names as the file writes them
    Column("target_name", Text, nullable=False),
    Column("evidence_text", Text, nullable=False),
    Column("imported_at", DateTime, nullable=False),
    # Event data sets (`rivalwatch import acled|gtd|ucdp`): the place (admin1), the deaths
    # and the data set's own event type as written ("Battles / Armed clash"); null for MMP.
    Column("location", Text),
    Column("fatalities", Integer),
    Column("sub_type", Text),
    UniqueConstraint("origin", "source_file", "row_id", name="uq_imported_relations_row"),
    Index("ix_imported_relations_groups_date", "source_group", "target_group", "date"),
)
__all__ += ["imported_relations"]

# Feeds read by `rivalwatch feeds ingest` and `rivalwatch watch`: the validators of the
# last full answer (for conditional GETs) and how the last poll went.
feeds = Table(
    "feeds", metadata,
    Column("url", Text, primary_key=True),                 # the URL as given, or a file's absolute path
    Column("etag", Text),
    Column("last_modified", Text),
    Column("checked_at", DateTime),
    Column("status", String(16)),                          # ok, not_modified, error
    Column("error", Text),
)
# Entries already ingested (or without text), so a poll adds only what is new.
feed_entries = Table(
    "feed_entries", metadata,
    Column("feed_url", Text, ForeignKey("feeds.url", ondelete="CASCADE"), nullable=False),
    Column("entry_key", Text, nullable=False),             # the entry's id, else its link
    Column("doc_id", ID),                                  # the document it gave; null when it had no text
    Column("seen_at", DateTime, nullable=False),
    PrimaryKeyConstraint("feed_url", "entry_key"),
)
__all__ += ["feeds", "feed_entries"]

# Curation (api/curation.py). A relation is addressed by its fingerprint, (doc_id,
# evidence_start, evidence_end, source, type, target) as extracted, never by its id, so
# the analyst's verdict is applied again whenever the document's extraction is saved.
relation_curations = Table(
    "relation_curations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_id(),
    Column("evidence_start", Integer, nullable=False),
    Column("evidence_end", Integer, nullable=False),
    Column("source", ACTOR_ID, nullable=False),
    Column("type", String(16), nullable=False),
    Column("target", ACTOR_ID, nullable=False),
    Column("action", String(16), nullable=False),          # confirmed, corrected, rejected
    Column("changes", JSON, nullable=False),               # {"type", "swap", "modality", "date"} of a correction
    Column("note", Text),
    Column("curated_by", String(64), nullable=False),
    Column("curated_at", DateTime, nullable=False),
    UniqueConstraint("doc_id", "evidence_start", "evidence_end", "source", "type", "target",
                     name="uq_relation_curations_fingerprint"),
)
# Actors merged by an analyst: `source` is folded into `into` on every save.
actor_merges = Table(
    "actor_merges", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", ACTOR_ID, nullable=False, unique=True),
    Column("into", ACTOR_ID, nullable=False),
    Column("merged_by", String(64), nullable=False),
    Column("merged_at", DateTime, nullable=False),
)
# Every curation and token change: who (token name), when, what it was and what it became.
curation_audit = Table(
    "curation_audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("who", String(64), nullable=False),
    Column("action", String(32), nullable=False),           # relation.reject, actor.merge, token.create, ...
    Column("subject", Text, nullable=False),                # a relation fingerprint, an actor id, a token name
    Column("before", JSON),
    Column("after", JSON),
)
# API tokens (api/tokens.py): only a salted hash of the secret is kept.
api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("key_id", String(16), nullable=False, unique=True),   # the token's public part, to find its row
    Column("role", String(16), nullable=False),                  # viewer, analyst, admin
    Column("salt", String(32), nullable=False),
    Column("hash", String(64), nullable=False),                  # sha256(salt + secret), hex
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
)
__all__ += ["relation_curations", "actor_merges", "curation_audit", "api_tokens"]

# --- reposts, near-duplicates and Telegram exports (store/links.py, store/telegram.py) ---

# A near-duplicate document (the same statement reposted with a header, footer or
# edit) points at the first stored copy; analyses count only documents without a
# row here (`links.canonical_only`).
document_links = Table(
    "document_links", metadata,
    Column("doc_id", ID, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("duplicate_of", ID, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("similarity", Float, nullable=False),     # Jaccard of the word-shingle sets
    Column("linked_at", DateTime, nullable=False),
    Index("ix_document_links_duplicate_of", "duplicate_of"),
)

# MinHash LSH band keys of each document long enough to be compared.
document_bands = Table(
    "document_bands", metadata,
    _doc_id(),
    Column("key", String(32), nullable=False),
    PrimaryKeyConstraint("doc_id", "key"),
    Index("ix_document_bands_key", "key"),
)

# Each banded document's word shingles as sorted 32-bit hashes (ingest/near_duplicates.py `hashed`):
# a new text is checked against its candidates without re-reading and re-shingling their texts.
document_shingles = Table(
    "document_shingles", metadata,
    Column("doc_id", ID, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("hashes", LargeBinary, nullable=False),
)

# Other places the exact same text was seen (another site, a forward on another
# channel): sources of the stored document, not new documents.
document_sightings = Table(
    "document_sightings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_id(),
    Column("source", Text, nullable=False),
    Column("title", Text),
    Column("url", Text),
    Column("published", DATE),
    Column("meta", JSON, nullable=False),
    Column("seen_at", DateTime, nullable=False),
    UniqueConstraint("doc_id", "source", name="uq_document_sightings_source"),
)

# Telegram chats imported, and the media-outlet actor each is mapped to.
telegram_channels = Table(
    "telegram_channels", metadata,
    Column("channel_id", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("type", String(32)),
    Column("outlet", ACTOR_ID),
    Column("imported_at", DateTime, nullable=False),
)

# Every imported message: the document holding its text (its own, or an earlier
# identical one), its revision (edit time) and, for an outlet's media message, the
# release it is (rebuilt into `publications` under version `rw-telegram-1`).
telegram_messages = Table(
    "telegram_messages", metadata,
    Column("channel_id", String(32), nullable=False),
    Column("message_id", Integer, nullable=False),
    _doc_id(),
    Column("revision", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("outlet", ACTOR_ID),
    Column("format", String(32)),
    Column("length", String(32)),
    Column("title", Text),
    Column("date", DATE),
    PrimaryKeyConstraint("channel_id", "message_id"),
    Index("ix_telegram_messages_doc_id", "doc_id"),
)
__all__ += ["document_links", "document_bands", "document_sightings", "telegram_channels", "telegram_messages"]

# Derived and rebuildable (analysis/alerts.py): per directed dyad and period, the
# hostility series and its baseline window that `rivalwatch alerts` ranks. One `key`
# per (extractor version, period length, settings); `fingerprint` names the
# relations it was built from (their count and highest id), so alerts rebuild it
# when the store has changed.
alert_series = Table(
    "alert_series", metadata,
    Column("key", String(64), primary_key=True),
    Column("version", VERSION, nullable=False),
    Column("period", String(8), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("built_at", DateTime, nullable=False),
)
alert_cells = Table(
    "alert_cells", metadata,
    Column("key", String(64), ForeignKey("alert_series.key", ondelete="CASCADE"), nullable=False),
    Column("source", ACTOR_ID, nullable=False),
    Column("target", ACTOR_ID, nullable=False),
    Column("p", Integer, nullable=False),        # period index (analysis/dyads.py)
    Column("h", Float, nullable=False),          # hostility of the period
    Column("v", Integer, nullable=False),        # verbal-conflict events
    Column("vh", Float, nullable=False),         # their hostility
    Column("new_score", Float, nullable=False),  # weight of the types seen first in this period
    Column("new_types", Text),
    Column("s1", Float, nullable=False),         # sum of h over the preceding window
    Column("s2", Float, nullable=False),         # sum of h*h over it
    Column("sv", Integer, nullable=False),       # verbal-conflict events in it
    Column("ph", Float),                         # hostility of the dyad's previous period with events
    Column("pp", Integer),                       # and that period (none: this is the dyad's first)
    Index("ix_alert_cells_key_p", "key", "p"),
)
__all__ += ["alert_series", "alert_cells"]

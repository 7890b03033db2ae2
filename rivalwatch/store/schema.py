"""The store's tables, as SQLAlchemy Core `Table`s on one `MetaData`.

Portable by construction: only generic types (`String`, `Text`, `JSON`, ...), so
the same schema is created on SQLite and PostgreSQL. Extraction output is keyed by
(doc_id, version): re-running a version replaces its rows, and two versions can
sit side by side for comparison.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON, Boolean, Column, DateTime, Float, ForeignKey, Index, Integer, MetaData,
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
    Index("ix_relations_source_target_type_date", "source", "target", "type", "date"),
    Index("ix_relations_groups_when", "source_group", "target_group", "when"),
    Index("ix_relations_when", "when"),
    Index("ix_relations_target", "target"),
    Index("ix_relations_doc_id", "doc_id"),
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
    UniqueConstraint("origin", "source_file", "row_id", name="uq_imported_relations_row"),
    Index("ix_imported_relations_groups_date", "source_group", "target_group", "date"),
)
__all__ += ["imported_relations"]

"""Bring an existing database up to the current schema: add the nullable columns it lacks.

`metadata.create_all` creates missing tables but never changes a table that
exists, so a database made by an older RivalWatch would lack a column added
since (for example `imported_relations.location`). Only nullable columns without
a server default can be added this way; anything else is a `StoreError` that
says to start a new database.

Example:
    add_missing_columns(engine)   # after metadata.create_all(engine)
"""
from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.schema import CreateColumn

from ..errors import StoreError
from . import schema as s

__all__ = ["add_missing_columns"]


def add_missing_columns(engine: Engine) -> list[str]:
    """Add every column of the schema that an existing table lacks; returns "table.column" for each added."""
    inspector = inspect(engine)
    existing = set(inspector.get_table_names())
    added: list[str] = []
    with engine.begin() as conn:
        for table in s.metadata.sorted_tables:
            if table.name not in existing:
                continue
            have = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in have:
                    continue
                if not column.nullable or column.primary_key:
                    raise StoreError(f"database table {table.name} lacks column {column.name}, which cannot be "
                                     "added to existing rows: start a new database (--db)")
                ddl = CreateColumn(column).compile(dialect=engine.dialect)
                conn.exec_driver_sql(f"ALTER TABLE {engine.dialect.identifier_preparer.quote(table.name)} ADD COLUMN {ddl}")
                added.append(f"{table.name}.{column.name}")
    return added

"""Keeping an existing database fast: indexes added since it was made, and planner statistics.

`metadata.create_all` creates an index only with its table, so a database made
before an index was added to the schema lacks it; `create_missing_indexes` adds
it. `refresh_statistics` runs SQLite's ANALYZE when the statistics are missing or
the relations table has grown by a quarter since: with them the planner chooses
the filter's index for a rare actor and the listing index for a common one.

Example:
    create_missing_indexes(store.engine)
    refresh_statistics(store.engine)   # what `rivalwatch serve` does on start
"""
from __future__ import annotations

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine

from . import schema as s

__all__ = ["create_missing_indexes", "refresh_statistics"]


def create_missing_indexes(engine: Engine) -> list[str]:
    """Create every index of the schema that an existing table lacks; returns their names."""
    inspector = inspect(engine)
    tables = set(inspector.get_table_names())
    created = []
    for table in s.metadata.sorted_tables:
        if table.name not in tables:
            continue
        have = {ix["name"] for ix in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in have:
                index.create(engine, checkfirst=True)
                created.append(index.name)
    return created


def refresh_statistics(engine: Engine, *, growth: float = 1.25) -> bool:
    """SQLite: ANALYZE when there are no statistics for `relations` or it grew by `growth`; True when it ran."""
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as conn:
        rows = int(conn.scalar(select(func.count()).select_from(s.relations)) or 0)
        known = None
        if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first() is not None:
            stat = conn.execute(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'relations' AND idx IS NOT NULL "
                                     "LIMIT 1")).first()
            known = int(stat[0].split()[0]) if stat else None
        if known is not None and rows <= known * growth and (known <= rows * growth or rows == 0):
            return False
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return True

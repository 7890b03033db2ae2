"""Keeping an existing database fast: indexes added since it was made, and planner statistics.

`metadata.create_all` creates an index only with its table, so a database made
before an index was added to the schema lacks it; `create_missing_indexes` adds
it. `refresh_statistics` runs SQLite's ANALYZE when the statistics are missing
(for the table or one of its indexes) or the relations table has grown by a
quarter since: with them the planner picks the right index for a rare actor and
for a common one.

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
    """SQLite: ANALYZE when `relations` has no statistics, grew or shrank by `growth`, or has an index
    without them; True when it ran."""
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as conn:
        rows = int(conn.scalar(select(func.count()).select_from(s.relations)) or 0)
        known, described = None, set()
        if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first() is not None:
            stats = conn.execute(text("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'relations' AND idx IS NOT NULL")).all()
            known = int(stats[0][1].split()[0]) if stats else None
            described = {idx for idx, _ in stats}
        fresh = known is not None and rows <= known * growth and (known <= rows * growth or rows == 0)
        if fresh and (rows == 0 or {ix.name for ix in s.relations.indexes} <= described):
            return False
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return True

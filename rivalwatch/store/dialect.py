"""The one place SQL differs between databases: engine URLs, connection setup, upserts.

Everything else in the store is generic SQLAlchemy Core. Supported: SQLite (the
default, a file) and PostgreSQL.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable, Iterator, Sequence

from sqlalchemy import Table, event
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError

__all__ = ["to_url", "configure", "change_marker", "insert_ignore", "schema_lock", "upsert"]


def to_url(url_or_path: str | Path) -> str:
    """A database URL as given (`postgresql://` with the psycopg 3 driver), or `sqlite:///<absolute path>`
    for a file path."""
    text = str(url_or_path)
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]  # psycopg 3, the driver requirements.txt pins
    if "://" in text:
        return text
    path = Path(text).expanduser()
    if path.is_dir():
        raise StoreError(f"{path}: is a directory; give a database file such as {path / 'rivalwatch.db'}")
    if not path.parent.exists():
        raise StoreError(f"{path}: folder {path.parent} does not exist; create it or choose another --db")
    return f"sqlite:///{path.resolve()}"


SCHEMA_LOCK = 7_011_2024  # PostgreSQL advisory lock key held while a process creates or upgrades the schema


@contextlib.contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """PostgreSQL: one process at a time creates or upgrades the schema (two first ingests into one
    new database would otherwise both create its tables, and one fail). SQLite: its write lock does."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_advisory_lock({SCHEMA_LOCK})")
        try:
            yield
        finally:
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({SCHEMA_LOCK})")


def change_marker(engine: Engine) -> Callable[[], Hashable] | None:
    """A function whose answer changes whenever the database does (a commit by any process): the
    SQLite file's and its write-ahead log's size and modification time, PostgreSQL's write-ahead log
    position (any write to the server moves it: more changes than needed, never fewer); None for
    an in-memory SQLite or another database."""
    if engine.dialect.name == "postgresql":
        def wal_position() -> Hashable:
            with engine.connect() as conn:
                return conn.exec_driver_sql("SELECT pg_current_wal_lsn()::text").scalar()
        return wal_position
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        return None
    files = (Path(database), Path(database + "-wal"))

    def file_stamps() -> Hashable:
        out: list[int] = []
        for path in files:
            try:
                st = os.stat(path)
                out += [st.st_size, st.st_mtime_ns]
            except FileNotFoundError:
                out += [-1, -1]
        return tuple(out)
    return file_stamps


WRITER = {"rivalwatch_writes": True}  # the execution option of `Store.writer`
BUSY_TIMEOUT_MS = 120_000              # how long a writer waits for another's transaction to end


def configure(engine: Engine) -> None:
    """SQLite: write-ahead logging, enforced foreign keys and a busy timeout on every new connection;
    a transaction of `Store.writer` begins IMMEDIATE (takes the write lock at once: a read-then-write
    transaction that began deferred fails at once when another writer went first), others deferred."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" below starts transactions, not pysqlite
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # first: the next pragma may wait for a writer
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("rivalwatch_writes") else "BEGIN")


def _insert(conn: Connection, table: Table) -> Any:
    name = conn.dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        raise StoreError(f"unsupported database {name!r}: use SQLite or PostgreSQL")
    return insert(table)


def insert_ignore(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], *, keys: Iterable[str]) -> None:
    """Insert rows (executemany), skipping those whose `keys` already exist."""
    if rows:
        conn.execute(_insert(conn, table).on_conflict_do_nothing(index_elements=list(keys)), list(rows))


def upsert(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], *,
    keys: Iterable[str], update: Iterable[str], where: Any = None,
) -> None:
    """Insert rows, or update the `update` columns of existing ones (when `where` holds).

    `where` is a function of the insert statement, so it can refer to `excluded`.
    """
    if not rows:
        return
    stmt = _insert(conn, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={column: stmt.excluded[column] for column in update},
        where=where(stmt) if where is not None else None,
    )
    conn.execute(stmt, list(rows))

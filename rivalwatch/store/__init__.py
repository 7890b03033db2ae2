"""The store: SQLAlchemy Core tables and the `Store` that reads and writes them."""
from __future__ import annotations

from .db import Store
from .rows import StoredActor, StoredRelation

__all__ = ["Store", "StoredActor", "StoredRelation"]

"""The RivalWatch exception tree and its coded messages.

Every message is `[RWnnn] what happened: likely cause / fix`, so users can search
for the code. Callers catch `RivalWatchError`, or one precise subclass.
"""
from __future__ import annotations


class RivalWatchError(Exception):
    """Base class of every error RivalWatch raises on purpose."""

    code = "RW000"

    def __init__(self, message: str) -> None:
        super().__init__(f"[{self.code}] {message}")


class KnowledgeError(RivalWatchError):
    """A knowledge file (actors, cues) is missing or malformed."""

    code = "RW100"


class IngestError(RivalWatchError):
    """One input could not be read; names the file and the reason on one line."""

    code = "RW200"

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class StoreError(RivalWatchError):
    """The store could not be opened or written."""

    code = "RW300"


class QueryError(RivalWatchError):
    """A query's arguments are invalid (unknown actor, bad date, ...)."""

    code = "RW400"


class GoldFormatError(RivalWatchError):
    """A gold annotation file does not follow ontology.md."""

    code = "RW500"

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


class NotFoundError(QueryError):
    """What a query names does not exist (a relation id, a token name): HTTP 404."""

    code = "RW404"


class ConflictError(QueryError):
    """A change clashes with what is stored (an alias another actor has, a token name in use): HTTP 409."""

    code = "RW409"


class AuthError(RivalWatchError):
    """No valid API token was given (missing, unknown or revoked): HTTP 401."""

    code = "RW600"


class ForbiddenError(AuthError):
    """The token's role may not do this (a viewer curating, an analyst managing tokens): HTTP 403."""

    code = "RW610"


class ClusterError(RivalWatchError):
    """The Dask cluster named by --cluster could not be started or reached."""

    code = "RW700"


INTERNAL_CODE = "RW900"  # RivalWatch itself failed (a bug), not the input or the user


def crash_log(exc: BaseException, context: str) -> str:
    """Write `exc`'s traceback to a log file of its own (the terminal gets one line) and return its path."""
    import os
    import tempfile
    import time
    import traceback
    path = os.path.join(tempfile.gettempdir(), f"rivalwatch-crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log")
    with open(path, "a", encoding="utf-8", errors="replace") as log:
        log.write(f"{context}\n{''.join(traceback.format_exception(exc))}\n")
    return path


def internal_error_line(exc: BaseException, context: str) -> str:
    """One line saying RivalWatch failed on `context`, with the log that holds the traceback."""
    return (f"{context}: RivalWatch failed ({type(exc).__name__}: {str(exc)[:120]}); "
            f"details in {crash_log(exc, context)} [{INTERNAL_CODE}]")

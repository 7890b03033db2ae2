"""Checks on the parameters every front door passes to the `Workspace`."""
from __future__ import annotations

from ..dates import parse_date
from ..errors import QueryError


def iso_date(value: str | None, what: str) -> str | None:
    """`value` as an ISO date at its own precision (None stays None); a coded error otherwise.

    Example:
        iso_date("July 2024", "since")   # '2024-07'
    """
    if value is None:
        return None
    iso = parse_date(value)
    if iso is None:
        raise QueryError(f"invalid {what} date {value!r}: use ISO such as 2024, 2024-07 or 2024-07-14")
    return iso

"""Checks on the parameters every front door passes to the `Workspace`."""
from __future__ import annotations

from typing import Sequence

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


def one_of(value: str | None, allowed: Sequence[str], what: str) -> str | None:
    """`value` as the member of `allowed` it names in any case (None stays None); a coded error otherwise.

    Example:
        one_of("accuse", RELATION_TYPES, "relation type")   # 'ACCUSE'
    """
    if value is None:
        return None
    match = [a for a in allowed if a.lower() == value.strip().lower()]
    if not match:
        raise QueryError(f"unknown {what} {value!r}: use one of {', '.join(allowed)}")
    return match[0]

"""Tests for rivalwatch.dates: absolute forms, datelines, relative resolution."""
from __future__ import annotations

import pytest

from rivalwatch.dates import MONTHS, find_dateline, parse_date, resolve, resolve_after


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23.12.2024", "2024-12-23"),
        ("1.2.2024", "2024-02-01"),
        ("Oct 2, 2023", "2023-10-02"),
        ("Oct. 2, 2023", "2023-10-02"),
        ("October 2, 2023", "2023-10-02"),
        ("2 October 2023", "2023-10-02"),
        ("2nd of October 2023", "2023-10-02"),
        ("Monday, 2 October 2023", "2023-10-02"),
        ("2023-10-02", "2023-10-02"),
        ("2023/10/02", "2023-10-02"),
        ("June 2024", "2024-06"),
        ("Sept. 2024", "2024-09"),
        ("Sep 2024", "2024-09"),
        ("2024-06", "2024-06"),
        ("2015", "2015"),
    ],
)
def test_parse_date_absolute_forms(text: str, expected: str) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "hello", "31.02.2024", "2024-13-01", "03/12/2024", "12", "Smarch 2024", "In June 2024, they met"],
)
def test_parse_date_rejects_non_dates(text: str) -> None:
    assert parse_date(text) is None


def test_month_table_has_full_short_and_sept() -> None:
    assert (MONTHS["february"], MONTHS["feb"], MONTHS["sept"], MONTHS["sep"]) == (2, 2, 9, 9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23.12.2024\n\nThe statement was read aloud.", "2024-12-23"),
        ("Fighting flares in the valley\nOct 2, 2023\nResidents fled.", "2023-10-02"),
        ("A headline\nPublished: 12 March 2024\nBody text.", "2024-03-12"),
        ("A headline\nMarch 12, 2024 | 5 min read\nBody text.", "2024-03-12"),
        ("By A. Writer \u00b7 12 March 2024 10:32 GMT\nBody text.", "2024-03-12"),
        ("Updated on Tuesday, March 12, 2024 at 9:15 a.m.\nBody.", "2024-03-12"),
        ("2024-03-12T08:00:00Z\nBody.", "2024-03-12"),
    ],
)
def test_find_dateline(text: str, expected: str) -> None:
    assert find_dateline(text) == expected


def test_find_dateline_ignores_dates_in_prose() -> None:
    text = (
        "Local factions and the truce\n"
        "In June 2024, the group announced a new leader.\n"
        "The ceasefire signed on 2 October 2023 collapsed within weeks.\n"
    )
    assert find_dateline(text) is None


def test_find_dateline_only_looks_at_first_lines() -> None:
    text = "\n".join(f"Line {i} of the report." for i in range(10)) + "\n23.12.2024\n"
    assert find_dateline(text) is None


def test_find_dateline_wants_day_precision() -> None:
    assert find_dateline("Quarterly brief\nJune 2024\nBody.") is None


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("23.12.2024", "2024-12-23"),
        ("on 2 October 2023", "2023-10-02"),
        ("2013", "2013"),
        ("in July", "2024-07"),
        ("July", "2024-07"),
        ("December", "2023-12"),  # after the publication month: the year before
        ("last year", "2023"),
        ("this year", "2024"),
        ("earlier this year", "2024"),
        ("last month", "2024-06"),
        ("the previous month", "2024-06"),
        ("since June", "2024-06"),
        ("mid-2024", "2024"),
        ("early 2024", "2024"),
        ("late 2024", "2024"),
        ("the end of May 2024", "2024-05"),
        ("the summer of 2023", "2023"),
        ("two years ago", "2022"),
        ("3 months ago", "2024-04"),
        ("last week", "2024-07-03"),
        ("yesterday", "2024-07-09"),
        ("today", "2024-07-10"),
        ("on Monday", "2024-07-08"),
        ("Monday night", "2024-07-08"),
        ("Wednesday", "2024-07-10"),  # published on a Wednesday
        ("last Wednesday", "2024-07-03"),
        ("five days ago", "2024-07-05"),
    ],
)
def test_resolve_against_day_publication(expr: str, expected: str) -> None:
    assert resolve(expr, "2024-07-10") == expected


@pytest.mark.parametrize(
    "expr",
    ["the 1980s", "the '90s", "over the past two years", "recent years", "that year",
     "the following year", "a while", "the weekend after next"],
)
def test_resolve_vague_is_none(expr: str) -> None:
    assert resolve(expr, "2024-07-10") is None


def test_resolve_month_before_and_after_publication_month() -> None:
    assert resolve("March", "2024-02-20") == "2023-03"
    assert resolve("February", "2024-02-20") == "2024-02"
    assert resolve("January", "2024-02-20") == "2024-01"


def test_resolve_last_month_wraps_year() -> None:
    assert resolve("last month", "2024-01-15") == "2023-12"


def test_resolve_day_relative_needs_day_precision() -> None:
    assert resolve("yesterday", "2024-07") is None
    assert resolve("on Monday", "2024") is None
    assert resolve("last week", "2024-07") is None
    assert resolve("last year", "2024-07") == "2023"
    assert resolve("in July", "2024") == "2024-07"


def test_resolve_without_publication() -> None:
    assert resolve("last year", None) is None
    assert resolve("in July", None) is None
    assert resolve("yesterday", None) is None
    assert resolve("Oct 2, 2023", None) == "2023-10-02"
    assert resolve("mid-2024", None) == "2024"


@pytest.mark.parametrize("expr, anchor, expected", [
    ("the following month", "2024-07", "2024-08"),
    ("The following month", "2024-12-14", "2025-01"),
    ("that month", "2024-07-14", "2024-07"),
    ("later that year", "2024-07", "2024"),
    ("the same year", "2019-03-02", "2019"),
    ("the following year", "2023", "2024"),
    ("two months later", "2024-11", "2025-01"),
    ("three days later", "2024-02-27", "2024-03-01"),
    ("a year later", "2021-08", "2022-08"),
    ("the following month", "2024", None),     # never more precise than the anchor
    ("a week later", "2024-07", None),
    ("that month", None, None),
    ("in July", "2024-03", None),              # not a narrative back-reference: resolve() handles it
])
def test_resolve_after_points_back_into_the_narrative(expr: str, anchor: str | None, expected: str | None) -> None:
    assert resolve_after(expr, anchor) == expected

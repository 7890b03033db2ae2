"""Dates in reporting: parse absolute forms, find datelines, resolve relative expressions.

Every result is an ISO string at the precision the text gives: "2024", "2024-06"
or "2024-06-23"; anything vaguer (decades, "over the past two years", "that year")
is None. Dotted numeric dates are day-first (European: "23.12.2024"); dashed and
slashed numeric dates are year-first ISO ("2024-12-23", "2024/12/23"). Ambiguous
forms such as "03/12/2024" are not guessed at and give None. Stdlib only.
"""
from __future__ import annotations

import datetime as _dt
import re

__all__ = ["parse_date", "find_dateline", "resolve", "resolve_after"]

MONTHS: dict[str, int] = {}
for _number, _name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july",
     "august", "september", "october", "november", "december"),
    start=1,
):
    MONTHS[_name] = _number
    MONTHS[_name[:3]] = _number
MONTHS["sept"] = 9

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

_MIN_YEAR, _MAX_YEAR = 1800, 2199
_DATELINE_LINES = 8
_DATELINE_MAX_CHARS = 120

_MONTH = r"(?P<month>[a-z]+)\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})",   # 23.12.2024
        r"(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})",  # 2024-12-23, 2024/12/23
        r"(?P<month>\d{1,2})/(?P<day>1[3-9]|2\d|3[01])/(?P<year>\d{4})",  # 12/23/2024: US order, unambiguous only
        r"(?P<year>\d{4})-(?P<month>\d{2})",                         # 2024-12
        rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}",                           # Oct 2, 2023
        rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}",                  # 2 October 2023
        rf"{_MONTH},?\s+{_YEAR}",                                    # June 2024
        _YEAR,                                                       # 2015
    )
)
# Spelled-out day and month with no year ("July 14", "14 July"): for `resolve`.
_MONTH_DAY = (
    re.compile(rf"{_MONTH}\s+{_DAY}"),
    re.compile(rf"{_DAY}\s+(?:of\s+)?{_MONTH}"),
)

_WEEKDAY_PREFIX = re.compile(rf"^(?:{'|'.join(WEEKDAYS)}|{'|'.join(d[:3] for d in WEEKDAYS)})\.?,?\s+")
_DATELINE_LABEL = re.compile(
    r"^(?:(?:first\s+)?published|posted|updated|last\s+updated|date|dated)"
    r"(?:\s+(?:on|at))?\s*[:\-]?\s*",
)
_TIME_SUFFIX = re.compile(
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*\(?(?:[a-z]{2,5}|utc[+-]\d{1,2}(?::?\d{2})?|gmt[+-]\d{1,2})\)?)?)$",
)
_SEPARATORS = re.compile(r"\s[|\u00b7\u2022\u2013\u2014-]\s|\|")

# `resolve`: words stripped from the front of an expression before it is read.
_LEADING_WORDS = re.compile(
    r"^(?:in|on|at|by|during|since|from|around|about|until|till|as\s+of|of|the|"
    r"early|earlier|late|later|mid|middle\s+of|end\s+of|beginning\s+of|start\s+of|"
    r"spring|summer|autumn|fall|winter|(?:first|second)\s+half\s+of|year(?=\s+\d))\b-?\s*"
)
_TIME_OF_DAY = re.compile(rf"^((?:last\s+)?(?:{'|'.join(WEEKDAYS)})|yesterday|today)\s+(?:morning|afternoon|evening|night)$")
_ANAPHORIC = re.compile(r"\b(?:that|same|following|next|coming|past|recent)\b")
_MONTH_OF_YEAR = re.compile(rf"{_MONTH}\s+(?:of\s+)?(?P<which>this|current|last|previous|next)\s+year")
_AGO = re.compile(r"^(?P<n>\d+|[a-z]+)\s+(?P<unit>day|week|month|year)s?\s+ago$")
_LATER = re.compile(r"^(?P<n>\d+|[a-z]+)\s+(?P<unit>day|week|month|year)s?\s+(?:later|after)$")


def parse_date(text: str) -> str | None:
    """An absolute date expression as ISO at the precision given, or None.

    "23.12.2024" -> "2024-12-23"; "Oct 2, 2023", "2 October 2023", "2023/10/02" ->
    "2023-10-02"; "June 2024", "Sept. 2024" -> "2024-06", "2024-09"; "2015" -> "2015".
    The whole string must be the date: "In June 2024, the group" is None.
    """
    s = " ".join(text.strip().lower().split()).strip(" ,;")
    s = _WEEKDAY_PREFIX.sub("", s)
    for pattern in _PATTERNS:
        match = pattern.fullmatch(s)
        if match:
            return _iso_from_parts(match.groupdict())
    return None


def find_dateline(text: str) -> str | None:
    """The publication date on the document's first non-empty lines, as ISO day.

    A dateline is a short line that is a day-precision date on its own, possibly
    labelled ("Published: 12 March 2024"), followed by a time, or one segment of a
    byline split by "|", "·" or " - " ("March 12, 2024 | 5 min read"). Dates inside
    prose sentences are never taken.
    """
    seen = 0
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        seen += 1
        if seen > _DATELINE_LINES:
            break
        if len(stripped) > _DATELINE_MAX_CHARS:
            continue
        for segment in _SEPARATORS.split(stripped):
            iso = _dateline_segment(segment)
            if iso is not None:
                return iso
    return None


def resolve(expr: str, published: str | None) -> str | None:
    """Resolve a temporal expression (a spaCy DATE span) against the publication date.

    Absolute forms resolve without `published`. Relative ones ("last year", "in July",
    "two years ago", "yesterday", "on Monday") need it, and day-relative ones need
    `published` at day precision. A month without a year is taken in the year of
    publication, or the year before when the month comes after the publication month.
    Qualifiers keep the precision of what they qualify: "mid-2024" -> "2024",
    "the end of May 2024" -> "2024-05", "since June" -> as "June". Vague spans
    (decades, "over the past two years", "that year") and anything unknown give None.
    """
    s = _normalise_expression(expr)
    if not s or re.search(r"\d0'?s\b|\bdecades?\b|\bcentur", s):
        return None
    absolute = parse_date(s)
    if absolute is not None:
        return absolute
    pub = _parse_published(published)
    if pub is None:
        return None
    return _resolve_relative(s, pub)


def resolve_after(expr: str, anchor: str | None) -> str | None:
    """Resolve an expression that points back into the narrative against `anchor`, the
    last date the text named before it: "that month", "the same year", "later that
    year", "the following month", "the following year", "two months later",
    "three days later". It keeps the anchor's precision at most ("the following
    month" of "2024" is unknown); anything else gives None.

    Example: resolve_after("the following month", "2024-07") == "2024-08"
    """
    pub = _parse_published(anchor)
    if pub is None:
        return None
    year, month, day = pub
    s = _normalise_expression(expr)
    if s in ("that year", "same year"):
        return f"{year:04d}"
    if s == "following year":
        return f"{year + 1:04d}"
    if month is not None and s in ("that month", "same month"):
        return f"{year:04d}-{month:02d}"
    if month is not None and s == "following month":
        return _shift_month(year, month, 1)
    later = _LATER.fullmatch(s)
    count = None if later is None else int(later["n"]) if later["n"].isdigit() else _NUMBER_WORDS.get(later["n"])
    if later is None or count is None:
        return None
    if later["unit"] == "year":
        return f"{year + count:04d}" if month is None else _shift_month(year, month, 12 * count)
    if later["unit"] == "month":
        return _shift_month(year, month, count) if month is not None else None
    if day is None or month is None:
        return None
    days = count * (7 if later["unit"] == "week" else 1)
    return (_dt.date(year, month, day) + _dt.timedelta(days=days)).isoformat()


# --- helpers -----------------------------------------------------------------------

def _month_number(token: str) -> int | None:
    if token.isdigit():
        number = int(token)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(token.rstrip("."))


def _iso_from_parts(parts: dict[str, str | None]) -> str | None:
    year = int(parts["year"] or 0)
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    if parts.get("month") is None:
        return f"{year:04d}"
    month = _month_number(parts["month"] or "")
    if month is None:
        return None
    if parts.get("day") is None:
        return f"{year:04d}-{month:02d}"
    try:
        return _dt.date(year, month, int(parts["day"] or 0)).isoformat()
    except ValueError:
        return None


def _dateline_segment(segment: str) -> str | None:
    s = " ".join(segment.strip().lower().split())
    s = _DATELINE_LABEL.sub("", s)
    s = re.sub(r"^(\d{4}-\d{2}-\d{2})t[\d:.]+(?:z|[+-]\d{2}:?\d{2})?$", r"\1", s)
    s = _TIME_SUFFIX.sub("", s)
    iso = parse_date(s)
    return iso if iso is not None and len(iso) == 10 else None


def _normalise_expression(expr: str) -> str:
    s = " ".join(expr.strip().lower().replace("\u2019", "'").split()).strip(" ,.;:")
    previous = None
    while previous != s:
        previous = s
        s = _LEADING_WORDS.sub("", s).strip()
    return _TIME_OF_DAY.sub(r"\1", s)


def _parse_published(published: str | None) -> tuple[int, int | None, int | None] | None:
    iso = parse_date(published) if published else None
    if iso is None:
        return None
    parts = [int(p) for p in iso.split("-")]
    return parts[0], (parts[1] if len(parts) > 1 else None), (parts[2] if len(parts) > 2 else None)


def _shift_month(year: int, month: int, delta: int) -> str:
    index = year * 12 + (month - 1) + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _resolve_relative(s: str, pub: tuple[int, int | None, int | None]) -> str | None:
    year, month, day = pub
    if s in ("this year", "current year"):
        return f"{year:04d}"
    if s in ("last year", "previous year"):
        return f"{year - 1:04d}"
    if s == "next year":
        return f"{year + 1:04d}"
    of_year = _MONTH_OF_YEAR.fullmatch(s)
    if of_year is not None and _month_number(of_year["month"]) is not None:  # "March this year", "May last year"
        shift = {"this": 0, "current": 0, "last": -1, "previous": -1, "next": 1}[of_year["which"]]
        return f"{year + shift:04d}-{_month_number(of_year['month']):02d}"
    ago = _AGO.fullmatch(s)
    if ago is not None:
        return _resolve_ago(ago["n"], ago["unit"], pub)
    if s in MONTHS:
        return _month_in_publication_year(_month_number(s) or 0, None, pub)
    for pattern in _MONTH_DAY:
        match = pattern.fullmatch(s)
        if match and _month_number(match["month"]) is not None:
            return _month_in_publication_year(_month_number(match["month"]) or 0, int(match["day"]), pub)
    if month is not None:
        if s in ("this month", "current month"):
            return f"{year:04d}-{month:02d}"
        if s in ("last month", "previous month"):
            return _shift_month(year, month, -1)
        if s == "next month":
            return _shift_month(year, month, 1)
    if _ANAPHORIC.search(s):
        return None
    if month is not None and day is not None:
        return _resolve_day(s, _dt.date(year, month, day))
    return None


def _resolve_ago(n: str, unit: str, pub: tuple[int, int | None, int | None]) -> str | None:
    count = int(n) if n.isdigit() else _NUMBER_WORDS.get(n)
    if count is None:
        return None
    year, month, day = pub
    if unit == "year":
        return f"{year - count:04d}"
    if unit == "month":
        return _shift_month(year, month, -count) if month is not None else None
    if month is None or day is None:
        return None
    days = count * (7 if unit == "week" else 1)
    return (_dt.date(year, month, day) - _dt.timedelta(days=days)).isoformat()


def _month_in_publication_year(
    month: int, day: int | None, pub: tuple[int, int | None, int | None]
) -> str | None:
    year, pub_month, _ = pub
    if not 1 <= month <= 12:
        return None
    if pub_month is not None and month > pub_month:
        year -= 1
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _resolve_day(s: str, published: _dt.date) -> str | None:
    if s in ("today", "this week", "tonight", "this morning", "this afternoon", "this evening"):
        return published.isoformat()
    if s in ("yesterday", "last night"):
        return (published - _dt.timedelta(days=1)).isoformat()
    if s == "last week":
        return (published - _dt.timedelta(days=7)).isoformat()
    words = s.split()
    if words and words[-1].rstrip("s") in WEEKDAYS and len(words) <= 2:
        strictly_before = words[0] in ("last", "previous") and len(words) == 2
        if len(words) == 2 and not strictly_before:
            return None
        back = (published.weekday() - WEEKDAYS.index(words[-1].rstrip("s"))) % 7
        if back == 0 and strictly_before:
            back = 7
        return (published - _dt.timedelta(days=back)).isoformat()
    return None

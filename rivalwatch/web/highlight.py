"""Highlighting inside ingested text, safely: the text is escaped piece by piece, and only our
own tags (with escaped attribute values) are put between the pieces; nothing is inserted raw.

A mark is anything with `start`, `end` (offsets into the text), `kind`, `label` and `ref`
(`rivalwatch.api.dashboard.Mark`). Kinds: `evidence` (an evidence sentence, numbered by
`label`, followed by its reference number), `mention` (an actor mention; `label` the
actor, `ref` how it was found), `a` and `b` (the two sides of a dyad), `hit` (a search
term). Marks may nest or overlap: the text is cut at every boundary and each piece
wrapped in the marks covering it, evidence outermost.

Example:
    highlight("ISKP attacked <b>", [Mark(0, 4, "a", "ISKP")])
    # Markup('<mark class="side-a" title="ISKP">ISKP</mark> attacked &lt;b&gt;')
"""
from __future__ import annotations

import re
from typing import Any, Iterable, NamedTuple

from markupsafe import Markup, escape

__all__ = ["highlight", "Span", "term_spans"]

_ORDER = {"evidence": 0, "a": 1, "b": 1, "hit": 1, "mention": 2}
_TERMS = re.compile(r'"([^"]+)"|([^\s"]+)')


class Span(NamedTuple):
    """A mark made here (search hits): the same fields as `rivalwatch.api.dashboard.Mark`."""

    start: int
    end: int
    kind: str
    label: str = ""
    ref: str = ""


def term_spans(text: str, query: str) -> list[Span]:
    """Every case-insensitive occurrence in `text` of the query's words and "quoted phrases" (a trailing * dropped)."""
    spans = []
    for phrase, word in _TERMS.findall(query):
        term = (phrase or word).rstrip("*").strip()
        if term:
            spans.extend(Span(m.start(), m.end(), "hit", term) for m in re.finditer(re.escape(term), text, re.IGNORECASE))
    return spans


def _wrap(mark: Any, inner: Markup, first: bool) -> Markup:
    if mark.kind == "evidence":
        anchor = Markup(' id="text-s{}"').format(mark.label) if first else Markup("")
        return Markup('<mark class="evidence" data-sentence="{}"{}>{}</mark>').format(mark.label, anchor, inner)
    if mark.kind == "hit":
        return Markup('<mark class="hit">{}</mark>').format(inner)
    if mark.kind in ("a", "b"):
        return Markup('<mark class="side-{}" title="{}">{}</mark>').format(mark.kind, mark.label, inner)
    how = mark.ref if mark.ref in ("alias", "ner", "coref") else "other"
    return Markup('<span class="mention how-{}" title="{}">{}</span>').format(how, mark.label, inner)


def _note(mark: Any) -> Markup:
    return Markup('<sup class="ref"><a href="#s{}">{}</a></sup>').format(mark.label, mark.label)


def highlight(text: str, marks: Iterable[Any]) -> Markup:
    """`text` escaped, with every valid mark (0 <= start < end <= len(text)) wrapped in its tag."""
    valid = sorted((m for m in marks if 0 <= m.start < m.end <= len(text)),
                   key=lambda m: (_ORDER.get(m.kind, 3), m.start, -m.end))
    if not valid:
        return escape(text)
    bounds = sorted({0, len(text), *(m.start for m in valid), *(m.end for m in valid)})
    starting: dict[int, list[int]] = {}
    ending: dict[int, list[int]] = {}
    notes: dict[int, list[Any]] = {}
    for rank, mark in enumerate(valid):
        starting.setdefault(mark.start, []).append(rank)
        ending.setdefault(mark.end, []).append(rank)
        if mark.kind == "evidence":
            notes.setdefault(mark.end, []).append(mark)
    active: set[int] = set()  # the marks covering the piece: one sweep, linear in the marks
    out = []
    for a, b in zip(bounds, bounds[1:]):
        active.difference_update(ending.get(a, ()))
        active.update(starting.get(a, ()))
        piece = escape(text[a:b])
        for rank in sorted(active, reverse=True):  # innermost first, evidence outermost
            piece = _wrap(valid[rank], piece, first=valid[rank].start == a)
        out.append(piece)
        out.extend(_note(m) for m in notes.get(b, ()))
    return Markup("").join(out)

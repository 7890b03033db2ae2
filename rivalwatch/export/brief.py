"""The one-page brief on an actor, as self-contained HTML or as Markdown.

A pure writer: `Brief` holds what `api/briefing.py` gathered; `to_html` and
`to_markdown` render it with the Jinja2 templates beside this module. Every
statement cites numbered footnotes, and every footnote quotes its evidence
sentence with the document's title, source and date.

Ingested text is hostile: the HTML template autoescapes everything (charts are
SVG built with escaped labels), the page allows no script and loads nothing
(a Content-Security-Policy of `default-src 'none'`), and the Markdown escapes
HTML and Markdown syntax, so no markup in a document comes alive in the brief.

Example:
    Path("brief.html").write_text(to_html(brief), encoding="utf-8")
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

__all__ = ["Footnote", "Statement", "Section", "Brief", "to_html", "to_markdown", "md_escape"]


@dataclass(frozen=True)
class Footnote:
    """One evidence sentence and where it is from."""

    number: int
    text: str
    doc_id: str
    doc_title: str | None
    doc_source: str | None
    published: str | None
    date: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "text": self.text, "doc_id": self.doc_id, "doc_title": self.doc_title,
                "doc_source": self.doc_source, "published": self.published, "date": self.date}


@dataclass(frozen=True)
class Statement:
    """A line of the brief and the footnotes it rests on; `cells` when the section is a table."""

    text: str
    notes: tuple[int, ...]
    cells: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "notes": list(self.notes), "cells": list(self.cells)}


@dataclass(frozen=True)
class Section:
    """A heading, an optional lead paragraph, an optional chart and its statements (a table when `columns`)."""

    title: str
    statements: tuple[Statement, ...] = ()
    lead: str = ""
    columns: tuple[str, ...] = ()
    chart_svg: str = ""
    empty: str = "Nothing found."

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "lead": self.lead, "columns": list(self.columns),
                "statements": [s.as_dict() for s in self.statements], "has_chart": bool(self.chart_svg)}


@dataclass(frozen=True)
class Brief:
    """Everything on the page."""

    actor: str
    actor_name: str
    since: str | None
    generated: str
    documents: int
    relations: int
    sections: tuple[Section, ...]
    footnotes: tuple[Footnote, ...]
    notes: tuple[str, ...] = field(default=())  # method notes shown at the foot of the page

    @property
    def statements(self) -> int:
        return sum(len(s.statements) for s in self.sections)

    def as_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "actor_name": self.actor_name, "since": self.since,
                "generated": self.generated, "documents": self.documents, "relations": self.relations,
                "sections": [s.as_dict() for s in self.sections],
                "footnotes": [f.as_dict() for f in self.footnotes], "notes": list(self.notes)}


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]!|~])")  # inline syntax; < > & become entities


def md_escape(value: Any) -> str:
    """Text safe in Markdown: HTML special characters as entities, Markdown syntax backslash-escaped."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


@lru_cache(maxsize=2)
def _environment(html: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("rivalwatch.export", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=html, default=html),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["svg"] = lambda svg: Markup(svg)  # built by export/charts.py with every label escaped
    return env


def to_html(brief: Brief) -> str:
    """The brief as one self-contained HTML page (inline CSS and SVG, no script, no external resource)."""
    return _environment(True).get_template("brief.html.j2").render(brief=brief)


def to_markdown(brief: Brief) -> str:
    """The brief as Markdown (charts left out; the HTML has them)."""
    return _environment(False).get_template("brief.md.j2").render(brief=brief)

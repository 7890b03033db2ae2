"""Language command: `languages` (coverage per document language, full vs partial analysis)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .. import render
from .base import format_option, main, pass_workspace

if TYPE_CHECKING:
    from ..api import Workspace


@main.command()
@click.option("--documents", "list_documents", is_flag=True,
              help="Also list every document with its language and whether it was fully or partly analysed.")
@format_option
@pass_workspace
def languages(ws: Workspace, list_documents: bool, fmt: str) -> None:
    """Documents, mentions and relations per language; which documents were only partly analysed.

    Relation extraction is English-only: documents in other languages are partly
    analysed (actors, mentions and dates only). Near-duplicates are counted as
    documents but their relations are not counted again.

    Example: rivalwatch languages --documents
    """
    report = ws.languages(documents=list_documents)
    if fmt == "json":
        render.print_json(report.as_dict())
    else:
        render.languages_report(report)

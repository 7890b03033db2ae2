"""Telegram command: `import telegram` (a Telegram Desktop export, optionally as a media outlet's channel)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import render
from .base import MB, format_option, import_group, pass_workspace

if TYPE_CHECKING:
    from ..api import Workspace


@import_group.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--outlet", metavar="ACTOR",
              help="Media-outlet actor (id or alias) the channel is: its posts are its statements, "
                   "its media messages its releases. Remembered for later imports of the channel.")
@click.option("--max-mb", type=click.FloatRange(min=0, min_open=True), default=200.0, show_default=True,
              help="Refuse an export larger than this many megabytes.")
@format_option
@pass_workspace
def telegram(ws: Workspace, file: Path, outlet: str | None, max_mb: float, fmt: str) -> None:
    """Import a Telegram Desktop export (result.json from "Export chat history", JSON format).

    Every message becomes a document (channel, message id, date, edits, author
    signature, forwards, replies, media type and duration in its meta). A newer
    export of the same channel adds only new and edited messages; a malformed
    export stores nothing and prints one error line.

    Example: rivalwatch import telegram ChatExport/result.json --outlet AL_AZAIM
    """
    with render.progress_bar("telegram") as progress:
        report = ws.import_telegram(file, outlet=outlet, max_bytes=int(max_mb * MB), progress=progress)
    render.outdated_note(ws.outdated())
    if fmt == "json":
        render.print_json(report.as_dict())
    else:
        render.telegram_summary(report)

"""Component `rivalwatch_lines`: sentences never cross paragraph breaks.

Runs before the parser and marks a sentence start after every blank line, and
after every line break unless the text is hard-wrapped prose (most lines of
similar, typewriter width), so a headline or dateline never fuses with the
sentence under it.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

WRAP_MIN, WRAP_MAX, WRAPPED_SHARE = 50, 100, 0.6


def hard_wrapped(text: str) -> bool:
    """Do most non-empty lines have a typewriter width (50-100 characters)?"""
    lines = [len(line) for line in text.split("\n") if line.strip()]
    if len(lines) < 5:
        return False
    return sum(WRAP_MIN <= n <= WRAP_MAX for n in lines) / len(lines) >= WRAPPED_SHARE


@Language.component("rivalwatch_lines")
def mark_line_breaks(doc: Doc) -> Doc:
    """Registered as `rivalwatch_lines`: sets `is_sent_start` after line breaks."""
    breaks = "\n\n" if hard_wrapped(doc.text) else "\n"
    for token in doc[:-1]:
        if token.is_space and breaks in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc

"""Extraction: a spaCy pipeline of small named components, and the pure function
`extract_documents(documents) -> Extraction`s built on it.

spaCy is imported only when something is extracted, so commands that just query
the store start fast.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from ..models import Document, Extraction

# Bump when extraction output changes: stored output of other versions is kept apart.
VERSION = "rw-extract-6"


def extract_documents(
    documents: Iterable[Document], *, extra_actors: str | None = None,
    batch_size: int = 16, n_process: int = 1,
) -> Iterator[Extraction]:
    """Extract every document, in order (see `pipeline.extract_documents`).

    Example:
        for extraction in extract_documents([document]):
            print(extraction.relations)
    """
    from .pipeline import extract_documents as run

    return run(documents, extra_actors=extra_actors, batch_size=batch_size, n_process=n_process)

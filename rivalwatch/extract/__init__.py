"""Extraction: a spaCy pipeline of small named components, and the pure function
`extract_document(Document) -> Extraction` built on it."""

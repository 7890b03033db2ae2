"""PDF reports: text page by page, page boundaries in `meta["pages"]`, the page of every evidence.

The PDFs are written by hand here (`make_pdf`: Helvetica text, one line per string),
so the sentences and their pages are known exactly.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Callable

import pypdf
import pytest
from click.testing import Result

from rivalwatch.ingest import read_file
from rivalwatch.ingest.pdf import page_at, page_of, reflow
from rivalwatch.ingest.text import read as read_text

PAGE_1 = ["Valley report", "ISKP attacked Taliban fighters in Kabul in July 2024."]
PAGE_2 = ["The TTP denied any links to ISKP.",
          "Pakistani security forces killed TTP fighters in Bajaur in March 2024."]


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], *, info: dict[str, str] | None = None) -> bytes:
    """A PDF with one page per list and one text line per string."""
    objects: list[bytes] = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", b""]  # 1 font, 2 pages
    kids = []
    for lines in pages:
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 720 Td", *(f"({_escape(line)}) Tj T*" for line in lines), "ET"]
        stream = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 1 0 R >> >> /Contents %d 0 R >>" % len(objects))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    trailer = b"/Root %d 0 R" % len(objects)
    if info:
        objects.append(("<< " + " ".join(f"/{k} ({_escape(v)})" for k, v in info.items()) + " >>").encode("latin-1"))
        trailer += b" /Info %d 0 R" % len(objects)
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def encrypted(data: bytes, *, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def report_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf([PAGE_1, PAGE_2], info={"Title": "Valley report, two pages",
                                                      "CreationDate": "D:20241223120000Z"}))
    return path


def test_pdf_text_keeps_page_starts(report_pdf: Path) -> None:
    result = read_file(report_pdf)
    assert result.errors == ()
    (document,) = result.documents
    assert document.text == ("Valley report\nISKP attacked Taliban fighters in Kabul in July 2024.\n\n"
                             "The TTP denied any links to ISKP.\n"
                             "Pakistani security forces killed TTP fighters in Bajaur in March 2024.")
    second = document.text.index("The TTP")
    assert document.meta == {"pages": [0, second], "page_count": 2}
    assert document.title == "Valley report, two pages"
    assert document.published == "2024-12-23"            # the PDF's creation date: no dateline, no --published
    assert page_of(document, 0) == 1
    assert page_of(document, document.text.index("ISKP attacked")) == 1
    assert page_of(document, second - 1) == 1             # the blank line between pages belongs to page 1
    assert page_of(document, second) == 2
    assert page_of(document, len(document.text)) == 2
    with pytest.raises(ValueError, match="outside document"):
        page_of(document, len(document.text) + 1)


def test_dateline_and_published_come_before_the_creation_date(tmp_path: Path) -> None:
    info = {"CreationDate": "D:20250101000000Z"}
    dated = tmp_path / "dated.pdf"
    dated.write_bytes(make_pdf([["Border brief", "23.12.2024", *PAGE_2]], info=info))
    undated = tmp_path / "undated.pdf"
    undated.write_bytes(make_pdf([PAGE_2], info=info))
    assert read_file(dated).documents[0].published == "2024-12-23"
    assert read_file(undated, published="2024-06").documents[0].published == "2024-06"
    assert read_file(undated).documents[0].title == PAGE_2[0]     # no /Title: the first short line


def test_page_of_a_text_without_pages_is_none() -> None:
    document = read_text("ISKP attacked Taliban fighters.", source="a.txt").documents[0]
    assert page_of(document, 3) is None
    assert page_at([0, 10, 25], 24) == 2
    assert page_at("not offsets", 3) is None


def test_reflow_joins_wrapped_lines_only() -> None:
    page = ("Heading of the page\n"
            "Militants from the two factions exchanged fire near the old crossing on\n"
            "Tuesday, residents said, while the spokesman of the river brigade blamed\n"
            "the hill front for the attack, and an elder of the local anti-\n"
            "Taliban council asked both sides to stop.\n"
            "Short closing line.\n"
            "\n\n"
            "Next   paragraph.")
    assert reflow(page) == (
        "Heading of the page\n"
        "Militants from the two factions exchanged fire near the old crossing on Tuesday, residents said, "
        "while the spokesman of the river brigade blamed the hill front for the attack, and an elder of the "
        "local anti-Taliban council asked both sides to stop.\n"
        "Short closing line.\n"
        "\n"
        "Next paragraph."
    )
    assert reflow("One line only.\nAnother line.") == "One line only.\nAnother line."


def test_ingest_pdf_shows_the_page_of_each_relation(cli: Callable[..., Result], report_pdf: Path) -> None:
    result = cli("ingest", report_pdf, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 1
    relations = json.loads(cli("relations", "--format", "json").stdout)
    pages = {(r["source"], r["type"], r["target"], r["modality"]): r["page"] for r in relations}
    assert pages[("ISKP", "ASSAULT", "TALIBAN", "asserted")] == 1
    assert pages[("PAKISTAN", "ASSAULT", "TTP", "asserted")] == 2
    assert pages[("TTP", "REJECT", "ISKP", "asserted")] == 2

    doc_id = relations[0]["doc_id"]
    view = json.loads(cli("show", doc_id[:8], "--format", "json").stdout)
    assert view["doc"]["meta"]["page_count"] == 2
    text = read_file(report_pdf).documents[0].text
    for relation in view["relations"]:
        evidence = relation["evidence"]
        assert text[evidence["start"]:evidence["end"]] == evidence["text"]
        assert relation["page"] == (1 if "Kabul" in evidence["text"] else 2)

    table = cli("show", doc_id[:8])
    assert table.exit_code == 0
    assert "(p. 2) Pakistani security forces killed TTP fighters" in table.stdout
    assert "Pages" in table.stdout


def test_relations_of_text_documents_have_no_page(ingested: Callable[..., Result]) -> None:
    relations = json.loads(ingested("relations", "--format", "json").stdout)
    assert relations and {r["page"] for r in relations} == {None}


def test_pdf_without_a_user_password_is_read(tmp_path: Path) -> None:
    path = tmp_path / "owner-only.pdf"
    path.write_bytes(encrypted(make_pdf([PAGE_1, PAGE_2]), user_password=""))
    (document,) = read_file(path).documents
    assert document.meta["pages"][1] == document.text.index("The TTP")


@pytest.mark.parametrize("name, content, reason", [
    ("locked.pdf", lambda: encrypted(make_pdf([PAGE_1]), user_password="secret"),
     "encrypted PDF: it needs a password; save an unprotected copy and ingest that"),
    ("garbage.pdf", lambda: b"%PDF-1.4\nthis is not a PDF at all",
     "PDF could not be read: PdfStreamError: Stream has ended unexpectedly"),
    ("truncated.pdf", lambda: make_pdf([PAGE_1, PAGE_2])[:200], None),
    ("blank.pdf", lambda: make_pdf([[], []]), "no text found in PDF (scanned pages? run OCR first)"),
])
def test_bad_pdf_is_one_error_line_naming_the_file(
    cli: Callable[..., Result], tmp_path: Path, report_pdf: Path, name: str, content: Callable[[], bytes],
    reason: str | None,
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content())
    result = cli("ingest", bad, report_pdf, "--format", "json")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {bad}: ") and lines[0].endswith(" [RW200]")
    if reason is not None:
        assert lines[0] == f"error: {bad}: {reason} [RW200]"
    assert json.loads(result.stdout)["added"] == 1          # the good PDF still went in


def test_folders_include_pdfs(cli: Callable[..., Result], tmp_path: Path, report_pdf: Path) -> None:
    (tmp_path / "notes.txt").write_text("Taliban forces arrested ISKP members in Kunduz in 2023.\n", encoding="utf-8")
    result = cli("ingest", tmp_path, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 2

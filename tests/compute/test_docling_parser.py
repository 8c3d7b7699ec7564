"""DoclingParser on the real shared documents (../shared/data/docs) with real Docling, no mocks."""

import os
import re
from pathlib import Path

import pytest

from ragcore.adapters.compute.formats import SUPPORTED_FORMATS
from ragcore.domain.errors import IngestionFailed, Invalid, Unavailable

FORMATS = {  # every file of MANIFEST.md with its expected format
    "2305.03393v1-pg9.pdf": "pdf", "amt_handbook_sample.pdf": "pdf", "multi_page.pdf": "pdf",
    "table_mislabeled_as_picture.pdf": "pdf", "ocr_test.pdf": "pdf", "word_sample.docx": "docx",
    "word_tables.docx": "docx", "powerpoint_sample.pptx": "pptx", "pptx_chart.pptx": "pptx",
    "xlsx_01.xlsx": "xlsx", "wiki_duck.html": "html", "html_rich_table_cells.html": "html",
    "wiki.md": "md", "mixed.md": "md", "csv-comma.csv": "csv", "asciidoc_02.asciidoc": "asciidoc",
}
WITH_TEXT = sorted(set(FORMATS) - {"ocr_test.pdf"})
PAGE_3_SENTENCE = "Tools like LaTeX gained popularity among academics, scientists, and engineers."


def test_the_manifest_lists_exactly_the_tested_files(shared_docs: Path) -> None:
    manifest = (shared_docs / "MANIFEST.md").read_text()
    listed = set(re.findall(r"^\| ([^|\s]+\.\w+) \|", manifest, flags=re.MULTILINE))
    assert listed == set(FORMATS)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_detect_format_from_extension_and_content(parser, shared_docs: Path, name: str) -> None:
    assert parser.detect_format((shared_docs / name).read_bytes(), name) == FORMATS[name]


@pytest.mark.parametrize("name", WITH_TEXT)
def test_every_document_with_text_parses_into_blocks(parse_shared, name: str) -> None:
    parsed = parse_shared(name)
    assert parsed.blocks
    assert all(block.text.strip() for block in parsed.blocks)
    assert all(block.page is None or block.page >= 1 for block in parsed.blocks)


def test_multi_page_pdf_keeps_page_numbers(parse_shared) -> None:
    parsed = parse_shared("multi_page.pdf")
    assert parsed.page_count == 5
    assert {block.page for block in parsed.blocks} == {1, 2, 3, 4, 5}
    assert [block.page for block in parsed.blocks if PAGE_3_SENTENCE in block.text] == [3]


def test_headings_become_the_path_of_the_blocks_below_them(parse_shared) -> None:
    parsed = parse_shared("word_sample.docx")
    eat = next(block for block in parsed.blocks if block.text == "I like to eat leaves")
    assert eat.headings == ("Swimming in the lake", "Let’s swim!", "Let’s eat")
    assert parsed.page_count is None


def test_tables_are_markdown_with_their_caption(parse_shared) -> None:
    tables = [block.text for block in parse_shared("asciidoc_02.asciidoc").blocks if "|---|" in block.text]
    assert len(tables) == 6
    assert any(text.startswith("Caption for the table 1\n\n| Header 1 | Header 2 |") for text in tables)


def test_large_html_page_parses(parse_shared) -> None:
    parsed = parse_shared("wiki_duck.html")
    assert len(parsed.blocks) > 100
    assert any("Anatidae" in block.text for block in parsed.blocks)


def test_scanned_pdf_without_ocr_installed_has_no_extractable_text_naming_the_package(shared_docs: Path) -> None:
    from ragcore.adapters.compute.docling_parser import DoclingParser
    from ragcore.adapters.compute.tesseract_ocr import TesseractOcr

    without_ocr = DoclingParser(ocr=TesseractOcr(command="/nonexistent/tesseract"))
    assert without_ocr.ocr_available() is False
    with pytest.raises(IngestionFailed) as caught:
        without_ocr.parse((shared_docs / "ocr_test.pdf").read_bytes(), "ocr_test.pdf")
    assert caught.value.code == "no_extractable_text"
    assert caught.value.message == (
        "'ocr_test.pdf' has no text layer (e.g. a scan) and OCR is not available: install the Debian "
        "packages tesseract-ocr, tesseract-ocr-eng and tesseract-ocr-osd on the workers (or upload a "
        "version with a text layer)."
    )


def test_truncated_pdf_is_detected_as_pdf_but_unparseable(parser, shared_docs: Path) -> None:
    head = (shared_docs / "multi_page.pdf").read_bytes()[:2000]
    assert parser.detect_format(head, "cut.pdf") == "pdf"  # it starts as a PDF
    with pytest.raises(IngestionFailed) as caught:
        parser.parse(head, "cut.pdf")
    assert caught.value.code == "unparseable_document"


def test_password_protected_pdf_is_reported_as_encrypted(parser) -> None:
    with pytest.raises(IngestionFailed) as caught:
        parser.parse(_pdf(encrypted=True), "locked.pdf")
    assert caught.value.code == "encrypted_document"
    assert parser.parse(_pdf(encrypted=False), "open.pdf").blocks[0].text == "Hello ragcore"


def test_plain_text_is_split_into_paragraphs(parser) -> None:
    parsed = parser.parse(b"First paragraph.\r\n\r\nSecond one,\non two lines.\n\n\n", "a.txt")
    assert [block.text for block in parsed.blocks] == ["First paragraph.", "Second one,\non two lines."]
    assert parsed.page_count is None


def test_whitespace_only_text_has_no_extractable_text(parser) -> None:
    with pytest.raises(IngestionFailed) as caught:
        parser.parse(b" \n\n\t \n", "blank.txt")
    assert caught.value.code == "no_extractable_text"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("x.pdf", os.urandom(4096)), ("x.txt", b"\x00\x01binary" + os.urandom(64)),
        ("x.docx", b"not a zip at all"),
        ("x.html", b"\x89PNG\r\n\x1a\n" + bytes(64)), ("x.exe", b"MZ"), ("README", b"hi"),
    ],
)
def test_unsupported_content_or_extension_is_invalid(parser, name: str, data: bytes) -> None:
    with pytest.raises(Invalid) as caught:
        parser.detect_format(data, name)
    assert caught.value.code == "unsupported_format"
    assert all(fmt in caught.value.message for fmt in SUPPORTED_FORMATS)
    with pytest.raises(IngestionFailed) as failed:  # the Parser port reports it as a permanent failure
        parser.parse(data, name)
    assert failed.value.code == "unsupported_format"


def _pdf(*, encrypted: bool) -> bytes:
    """A one-page PDF saying "Hello ragcore"; ``encrypted`` adds a Standard security handler whose
    user password is unknown (its /U entry matches no password), as in a real protected file."""
    content = b"BT /F1 24 Tf 72 700 Td (Hello ragcore) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    trailer = b""
    if encrypted:
        objects.append(b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"11" * 32, b"22" * 32))
        trailer = b"/Encrypt 6 0 R /ID [<%s> <%s>]" % (b"33" * 16, b"33" * 16)
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref)


def test_missing_layout_models_make_the_parser_unavailable_not_the_document_bad(tmp_path: Path) -> None:
    from ragcore.adapters.compute.docling_parser import DoclingParser

    with pytest.raises(Unavailable) as caught:  # an empty artifacts folder: no layout model inside
        DoclingParser(artifacts_path=str(tmp_path)).parse(_pdf(encrypted=False), "open.pdf")
    assert caught.value.code == "parser_unavailable"

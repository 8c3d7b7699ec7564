"""OCR of PDF pages without a text layer with Tesseract (Debian tesseract-ocr), upright or not (issue 15)."""

import io
from pathlib import Path

import pytest

OCR_TEXT = "Docling bundles PDF document conversion to JSON and Markdown in an easy self contained package"


def _rotated(pdf: bytes, degrees: int) -> bytes:
    """``pdf`` with its first page turned by ``degrees`` clockwise (as a scanner feeding it upside down)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    document[0].set_rotation(degrees)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _text_pages_then_scan(text_pdf: bytes, scan: bytes) -> bytes:
    """The first 2 pages of ``text_pdf`` (text layer), then the scanned page as page 3."""
    import pypdfium2

    document = pypdfium2.PdfDocument(text_pdf)
    for index in range(len(document) - 1, 1, -1):
        document.del_page(index)
    document.import_pages(pypdfium2.PdfDocument(scan))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_scanned_page_is_read_on_its_page(parser, shared_docs: Path) -> None:
    stages: list[tuple[int, str]] = []
    parsed = parser.parse((shared_docs / "ocr_test.pdf").read_bytes(), "ocr_test.pdf",
                          lambda percent, stage: stages.append((percent, stage)))
    assert [(block.text, block.page) for block in parsed.blocks] == [(OCR_TEXT, 1)]
    assert parsed.page_count == 1
    assert stages == [(10, "ocr")]


@pytest.mark.parametrize("degrees", [180, 90])
def test_a_page_scanned_rotated_reads_as_well_as_upright(parser, shared_docs: Path, degrees: int) -> None:
    turned = _rotated((shared_docs / "ocr_test.pdf").read_bytes(), degrees)
    parsed = parser.parse(turned, "turned.pdf")
    assert [(block.text, block.page) for block in parsed.blocks] == [(OCR_TEXT, 1)]


def test_ocr_is_available_here(parser) -> None:
    assert parser.ocr_available() is True


def test_a_scan_among_text_pages_keeps_its_page_number(parser, shared_docs: Path) -> None:
    mixed = _text_pages_then_scan((shared_docs / "multi_page.pdf").read_bytes(),
                                  (shared_docs / "ocr_test.pdf").read_bytes())
    parsed = parser.parse(mixed, "mixed.pdf")
    assert parsed.page_count == 3
    assert [block.page for block in parsed.blocks if block.text == OCR_TEXT] == [3]
    assert {block.page for block in parsed.blocks} == {1, 2, 3}
    assert parsed.blocks[-1].text == OCR_TEXT  # in page order

"""DoclingParser: uploaded bytes -> ParsedDocument (text blocks with 1-based pages and heading paths).

PDF, DOCX, PPTX, XLSX, HTML, Markdown, AsciiDoc and CSV go through Docling; plain text is split
into paragraphs here. Text formats are decoded in their detected encoding first (parse_input).
PDFs use Docling's model-free native pipeline (text layer) unless layout-model artifacts exist at
``DOCLING_ARTIFACTS_PATH``, then the full StandardPdfPipeline; pages without a text layer are read
by Tesseract (TesseractOcr). Every block comes out in NFKC (ligatures as plain letters).
"""

import logging
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ragcore.adapters.compute.docling_blocks import document_blocks
from ragcore.adapters.compute.docling_convert import build_converter, convert
from ragcore.adapters.compute.formats import detect_format
from ragcore.adapters.compute.parse_input import normalized_blocks, readable_bytes
from ragcore.adapters.compute.pdf_blocks import pdf_line_blocks
from ragcore.adapters.compute.tesseract_ocr import INSTALL_HINT, TesseractOcr
from ragcore.domain.errors import IngestionFailed, Invalid, Unavailable
from ragcore.domain.models import ParsedDocument, TextBlock
from ragcore.domain.ports import ProgressCallback

log = logging.getLogger(__name__)



class DoclingParser:
    """Parser port on Docling 2.x. One converter per instance, built on first use (imports take seconds).

    ``artifacts_path`` (default: env ``DOCLING_ARTIFACTS_PATH``) enables the layout-model PDF pipeline
    when that folder exists. ``ocr`` reads PDF pages without a text layer (default: Tesseract on PATH).
    """

    def __init__(self, *, artifacts_path: str | None = None, ocr: TesseractOcr | None = None) -> None:
        path = artifacts_path or os.environ.get("DOCLING_ARTIFACTS_PATH")
        self._artifacts = Path(path) if path and Path(path).is_dir() else None
        self._converter: Any = None
        self._lock = threading.Lock()
        self._ocr = ocr or TesseractOcr()

    def ocr_available(self) -> bool:
        """True when pages without a text layer can be read (Tesseract and its data are installed)."""
        return self._ocr.available()

    def detect_format(self, data: bytes, filename: str) -> str:
        """One of SUPPORTED_FORMATS; raises Invalid(code="unsupported_format") (see ``formats``)."""
        return detect_format(data, filename)

    def parse(
        self, data: bytes, filename: str, progress: ProgressCallback | None = None,
        *, heartbeat: Callable[[], None] | None = None,
    ) -> ParsedDocument:
        """Blocks in reading order; ``page_count`` for paged formats (PDF pages, slides, sheets) else
        None; ``encoding`` of text formats (e.g. "utf-8", "cp1252", "utf-16"). ``progress(percent,
        "ocr")`` is called before each page OCR reads (percent 10-29).

        Raises IngestionFailed(code="unsupported_format" | "unparseable_document" |
        "encrypted_document" | "no_extractable_text"), or Unavailable(code="parser_unavailable") when
        Docling cannot start (e.g. layout models missing under the artifacts path).
        """
        try:
            fmt = self.detect_format(data, filename)
        except Invalid as exc:
            raise IngestionFailed(exc.message, code=exc.code) from exc
        readable, encoding = readable_bytes(fmt, data)
        if fmt == "txt":
            blocks, page_count = _text_blocks(readable), None
        else:
            blocks, page_count = self._convert(readable, filename, fmt)
        if fmt == "pdf":
            blocks = self._with_ocr(data, filename, blocks, page_count, progress)
        blocks = normalized_blocks(blocks)
        if not any(block.text.strip() for block in blocks):
            raise IngestionFailed(
                f"{filename!r} contains no extractable text: it is empty or holds only images that "
                "OCR found no text in.", code="no_extractable_text",
            )
        return ParsedDocument(blocks=blocks, page_count=page_count, encoding=encoding)

    def _with_ocr(
        self, data: bytes, filename: str, blocks: list[TextBlock], page_count: int | None,
        progress: ProgressCallback | None,
    ) -> list[TextBlock]:
        """``blocks`` plus the OCR text of every page that has none, in page order."""
        with_text = {block.page for block in blocks if block.text.strip()}
        missing = [page for page in range(1, (page_count or 0) + 1) if page not in with_text]
        if not missing:
            return blocks
        if not self._ocr.available():
            if with_text:  # keep the text layer of the other pages
                log.warning("%r: pages %s have no text layer and OCR is not installed", filename, missing)
                return blocks
            raise IngestionFailed(
                f"{filename!r} has no text layer (e.g. a scan) and OCR is not available: {INSTALL_HINT} "
                "on the workers (or upload a version with a text layer).", code="no_extractable_text",
            )

        def on_page(done: int, total: int) -> None:
            if progress is not None:
                progress(10 + 19 * done // total, "ocr")

        return sorted(blocks + self._ocr.read_pages(data, missing, on_page), key=lambda b: b.page or 0)

    def warm_up(self) -> None:
        """Build the converter now (seconds of imports and pipeline set-up) rather than on the first parse.
        Raises Unavailable(code="parser_unavailable") as ``parse`` would."""
        self._get_converter()

    def _convert(self, data: bytes, filename: str, fmt: str) -> tuple[list[TextBlock], int | None]:
        doc = convert(self._get_converter(), data, filename, fmt)
        native_pdf = fmt == "pdf" and self._artifacts is None
        blocks = pdf_line_blocks(doc) if native_pdf else document_blocks(doc, fmt)
        return blocks, len(doc.pages) or None

    def _get_converter(self) -> Any:
        with self._lock:
            if self._converter is None:
                try:
                    self._converter = build_converter(self._artifacts)
                except Exception as exc:  # e.g. layout-model files missing under the artifacts path
                    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                    message = f"the document parser could not start: {type(exc).__name__}: {first_line}"
                    raise Unavailable(message, code="parser_unavailable") from exc
            return self._converter


def _text_blocks(data: bytes) -> list[TextBlock]:
    """Plain text (UTF-8): one block per paragraph (blank-line separated), no pages."""
    text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    return [TextBlock(p.strip(), None) for p in re.split(r"\n\s*\n", text) if p.strip()]

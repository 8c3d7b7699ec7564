"""DoclingParser: uploaded bytes -> ParsedDocument (text blocks with 1-based pages and heading paths).

PDF, DOCX, PPTX, XLSX, HTML, Markdown, AsciiDoc and CSV go through Docling; plain text is split
into paragraphs here. PDFs use Docling's model-free native pipeline (text layer only, no OCR) unless
layout-model artifacts exist at ``DOCLING_ARTIFACTS_PATH``, then the full StandardPdfPipeline.
"""

import logging
import os
import re
import threading
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

from ragcore.adapters.compute.docling_blocks import document_blocks, pdf_line_blocks
from ragcore.adapters.compute.formats import detect_format
from ragcore.domain.errors import IngestionFailed, Invalid, Unavailable
from ragcore.domain.models import ParsedDocument, TextBlock

log = logging.getLogger(__name__)

_DOCLING_SUFFIX = {"asciidoc": "adoc"}  # the stream name decides Docling's backend


class DoclingParser:
    """Parser port on Docling 2.x. One converter per instance, built on first use (imports take seconds).

    ``artifacts_path`` (default: env ``DOCLING_ARTIFACTS_PATH``) enables the layout-model PDF pipeline
    when that folder exists. OCR is never run: scanned PDFs fail with ``no_extractable_text``.
    """

    def __init__(self, *, artifacts_path: str | None = None) -> None:
        path = artifacts_path or os.environ.get("DOCLING_ARTIFACTS_PATH")
        self._artifacts = Path(path) if path and Path(path).is_dir() else None
        self._converter: Any = None
        self._lock = threading.Lock()

    def detect_format(self, data: bytes, filename: str) -> str:
        """One of SUPPORTED_FORMATS; raises Invalid(code="unsupported_format") (see ``formats``)."""
        return detect_format(data, filename)

    def parse(self, data: bytes, filename: str, *, heartbeat: Callable[[], None] | None = None) -> ParsedDocument:
        """Blocks in reading order; ``page_count`` for paged formats (PDF pages, slides, sheets) else None.

        Raises IngestionFailed(code="unsupported_format" | "unparseable_document" |
        "encrypted_document" | "no_extractable_text"), or Unavailable(code="parser_unavailable") when
        Docling cannot start (e.g. layout models missing under the artifacts path).
        """
        try:
            fmt = self.detect_format(data, filename)
        except Invalid as exc:
            raise IngestionFailed(exc.message, code=exc.code) from exc
        if fmt == "txt":
            blocks, page_count = _text_blocks(data), None
        else:
            blocks, page_count = self._convert(data, filename, fmt)
        if not any(block.text.strip() for block in blocks):
            raise IngestionFailed(
                f"{filename!r} contains no extractable text: it is empty or holds only images (e.g. a "
                "scan), and OCR is not available. Upload a version with a text layer (run OCR first).",
                code="no_extractable_text",
            )
        return ParsedDocument(blocks=blocks, page_count=page_count)

    def warm_up(self) -> None:
        """Build the converter now (seconds of imports and pipeline set-up) rather than on the first parse.
        Raises Unavailable(code="parser_unavailable") as ``parse`` would."""
        self._get_converter()

    def _convert(self, data: bytes, filename: str, fmt: str) -> tuple[list[TextBlock], int | None]:
        from docling.datamodel.base_models import ConversionStatus, DocumentStream

        converter = self._get_converter()
        name = f"{Path(filename).stem or 'document'}.{_DOCLING_SUFFIX.get(fmt, fmt)}"
        try:
            result = converter.convert(DocumentStream(name=name, stream=BytesIO(data)), raises_on_error=False)
        except Exception as exc:  # some backends raise on malformed input despite raises_on_error=False
            log.warning("docling failed on %r: %s", filename, exc, exc_info=True)
            raise _failure(data, filename, fmt) from exc
        if result.status not in (ConversionStatus.SUCCESS, ConversionStatus.PARTIAL_SUCCESS):
            errors = [error.error_message for error in result.errors]
            log.warning("docling could not convert %r: %s", filename, errors)
            raise _failure(data, filename, fmt)
        doc = result.document
        native_pdf = fmt == "pdf" and self._artifacts is None
        blocks = pdf_line_blocks(doc) if native_pdf else document_blocks(doc)
        return blocks, len(doc.pages) or None

    def _get_converter(self) -> Any:
        with self._lock:
            if self._converter is None:
                try:
                    self._converter = _build_converter(self._artifacts)
                except Exception as exc:  # e.g. layout-model files missing under the artifacts path
                    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                    message = f"the document parser could not start: {type(exc).__name__}: {first_line}"
                    raise Unavailable(message, code="parser_unavailable") from exc
            return self._converter


def _build_converter(artifacts: Path | None) -> Any:
    from docling.datamodel.base_models import InputFormat
    from docling.datamodel.pipeline_options import NativePdfPipelineOptions, PdfPipelineOptions
    from docling.document_converter import DocumentConverter, NativePdfFormatOption, PdfFormatOption

    if artifacts is not None:
        pdf = PdfFormatOption(pipeline_options=PdfPipelineOptions(artifacts_path=artifacts, do_ocr=False))
    else:  # layout models cannot be downloaded here: read the text layer only
        options = NativePdfPipelineOptions(generate_page_images=False, generate_picture_images=False)
        pdf = NativePdfFormatOption(pipeline_options=options)
    allowed = [InputFormat.PDF, InputFormat.DOCX, InputFormat.PPTX, InputFormat.XLSX, InputFormat.HTML,
               InputFormat.MD, InputFormat.ASCIIDOC, InputFormat.CSV]
    converter = DocumentConverter(allowed_formats=allowed, format_options={InputFormat.PDF: pdf})
    converter.initialize_pipeline(InputFormat.PDF)  # fail here, not on each PDF, if models are missing
    return converter


def _failure(data: bytes, filename: str, fmt: str) -> IngestionFailed:
    if fmt == "pdf" and _pdf_needs_password(data):
        return IngestionFailed(
            f"{filename!r} is password-protected. Remove the protection (save an unprotected copy) "
            "and upload it again.",
            code="encrypted_document",
        )
    return IngestionFailed(
        f"{filename!r} could not be read as {fmt.upper()}: the file looks damaged or truncated. "
        "Open it in the application that made it, save or export it again, and re-upload.",
        code="unparseable_document",
    )


def _pdf_needs_password(data: bytes) -> bool:
    import pypdfium2

    try:
        pypdfium2.PdfDocument(data).close()
    except pypdfium2.PdfiumError as exc:
        return "password" in str(exc).lower()
    return False


def _text_blocks(data: bytes) -> list[TextBlock]:
    """Plain text: one block per paragraph (blank-line separated), no pages."""
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return [TextBlock(p.strip(), None) for p in re.split(r"\n\s*\n", text) if p.strip()]

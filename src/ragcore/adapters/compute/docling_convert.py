"""Docling conversion of one upload whose format ragcore has decided (formats.detect_format).

Docling guesses a stream's format from its first bytes (``filetype``), so a Markdown text that
starts with "BM" would be taken for a BMP image: text formats go straight to their Docling backend,
the other formats through the DocumentConverter (its PDF pipeline).
"""

import logging
from io import BytesIO
from pathlib import Path
from typing import Any

from ragcore.domain.errors import IngestionFailed

log = logging.getLogger(__name__)

_DOCLING_SUFFIX = {"asciidoc": "adoc"}  # the stream name decides Docling's backend
_DECLARED = ("md", "csv", "asciidoc")  # converted by their backend, never sniffed


def convert(converter: Any, data: bytes, filename: str, fmt: str) -> Any:
    """The DoclingDocument of ``data`` read as ``fmt``. Raises IngestionFailed(code=
    "unparseable_document" | "encrypted_document") when Docling cannot read it."""
    from docling.datamodel.base_models import ConversionStatus, DocumentStream

    name = f"{Path(filename).stem or 'document'}.{_DOCLING_SUFFIX.get(fmt, fmt)}"
    try:
        if fmt in _DECLARED:
            return _convert_declared(converter, data, name, fmt)
        result = converter.convert(DocumentStream(name=name, stream=BytesIO(data)), raises_on_error=False)
    except Exception as exc:  # some backends raise on malformed input despite raises_on_error=False
        log.warning("docling failed on %r: %s", filename, exc, exc_info=True)
        raise failure(data, filename, fmt) from exc
    if result.status not in (ConversionStatus.SUCCESS, ConversionStatus.PARTIAL_SUCCESS):
        log.warning("docling could not convert %r: %s", filename, [e.error_message for e in result.errors])
        raise failure(data, filename, fmt)
    return result.document


def _convert_declared(converter: Any, data: bytes, name: str, fmt: str) -> Any:
    """A text format through the backend the converter would use for it, the format given."""
    from docling.datamodel.base_models import InputFormat
    from docling.datamodel.document import InputDocument

    input_format = InputFormat(fmt)
    option = converter.format_to_options[input_format]
    document = InputDocument(path_or_stream=BytesIO(data), format=input_format, backend=option.backend,
                             backend_options=option.backend_options, filename=name)
    if not document.valid:
        raise ValueError(f"docling refused {name!r} as {fmt}")
    return document._backend.convert()  # what SimplePipeline does for declarative backends


def build_converter(artifacts: Path | None) -> Any:
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


def failure(data: bytes, filename: str, fmt: str) -> IngestionFailed:
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

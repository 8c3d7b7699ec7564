"""DoclingParser: uploaded bytes -> ParsedDocument (text blocks with 1-based pages and heading paths).

PDF, DOCX, PPTX, XLSX, HTML, Markdown, AsciiDoc and CSV go through Docling; plain text is split
into paragraphs here. PDFs use Docling's model-free native pipeline (text layer only, no OCR) unless
layout-model artifacts exist at ``DOCLING_ARTIFACTS_PATH``, then the full StandardPdfPipeline.
"""

import logging
import os
import re
import threading
from io import BytesIO
from pathlib import Path
from typing import Any

from ragcore.domain.errors import IngestionFailed, Invalid, Unavailable
from ragcore.domain.models import ParsedDocument, TextBlock

log = logging.getLogger(__name__)

SUPPORTED_FORMATS = ("pdf", "docx", "pptx", "xlsx", "html", "md", "asciidoc", "csv", "txt")
_BY_EXTENSION = {
    "pdf": "pdf", "docx": "docx", "pptx": "pptx", "xlsx": "xlsx", "html": "html", "htm": "html",
    "xhtml": "html", "md": "md", "markdown": "md", "adoc": "asciidoc", "asciidoc": "asciidoc",
    "asc": "asciidoc", "csv": "csv", "txt": "txt", "text": "txt",
}
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
        """One of SUPPORTED_FORMATS, from the extension checked against the content (``filetype``).

        Raises Invalid(code="unsupported_format") for an unknown extension or content that does not
        match it (a ".pdf" that is no PDF, binary or non-UTF-8 bytes named ".txt", ...).
        """
        fmt = _BY_EXTENSION.get(Path(filename).suffix.lower().lstrip("."))
        if fmt is None:
            raise _unsupported(filename, "its file extension is not supported")
        problem = _content_problem(fmt, data)
        if problem:
            raise _unsupported(filename, problem)
        return fmt

    def parse(self, data: bytes, filename: str) -> ParsedDocument:
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
        blocks = _pdf_line_blocks(doc) if native_pdf else _document_blocks(doc)
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


def _content_problem(fmt: str, data: bytes) -> str | None:
    """Why ``data`` is not a ``fmt`` file, or None. PDF: a ``%PDF-`` header in the first KiB (as
    readers allow); other formats: sniffed with ``filetype``; text: no NUL bytes, UTF-8 but HTML."""
    import filetype

    kind = filetype.guess(data[:8192])
    found = kind.extension if kind else None
    if fmt == "pdf":
        return None if b"%PDF-" in data[:1024] else "its content is not a PDF"
    if fmt in ("docx", "pptx", "xlsx"):  # OOXML is a ZIP; filetype names the kind when it can
        return None if found in (fmt, "zip") else f"its content is not a {fmt.upper()} file"
    if found is not None or b"\x00" in data:
        return f"its content is binary ({found or 'NUL bytes'}), not {fmt} text"
    if fmt != "html":  # HTML declares its own charset; the other text formats are read as UTF-8
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return "its content is not UTF-8 text (save it as UTF-8)"
    return None


def _unsupported(filename: str, reason: str) -> Invalid:
    return Invalid(
        f"{filename!r} is not supported: {reason}. Supported formats: {', '.join(SUPPORTED_FORMATS)}.",
        code="unsupported_format",
    )


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


def _document_blocks(doc: Any) -> list[TextBlock]:
    """One block per text, list item, inline group or table (markdown) of a DoclingDocument."""
    from docling_core.types.doc import GroupLabel, SectionHeaderItem, TableItem, TitleItem

    table_captions = {ref.cref for item, _ in doc.iterate_items() if isinstance(item, TableItem)
                      for ref in item.captions}  # tables export their own captions
    path, blocks = _HeadingPath(), []
    for item, _ in doc.iterate_items(with_groups=True):
        if _rendered_by_ancestor(item, doc) or item.self_ref in table_captions:
            continue
        if isinstance(item, (TitleItem, SectionHeaderItem)):
            level = 0 if isinstance(item, TitleItem) else item.level
            blocks.extend(path.enter(item.text.strip(), level, _page(item)))
        elif isinstance(item, TableItem):
            blocks.append(TextBlock(_table_markdown(item, doc), _page(item), path.use()))
        else:  # text and list items, captions, inline groups; other groups and pictures have no text
            inline = getattr(item, "label", None) == GroupLabel.INLINE
            text = _inline_text(item, doc) if inline else getattr(item, "text", "").strip()
            if text:
                blocks.append(TextBlock(text, _page(item), path.use()))
    return blocks + path.close()


def _rendered_by_ancestor(item: Any, doc: Any) -> bool:
    """True inside a table (its markdown holds the text) or an inline group (joined as one block)."""
    from docling_core.types.doc import GroupLabel, TableItem

    parent = item.parent.resolve(doc) if item.parent else None
    while parent is not None:
        if isinstance(parent, TableItem) or getattr(parent, "label", None) == GroupLabel.INLINE:
            return True
        parent = parent.parent.resolve(doc) if parent.parent else None
    return False


def _inline_text(group: Any, doc: Any) -> str:
    parts = []
    for ref in group.children:
        child = ref.resolve(doc)
        parts.append(child.text.strip() if hasattr(child, "text") else _inline_text(child, doc))
    return " ".join(p for p in parts if p)


def _table_markdown(item: Any, doc: Any) -> str:
    """Markdown table without column padding: runs of spaces and dashes cost tokens, not meaning."""
    text = item.export_to_markdown(doc=doc).replace("<!-- image -->", "")
    return re.sub(r"-{4,}", "---", re.sub(r"[ \t]{2,}", " ", text)).strip()


def _page(item: Any) -> int | None:
    prov = getattr(item, "prov", None)
    return prov[0].page_no if prov else None


class _HeadingPath:
    """Current heading path (title = level 0); a heading with no text under it becomes a block."""

    def __init__(self) -> None:
        self._stack: list[list[Any]] = []  # [level, text, page, used]

    def enter(self, text: str, level: int, page: int | None) -> list[TextBlock]:
        orphans: list[TextBlock] = []
        while self._stack and self._stack[-1][0] >= level:
            orphans += self._pop()
        if text:
            self._stack.append([level, text, page, False])
        return orphans

    def use(self) -> tuple[str, ...]:
        for entry in self._stack:
            entry[3] = True
        return tuple(entry[1] for entry in self._stack)

    def close(self) -> list[TextBlock]:
        orphans: list[TextBlock] = []
        while self._stack:
            orphans += self._pop()
        return orphans

    def _pop(self) -> list[TextBlock]:
        _, text, page, used = self._stack.pop()
        return [] if used else [TextBlock(text, page, self.use())]


_LIST_START = re.compile(r"([•◦▪‣∙·●○■□➢►∞*–-]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s")


def _pdf_line_blocks(doc: Any) -> list[TextBlock]:
    """Native PDF pipeline items are text lines: join lines into paragraphs by vertical gaps."""
    blocks, lines, prev = [], [], None
    for item, _ in doc.iterate_items():
        text = getattr(item, "text", "").strip()
        if not text or not item.prov:
            continue
        prov = item.prov[0]
        if prev is not None and not _continues(prev, prov, text, len(lines)):
            blocks.append(TextBlock(_join_lines(lines), prev.page_no))
            lines = []
        lines.append(text)
        prev = prov
    if lines:
        blocks.append(TextBlock(_join_lines(lines), prev.page_no))
    return blocks


def _continues(prev: Any, cur: Any, text: str, n_lines: int) -> bool:
    """Same paragraph: same page, a small gap below the previous line, no list marker, no outdent
    after the second line (a first-line indent is not a new paragraph). Boxes are bottom-left origin."""
    a, b = prev.bbox, cur.bbox
    height = max(a.t - a.b, b.t - b.b, 1.0)
    gap = a.b - b.t
    outdent = b.l < a.l - 2 and n_lines >= 2
    return (prev.page_no == cur.page_no and -0.5 * height <= gap <= 0.8 * height
            and not outdent and not _LIST_START.match(text))


def _join_lines(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        text += line if text.endswith("-") else " " + line
    return text


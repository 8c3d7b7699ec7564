"""Which upload formats ragcore reads, decided by extension and checked against the content."""

from pathlib import Path

from ragcore.adapters.compute.text_encoding import decode_text
from ragcore.domain.errors import Invalid

SUPPORTED_FORMATS = ("pdf", "docx", "pptx", "xlsx", "html", "md", "asciidoc", "csv", "txt")
_BY_EXTENSION = {
    "pdf": "pdf", "docx": "docx", "pptx": "pptx", "xlsx": "xlsx", "html": "html", "htm": "html",
    "xhtml": "html", "md": "md", "markdown": "md", "adoc": "asciidoc", "asciidoc": "asciidoc",
    "asc": "asciidoc", "csv": "csv", "txt": "txt", "text": "txt",
}


def detect_format(data: bytes, filename: str) -> str:
    """One of SUPPORTED_FORMATS, from the extension checked against the content (``filetype``).

    Raises Invalid(code="unsupported_format") for an unknown extension or content that does not
    match it (a ".pdf" that is no PDF, binary bytes named ".txt", ...). Text may be in any encoding
    ``text_encoding.decode_text`` recognises (UTF-8/16/32 with or without BOM, legacy code pages).
    """
    fmt = _BY_EXTENSION.get(Path(filename).suffix.lower().lstrip("."))
    if fmt is None:
        raise _unsupported(filename, "its file extension is not supported")
    problem = _content_problem(fmt, data)
    if problem:
        raise _unsupported(filename, problem)
    return fmt


def _content_problem(fmt: str, data: bytes) -> str | None:
    """Why ``data`` is not a ``fmt`` file, or None. PDF: a ``%PDF-`` header in the first KiB (as
    readers allow); OOXML: a ZIP (``filetype``); text formats: bytes that decode to text without
    control characters (``text_encoding``), whatever magic number they happen to start with."""
    if fmt == "pdf":
        return None if b"%PDF-" in data[:1024] else "its content is not a PDF"
    if fmt in ("docx", "pptx", "xlsx"):  # OOXML is a ZIP; filetype names the kind when it can
        return None if _sniffed_kind(data) in (fmt, "zip") else f"its content is not a {fmt.upper()} file"
    if decode_text(data) is None:
        return f"its content is binary ({_sniffed_kind(data) or 'not text in any known encoding'}), not {fmt} text"
    return None


def _sniffed_kind(data: bytes) -> str | None:
    import filetype

    kind = filetype.guess(data[:8192])
    return kind.extension if kind else None


def _unsupported(filename: str, reason: str) -> Invalid:
    return Invalid(
        f"{filename!r} is not supported: {reason}. Supported formats: {', '.join(SUPPORTED_FORMATS)}.",
        code="unsupported_format",
    )

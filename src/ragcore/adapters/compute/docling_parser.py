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

from ragcore.adapters.compute import docling_walk
from ragcore.domain.errors import IngestionFailed, Invalid
from ragcore.domain.models import ParsedDocument, TextBlock

log = logging.getLogger(__name__)

SUPPORTED_FORMATS = ("pdf", "docx", "pptx", "xlsx", "html", "md", "asciidoc", "csv", "txt")
_BY_EXTENSION = {
    "pdf": "pdf", "docx": "docx", "pptx": "pptx", "xlsx": "xlsx", "html": "html", "htm": "html",
    "xhtml": "html", "md": "md", "markdown": "md", "adoc": "asciidoc", "asciidoc": "asciidoc",
    "asc": "asciidoc", "csv": "csv", "txt": "txt", "text": "txt",
}
_OFFICE = {"docx", "pptx", "xlsx"}
_DOCLING_SUFFIX = {"asciidoc": "adoc"}  # the name handed to Docling decides its backend

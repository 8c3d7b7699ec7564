"""TesseractOcr: text of PDF pages without a text layer, read by Tesseract (Debian ``tesseract-ocr``).

Pages are rendered with pypdfium2 at ``dpi``; Tesseract's orientation detection (OSD, Debian
``tesseract-ocr-osd``) turns a page scanned upside down or sideways upright before it is read.
When OSD cannot decide (too little text) the 4 rotations are read and the one with the best mean
word confidence wins.
"""

import re
import shutil
from collections.abc import Callable, Sequence
from typing import Any

from ragcore.domain.models import TextBlock

INSTALL_HINT = "install the Debian packages tesseract-ocr, tesseract-ocr-eng and tesseract-ocr-osd"
_ROTATIONS = (0, 90, 180, 270)


class TesseractOcr:
    """OCR of PDF pages. ``command``: the tesseract executable (name on PATH or a path);
    ``language``: Tesseract language codes ("eng", "eng+deu"); ``dpi``: render resolution."""

    def __init__(self, *, command: str = "tesseract", language: str = "eng", dpi: int = 300) -> None:
        self._command = command
        self._language = language
        self._dpi = dpi

    def available(self) -> bool:
        """True when the tesseract executable and its ``language`` data are installed."""
        if shutil.which(self._command) is None:
            return False
        import pytesseract

        pytesseract.pytesseract.tesseract_cmd = self._command
        try:
            installed = set(pytesseract.get_languages(config=""))
        except (pytesseract.TesseractError, OSError):
            return False
        return set(self._language.split("+")) <= installed

    def read_pages(
        self, pdf: bytes, pages: Sequence[int], on_page: Callable[[int, int], None] | None = None
    ) -> list[TextBlock]:
        """Paragraph blocks of the 1-based ``pages`` of ``pdf``, in page order, each on its page.
        ``on_page(done, total)`` is called before each page. Raises RuntimeError when tesseract is
        not installed (check ``available`` first) and pypdfium2.PdfiumError for an unreadable PDF."""
        import pypdfium2

        document = pypdfium2.PdfDocument(pdf)
        blocks: list[TextBlock] = []
        try:
            for done, page_no in enumerate(pages):
                if on_page is not None:
                    on_page(done, len(pages))
                image = document[page_no - 1].render(scale=self._dpi / 72).to_pil()
                blocks += [TextBlock(p, page_no) for p in _paragraphs(self._read_upright(image))]
        finally:
            document.close()
        return blocks

    def _read_upright(self, image: Any) -> str:
        rotation = self._orientation(image)
        if rotation is not None:
            return self._read(_rotated(image, rotation))[0]
        readings = [self._read(_rotated(image, angle)) for angle in _ROTATIONS]
        return max(readings, key=lambda reading: reading[1])[0]

    def _orientation(self, image: Any) -> int | None:
        """Degrees to turn the page clockwise to make it upright, per OSD; None when OSD cannot tell."""
        import pytesseract

        pytesseract.pytesseract.tesseract_cmd = self._command
        try:
            osd = pytesseract.image_to_osd(image, output_type=pytesseract.Output.DICT)
        except pytesseract.TesseractError:  # "Too few characters", or no osd data installed
            return None
        return int(osd["rotate"]) if float(osd.get("orientation_conf", 0)) >= 1.0 else None

    def _read(self, image: Any) -> tuple[str, float]:
        """(text, mean confidence 0-100 of its words) of one upright image."""
        import pytesseract

        pytesseract.pytesseract.tesseract_cmd = self._command
        data = pytesseract.image_to_data(image, lang=self._language, output_type=pytesseract.Output.DICT)
        confidences = [float(c) for c, w in zip(data["conf"], data["text"], strict=True) if w.strip()]
        text = pytesseract.image_to_string(image, lang=self._language)
        return text, (sum(confidences) / len(confidences) if confidences else 0.0)


def _rotated(image: Any, clockwise: int) -> Any:
    return image.rotate(-clockwise, expand=True) if clockwise % 360 else image


def _paragraphs(text: str) -> list[str]:
    """Tesseract separates paragraphs by blank lines; lines of one paragraph are joined (de-hyphenated)."""
    paragraphs = []
    for part in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in part.splitlines() if line.strip()]
        if lines:
            joined = lines[0]
            for line in lines[1:]:
                joined = joined[:-1] + line if joined.endswith("-") and joined[-2:-1].isalpha() else f"{joined} {line}"
            paragraphs.append(joined)
    return paragraphs

"""What the parser hands Docling and what it hands the chunker: decoded, cleaned, normalised text."""

import re

import msgspec

from ragcore.adapters.compute.html_clean import clean_html
from ragcore.adapters.compute.text_encoding import decode_text
from ragcore.domain.models import TextBlock
from ragcore.domain.text import normalize_text

TEXT_FORMATS = ("md", "asciidoc", "csv", "txt")
# PDF glyph names some text layers leak ("/uniFB01 eld"); the space after a ligature's name is spurious.
_GLYPH_NAME = re.compile(r"/uni([0-9A-Fa-f]{4})(\s?)")
_LIGATURES = range(0xFB00, 0xFB07)


def readable_bytes(fmt: str, data: bytes) -> tuple[bytes, str | None]:
    """(bytes for Docling, the encoding the text was read in or None for binary formats). Text
    formats come back as UTF-8 whatever their encoding; HTML without scripts, styles and chrome."""
    if fmt == "html":
        return clean_html(data)
    if fmt in TEXT_FORMATS:
        decoded = decode_text(data)
        if decoded is not None:  # detect_format accepted it, so it always decodes
            return decoded.text.encode("utf-8"), decoded.encoding
    return data, None


def normalized_blocks(blocks: list[TextBlock]) -> list[TextBlock]:
    """Blocks with PDF glyph names decoded and text and headings in NFKC (ligatures -> letters)."""
    return [
        msgspec.structs.replace(
            block, text=_normal(block.text), headings=tuple(_normal(h) for h in block.headings)
        )
        for block in blocks
    ]


def _normal(text: str) -> str:
    return normalize_text(_GLYPH_NAME.sub(_glyph, text))


def _glyph(match: re.Match) -> str:
    code = int(match.group(1), 16)
    return chr(code) + ("" if code in _LIGATURES else match.group(2))

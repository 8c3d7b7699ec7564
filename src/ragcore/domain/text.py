"""Text normal form shared by what is indexed and what is searched."""

import unicodedata


def normalize_text(text: str) -> str:
    """``text`` in Unicode NFKC: ligatures become plain letters ("ﬁeld" -> "field"), full-width and
    other compatibility forms their usual characters, so a chunk and a query spelled either way match."""
    return unicodedata.normalize("NFKC", text)

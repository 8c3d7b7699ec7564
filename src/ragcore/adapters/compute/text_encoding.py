"""Is a file text, and in which encoding: BOMs first, then UTF-8, then charset-normalizer.

A text format is decided by what its bytes are (they decode to text without control characters),
never by a magic number: a text that starts with "BM", "PK", "GIF89a", "ID3" or "%PDF-" is text.
"""

import codecs

import msgspec

# Longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
# Binary bytes decode to C0 controls; text does not, beyond tab, newlines, form feed and \x1a (the DOS
# end-of-file mark of old exports). C1 controls (U+0080-U+009F) are allowed: real texts carry them
# where a Windows-1252 dash was copied as Latin-1 (a SciFact abstract has U+0096 for "–").
_BINARY_CONTROLS = frozenset(chr(c) for c in [*range(0x20), 0x7F]) - frozenset("\t\n\r\f\v\x1a")
# When charset-normalizer cannot tell candidates apart (short texts: "Müller, café, Zoë" scores the
# same in cp1250, cp1252 and cp775), the most common legacy encoding of the Western world wins:
# Windows-1252 (a superset of ISO-8859-1's printable range). Candidates as clean (mess ratio) and
# about as coherent (language fit, 0-1) as the best one are ties.
_PREFERRED_LEGACY = "cp1252"
_TIE_CHAOS = 0.01
_TIE_COHERENCE = 0.1


class DecodedText(msgspec.Struct, frozen=True):
    """``text`` without its BOM; ``encoding``: the Python codec name, e.g. "utf-8", "utf-8-sig",
    "utf-16", "cp1252" ("utf-8-sig"/"utf-16"/"utf-32": the bytes started with that BOM)."""

    text: str
    encoding: str


def decode_text(data: bytes) -> DecodedText | None:
    """The text of ``data``, or None when the bytes are not text (no encoding decodes them to text
    free of C0 control characters other than tab, newlines, form feed). Empty bytes are empty text."""
    decoded = _decode(data)
    if decoded is None or _has_controls(decoded.text):
        return None
    return decoded


def _decode(data: bytes) -> DecodedText | None:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data[len(bom):].decode(codec), name)
            except UnicodeDecodeError:
                return None
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return _detect(data)


def _detect(data: bytes) -> DecodedText | None:
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    tied = [m for m in matches
            if m.chaos <= best.chaos + _TIE_CHAOS and m.coherence >= best.coherence - _TIE_COHERENCE]
    if any(_PREFERRED_LEGACY in m.could_be_from_charset for m in tied):
        try:
            return DecodedText(data.decode(_PREFERRED_LEGACY), _PREFERRED_LEGACY)
        except UnicodeDecodeError:  # cp1252 leaves 5 bytes undefined
            pass
    return DecodedText(str(best), codecs.lookup(best.encoding).name)


def _has_controls(text: str) -> bool:
    return not _BINARY_CONTROLS.isdisjoint(text)

"""Text formats are decided by what the bytes are, not by a magic number (issue 15).

One SciFact abstract ("BMAL1 and CLOCK, ...") was refused as a BMP image because ``filetype``
matches two-byte magic numbers. Real binaries are still recognised.
"""

import io
import zipfile

import pytest

from ragcore.domain.errors import IngestionFailed, Invalid

MAGIC_LOOKING_TEXTS = [
    "BMAL1 and CLOCK, Two Essential Components of the Circadian Clock",
    "PK\x03 is not what this line is about, PK stands for pharmacokinetics",
    "GIF89a was the animated image format of the nineties",
    "ID3 tags carry the title and artist of an MP3 file",
    "%PDF-1.7 is the version header every PDF file starts with",
]


@pytest.mark.parametrize("text", [t.replace("\x03", "") for t in MAGIC_LOOKING_TEXTS])
@pytest.mark.parametrize("suffix", ["txt", "md"])
def test_a_text_starting_like_a_binary_format_is_text(parser, text: str, suffix: str) -> None:
    data = text.encode()
    assert parser.detect_format(data, f"abstract.{suffix}") == suffix
    parsed = parser.parse(data, f"abstract.{suffix}")
    assert [block.text for block in parsed.blocks] == [text]
    assert parsed.encoding == "utf-8"


def test_utf8_text_with_a_c1_control_character_is_text(parser) -> None:
    """SciFact abstract 4336849 has U+0096 (a Windows-1252 dash copied as Latin-1) in its UTF-8 text."""
    text = "The mean lifetime was 1\u00964 days in the treated group."
    parsed = parser.parse(text.encode(), "4336849.md")
    assert ([block.text for block in parsed.blocks], parsed.encoding) == ([text], "utf-8")


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.bin", bytes(range(256)) * 8)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [("photo.txt", _png(), "png"), ("archive.md", _zip(), "zip"), ("image.csv", b"BM" + bytes(range(256)), "bmp")],
)
def test_a_real_binary_named_as_text_is_refused_naming_its_kind(parser, name: str, data: bytes, kind: str) -> None:
    fmt = name.rsplit(".", 1)[1]
    with pytest.raises(Invalid) as caught:
        parser.detect_format(data, name)
    assert caught.value.code == "unsupported_format"
    reason = f"its content is binary ({kind}), not {fmt} text."
    assert caught.value.message.startswith(f"{name!r} is not supported: {reason}")
    with pytest.raises(IngestionFailed) as failed:
        parser.parse(data, name)
    assert failed.value.code == "unsupported_format"


def test_real_pdf_png_and_docx_keep_their_formats(parser, shared_docs) -> None:
    pdf = (shared_docs / "multi_page.pdf").read_bytes()
    docx = (shared_docs / "word_sample.docx").read_bytes()
    assert parser.detect_format(pdf, "multi_page.pdf") == "pdf"
    assert parser.detect_format(docx, "word_sample.docx") == "docx"
    with pytest.raises(Invalid) as caught:
        parser.detect_format(_png(), "scan.pdf")
    assert caught.value.message.startswith("'scan.pdf' is not supported: its content is not a PDF.")

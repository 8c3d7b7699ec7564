"""Legacy encodings: detected (charset-normalizer), BOMs honoured, every character kept (issue 15)."""

import codecs

import pytest

TEXT = "Herr Müller bestellt im Café einen Kaffee für Zoë.\n\nStraße, smørrebrød, façade, naïve."
BLOCKS = ["Herr Müller bestellt im Café einen Kaffee für Zoë.", "Straße, smørrebrød, façade, naïve."]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("cp1252"), "cp1252"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-8"), "utf-8"),
    ],
    ids=["windows-1252", "utf-16-le-bom", "utf-16-be-bom", "utf-8-bom", "utf-8"],
)
def test_text_keeps_every_character_and_records_its_encoding(parser, data: bytes, encoding: str) -> None:
    assert parser.detect_format(data, "letter.txt") == "txt"
    parsed = parser.parse(data, "letter.txt")
    assert [block.text for block in parsed.blocks] == BLOCKS
    assert parsed.encoding == encoding


def test_a_short_windows_1252_line_is_read_as_windows_1252(parser) -> None:
    parsed = parser.parse("Müller, café, Zoë".encode("cp1252"), "names.txt")
    assert [block.text for block in parsed.blocks] == ["Müller, café, Zoë"]
    assert parsed.encoding == "cp1252"


def test_markdown_and_csv_in_windows_1252_go_through_docling_intact(parser) -> None:
    markdown = parser.parse("# Café Zoë\n\nHerr Müller isst Smørrebrød.\n".encode("cp1252"), "menu.md")
    assert [(b.text, b.headings) for b in markdown.blocks] == [("Herr Müller isst Smørrebrød.", ("Café Zoë",))]
    assert markdown.encoding == "cp1252"
    table = parser.parse("name,city\nMüller,Zürich\nZoë,Tromsø\n".encode("cp1252"), "people.csv")
    assert "Müller" in table.blocks[0].text and "Tromsø" in table.blocks[0].text and "Zoë" in table.blocks[0].text
    assert table.encoding == "cp1252"


def test_utf16_csv_with_bom_is_read(parser) -> None:
    data = codecs.BOM_UTF16_LE + "name;city\nMüller;Zürich\n".encode("utf-16-le")
    parsed = parser.parse(data, "people.csv")
    assert parsed.blocks[0].text == "| name | city |\n|---|---|\n| Müller | Zürich |"
    assert parsed.encoding == "utf-16"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Zażółć gęślą jaźń. Pchnąć w tę łódź jeża lub ośm skrzyń fig. Źdźbło trawy.", "cp1250"),
        ("Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация южных губерний.",
         "cp1251"),
        ("Ελληνικά κείμενα με τόνους και άλλα σημάδια στίξης για δοκιμή.", "cp1253"),
        ("ñandú, pingüino, acción, corazón", "cp1252"),
    ],
)
def test_other_code_pages_are_detected_not_forced_to_windows_1252(parser, text: str, encoding: str) -> None:
    parsed = parser.parse(text.encode(encoding), "page.txt")
    assert ([block.text for block in parsed.blocks], parsed.encoding) == ([text], encoding)

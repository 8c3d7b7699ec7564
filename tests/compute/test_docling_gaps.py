"""What Docling drops or glues, read right (issue 15): notes, headers, sheet names, PDF headings and
bullets, CSV rows with quoted newlines, ligatures, HTML scripts and page chrome."""

from pathlib import Path

from ragcore.adapters.compute.parse_input import normalized_blocks
from ragcore.domain.models import TextBlock
from tests.compute.office_files import docx_with_header_and_footer, pptx_with_notes, xlsx_with_sheets


def _blocks(parsed) -> list[tuple[str, int | None, tuple[str, ...]]]:
    return [(block.text, block.page, block.headings) for block in parsed.blocks]


def test_pptx_speaker_notes_are_indexed_under_notes(parser) -> None:
    data = pptx_with_notes("Quarterly review", "Revenue grew", "Mention the pelican budget")
    parsed = parser.parse(data, "deck.pptx")
    assert _blocks(parsed) == [
        ("Revenue grew", 1, ("Quarterly review",)),
        ("Mention the pelican budget", 1, ("Quarterly review", "notes")),
    ]


def test_docx_page_header_and_footer_are_indexed_as_header_and_footer(parser) -> None:
    data = docx_with_header_and_footer("ACME confidential", "Page footer text", "Findings", "The heron nests.")
    assert _blocks(parser.parse(data, "report.docx")) == [
        ("The heron nests.", None, ("Findings",)),
        ("ACME confidential", None, ("header",)),
        ("Page footer text", None, ("footer",)),
    ]


def test_xlsx_tables_keep_their_sheet_name_as_heading_and_number_as_page(parser) -> None:
    data = xlsx_with_sheets({"Budget": [["item", "cost"], ["boat", 10]],
                             "Staff": [["name", "role"], ["Ada", "captain"]]})
    assert _blocks(parser.parse(data, "book.xlsx")) == [
        ("| item | cost |\n|---|---|\n| boat | 10 |", 1, ("Budget",)),
        ("| name | role |\n|---|---|\n| Ada | captain |", 2, ("Staff",)),
    ]


def test_real_xlsx_sheet_names_head_their_tables(parse_shared) -> None:
    parsed = parse_shared("xlsx_01.xlsx")
    assert {(block.headings, block.page) for block in parsed.blocks} == {
        (("Sheet1",), 1), (("Sheet2",), 2), (("Sheet3",), 3), ((), None),  # Sheet4 is empty: its name alone
    }
    assert [block.text for block in parsed.blocks if block.page is None] == ["Sheet4"]


def test_csv_field_with_a_quoted_newline_stays_one_row(parser) -> None:
    parsed = parser.parse(b'name,note\nAda,"line one\nline two"\nBob,plain\n', "notes.csv")
    assert _blocks(parsed) == [("| name | note |\n|---|---|\n| Ada | line one line two |\n| Bob | plain |", None, ())]


def test_pdf_headings_become_heading_paths_and_bullets_are_bullets(parse_shared) -> None:
    parsed = parse_shared("multi_page.pdf")
    assert not any("∞" in block.text for block in parsed.blocks)
    first = next(block for block in parsed.blocks if block.text.startswith("• IBM MT/ST"))
    assert (first.page, first.headings) == (1, ("The Birth of Word Processing (1960s - 1970s)",))
    assert [block.headings for block in parsed.blocks if block.text.startswith("The origins of word processing")] == [
        ("Pre-Digital Era (19th - Early 20th Century)",)
    ]


def test_symbol_font_bullets_of_a_real_pdf_are_bullets(parse_shared) -> None:
    texts = [block.text for block in parse_shared("table_mislabeled_as_picture.pdf").blocks]
    assert not any(ch in text for text in texts for ch in "∞\x84")
    assert "• They work in parallel to State funded private practitioners" in " ".join(texts)


def test_ligatures_and_compatibility_forms_become_plain_letters(parser) -> None:
    parsed = parser.parse("The \ufb01eld of \ufb02ow, \uff21\uff22\uff23.".encode(), "ligatures.txt")
    assert _blocks(parsed) == [("The field of flow, ABC.", None, ())]


def test_pdf_glyph_names_of_ligatures_are_decoded() -> None:
    blocks = normalized_blocks([TextBlock("the /uniFB01 eld and /uniFB02 ow, caf/uni00E9 ", 1, ("/uniFB01 rst",))])
    assert blocks == [TextBlock("the field and flow, café ", 1, ("first",))]


HTML = (
    b'<html><head><title>Site title</title><style>p{color:red}</style><script>var secret=1;</script></head>'
    b'<body><nav>Home | About</nav><header>Site banner</header><main><h1>Ducks</h1><div>First block</div>'
    b'<div>Second block</div><p>Para<br>next</p><script>track()</script><span class="mw-editsection">[edit]</span>'
    b'<a title="Edit this at Wikidata" href="#"><img alt="Edit this at Wikidata" src="x.png"></a></main>'
    b'<div id="catlinks" class="catlinks">Categories: Ducks | Birds</div><footer>Copyright foot</footer></body></html>'
)


def test_html_keeps_content_blocks_apart_and_drops_scripts_styles_and_chrome(parser) -> None:
    assert _blocks(parser.parse(HTML, "page.html")) == [
        ("First block", None, ("Ducks",)), ("Second block", None, ("Ducks",)), ("Para\nnext", None, ("Ducks",)),
    ]


def test_a_page_wrapped_in_a_form_keeps_its_content(parser) -> None:
    html = (b"<html><body><form action='/'><h1>Report</h1><p>Ducks migrate south.</p>"
            b"<button>Send</button></form></body></html>")
    assert _blocks(parser.parse(html, "webforms.html")) == [("Ducks migrate south.", None, ("Report",))]


def test_a_real_wikipedia_page_is_indexed_without_its_chrome(parse_shared, shared_docs: Path) -> None:
    texts = [block.text for block in parse_shared("wiki_duck.html").blocks]
    joined = "\n".join(texts)
    for chrome in ("Edit this at Wikidata", "Categories", "Jump to content", "move to sidebar", "Afrikaans",
                   "Privacy policy", "Edit links", "mw.config", "Duck - Wikipedia"):
        assert chrome not in joined, chrome
    assert texts[1].startswith("This article is about the bird.")
    assert any(text.startswith("Duck is the common name for numerous species of waterfowl") for text in texts)

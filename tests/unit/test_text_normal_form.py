"""Queries are searched in the normal form chunks are indexed in (NFKC: ligatures, full-width forms)."""

import pytest

from ragcore.domain.text import normalize_text


@pytest.mark.parametrize(
    ("text", "normal"),
    [("\ufb01eld \ufb02ow \ufb00ort", "field flow ffort"), ("\uff21\uff22\uff23 \uff11\uff12", "ABC 12"),
     ("Müller café Zoë ß ø", "Müller café Zoë ß ø"), ("Cafe\u0301", "Café")],
)
def test_normalize_text_makes_ligatures_and_compatibility_forms_plain(text: str, normal: str) -> None:
    assert normalize_text(text) == normal


def test_a_query_with_a_ligature_finds_the_plain_word(rag) -> None:
    rag.collection_service.create("docs")
    rag.document_service.upload("docs", [("notes.txt", b"field notes on ducks"), ("other.txt", b"engines and wheels")])
    while rag.job_service.run_next("w1"):
        pass
    hits = rag.search_service.search("docs", "\ufb01eld", 5, mode="keyword")
    assert [hit.chunk.filename for hit in hits] == ["notes.txt"]

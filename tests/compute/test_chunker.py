"""LlamaIndexChunker on real parsed documents, measured with the real model tokenizer (no mocks)."""

import re

import pytest

from ragcore.adapters.compute.llama_chunker import LlamaIndexChunker
from ragcore.domain.ingestion.service import embedding_text
from ragcore.domain.models import Chunk, ParsedDocument, TextBlock
from tests.compute.test_docling_parser import PAGE_3_SENTENCE, WITH_TEXT


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


def _assert_fits(chunks: list[Chunk], embedder, max_tokens: int) -> None:
    for chunk in chunks:
        assert embedder.count_tokens(embedding_text(chunk)) <= max_tokens - 2, chunk.id


@pytest.mark.parametrize("name", ["wiki_duck.html", "multi_page.pdf", "word_tables.docx"])
def test_every_chunk_with_its_heading_line_fits_the_model(parse_shared, chunker, embedder, name: str) -> None:
    chunks = chunker.chunk(parse_shared(name), document_id="doc", filename=name)
    assert len(chunks) > 1
    _assert_fits(chunks, embedder, embedder.max_seq_length)


def test_ids_are_document_id_and_index(parse_shared, chunker) -> None:
    chunks = chunker.chunk(parse_shared("wiki_duck.html"), document_id="d42", filename="wiki_duck.html")
    assert [c.id for c in chunks] == [f"d42:{i}" for i in range(len(chunks))]
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert {c.document_id for c in chunks} == {"d42"} and {c.filename for c in chunks} == {"wiki_duck.html"}
    assert any(c.headings for c in chunks)


def test_pdf_chunks_carry_their_pages(parse_shared, chunker) -> None:
    chunks = chunker.chunk(parse_shared("multi_page.pdf"), document_id="d", filename="multi_page.pdf")
    assert set().union(*(c.pages for c in chunks)) == {1, 2, 3, 4, 5}
    assert all(c.pages == tuple(sorted(c.pages)) and c.pages for c in chunks)
    holding = [c for c in chunks if PAGE_3_SENTENCE in c.text]
    assert holding and all(3 in c.pages for c in holding)


@pytest.mark.parametrize("name", WITH_TEXT)
def test_no_word_of_the_parsed_blocks_is_lost(parse_shared, chunker, name: str) -> None:
    parsed = parse_shared(name)
    chunks = chunker.chunk(parsed, document_id="d", filename=name)
    chunked = set().union(*(_words(c.text) for c in chunks))
    assert set().union(*(_words(b.text) for b in parsed.blocks)) <= chunked


def test_small_models_long_headings_and_unbreakable_words_still_fit(embedder) -> None:
    chunker = LlamaIndexChunker(embedder.tokenize, max_tokens=64, chunk_size=254, chunk_overlap=32)
    headings = tuple(f"Chapter {i} about the long history of domesticated ducks" for i in range(6))
    blocks = [
        TextBlock("Ducks swim. " * 200, 1, headings),
        TextBlock("x." * 1500, 2, headings),  # 3000 tokens without a space
        TextBlock("Short closing remark.", 3, ()),
    ]
    chunks = chunker.chunk(ParsedDocument(blocks=blocks), document_id="d", filename="f.txt")
    _assert_fits(chunks, embedder, 64)
    assert all(c.headings and c.headings[-1] == headings[-1] for c in chunks if c.pages != (3,))
    assert "".join(c.text for c in chunks if 2 in c.pages).count("x") >= 1500
    assert chunks[-1].text == "Short closing remark." and chunks[-1].headings == ()


def test_whitespace_only_blocks_give_no_chunks(chunker) -> None:
    parsed = ParsedDocument(blocks=[TextBlock("  \n\t", 1), TextBlock("\n\n", None, ("H",))])
    assert chunker.chunk(parsed, document_id="d", filename="f") == []


def test_chunk_size_is_clamped_below_the_model_limit(embedder) -> None:
    chunker = LlamaIndexChunker(embedder.tokenize, max_tokens=128, chunk_size=1000, chunk_overlap=500)
    parsed = ParsedDocument(blocks=[TextBlock("The quick brown fox jumps over the lazy dog. " * 100, None)])
    chunks = chunker.chunk(parsed, document_id="d", filename="f")
    assert len(chunks) > 5
    _assert_fits(chunks, embedder, 128)

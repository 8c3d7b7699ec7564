"""One contract for the compute ports (Parser, Chunker, Embedder, MetadataExtractor), run against the
in-process adapters and the HTTP adapters talking to a real ``ragcore compute serve`` process."""

import base64
import math
import os
import time
from types import SimpleNamespace

import httpx
import pytest
from tests.compute.test_docling_parser import FORMATS, PAGE_3_SENTENCE
from tests.compute_server import FlakyProxy, free_port
from tests.conftest import shared_path

from ragcore.adapters.compute.formats import SUPPORTED_FORMATS
from ragcore.adapters.compute.http_client import ComputeHttpClient
from ragcore.adapters.compute.keyword_metadata import KeywordMetadataExtractor
from ragcore.adapters.compute.llama_chunker import LlamaIndexChunker
from ragcore.adapters.compute.remote import HttpChunker, HttpEmbedder, HttpMetadataExtractor, HttpParser
from ragcore.domain.errors import IngestionFailed, Invalid, Unavailable
from ragcore.domain.ingestion.service import embedding_text

CHUNKING = {"chunk_size": 254, "chunk_overlap": 32}  # the chunk parameters these expectations were written for
HISTORY = """# The Evolution of the Word Processor

The concept of the word processor predates modern computers. Typewriters were patented in 1868 by \
Christopher Latham Sholes. Electric typewriters followed in the 20th century. Word processing software \
arrived with personal computers.

## Software era

Tools like LaTeX gained popularity among academics, scientists, and engineers."""


@pytest.fixture(scope="session")
def remote_client(compute_server):
    client = ComputeHttpClient([compute_server.url], timeout_seconds=120, retries=2, backoff_seconds=0.1)
    yield client
    client.close()


@pytest.fixture(scope="session", params=["local", "remote"])
def compute(request, embedder, parser) -> SimpleNamespace:
    """The four compute ports of one adapter family; ``chunker_of(size, overlap)`` builds chunkers."""
    if request.param == "local":
        def chunker_of(size=254, overlap=32):
            return LlamaIndexChunker(embedder.tokenize, embedder.max_seq_length, chunk_size=size, chunk_overlap=overlap)

        return SimpleNamespace(kind="local", parser=parser, embedder=embedder, chunker=chunker_of(),
                               chunker_of=chunker_of, metadata=KeywordMetadataExtractor(), cache={})
    client = request.getfixturevalue("remote_client")
    request.getfixturevalue("compute_server").ensure_running()
    return SimpleNamespace(
        kind="remote", parser=HttpParser(client), embedder=HttpEmbedder(client),
        chunker=HttpChunker(client, **CHUNKING),
        chunker_of=lambda size=254, overlap=32: HttpChunker(client, chunk_size=size, chunk_overlap=overlap),
        metadata=HttpMetadataExtractor(client), cache={},
    )


def parse_doc(compute, name: str):
    if name not in compute.cache:
        compute.cache[name] = compute.parser.parse(shared_path("docs", name).read_bytes(), name)
    return compute.cache[name]


def _cosine(a, b) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


# Parser


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_detect_format_of_every_shared_document(compute, name: str) -> None:
    assert compute.parser.detect_format(shared_path("docs", name).read_bytes(), name) == FORMATS[name]


def test_multi_page_pdf_keeps_page_numbers(compute) -> None:
    parsed = parse_doc(compute, "multi_page.pdf")
    assert parsed.page_count == 5
    assert {block.page for block in parsed.blocks} == {1, 2, 3, 4, 5}
    assert [block.page for block in parsed.blocks if PAGE_3_SENTENCE in block.text] == [3]
    assert parsed.blocks[0].text == "The Evolution of the Word Processor"


def test_headings_become_the_path_of_the_blocks_below_them(compute) -> None:
    parsed = parse_doc(compute, "word_sample.docx")
    eat = next(block for block in parsed.blocks if block.text == "I like to eat leaves")
    assert eat.headings == ("Swimming in the lake", "Let’s swim!", "Let’s eat")
    assert parsed.page_count is None


@pytest.mark.parametrize("name", ["multi_page.pdf", "word_sample.docx", "asciidoc_02.asciidoc", "xlsx_01.xlsx"])
def test_remote_parsing_equals_local_parsing(compute, parser, name: str) -> None:
    assert parse_doc(compute, name) == parser.parse(shared_path("docs", name).read_bytes(), name)


def test_scanned_pdf_has_no_extractable_text(compute) -> None:
    with pytest.raises(IngestionFailed) as caught:
        compute.parser.parse(shared_path("docs", "ocr_test.pdf").read_bytes(), "ocr_test.pdf")
    assert caught.value.code == "no_extractable_text"
    assert caught.value.message.startswith("'ocr_test.pdf' contains no extractable text")


@pytest.mark.parametrize(("name", "data"), [("x.exe", b"MZ"), ("x.pdf", os.urandom(2048)), ("x.txt", b"caf\xe9")])
def test_unsupported_format(compute, name: str, data: bytes) -> None:
    with pytest.raises(Invalid) as invalid:
        compute.parser.detect_format(data, name)
    assert invalid.value.code == "unsupported_format"
    with pytest.raises(IngestionFailed) as failed:
        compute.parser.parse(data, name)
    assert failed.value.code == "unsupported_format"
    assert failed.value.message == invalid.value.message
    assert all(fmt in failed.value.message for fmt in SUPPORTED_FORMATS)


def test_file_names_travel_intact(compute) -> None:
    name = 'Überblick "draft" ; v2.txt'
    assert compute.parser.parse(b"Ducks are birds.", name).blocks[0].text == "Ducks are birds."
    with pytest.raises(IngestionFailed) as caught:
        compute.parser.parse(b" \n", name)
    assert caught.value.message.startswith("'Überblick \"draft\" ; v2.txt' contains no extractable text")


def test_truncated_pdf_is_unparseable(compute) -> None:
    head = shared_path("docs", "multi_page.pdf").read_bytes()[:2000]
    with pytest.raises(IngestionFailed) as caught:
        compute.parser.parse(head, "cut.pdf")
    assert caught.value.code == "unparseable_document"


# Chunker


def test_chunks_have_ids_pages_and_fit_the_model(compute, embedder) -> None:
    chunks = compute.chunker.chunk(parse_doc(compute, "multi_page.pdf"), document_id="d7", filename="multi_page.pdf")
    assert len(chunks) == 8
    assert [c.id for c in chunks] == [f"d7:{i}" for i in range(8)]
    assert {c.filename for c in chunks} == {"multi_page.pdf"}
    assert set().union(*(c.pages for c in chunks)) == {1, 2, 3, 4, 5}
    assert all(3 in c.pages for c in chunks if PAGE_3_SENTENCE in c.text)
    assert all(embedder.count_tokens(embedding_text(c)) <= 254 for c in chunks)


def test_chunk_size_and_overlap_are_honoured(compute, embedder) -> None:
    chunks = compute.chunker_of(64, 8).chunk(parse_doc(compute, "multi_page.pdf"), document_id="d", filename="m")
    assert len(chunks) == 35
    assert all(embedder.count_tokens(embedding_text(c)) <= 64 for c in chunks)


def test_remote_chunks_equal_local_chunks(compute, embedder, parser) -> None:
    parsed = parser.parse(shared_path("docs", "word_sample.docx").read_bytes(), "word_sample.docx")
    chunker = LlamaIndexChunker(embedder.tokenize, embedder.max_seq_length, **CHUNKING)
    local = chunker.chunk(parsed, document_id="d", filename="w")
    assert compute.chunker.chunk(parsed, document_id="d", filename="w") == local
    assert any(c.headings for c in local)


# Embedder: every adapter (torch, the ONNX Runtime ones, remote) on the real model

BACKEND_OF = {"torch": "torch", "onnx": "onnx", "onnx-int8": "onnx-int8", "remote": "torch"}
# Least cosine of one vector to the torch model's: int8 quantizes activations per batch, so a vector
# also moves with its batch companions (tests/compute/test_onnx_agreement.py measures 1,000 chunks).
MIN_COSINE_TO_TORCH = {"torch": 1 - 1e-6, "onnx": 0.9999, "onnx-int8": 0.95, "remote": 1 - 1e-6}
TEXTS = ["Ducks are water birds.", "", "x " * 2000, "The typewriter was patented in 1868.", "  padded  "]


@pytest.fixture(scope="session", params=list(BACKEND_OF))
def port_embedder(request, embedder) -> SimpleNamespace:
    """``kind`` and ``embedder`` of one Embedder adapter; the ONNX ones are exported once per session."""
    if request.param == "torch":
        return SimpleNamespace(kind="torch", embedder=embedder)
    if request.param == "remote":
        request.getfixturevalue("compute_server").ensure_running()
        return SimpleNamespace(kind="remote", embedder=HttpEmbedder(request.getfixturevalue("remote_client")))
    return SimpleNamespace(kind=request.param, embedder=request.getfixturevalue("onnx_embedders")[request.param])


def test_model_facts(port_embedder) -> None:
    assert port_embedder.embedder.model_name == "sentence-transformers/all-MiniLM-L6-v2"
    assert port_embedder.embedder.backend == BACKEND_OF[port_embedder.kind]
    assert port_embedder.embedder.dimension == 384
    assert port_embedder.embedder.max_seq_length == 256


def test_vectors_are_unit_length_float_lists(port_embedder) -> None:
    vectors = port_embedder.embedder.embed_documents(TEXTS)
    assert [len(v) for v in vectors] == [384] * len(TEXTS)
    assert all(isinstance(value, float) for vector in vectors for value in vector)
    assert all(math.isclose(math.sqrt(sum(v * v for v in vector)), 1.0, abs_tol=1e-4) for vector in vectors)
    assert port_embedder.embedder.embed_documents([]) == []


def test_vectors_keep_the_input_order_and_repeat_exactly(port_embedder) -> None:
    vectors = port_embedder.embedder.embed_documents(TEXTS)
    assert port_embedder.embedder.embed_documents(TEXTS) == vectors
    for got, want in zip(port_embedder.embedder.embed_documents(TEXTS[::-1])[::-1], vectors, strict=True):
        assert _cosine(got, want) == pytest.approx(1.0, abs=1e-6)  # the same batch, in another order
    alone = [port_embedder.embedder.embed_documents([text])[0] for text in TEXTS]
    assert all(_cosine(a, b) >= MIN_COSINE_TO_TORCH[port_embedder.kind] for a, b in zip(alone, vectors, strict=True))


def test_a_query_of_a_text_equals_its_document_vector(port_embedder) -> None:
    text = "The typewriter was patented in 1868."
    query, (document,) = port_embedder.embedder.embed_query(text), port_embedder.embedder.embed_documents([text])
    assert _cosine(query, document) > 0.999  # a symmetric model: no query or document prompt


def test_a_paraphrase_scores_higher_than_an_unrelated_sentence(port_embedder) -> None:
    query = port_embedder.embedder.embed_query("How do I reset my password?")
    paraphrase, unrelated = port_embedder.embedder.embed_documents(
        ["Steps to change a forgotten account password", "Ducks migrate south in winter"])
    assert _cosine(query, paraphrase) > _cosine(query, unrelated) + 0.2


def test_vectors_agree_with_the_torch_model(port_embedder, embedder, parser) -> None:
    parsed = parser.parse(shared_path("docs", "multi_page.pdf").read_bytes(), "multi_page.pdf")
    chunker = LlamaIndexChunker(embedder.tokenize, embedder.max_seq_length, **CHUNKING)
    chunks = chunker.chunk(parsed, document_id="d", filename="m")
    texts = [embedding_text(c) for c in chunks] + TEXTS
    least = MIN_COSINE_TO_TORCH[port_embedder.kind]
    pairs = zip(port_embedder.embedder.embed_documents(texts), embedder.embed_documents(texts), strict=True)
    cosines = [_cosine(got, want) for got, want in pairs]
    assert min(cosines) >= least and sum(cosines) / len(cosines) >= 0.99
    assert _cosine(port_embedder.embedder.embed_query("word processors"), embedder.embed_query("word processors")) \
        >= least


# MetadataExtractor


def test_metadata_title_summary_keywords(compute) -> None:
    found = compute.metadata.extract(HISTORY, filename="history.md")
    assert found.title == "The Evolution of the Word Processor"
    assert found.summary == ("The concept of the word processor predates modern computers. Typewriters were "
                             "patented in 1868 by Christopher Latham Sholes. Electric typewriters followed in "
                             "the 20th century.")
    assert found.keywords[:3] == ("Word Processor", "Christopher Latham Sholes", "Evolution")
    assert 5 <= len(found.keywords) <= 8


def test_metadata_of_no_text_is_the_file_name(compute) -> None:
    found = compute.metadata.extract("  \n", filename="notes/minutes-2024.txt")
    assert (found.title, found.summary, found.keywords) == ("minutes-2024", None, ())


def test_metadata_of_a_real_document(compute) -> None:
    found = compute.metadata.extract(shared_path("docs", "wiki.md").read_text(), filename="wiki.md")
    assert found.title == "IBM"
    assert found.summary.startswith("International Business Machines Corporation (using the trademark IBM)")
    assert found.keywords[:2] == ("International Business Machines", "IBM")


# The remote adapters' transport: retries, failover, load spreading, packed vectors


def _client(*urls: str, retries: int = 2, backoff: float = 0.05) -> ComputeHttpClient:
    return ComputeHttpClient(list(urls), retries=retries, backoff_seconds=backoff, timeout_seconds=30)


def test_all_urls_down_is_compute_unavailable_after_the_retries() -> None:
    dead = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    started = time.monotonic()
    with pytest.raises(Unavailable) as caught:
        HttpEmbedder(_client(*dead, retries=3, backoff=0.1)).embed_query("ducks")
    assert caught.value.code == "compute_unavailable"
    assert "failed on all 2 URL(s) in 4 rounds (last: ConnectError)" in caught.value.message
    assert time.monotonic() - started >= 0.1 + 0.2 + 0.4  # three backoff sleeps between four rounds


def test_every_url_answering_5xx_is_retried_then_unavailable(compute_server) -> None:
    first, second = FlakyProxy(compute_server.url), FlakyProxy(compute_server.url)
    with first, second, pytest.raises(Unavailable) as caught:
        HttpEmbedder(_client(first.url, second.url, retries=2)).embed_query("ducks")
    assert caught.value.code == "compute_unavailable" and "HTTP 503" in caught.value.message
    assert (first.hits, second.hits) == (3, 3)  # each URL once per round, three rounds


def test_a_5xx_then_success_is_retried(compute_server, embedder) -> None:
    with FlakyProxy(compute_server.url, failures=2) as proxy:
        vector = HttpEmbedder(_client(proxy.url, retries=3)).embed_query("ducks")
    assert proxy.hits == 3
    assert _cosine(vector, embedder.embed_query("ducks")) == pytest.approx(1.0, abs=1e-6)


def test_one_of_two_urls_down_still_works(compute_server) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with FlakyProxy(compute_server.url, failures=0) as live:
        embedder = HttpEmbedder(_client(dead, live.url, retries=0))  # no retry round needed: failover
        vectors = [embedder.embed_query(f"query {i}") for i in range(6)]
    assert [len(v) for v in vectors] == [384] * 6
    assert live.hits == 6


def test_load_is_spread_over_the_urls(compute_server) -> None:
    with FlakyProxy(compute_server.url, failures=0) as a, FlakyProxy(compute_server.url, failures=0) as b:
        embedder = HttpEmbedder(_client(a.url, b.url))
        for i in range(10):
            embedder.embed_query(f"query {i}")
    assert (a.hits, b.hits) == (5, 5)


def test_domain_errors_are_not_retried(compute_server) -> None:
    with FlakyProxy(compute_server.url, failures=0) as proxy, pytest.raises(IngestionFailed) as caught:
        HttpParser(_client(proxy.url)).parse(b"   ", "blank.txt")
    assert caught.value.code == "no_extractable_text"
    assert proxy.hits == 1


def test_vectors_travel_as_packed_float32(compute_server) -> None:
    texts = [f"sentence number {i} about ducks" for i in range(50)]
    answer = httpx.post(compute_server.url + "/embed", json={"texts": texts}, timeout=60)
    body = answer.json()
    assert (body["count"], body["dimension"], body["dtype"]) == (50, 384, "float32-le")
    assert isinstance(body["vectors"], str) and len(base64.b64decode(body["vectors"])) == 50 * 384 * 4
    assert len(answer.content) < 50 * 384 * 6  # a JSON list of decimals would take ~20 bytes a value


def test_health_reports_the_model_and_versions(compute_server) -> None:
    health = httpx.get(compute_server.url + "/health", timeout=10).json()
    assert (health["model"], health["dimension"], health["max_seq_length"]) == (
        "sentence-transformers/all-MiniLM-L6-v2", 384, 256)
    assert {"ragcore", "torch", "sentence-transformers", "docling-slim", "litestar"} <= set(health["versions"])


def test_chunk_takes_plain_text_or_a_document_not_both(compute_server) -> None:
    url = compute_server.url + "/chunk"
    answer = httpx.post(url, json={"document_id": "t", "text": "First paragraph.\n\nSecond one."}, timeout=30)
    assert [c["id"] for c in answer.json()["chunks"]] == ["t:0"]
    assert httpx.post(url, json={"document_id": "t"}, timeout=30).json()["code"] == "invalid_chunk_request"
    assert httpx.post(url, json={"document_id": "t", "text": "x", "chunk_size": 0}, timeout=30).status_code == 400


# Settings and the container's selectors


def test_compute_urls_from_the_environment(monkeypatch) -> None:
    from ragcore.app.settings import Settings

    monkeypatch.setenv("RAGCORE_COMPUTE", "remote")
    monkeypatch.setenv("RAGCORE_COMPUTE_URLS", " http://a:8100/, http://b:8100 ,")
    assert Settings().compute.compute_urls == ["http://a:8100/", "http://b:8100"]
    monkeypatch.setenv("RAGCORE_COMPUTE_URLS", '["http://c:8100"]')
    assert Settings().compute.compute_urls == ["http://c:8100"]
    monkeypatch.setenv("RAGCORE_COMPUTE_URLS", "")
    with pytest.raises(ValueError, match="RAGCORE_COMPUTE_URLS"):
        Settings()


def test_the_container_selects_the_remote_adapters(tmp_path) -> None:
    from ragcore.app.container import build_container
    from ragcore.app.settings import Settings

    settings = Settings(data_dir=tmp_path, compute="remote", compute_urls=["http://a:8100/"], compute_retries=5)
    compute = build_container(settings).compute
    kinds = [type(p()) for p in (compute.parser, compute.chunker, compute.embedder, compute.metadata)]
    assert kinds == [HttpParser, HttpChunker, HttpEmbedder, HttpMetadataExtractor]
    assert (compute.client().urls, compute.client().rounds) == (["http://a:8100"], 6)

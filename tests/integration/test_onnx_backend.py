"""A collection pinned to the real ONNX int8 backend, through the HTTP API over the real stores: its real
documents are ingested and found, and every vector of it is written and queried by the int8 model."""

import pytest
from dependency_injector import providers
from litestar.testing import TestClient

from ragcore.app.bootstrap import bootstrap
from ragcore.app.http.app import create_app
from ragcore.app.settings import Settings
from ragcore.domain.ingestion.service import embedding_text
from tests.conftest import shared_path
from tests.http.conftest import run_jobs, upload

QUERIES = {  # file -> a query written from its content (as tests/http/test_real_documents.py)
    "wiki.md": "IBM, nicknamed Big Blue, is an American multinational technology company",
    "multi_page.pdf": "WordStar was developed for the CP/M operating system",
    "word_sample.docx": "after swimming in the lake it is important to eat something nice",
}


class Counting:
    """The real embedder, counting the texts it embeds (what each backend was used for)."""

    def __init__(self, inner) -> None:
        self.inner, self.texts = inner, 0

    def embed_documents(self, texts):
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        self.texts += 1
        return self.inner.embed_query(text)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture(scope="module")
def client(tmp_path_factory, embedder, parser, onnx_cache_dir):
    docs = shared_path("docs")
    settings = Settings(data_dir=tmp_path_factory.mktemp("onnx") / "data", model_cache_dir=onnx_cache_dir)
    container = bootstrap(settings, log_level="WARNING")
    compute = container.compute
    int8 = compute.onnx_int8_embedder()  # the container's own, exported into onnx_cache_dir
    compute.embedder.override(providers.Object(Counting(embedder)))  # torch: the chunker's tokenizer only
    compute.onnx_int8_embedder.override(providers.Object(Counting(int8)))
    compute.parser.override(providers.Object(parser))
    with TestClient(app=create_app(container, run_worker=False)) as c:
        c.container = container
        created = c.post("/api/v1/collections", json={"name": "fast", "embedding_backend": "onnx-int8"})
        assert (created.status_code, created.json()["embedding_backend"]) == (201, "onnx-int8"), created.text
        assert upload(c, "fast", *[(name, (docs / name).read_bytes()) for name in QUERIES]).status_code == 202
        assert run_jobs(c) == len(QUERIES)
        yield c


@pytest.mark.parametrize("filename", sorted(QUERIES))
def test_each_document_is_ready_and_found_by_a_dense_search(client, filename):
    documents = client.get("/api/v1/documents", params={"collection": "fast"}).json()
    assert {d["filename"]: d["status"] for d in documents}[filename] == "ready"
    hits = client.post("/api/v1/search", json={"query": QUERIES[filename], "collection": "fast", "top_k": 3,
                                               "mode": "dense"}).json()["hits"]
    assert filename in [h["filename"] for h in hits]


def test_only_the_int8_backend_embedded_its_chunks_and_queries(client):
    compute = client.container.compute
    int8, torch = compute.onnx_int8_embedder(), compute.embedder()
    assert (int8.backend, int8.inner.backend, int8.dimension) == ("onnx-int8", "onnx-int8", 384)
    documents = client.get("/api/v1/documents", params={"collection": "fast"}).json()
    chunk_count = sum(d["chunk_count"] for d in documents)
    before = int8.texts
    assert before >= chunk_count > 0  # every chunk (+ the dense queries of earlier tests)
    chunk = client.container.services.documents().chunks(documents[0]["id"])[0]
    [hit] = client.container.services.search().search("fast", embedding_text(chunk), 1, mode="dense")
    assert hit.chunk.id == chunk.id
    assert (int8.texts, torch.texts) == (before + 1, 0)
    cache = client.container.settings().embedding.model_cache_dir
    assert list(cache.rglob("model.onnx"))  # exported there, not downloaded

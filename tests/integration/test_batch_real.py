"""A batch of jobs on the real embedded stores (SQLite registry, jobs and keyword index, embedded Chroma,
filesystem blobs) with Docling and MiniLM: one length-sorted embedding stream, each job ends on its own."""

import math

from tests.conftest import shared_path
from tests.http.conftest import make_container

BIRDS = b"# Birds\n\nThe goose migrates south every autumn.\n\nSwans stay all winter on the lake.\n"


class CountingEmbedder:
    """The session's real embedder; records the texts of every ``embed_documents`` call."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.calls: list[list[str]] = []

    def embed_documents(self, texts):
        self.calls.append(list(texts))
        return self._inner.embed_documents(texts)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


def test_a_truncated_pdf_fails_alone_while_its_batch_is_embedded_in_one_stream(tmp_path, embedder, parser):
    counting = CountingEmbedder(embedder)
    container = make_container(tmp_path / "data", counting, parser)
    services, stores = container.services, container.stores
    collection = services.collections().create("batch")
    docs = shared_path("docs")
    files = [("mixed.md", (docs / "mixed.md").read_bytes()), ("cut.pdf", (docs / "multi_page.pdf").read_bytes()[:2000]),
             ("birds.md", BIRDS)]
    accepted = services.documents().upload("batch", files)

    jobs = {job.id: job for job in services.jobs().run_batch("test-worker", 10)}

    ends = [(jobs[a.job.id].status, jobs[a.job.id].error_code) for a in accepted]
    assert ends == [("succeeded", None), ("failed", "unparseable_document"), ("succeeded", None)]
    mixed, cut, birds = (services.documents().get(a.document.id) for a in accepted)
    assert (cut.status, cut.error_code) == ("failed", "unparseable_document")
    assert cut.blob_key and stores.blobs().exists(cut.blob_key)  # kept for a retry
    vectors = stores.vectors()
    for ready in (mixed, birds):
        assert (ready.status, ready.blob_key) == ("ready", None)
        ids = [c.id for c in vectors.chunks(collection.store_id, ready.id)]
        assert ids == [f"{ready.id}:{i}" for i in range(ready.chunk_count)] and ready.chunk_count > 0
    assert vectors.document_ids(collection.store_id) == {mixed.id, birds.id}
    hits = stores.keywords().query(collection.store_id, "goose migrates", 5)
    assert hits and {h.chunk.document_id for h in hits} == {birds.id}
    assert services.doctor().check().clean

    chunks = mixed.chunk_count + birds.chunk_count  # every chunk once, in calls of one model batch
    assert sum(map(len, counting.calls)) == chunks
    assert len(counting.calls) == math.ceil(chunks / container.settings().embedding.embed_batch_size)
    stream = [text for call in counting.calls for text in call]
    assert [len(t) for t in stream] == sorted(map(len, stream), reverse=True)  # longest first, across documents

"""JobService.run_batch: jobs leased and run together, the chunks of all their documents embedded as one
length-sorted stream, while each job still ends on its own (memory stores, fake compute)."""

from datetime import timedelta

import msgspec

from ragcore.adapters.memory_keywords import MemoryKeywordIndex
from ragcore.adapters.memory_vectors import MemoryVectorStore
from ragcore.domain.errors import Unavailable
from ragcore.domain.ingestion.service import IngestionService, embedding_text
from ragcore.domain.jobs.service import JobService
from tests.unit.conftest import build
from tests.unit.fakes import (
    FakeEmbedder,
    FakeParser,
    FlakyKeywordIndex,
    FlakyVectorStore,
    HookedVectorStore,
    RecordingJobQueue,
)
from tests.unit.test_keyword_consistency import keyword_chunks

FILES = [  # (name, bytes, chunks): "a" has the longest chunk, so its vectors are stored first
    ("a.txt", b"the longest paragraph of all the documents here\n\nshort", 2),
    ("b.txt", b"beta one\n\nbeta two\n\nbeta three", 3),
    ("c.txt", b"gamma", 1),
]


class RecordingEmbedder(FakeEmbedder):
    """Records the texts of every ``embed_documents`` call; the first ``failures`` calls raise Unavailable."""

    def __init__(self, failures: int = 0) -> None:
        super().__init__()
        self.failures = failures
        self.texts: list[list[str]] = []

    def embed_documents(self, texts):
        self.texts.append(list(texts))
        if self.failures > 0:
            self.failures -= 1
            raise Unavailable("the compute service is down", code="compute_unavailable")
        return super().embed_documents(texts)


class RecordingVectorStore(HookedVectorStore):
    """Records the store id and chunk ids of every upsert, the store id and document ids of every
    delete; the first ``delete_failures`` deletes raise Unavailable."""

    def __init__(self, inner, delete_failures: int = 0) -> None:
        super().__init__(inner)
        self.upserts: list[tuple[str, list[str]]] = []
        self.deletes: list[tuple[str, list[str]]] = []
        self.delete_failures = delete_failures

    def upsert(self, store_id, chunks, embeddings) -> None:
        self.upserts.append((store_id, [c.id for c in chunks]))
        super().upsert(store_id, chunks, embeddings)

    def delete_documents(self, store_id, document_ids) -> None:
        self.deletes.append((store_id, list(document_ids)))
        if self.delete_failures > 0:
            self.delete_failures -= 1
            raise Unavailable("vector store is down", code="vector_store_unavailable")
        self._inner.delete_documents(store_id, document_ids)


class RecordingKeywordIndex(FlakyKeywordIndex):
    """Records the store id and sorted chunk ids of every ``index`` call; the first ``failures`` raise."""

    def __init__(self, inner, failures: int = 0) -> None:
        super().__init__(inner, failures)
        self.calls: list[tuple[str, list[str]]] = []

    def index(self, store_id, chunks) -> None:
        self.calls.append((store_id, sorted(c.id for c in chunks)))
        super().index(store_id, chunks)


class SlowParser(FakeParser):
    """Each parse takes 20 s of the clock; ``after`` (if set) runs after each."""

    def __init__(self, clock) -> None:
        self.clock, self.after = clock, None

    def parse(self, data, filename, *, heartbeat=None):
        self.clock.advance(20)
        if self.after is not None:
            self.after()
        return super().parse(data, filename)


def batch_rag(
    vectors=None, failures: int = 0, slow: bool = False, stream_chunks: int = 512, keywords=None,
    embed_batch_size: int = 32, upsert_size: int = 256,
):
    """The unit domain with model batches of 32 (one embedding call holds every chunk of FILES), a
    recording embedder behind both backends and, if ``slow``, the SlowParser."""
    rag = build(vectors=vectors, keywords=keywords)
    rag.parser = SlowParser(rag.clock) if slow else rag.parser
    rag.embedder = rag.embedders.embedders["torch"] = RecordingEmbedder(failures)
    rag.int8 = rag.embedders.embedders["onnx-int8"] = RecordingEmbedder()
    rag.ingestion = IngestionService(
        collections=rag.collection_service, documents=rag.documents, blobs=rag.blobs, chunks=rag.chunks,
        parser=rag.parser, chunker=rag.chunker, clock=rag.clock,
        embed_batch_size=embed_batch_size, stream_chunks=stream_chunks, upsert_size=upsert_size,
    )
    rag.job_service = JobService(queue=rag.jobs, handler=rag.ingestion, clock=rag.clock, lease_seconds=30)
    return rag


def upload(rag, files=FILES, collection: str = "docs"):
    """Upload ``files`` one second apart (so they are leased in this order); returns the accepted uploads."""
    if rag.catalog.get_by_name(collection) is None:
        rag.collection_service.create(collection)
    accepted = []
    for name, data, _ in files:
        accepted += rag.document_service.upload(collection, [(name, data)])
        rag.clock.advance(1)
    return accepted


def run_two_collections(rag, error_code: str):
    """Upload "a" and "b" into "docs" and "c" into "other", run them as one batch, and check that the jobs
    of "docs" were re-queued with ``error_code`` while "c" succeeded; returns (docs, other, store ids)."""
    docs = upload(rag, FILES[:2])
    other = upload(rag, FILES[2:], collection="other")
    jobs = rag.job_service.run_batch("w1", 3)
    assert [(j.status, j.error_code) for j in jobs] == [("queued", error_code)] * 2 + [("succeeded", None)]
    return docs, other, tuple(rag.collection_service.get(name).store_id for name in ("docs", "other"))


def test_a_malformed_document_fails_alone_and_the_others_become_ready_in_every_store():
    rag = batch_rag()
    a, bad, b = upload(rag, [FILES[0], ("bad.txt", b"BROKEN bytes", 0), FILES[1]])
    store_id = rag.collection_service.get("docs").store_id
    jobs = rag.job_service.run_batch("w1", 10)
    assert [(j.id, j.status, j.error_code, j.attempts) for j in jobs] == [
        (a.job.id, "succeeded", None, 1), (bad.job.id, "failed", "unparseable_document", 1),
        (b.job.id, "succeeded", None, 1)]
    documents = [rag.document_service.get(x.document.id) for x in (a, bad, b)]
    assert [(d.status, d.error_code, d.chunk_count) for d in documents] == [
        ("ready", None, 2), ("failed", "unparseable_document", 0), ("ready", None, 3)]
    assert [rag.vectors.count(store_id, d.id) for d in documents] == [2, 0, 3]
    assert keyword_chunks(rag, store_id) == sorted([f"{a.document.id}:{i}" for i in range(2)]
                                                   + [f"{b.document.id}:{i}" for i in range(3)])
    assert [rag.blobs.exists(x.document.blob_key) for x in (a, bad, b)] == [False, True, False]  # kept for a retry
    assert rag.embedder.calls == 1


def test_one_embedding_call_holds_every_chunk_of_the_batch_longest_first_and_one_upsert_stores_them():
    rag = batch_rag(vectors=RecordingVectorStore(MemoryVectorStore()))
    upload(rag)
    assert [j.status for j in rag.job_service.run_batch("w1", 3)] == ["succeeded"] * 3
    chunks = [c for x in rag.documents.list() for c in rag.document_service.chunks(x.id)]
    assert rag.embedder.texts == [sorted(map(embedding_text, chunks), key=len, reverse=True)]
    assert len(chunks) == sum(n for _, _, n in FILES)
    store_id = rag.collection_service.get("docs").store_id
    assert [(s, sorted(ids)) for s, ids in rag.vectors.upserts] == [(store_id, sorted(c.id for c in chunks))]


def test_one_upsert_per_store_collection_and_its_failure_requeues_only_that_collections_jobs():
    rag = batch_rag(vectors=FlakyVectorStore(RecordingVectorStore(MemoryVectorStore()), 1))
    docs, other, _ = run_two_collections(rag, "vector_store_unavailable")
    assert rag.embedder.calls == 1  # both collections pin the same backend: one stream
    assert rag.vectors.upserts == [(rag.collection_service.get("other").store_id, [f"{other[0].document.id}:0"])]
    assert [rag.documents.get(x.document.id).status for x in docs] == ["processing"] * 2
    assert rag.vectors.count(rag.collection_service.get("docs").store_id) == 0


def test_vectors_are_upserted_once_upsert_size_wait_and_the_rest_when_the_stream_ends():
    rag = batch_rag(vectors=RecordingVectorStore(MemoryVectorStore()), embed_batch_size=2, upsert_size=4)
    upload(rag)  # 6 chunks: embedding calls of 2, 2, 2
    assert [j.status for j in rag.job_service.run_batch("w1", 3)] == ["succeeded"] * 3
    assert [len(ids) for _, ids in rag.vectors.upserts] == [4, 2]  # after the second call, at the end
    assert rag.vectors.count(rag.collection_service.get("docs").store_id) == 6


def test_a_failed_upsert_ends_its_documents_and_their_later_chunks_are_not_upserted():
    rag = batch_rag(vectors=FlakyVectorStore(RecordingVectorStore(MemoryVectorStore()), 1), upsert_size=1)
    b, c = upload(rag, FILES[1:3])  # b: 3 chunks, c: 1; upserts of one chunk, the first fails
    jobs = rag.job_service.run_batch("w1", 2)
    assert [(j.status, j.error_code) for j in jobs] == [("queued", "vector_store_unavailable"), ("succeeded", None)]
    assert rag.vectors.upserts == [(rag.collection_service.get("docs").store_id, [f"{c.document.id}:0"])]
    assert rag.vectors.count(rag.collection_service.get("docs").store_id, b.document.id) == 0


def test_progress_counts_the_chunks_embedded_before_they_are_upserted():
    rag = batch_rag(vectors=RecordingVectorStore(MemoryVectorStore()), embed_batch_size=2)
    queue = RecordingJobQueue(rag.jobs)
    service = JobService(queue=queue, handler=rag.ingestion, clock=rag.clock, lease_seconds=30, progress_seconds=0)
    upload(rag, FILES[1:2])  # 3 chunks: embedding calls of 2 and 1, one upsert at the end
    assert [j.status for j in service.run_batch("w1", 1)] == ["succeeded"]
    assert [(progress, stage) for (_, progress, _), stage in zip(queue.saves, queue.stages, strict=True)] == [
        (5, "parsing"), (30, "chunking"), (76, "embedding 2/3 chunks"), (95, "embedding 3/3 chunks"),
        (95, "registering"), (95, "registering"), (100, "done")]
    assert [len(ids) for _, ids in rag.vectors.upserts] == [3]


def test_one_keyword_index_call_per_store_collection_and_its_failure_requeues_only_that_collections_jobs():
    rag = batch_rag(keywords=RecordingKeywordIndex(MemoryKeywordIndex(k1=0.9, b=0.6), failures=1))
    docs, other, (docs_sid, other_sid) = run_two_collections(rag, "keyword_index_unavailable")
    a, b = (x.document.id for x in docs)
    assert rag.keywords.calls == [
        (docs_sid, sorted([f"{a}:0", f"{a}:1", f"{b}:0", f"{b}:1", f"{b}:2"])),
        (other_sid, [f"{other[0].document.id}:0"]),
    ]
    assert (rag.vectors.count(docs_sid), keyword_chunks(rag, docs_sid)) == (0, [])  # the failed ones: in no store
    assert [rag.documents.get(x.document.id).status for x in docs] == ["processing"] * 2
    assert (rag.vectors.count(other_sid), keyword_chunks(rag, other_sid)) == (1, [f"{other[0].document.id}:0"])


def test_earlier_attempts_are_discarded_in_one_delete_per_store_collection_whose_failure_requeues_its_jobs():
    rag = batch_rag(vectors=RecordingVectorStore(MemoryVectorStore(), delete_failures=1))
    docs, other, (docs_sid, other_sid) = run_two_collections(rag, "vector_store_unavailable")
    assert rag.vectors.deletes == [
        (docs_sid, [x.document.id for x in docs]),  # the batch's one delete for "docs": it fails,
        (docs_sid, [docs[0].document.id]), (docs_sid, [docs[1].document.id]),  # each document's clean-up
        (other_sid, [other[0].document.id]),
    ]
    assert rag.embedder.calls == 1 and rag.vectors.upserts == [(other_sid, [f"{other[0].document.id}:0"])]


def test_a_failed_embedding_call_requeues_every_job_of_the_batch_with_backoff():
    rag = batch_rag(failures=1)
    accepted = upload(rag)
    store_id = rag.collection_service.get("docs").store_id
    jobs = rag.job_service.run_batch("w1", 3)
    due = rag.clock.now() + timedelta(seconds=2)
    assert [(j.id, j.status, j.error_code, j.attempts, j.available_at) for j in jobs] == [
        (x.job.id, "queued", "compute_unavailable", 1, due) for x in accepted]
    assert (rag.vectors.count(store_id), keyword_chunks(rag, store_id)) == (0, [])
    assert [rag.documents.get(x.document.id).status for x in accepted] == ["processing"] * 3
    assert rag.job_service.run_batch("w1", 3) == []  # backing off
    rag.clock.advance(2)
    assert [(j.status, j.attempts) for j in rag.job_service.run_batch("w1", 3)] == [("succeeded", 2)] * 3
    assert rag.vectors.count(store_id) == sum(n for _, _, n in FILES)  # upserted by id: no duplicates


def _interrupt_first_document(make_it_happen):
    """Run a batch of FILES; right after document "a"'s vectors are stored, ``make_it_happen(rag, a)``."""
    rag = batch_rag(vectors=HookedVectorStore(MemoryVectorStore()))
    a, b, c = upload(rag)
    rag.vectors.hook = lambda: make_it_happen(rag, a)
    jobs = rag.job_service.run_batch("w1", 3)
    return rag, (a, b, c), jobs, rag.collection_service.get("docs").store_id


def test_a_lost_lease_in_a_batch_leaves_that_job_to_its_new_owner_and_the_others_finish():
    def w2_takes_over(rag, a):
        rag.jobs.update(msgspec.structs.replace(rag.jobs.get(a.job.id), lease_owner="w2", attempts=2))

    rag, (a, b, c), jobs, store_id = _interrupt_first_document(w2_takes_over)
    assert [(j.id, j.status, j.lease_owner) for j in jobs] == [
        (a.job.id, "running", "w2"), (b.job.id, "succeeded", None), (c.job.id, "succeeded", None)]
    assert rag.documents.get(a.document.id).status == "processing"  # w2's to finish
    assert rag.vectors.count(store_id, a.document.id) == 2  # untouched: w2 upserts the same ids
    assert [rag.documents.get(x.document.id).status for x in (b, c)] == ["ready", "ready"]
    assert [rag.vectors.count(store_id, x.document.id) for x in (b, c)] == [3, 1]


def test_a_job_cancelled_in_a_batch_ends_alone_and_leaves_nothing_behind():
    rag, (a, b, c), jobs, store_id = _interrupt_first_document(lambda rag, a: rag.job_service.cancel(a.job.id))
    assert [(j.id, j.status) for j in jobs] == [(a.job.id, "cancelled"), (b.job.id, "succeeded"),
                                                (c.job.id, "succeeded")]
    doc = rag.documents.get(a.document.id)
    assert (doc.status, doc.error_code, rag.vectors.count(store_id, doc.id)) == ("failed", "job_cancelled", 0)
    assert keyword_chunks(rag, store_id) == sorted([f"{b.document.id}:{i}" for i in range(3)] + [f"{c.document.id}:0"])
    assert [rag.documents.get(x.document.id).status for x in (b, c)] == ["ready", "ready"]


def test_a_batch_is_embedded_in_streams_of_about_stream_chunks_and_each_stream_ends_ready_first():
    rag = batch_rag(slow=True, stream_chunks=4)  # "a" (2 chunks) + "b" (3) close the first stream
    a, b, c = upload(rag)
    seen_when_parsing = []
    rag.parser.after = lambda: seen_when_parsing.append([rag.documents.get(x.document.id).status for x in (a, b)])
    assert [j.status for j in rag.job_service.run_batch("w1", 3)] == ["succeeded"] * 3
    assert [len(texts) for texts in rag.embedder.texts] == [5, 1]
    assert seen_when_parsing[-1] == ["ready", "ready"]  # before "c" was parsed


def test_leases_are_renewed_while_the_other_documents_of_the_batch_are_parsed():
    rag = batch_rag(slow=True)
    upload(rag, FILES + [("d.txt", b"delta", 1)])
    taken_by_w2 = []
    rag.parser.after = lambda: taken_by_w2.append(rag.jobs.lease("w2", 30))  # 80 s of parsing; leases of 30 s
    jobs = rag.job_service.run_batch("w1", 4)
    assert taken_by_w2 == [None] * 4
    assert [(j.status, j.attempts) for j in jobs] == [("succeeded", 1)] * 4


def test_each_embedding_backend_gets_one_call_with_its_own_collections_chunks():
    rag = batch_rag()
    rag.collection_service.create("fast", embedding_backend="onnx-int8")
    upload(rag, FILES[:2])
    upload(rag, FILES[2:], collection="fast")
    assert [j.status for j in rag.job_service.run_batch("w1", 3)] == ["succeeded"] * 3
    assert (rag.embedder.calls, len(rag.embedder.texts[0]), rag.int8.texts) == (1, 5, [["Title\ngamma"]])


def test_run_batch_leases_at_most_max_jobs_and_returns_nothing_when_none_is_due():
    rag = batch_rag()
    accepted = upload(rag)
    assert [j.id for j in rag.job_service.run_batch("w1", 2)] == [x.job.id for x in accepted[:2]]
    assert [j.id for j in rag.job_service.run_batch("w1", 2)] == [accepted[2].job.id]
    assert rag.job_service.run_batch("w1", 2) == []


def test_an_abandoned_job_fails_with_worker_lost_and_the_rest_of_its_batch_runs():
    rag = batch_rag()
    a, b = upload(rag, FILES[:2])
    for _ in range(3):  # three workers lease "a" and die
        assert rag.jobs.lease("doomed", 30).id == a.job.id
        rag.clock.advance(31)
    jobs = rag.job_service.run_batch("w4", 2)
    assert [(j.id, j.status, j.error_code) for j in jobs] == [(a.job.id, "failed", "worker_lost"),
                                                              (b.job.id, "succeeded", None)]
    assert rag.documents.get(a.document.id).error_code == "worker_lost"

"""The doctor on the in-memory stores: each kind of drift made on purpose, found, repaired, gone."""

import msgspec
import pytest

from ragcore.domain.doctor.drift import DriftReport, Finding
from ragcore.domain.doctor.repairs import DriftRepairs
from ragcore.domain.models import Chunk, Job, chunk_id

VECTORS_LOST = "the vectors of {!r} were lost from the vector store; upload it again"
WORKER_LOST = "the ingestion job of {!r} was lost and its upload is gone; upload it again"


@pytest.fixture
def rag(rag):
    rag.collection_service.create("docs")
    rag.sid = rag.collection_service.get("docs").store_id
    return rag


def upload(rag, data: bytes, name: str = "a.txt", collection: str = "docs"):
    (accepted,) = rag.document_service.upload(collection, [(name, data)])
    return accepted.document


def ingest(rag, data: bytes = b"one\n\ntwo", name: str = "a.txt", collection: str = "docs"):
    document = upload(rag, data, name, collection)
    assert rag.job_service.run_next("w1").status == "succeeded"
    return rag.documents.get(document.id)


def stray_chunk(rag, document_id: str, index: int = 0) -> tuple[list[Chunk], list[list[float]]]:
    chunk = Chunk(id=chunk_id(document_id, index), document_id=document_id, index=index, text=f"stray {index}")
    return [chunk], [rag.embedder.embed_query(chunk.text)]


def repaired(*findings: Finding) -> DriftReport:
    return DriftReport(findings=tuple(msgspec.structs.replace(f, outcome="repaired") for f in findings))


def assert_repairs(rag, *expected: Finding) -> DriftReport:
    """check() finds exactly ``expected``, repair() repairs exactly them, a second check() is clean."""
    assert rag.doctor.check() == DriftReport(findings=expected)
    report = rag.doctor.repair()
    assert report == repaired(*expected)
    assert rag.doctor.check() == DriftReport()
    return report


def test_a_healthy_system_is_clean(rag):
    ingest(rag)
    failed = upload(rag, b"BROKEN", "broken.txt")
    rag.job_service.run_next("w1")
    upload(rag, b"waiting", "queued.txt")
    rag.clock.advance(3600)
    assert rag.documents.get(failed.id).status == "failed"
    assert rag.doctor.check() == DriftReport()
    assert rag.doctor.repair() == DriftReport()
    assert rag.doctor.check().clean is True


def test_orphan_store_collection_is_dropped_and_foreign_ones_are_left_alone(rag):
    rag.vectors.create_collection("rc_stray", 4)
    rag.vectors.create_collection("someone_else", 4)
    assert_repairs(rag, Finding(
        kind="orphan_store_collection", ids=("rc_stray",), detail="store collection rc_stray has no catalog row",
        action="drop_collection",
    ))
    assert rag.vectors.collection_ids() == sorted([rag.sid, "someone_else"])


def test_missing_store_collection_is_recreated_and_its_ready_documents_fail(rag):
    doc = ingest(rag)
    waiting = upload(rag, b"three\n\nfour\n\nfive", "b.txt")
    collection = rag.collection_service.get("docs")
    rag.vectors.drop_collection(rag.sid)
    assert_repairs(
        rag,
        Finding(kind="missing_store_collection", ids=(collection.id, rag.sid),
                detail=f"collection 'docs' has lost its store collection {rag.sid}", action="recreate_collection"),
        Finding(kind="missing_vectors", ids=(rag.sid, doc.id),
                detail=f"document 'a.txt' ({doc.id}) is ready with 2 chunks but has 0 vectors",
                action="fail_document"),
    )
    assert rag.vectors.collection_ids() == [rag.sid] and rag.vectors.count(rag.sid) == 0
    failed = rag.documents.get(doc.id)
    assert (failed.status, failed.error_code, failed.error_message) == ("failed", "vectors_lost",
                                                                        VECTORS_LOST.format("a.txt"))
    assert rag.job_service.run_next("w1").status == "succeeded"  # the queued document lands in the new one
    assert rag.vectors.count(rag.sid) == 3 == rag.documents.get(waiting.id).chunk_count


def test_orphan_vectors_of_unknown_or_foreign_documents_are_deleted(rag):
    doc = ingest(rag)
    rag.collection_service.create("more")
    more = rag.collection_service.get("more").store_id
    rag.vectors.upsert(rag.sid, *stray_chunk(rag, "ghost"))
    rag.vectors.upsert(more, *stray_chunk(rag, doc.id, 7))
    assert_repairs(
        rag,
        Finding(kind="orphan_vectors", ids=(rag.sid, "ghost"), action="delete_vectors",
                detail=f"store collection {rag.sid} holds vectors of document ghost, which its collection "
                "does not register"),
        Finding(kind="orphan_vectors", ids=(more, doc.id), action="delete_vectors",
                detail=f"store collection {more} holds vectors of document {doc.id}, which its collection "
                "does not register"),
    )
    assert (rag.vectors.document_ids(rag.sid), rag.vectors.count(more)) == ({doc.id}, 0)
    assert rag.vectors.count(rag.sid, doc.id) == 2


def test_ready_document_missing_vectors_loses_the_rest_and_fails(rag):
    doc = ingest(rag, b"one\n\ntwo\n\nthree")
    other = ingest(rag, b"four", "b.txt")
    rag.vectors.delete_documents(rag.sid, [doc.id])
    rag.vectors.upsert(rag.sid, *stray_chunk(rag, doc.id, 1))  # one of three left
    assert_repairs(rag, Finding(
        kind="missing_vectors", ids=(rag.sid, doc.id), action="fail_document",
        detail=f"document 'a.txt' ({doc.id}) is ready with 3 chunks but has 1 vectors",
    ))
    failed = rag.documents.get(doc.id)
    assert (failed.status, failed.error_code, failed.error_message) == ("failed", "vectors_lost",
                                                                        VECTORS_LOST.format("a.txt"))
    assert rag.vectors.document_ids(rag.sid) == {other.id}


def test_orphan_blob_is_deleted_and_referenced_blobs_are_kept(rag):
    failed = upload(rag, b"BROKEN", "broken.txt")
    rag.job_service.run_next("w1")  # a failed document keeps its bytes for a retry
    queued = upload(rag, b"waiting", "queued.txt")
    stray = rag.blobs.put(b"stray")
    assert_repairs(rag, Finding(
        kind="orphan_blob", ids=(stray,), detail=f"blob {stray} belongs to no document", action="delete_blob",
    ))
    assert rag.blobs.keys() == sorted([rag.documents.get(failed.id).blob_key, queued.blob_key])


def test_lost_job_is_requeued_when_the_upload_is_still_stored(rag):
    doc = upload(rag, b"one\n\ntwo")
    rag.jobs.remove_for_document(doc.id)  # e.g. Redis lost its keys
    assert rag.doctor.check() == DriftReport()  # recent changes are given stuck_after_seconds to settle
    rag.clock.advance(61)
    found = Finding(kind="lost_job", ids=(doc.id,), action="requeue",
                    detail=f"document 'a.txt' ({doc.id}) is queued but no job can run it")
    assert rag.doctor.check() == DriftReport(findings=(found,))
    report = rag.doctor.repair()
    (job,) = rag.jobs.list(document_id=doc.id)
    assert report == DriftReport(findings=(msgspec.structs.replace(found, ids=(doc.id, job.id), outcome="repaired"),))
    assert (job.status, job.priority, job.collection_id) == ("queued", 0, doc.collection_id)
    assert rag.documents.get(doc.id).status == "queued"
    assert rag.doctor.check() == DriftReport()
    assert rag.job_service.run_next("w1").status == "succeeded"
    assert rag.documents.get(doc.id).status == "ready"


def test_processing_document_with_only_finished_jobs_and_no_upload_fails_worker_lost(rag):
    doc = upload(rag, b"one")
    (job,) = rag.jobs.list(document_id=doc.id)
    rag.jobs.update(msgspec.structs.replace(job, status="failed"))
    rag.documents.update(msgspec.structs.replace(doc, status="processing"))
    rag.blobs.delete(doc.blob_key)
    rag.clock.advance(61)
    assert_repairs(rag, Finding(
        kind="lost_job", ids=(doc.id,), action="fail_document",
        detail=f"document 'a.txt' ({doc.id}) is processing but no job can run it",
    ))
    lost = rag.documents.get(doc.id)
    assert (lost.status, lost.error_code, lost.error_message) == ("failed", "worker_lost", WORKER_LOST.format("a.txt"))
    assert [j.id for j in rag.jobs.list(document_id=doc.id)] == [job.id]


def test_stuck_job_is_reported_not_repaired_until_a_worker_leases_it(rag):
    doc = upload(rag, b"one")
    job = rag.jobs.lease("dead-worker", 30)
    rag.clock.advance(30 + 61)
    since = job.lease_expires_at.isoformat()
    found = Finding(kind="stuck_job", ids=(job.id, doc.id), action="none",
                    detail=f"job {job.id} has been running on an expired lease since {since}")
    assert rag.doctor.check() == DriftReport(findings=(found,))
    report = rag.doctor.repair()
    assert (report, report.unrepaired) == (DriftReport(findings=(found,)), (found,))
    assert rag.job_service.run_next("w1").status == "succeeded"
    assert rag.doctor.check() == DriftReport()


def test_reconcile_jobs_touches_only_jobs(rag):
    doc = upload(rag, b"one")
    rag.jobs.remove_for_document(doc.id)
    stray = rag.blobs.put(b"stray")
    rag.clock.advance(61)
    (finding,) = rag.doctor.reconcile_jobs()
    (job,) = rag.jobs.list(document_id=doc.id)
    assert (finding.kind, finding.ids, finding.outcome) == ("lost_job", (doc.id, job.id), "repaired")
    assert rag.doctor.reconcile_jobs() == []
    assert rag.blobs.exists(stray) is True


def test_drift_gone_before_its_repair_is_resolved_and_untouched(rag):
    doc = upload(rag, b"one")
    rag.jobs.remove_for_document(doc.id)
    stray = rag.blobs.put(b"stray")
    rag.clock.advance(61)
    lost, orphan = sorted(rag.doctor.check().findings, key=lambda f: f.kind)
    now = rag.clock.now()  # meanwhile another actor requeues the document and claims the blob
    rag.jobs.enqueue(Job(id="j2", document_id=doc.id, collection_id=doc.collection_id, status="queued",
                         available_at=now, created_at=now, updated_at=now))
    rag.documents.update(msgspec.structs.replace(doc, blob_key=stray))
    repairs = DriftRepairs(catalog=rag.catalog, documents=rag.documents, jobs=rag.jobs, chunks=rag.chunks,
                           blobs=rag.blobs, clock=rag.clock)
    assert (repairs.requeue(lost).outcome, repairs.blob_deleter()(orphan).outcome) == ("resolved", "resolved")
    assert [j.id for j in rag.jobs.list(document_id=doc.id)] == ["j2"] and rag.blobs.exists(stray)

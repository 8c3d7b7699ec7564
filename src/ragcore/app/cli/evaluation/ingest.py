"""Ingesting a BEIR corpus into one collection through the production path: DocumentService.upload,
then the worker loop of ``ragcore worker`` (``app.worker.pool.drain``: JobService.run_batch,
RAGCORE_WORKER_BATCH_DOCUMENTS jobs at a time), one markdown document per corpus record.

The data dir keeps a marker (``eval-ingest.json``) with the corpus digest, the chunk parameters, the
embedding backend and the ingestion figures, so a later run with ``--data-dir`` reuses the collection
instead of ingesting again, and refuses a data dir ingested from another corpus, with other chunk
parameters or by another embedding backend.
"""

import hashlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import msgspec

from ragcore.app.cli.evaluation.beir import CorpusRecord
from ragcore.app.worker.pool import drain
from ragcore.domain.errors import Conflict, NotFound
from ragcore.domain.ingestion.service import embedding_text

COLLECTION = "eval"
MARKER = "eval-ingest.json"
Advance = Callable[[int, int], None]  # (documents done, documents to do)


class IngestReport(msgspec.Struct, frozen=True, kw_only=True):
    """``truncated_chunks``: chunks longer than the embedder reads (must be 0); ``seconds``: wall time of
    the run that ingested (a resumed ingest counts only its last run)."""

    corpus_sha256: str
    chunk_size: int
    chunk_overlap: int
    embedding_backend: str = "torch"  # absent in markers written before backends existed
    documents: int
    failed: int
    chunks: int
    truncated_chunks: int
    seconds: float
    reused: bool = False


def corpus_digest(corpus: Sequence[CorpusRecord]) -> str:
    """sha256 of the ingested documents, in order."""
    digest = hashlib.sha256()
    for record in corpus:
        digest.update(record.id.encode() + b"\0" + record.markdown())
    return digest.hexdigest()


def ingest(
    container: Any, data_dir: Path, corpus: Sequence[CorpusRecord], digest: str, advance: Advance
) -> IngestReport:
    """Ingest ``corpus`` into collection "eval" unless the data dir's marker says it is there already.

    Raises Conflict "eval_data_mismatch" when the data dir holds another corpus, chunk parameters or
    embedding backend.
    """
    embedding = container.settings().embedding
    marker = data_dir / MARKER
    if marker.exists():
        report = msgspec.json.decode(marker.read_bytes(), type=IngestReport)
        wanted = (digest, embedding.chunk_size, embedding.chunk_overlap, embedding.embedding_backend)
        if (report.corpus_sha256, report.chunk_size, report.chunk_overlap, report.embedding_backend) != wanted:
            raise Conflict(f"{data_dir} holds another corpus or other chunk parameters (size {report.chunk_size}, "
                           f"overlap {report.chunk_overlap}, embedding backend {report.embedding_backend})",
                           code="eval_data_mismatch")
        return msgspec.structs.replace(report, reused=True)
    started = time.monotonic()
    services = container.services
    _ensure_collection(services.collections(), embedding.embedding_backend)
    for record in corpus:
        services.documents().upload(COLLECTION, [(f"{record.id}.md", record.markdown())])
    drain(container, COLLECTION, advance)
    report = _report(container, digest, time.monotonic() - started)
    marker.write_bytes(msgspec.json.encode(report))
    return report


def beir_ids(container: Any, corpus: Sequence[CorpusRecord]) -> dict[str, list[str]]:
    """ragcore document id -> the BEIR ids of the records with its bytes (several if they are equal)."""
    by_sha: dict[str, list[str]] = {}
    for record in corpus:
        by_sha.setdefault(hashlib.sha256(record.markdown()).hexdigest(), []).append(record.id)
    documents = container.services.documents().list(collection_name=COLLECTION, status="ready")
    return {d.id: by_sha.get(d.sha256, []) for d in documents}


def _ensure_collection(collections: Any, backend: str) -> None:
    """Create the eval collection pinned to ``backend``; one left by an interrupted run must pin it too."""
    try:
        existing = collections.get(COLLECTION)
    except NotFound:
        collections.create(COLLECTION, embedding_backend=backend)
        return
    if existing.embedding_backend != backend:
        raise Conflict(f"the collection {COLLECTION!r} in this data dir pins the embedding backend "
                       f"{existing.embedding_backend!r}, not {backend!r}", code="eval_data_mismatch")


def _report(container: Any, digest: str, seconds: float) -> IngestReport:
    services, embedding = container.services, container.settings().embedding
    documents = services.documents().list(collection_name=COLLECTION)
    ready = [d for d in documents if d.status == "ready"]
    embedder = container.compute.embedder()
    limit = embedder.max_seq_length - 2  # [CLS] and [SEP]
    truncated = chunks = 0
    for document in ready:
        for chunk in services.documents().chunks(document.id):
            chunks += 1
            truncated += len(embedder.tokenize(embedding_text(chunk))) > limit
    return IngestReport(
        corpus_sha256=digest, chunk_size=embedding.chunk_size, chunk_overlap=embedding.chunk_overlap,
        embedding_backend=embedding.embedding_backend, documents=len(ready), failed=len(documents) - len(ready),
        chunks=chunks, truncated_chunks=truncated, seconds=round(seconds, 1),
    )

"""A complete domain wired to in-memory stores and fake compute."""

from types import SimpleNamespace

import pytest

from ragcore.adapters.memory import MemoryCollectionCatalog, MemoryDocumentRepository, MemoryJobQueue
from ragcore.adapters.memory_blobs import MemoryBlobStore
from ragcore.adapters.memory_keywords import MemoryKeywordIndex
from ragcore.adapters.memory_vectors import MemoryVectorStore
from ragcore.domain.chunk_index import ChunkIndex
from ragcore.domain.collections.service import CollectionService
from ragcore.domain.doctor.service import DoctorService
from ragcore.domain.documents.service import DocumentService
from ragcore.domain.ingestion.service import IngestionService
from ragcore.domain.jobs.service import JobService
from ragcore.domain.search.service import SearchService
from tests.unit.fakes import FakeChunker, FakeEmbedderRegistry, FakeParser, FixedClock


def build(
    vectors=None, max_upload_bytes: int = 1000, keywords=None, search_cache=None, embedders=None
) -> SimpleNamespace:
    clock = FixedClock()
    s = SimpleNamespace(
        clock=clock, catalog=MemoryCollectionCatalog(), documents=MemoryDocumentRepository(),
        jobs=MemoryJobQueue(clock), vectors=vectors or MemoryVectorStore(), blobs=MemoryBlobStore(),
        keywords=keywords or MemoryKeywordIndex(k1=0.9, b=0.6),
        parser=FakeParser(), chunker=FakeChunker(), embedders=embedders or FakeEmbedderRegistry(),
    )
    s.embedder = s.embedders.embedders["torch"]  # the default backend's
    s.chunks = ChunkIndex(s.vectors, s.keywords)
    stores = dict(documents=s.documents, chunks=s.chunks, blobs=s.blobs, clock=clock)
    s.collection_service = CollectionService(catalog=s.catalog, jobs=s.jobs, embedders=s.embedders, **stores)
    s.document_service = DocumentService(
        collections=s.collection_service, jobs=s.jobs, parser=s.parser, max_upload_bytes=max_upload_bytes,
        search_cache=search_cache, **stores
    )
    s.ingestion = IngestionService(
        collections=s.collection_service, parser=s.parser, chunker=s.chunker, embed_batch_size=2, upsert_size=2,
        search_cache=search_cache, **stores
    )
    s.job_service = JobService(queue=s.jobs, handler=s.ingestion, clock=clock, lease_seconds=30)
    s.search_service = SearchService(
        collections=s.collection_service, documents=s.documents, vectors=s.vectors, keywords=s.keywords,
        default_mode="dense", cache=search_cache,
    )
    s.doctor = DoctorService(
        catalog=s.catalog, documents=s.documents, jobs=s.jobs, chunks=s.chunks, blobs=s.blobs, clock=clock,
        stuck_after_seconds=60,
    )
    return s


@pytest.fixture
def rag() -> SimpleNamespace:
    return build()

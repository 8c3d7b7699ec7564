"""The composition root: one dependency-injector container; settings pick each adapter.

Adapter modules import their heavy libraries (chromadb, docling, torch) lazily, so building the
container is cheap; the first call that needs a model or a store pays for it, once.
"""

from dependency_injector import containers, providers

from ragcore.adapters import memory, memory_vectors
from ragcore.adapters.blobs import FilesystemBlobStore
from ragcore.adapters.chroma import ChromaVectorStore
from ragcore.adapters.clock import SystemClock
from ragcore.adapters.compute.docling_parser import DoclingParser
from ragcore.adapters.compute.llama_chunker import LlamaIndexChunker
from ragcore.adapters.compute.sentence_embedder import SentenceTransformerEmbedder
from ragcore.adapters.redis.client import make_redis
from ragcore.adapters.redis.jobs import RedisJobQueue
from ragcore.adapters.redis.registry import RedisDocumentRepository
from ragcore.adapters.sql.catalog import SqlCollectionCatalog
from ragcore.adapters.sql.documents import SqlDocumentRepository
from ragcore.adapters.sql.engine import make_engine
from ragcore.adapters.sql.jobs import SqlJobQueue
from ragcore.app.settings import Settings
from ragcore.domain.collections import CollectionService
from ragcore.domain.doctor import DoctorService
from ragcore.domain.documents import DocumentService
from ragcore.domain.ingestion import IngestionService
from ragcore.domain.jobs import JobService
from ragcore.domain.search import SearchService


class Stores(containers.DeclarativeContainer):
    config = providers.Configuration()
    clock = providers.Singleton(SystemClock)
    engine = providers.Singleton(make_engine, config.sql_url)
    redis = providers.Singleton(make_redis, config.redis_url)
    catalog = providers.Selector(
        config.catalog,
        sql=providers.Singleton(SqlCollectionCatalog, engine),
        memory=providers.Singleton(memory.MemoryCollectionCatalog),
    )
    documents = providers.Selector(
        config.registry,
        sql=providers.Singleton(SqlDocumentRepository, engine),
        redis=providers.Singleton(RedisDocumentRepository, redis, config.redis_prefix),
        memory=providers.Singleton(memory.MemoryDocumentRepository),
    )
    jobs = providers.Selector(
        config.jobs,
        sql=providers.Singleton(SqlJobQueue, engine, clock),
        redis=providers.Singleton(RedisJobQueue, redis, clock, config.redis_prefix),
        memory=providers.Singleton(memory.MemoryJobQueue, clock),
    )
    vectors = providers.Selector(
        config.vector_store,
        chroma=providers.Singleton(ChromaVectorStore.persistent, config.chroma_path),
        **{"chroma-http": providers.Singleton(ChromaVectorStore.http, config.chroma_url)},
        memory=providers.Singleton(memory_vectors.MemoryVectorStore),
    )
    blobs = providers.Selector(
        config.blob_store,
        filesystem=providers.Singleton(FilesystemBlobStore, config.blob_path),
        memory=providers.Singleton(memory_vectors.MemoryBlobStore),
    )


class Compute(containers.DeclarativeContainer):
    config = providers.Configuration()
    embedder = providers.Selector(
        config.compute,
        local=providers.Singleton(SentenceTransformerEmbedder, batch_size=config.embed_batch_size),
    )
    parser = providers.Selector(config.compute, local=providers.Singleton(DoclingParser))
    chunker = providers.Selector(
        config.compute,
        local=providers.Singleton(
            LlamaIndexChunker,
            tokenize=embedder.provided.tokenize,
            max_tokens=embedder.provided.max_seq_length,
            chunk_size=config.chunk_size,
            chunk_overlap=config.chunk_overlap,
        ),
    )


class Services(containers.DeclarativeContainer):
    config = providers.Configuration()
    stores = providers.DependenciesContainer()
    compute = providers.DependenciesContainer()
    collections = providers.Singleton(
        CollectionService, catalog=stores.catalog, documents=stores.documents, jobs=stores.jobs,
        vectors=stores.vectors, blobs=stores.blobs, embedder=compute.embedder, clock=stores.clock,
        store_prefix=config.store_prefix,
    )
    documents = providers.Singleton(
        DocumentService, collections=collections, documents=stores.documents, jobs=stores.jobs,
        blobs=stores.blobs, vectors=stores.vectors, parser=compute.parser, embedder=compute.embedder,
        clock=stores.clock, max_upload_bytes=config.max_upload_bytes, max_attempts=config.max_attempts,
    )
    ingestion = providers.Singleton(
        IngestionService, collections=collections, documents=stores.documents, blobs=stores.blobs,
        vectors=stores.vectors, parser=compute.parser, chunker=compute.chunker, embedder=compute.embedder,
        clock=stores.clock, embed_batch_size=config.embed_batch_size,
    )
    jobs = providers.Singleton(
        JobService, queue=stores.jobs, ingestion=ingestion, clock=stores.clock,
        lease_seconds=config.lease_seconds,
    )
    search = providers.Singleton(
        SearchService, collections=collections, documents=stores.documents, vectors=stores.vectors,
        embedder=compute.embedder,
    )
    doctor = providers.Singleton(
        DoctorService, catalog=stores.catalog, documents=stores.documents, jobs=stores.jobs,
        vectors=stores.vectors, blobs=stores.blobs, clock=stores.clock,
        stuck_after_seconds=config.stuck_after_seconds, store_prefix=config.store_prefix,
    )


class Container(containers.DeclarativeContainer):
    config = providers.Configuration()
    stores = providers.Container(Stores, config=config)
    compute = providers.Container(Compute, config=config)
    services = providers.Container(Services, config=config, stores=stores, compute=compute)


def build_container(settings: Settings | None = None) -> Container:
    """A container configured from ``settings`` (default: read from the environment)."""
    settings = settings or Settings()
    container = Container()
    container.config.from_dict(
        settings.model_dump() | {
            "sql_url": settings.sql_url,
            "chroma_path": str(settings.chroma_path),
            "blob_path": str(settings.blob_path),
        }
    )
    container.settings = settings  # type: ignore[attr-defined]
    return container

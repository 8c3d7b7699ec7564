"""The composition root: one dependency-injector container; settings pick each adapter.

Adapter modules import their heavy libraries (chromadb, docling, torch) lazily, so building the
container is cheap; the first call that needs a model or a store pays for it, once.
"""

from dependency_injector import containers, providers

from ragcore.adapters import memory, memory_blobs, memory_keywords, memory_vectors
from ragcore.adapters.blobs import FilesystemBlobStore
from ragcore.adapters.chroma import ChromaVectorStore
from ragcore.adapters.clock import SystemClock
from ragcore.adapters.compute.docling_parser import DoclingParser
from ragcore.adapters.compute.embedder_registry import LazyEmbedderRegistry, make_onnx_embedder
from ragcore.adapters.compute.http_client import ComputeHttpClient
from ragcore.adapters.compute.keyword_metadata import KeywordMetadataExtractor
from ragcore.adapters.compute.llama_chunker import LlamaIndexChunker
from ragcore.adapters.compute.remote import HttpChunker, HttpEmbedder, HttpMetadataExtractor, HttpParser
from ragcore.adapters.compute.sentence_embedder import SentenceTransformerEmbedder
from ragcore.adapters.redis.client import make_redis
from ragcore.adapters.redis.jobs import RedisJobQueue
from ragcore.adapters.redis.registry import RedisDocumentRepository
from ragcore.adapters.search_cache import MemorySearchCache, RedisSearchCache
from ragcore.adapters.sql.catalog import SqlCollectionCatalog
from ragcore.adapters.sql.documents import SqlDocumentRepository
from ragcore.adapters.sql.engine import make_engine
from ragcore.adapters.sql.jobs import SqlJobQueue
from ragcore.adapters.sql.keywords import SqlKeywordIndex
from ragcore.app.identity_container import Identity
from ragcore.app.language_container import Language
from ragcore.app.settings import Settings
from ragcore.domain.answers.service import AnswerService
from ragcore.domain.chunk_index import ChunkIndex
from ragcore.domain.collections.service import CollectionService
from ragcore.domain.doctor.service import DoctorService
from ragcore.domain.documents.service import DocumentService
from ragcore.domain.ingestion.service import IngestionService
from ragcore.domain.jobs.service import JobService
from ragcore.domain.search.fusion import Fusion
from ragcore.domain.search.service import SearchService


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
        memory=providers.Singleton(memory_blobs.MemoryBlobStore),
    )
    keywords = providers.Selector(
        config.keyword_index,
        sql=providers.Singleton(SqlKeywordIndex, engine, k1=config.bm25_k1, b=config.bm25_b),
        memory=providers.Singleton(memory_keywords.MemoryKeywordIndex),
    )
    chunks = providers.Singleton(ChunkIndex, vectors, keywords)  # a chunk's vector and keyword entries, together
    search_cache = providers.Selector(
        config.search_cache,
        none=providers.Object(None),
        memory=providers.Singleton(
            MemorySearchCache, max_entries=config.search_cache_max_entries, ttl_seconds=config.search_cache_ttl_seconds
        ),
        redis=providers.Singleton(
            RedisSearchCache, redis, config.redis_prefix, ttl_seconds=config.search_cache_ttl_seconds
        ),
    )


def _onnx_embedder(config: providers.Configuration, client: providers.Provider, backend: str) -> providers.Selector:
    """The embedder of an ONNX backend ("onnx" or "onnx-int8"): in-process, or the compute service's."""
    return providers.Selector(
        config.compute,
        local=providers.ThreadSafeSingleton(  # thread-safe: the model is exported once
            make_onnx_embedder, quantized=backend == "onnx-int8", batch_size=config.embed_batch_size,
            cache_dir=config.model_cache_path,
        ),
        remote=providers.Singleton(HttpEmbedder, client, backend=backend),
    )


class Compute(containers.DeclarativeContainer):
    """In-process adapters (``compute=local``) or clients of the compute service (``remote``)."""

    config = providers.Configuration()
    client = providers.Singleton(
        ComputeHttpClient, config.compute_urls, timeout_seconds=config.compute_timeout_seconds,
        retries=config.compute_retries, token=config.compute_token,
    )
    embedder = providers.Selector(  # the torch backend; the chunker measures with its tokenizer
        config.compute,
        local=providers.Singleton(SentenceTransformerEmbedder, batch_size=config.embed_batch_size),
        remote=providers.Singleton(HttpEmbedder, client),
    )
    onnx_embedder = _onnx_embedder(config, client, "onnx")
    onnx_int8_embedder = _onnx_embedder(config, client, "onnx-int8")
    embedders = providers.Singleton(  # every backend, each built when a collection first needs it
        LazyEmbedderRegistry,
        providers.Dict({"torch": embedder.provider, "onnx": onnx_embedder.provider,
                        "onnx-int8": onnx_int8_embedder.provider}),
        default_backend=config.embedding_backend,
    )
    parser = providers.Selector(
        config.compute, local=providers.Singleton(DoclingParser), remote=providers.Singleton(HttpParser, client)
    )
    chunker = providers.Selector(
        config.compute,
        local=providers.Singleton(
            LlamaIndexChunker,
            tokenize=embedder.provided.tokenize,
            max_tokens=embedder.provided.max_seq_length,
            chunk_size=config.chunk_size,
            chunk_overlap=config.chunk_overlap,
        ),
        remote=providers.Singleton(
            HttpChunker, client, chunk_size=config.chunk_size, chunk_overlap=config.chunk_overlap
        ),
    )
    metadata = providers.Selector(
        config.compute,
        local=providers.Singleton(KeywordMetadataExtractor),
        remote=providers.Singleton(HttpMetadataExtractor, client),
    )


def embedder_provider(compute: Compute, backend: str) -> providers.Provider:
    """The provider of ``backend``'s embedder in ``compute`` (to override it, e.g. with a wrapper)."""
    return {"torch": compute.embedder, "onnx": compute.onnx_embedder, "onnx-int8": compute.onnx_int8_embedder}[backend]


class Services(containers.DeclarativeContainer):
    config = providers.Configuration()
    stores = providers.DependenciesContainer()
    compute = providers.DependenciesContainer()
    language = providers.DependenciesContainer()
    collections = providers.Singleton(
        CollectionService, catalog=stores.catalog, documents=stores.documents, jobs=stores.jobs,
        chunks=stores.chunks, blobs=stores.blobs, embedders=compute.embedders,
        clock=stores.clock, store_prefix=config.store_prefix,
    )
    documents = providers.Singleton(
        DocumentService, collections=collections, documents=stores.documents, jobs=stores.jobs,
        blobs=stores.blobs, chunks=stores.chunks, parser=compute.parser,
        clock=stores.clock, max_upload_bytes=config.max_upload_bytes,
        max_attempts=config.max_attempts, search_cache=stores.search_cache,
    )
    ingestion = providers.Singleton(
        IngestionService, collections=collections, documents=stores.documents, blobs=stores.blobs,
        chunks=stores.chunks, parser=compute.parser, chunker=compute.chunker,
        clock=stores.clock, embed_batch_size=config.embed_batch_size, upsert_size=config.upsert_batch_size,
        metadata=language.metadata, search_cache=stores.search_cache,
    )
    jobs = providers.Singleton(
        JobService, queue=stores.jobs, handler=ingestion, clock=stores.clock,
        lease_seconds=config.lease_seconds, progress_seconds=config.job_progress_seconds,
    )
    search = providers.Singleton(
        SearchService, collections=collections, documents=stores.documents, vectors=stores.vectors,
        keywords=stores.keywords, default_mode=config.search_mode,
        fusion=providers.Factory(
            Fusion, k=config.fusion_k, dense_weight=config.fusion_dense_weight,
            keyword_weight=config.fusion_keyword_weight, candidates=config.fusion_candidates,
        ),
        cache=stores.search_cache,
    )
    answers = providers.Singleton(
        AnswerService, search=search, llm=language.model, prompts=language.answer_prompts,
        max_answer_tokens=config.llm_max_answer_tokens,
    )
    doctor = providers.Singleton(
        DoctorService, catalog=stores.catalog, documents=stores.documents, jobs=stores.jobs,
        chunks=stores.chunks, blobs=stores.blobs, clock=stores.clock,
        stuck_after_seconds=config.stuck_after_seconds, store_prefix=config.store_prefix,
    )


class Container(containers.DeclarativeContainer):
    config = providers.Configuration()
    stores = providers.Container(Stores, config=config)
    compute = providers.Container(Compute, config=config)
    language = providers.Container(Language, config=config, compute=compute)
    services = providers.Container(Services, config=config, stores=stores, compute=compute, language=language)
    identity = providers.Container(Identity, config=config, stores=stores)


def build_container(settings: Settings | None = None) -> Container:
    """A container configured from ``settings`` (default: read from the environment)."""
    settings = settings or Settings()
    container = Container()
    container.config.from_dict(
        settings.model_dump() | {
            "sql_url": settings.sql_url,
            "chroma_path": str(settings.chroma_path),
            "blob_path": str(settings.blob_path),
            "model_cache_path": str(settings.model_cache_path),
        }
    )
    container.settings = settings  # type: ignore[attr-defined]
    return container

"""The composition root: one dependency-injector container; settings pick each adapter.

Settings reach code through one path: the typed ``Settings`` object, provided as ``container.settings``
and read by providers as ``settings.provided.<group>.<field>`` (entry points call ``container.settings()``).
Not a dependency-injector ``Configuration``: that would be an untyped second copy of the same values,
in which a misspelt key reads as None instead of failing, and the derived values (``sql_url``, the data
dir's folders) would have to be copied in by hand. Every default lives in ``app/settings``; adapters and
services get each value from here, never from a default of their own.

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
from ragcore.adapters.compute.isolated_parser import IsolatedParser
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
from ragcore.domain.models import EMBEDDING_BACKENDS
from ragcore.domain.search.fusion import Fusion
from ragcore.domain.search.service import SearchService


class Stores(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    storage, queue, search = settings.provided.storage, settings.provided.queue, settings.provided.search
    clock = providers.Singleton(SystemClock)
    engine = providers.Singleton(make_engine, storage.sql_url)
    redis = providers.Singleton(make_redis, storage.redis_url)
    catalog = providers.Selector(
        storage.catalog,
        sql=providers.Singleton(SqlCollectionCatalog, engine),
        memory=providers.Singleton(memory.MemoryCollectionCatalog),
    )
    documents = providers.Selector(
        storage.registry,
        sql=providers.Singleton(SqlDocumentRepository, engine),
        redis=providers.Singleton(RedisDocumentRepository, redis, storage.redis_prefix),
        memory=providers.Singleton(memory.MemoryDocumentRepository),
    )
    jobs = providers.Selector(
        queue.jobs,
        sql=providers.Singleton(SqlJobQueue, engine, clock),
        redis=providers.Singleton(RedisJobQueue, redis, clock, storage.redis_prefix),
        memory=providers.Singleton(memory.MemoryJobQueue, clock),
    )
    vectors = providers.Selector(
        storage.vector_store,
        chroma=providers.Singleton(ChromaVectorStore.persistent, storage.chroma_path),
        **{"chroma-http": providers.Singleton(ChromaVectorStore.http, storage.chroma_url)},
        memory=providers.Singleton(memory_vectors.MemoryVectorStore),
    )
    blobs = providers.Selector(
        storage.blob_store,
        filesystem=providers.Singleton(FilesystemBlobStore, storage.blob_path),
        memory=providers.Singleton(memory_blobs.MemoryBlobStore),
    )
    keywords = providers.Selector(
        storage.keyword_index,
        sql=providers.Singleton(SqlKeywordIndex, engine, k1=search.bm25_k1, b=search.bm25_b),
        memory=providers.Singleton(memory_keywords.MemoryKeywordIndex, k1=search.bm25_k1, b=search.bm25_b),
    )
    chunks = providers.Singleton(ChunkIndex, vectors, keywords)  # a chunk's vector and keyword entries, together
    search_cache = providers.Selector(
        search.search_cache,
        none=providers.Object(None),
        memory=providers.Singleton(
            MemorySearchCache, max_entries=search.search_cache_max_entries, ttl_seconds=search.search_cache_ttl_seconds
        ),
        redis=providers.Singleton(
            RedisSearchCache, redis, storage.redis_prefix, ttl_seconds=search.search_cache_ttl_seconds
        ),
    )


def _onnx_embedder(settings: providers.Provider, client: providers.Provider, backend: str) -> providers.Selector:
    """The embedder of an ONNX backend ("onnx" or "onnx-int8"): in-process, or the compute service's."""
    embedding = settings.provided.embedding
    return providers.Selector(
        settings.provided.compute.compute,
        local=providers.ThreadSafeSingleton(  # thread-safe: the model is exported once
            make_onnx_embedder, quantized=backend == "onnx-int8", batch_size=embedding.embed_batch_size,
            cache_dir=embedding.model_cache_dir,
        ),
        remote=providers.Singleton(HttpEmbedder, client, backend=backend),
    )


class Compute(containers.DeclarativeContainer):
    """In-process adapters (``compute=local``) or clients of the compute service (``remote``)."""

    settings = providers.Dependency(instance_of=Settings)
    compute, embedding = settings.provided.compute, settings.provided.embedding
    client = providers.Singleton(
        ComputeHttpClient, compute.compute_urls, timeout_seconds=compute.compute_timeout_seconds,
        retries=compute.compute_retries, token=settings.provided.access.compute_token,
    )
    embedder = providers.Selector(  # the torch backend; the chunker measures with its tokenizer
        compute.compute,
        local=providers.Singleton(SentenceTransformerEmbedder, batch_size=embedding.embed_batch_size),
        remote=providers.Singleton(HttpEmbedder, client),
    )
    onnx_embedder = _onnx_embedder(settings, client, "onnx")
    onnx_int8_embedder = _onnx_embedder(settings, client, "onnx-int8")
    embedders = providers.Singleton(  # every backend, each built when a collection first needs it
        LazyEmbedderRegistry,
        providers.Dict({"torch": embedder.provider, "onnx": onnx_embedder.provider,
                        "onnx-int8": onnx_int8_embedder.provider}),
        default_backend=embedding.embedding_backend,
    )
    parser = providers.Selector(  # local: Docling in a killable child process with time and memory limits
        compute.compute,
        local=providers.Singleton(
            IsolatedParser, DoclingParser, timeout_seconds=compute.parse_timeout_seconds,
            memory_mb=compute.parse_memory_mb,
        ),
        remote=providers.Singleton(HttpParser, client),
    )
    chunker = providers.Selector(
        compute.compute,
        local=providers.Singleton(
            LlamaIndexChunker,
            tokenize=embedder.provided.tokenize,
            max_tokens=embedder.provided.max_seq_length,
            chunk_size=embedding.chunk_size,
            chunk_overlap=embedding.chunk_overlap,
        ),
        remote=providers.Singleton(
            HttpChunker, client, chunk_size=embedding.chunk_size, chunk_overlap=embedding.chunk_overlap
        ),
    )
    metadata = providers.Selector(
        compute.compute,
        local=providers.Singleton(KeywordMetadataExtractor),
        remote=providers.Singleton(HttpMetadataExtractor, client),
    )


def embedder_provider(compute: Compute, backend: str) -> providers.Provider:
    """The provider of ``backend``'s embedder in ``compute`` (to override it, e.g. with a wrapper)."""
    by_backend = dict(zip(EMBEDDING_BACKENDS, (compute.embedder, compute.onnx_embedder, compute.onnx_int8_embedder),
                          strict=True))
    return by_backend[backend]


class Services(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    storage, queue, search_settings = settings.provided.storage, settings.provided.queue, settings.provided.search
    stores = providers.DependenciesContainer()
    compute = providers.DependenciesContainer()
    language = providers.DependenciesContainer()
    collections = providers.Singleton(
        CollectionService, catalog=stores.catalog, documents=stores.documents, jobs=stores.jobs,
        chunks=stores.chunks, blobs=stores.blobs, embedders=compute.embedders,
        clock=stores.clock, store_prefix=storage.store_prefix,
    )
    documents = providers.Singleton(
        DocumentService, collections=collections, documents=stores.documents, jobs=stores.jobs,
        blobs=stores.blobs, chunks=stores.chunks, parser=compute.parser,
        clock=stores.clock, max_upload_bytes=settings.provided.server.max_upload_bytes,
        max_attempts=queue.max_attempts, search_cache=stores.search_cache,
    )
    ingestion = providers.Singleton(
        IngestionService, collections=collections, documents=stores.documents, blobs=stores.blobs,
        chunks=stores.chunks, parser=compute.parser, chunker=compute.chunker,
        clock=stores.clock, embed_batch_size=settings.provided.embedding.embed_batch_size,
        upsert_size=storage.upsert_batch_size, metadata=language.metadata, search_cache=stores.search_cache,
    )
    jobs = providers.Singleton(
        JobService, queue=stores.jobs, handler=ingestion, clock=stores.clock,
        lease_seconds=queue.lease_seconds, progress_seconds=queue.job_progress_seconds,
    )
    search = providers.Singleton(
        SearchService, collections=collections, documents=stores.documents, vectors=stores.vectors,
        keywords=stores.keywords, default_mode=search_settings.search_mode,
        fusion=providers.Factory(
            Fusion, k=search_settings.fusion_k, dense_weight=search_settings.fusion_dense_weight,
            keyword_weight=search_settings.fusion_keyword_weight, candidates=search_settings.fusion_candidates,
        ),
        cache=stores.search_cache,
    )
    answers = providers.Singleton(
        AnswerService, search=search, llm=language.model, prompts=language.answer_prompts,
        max_answer_tokens=settings.provided.llm.llm_max_answer_tokens,
    )
    doctor = providers.Singleton(
        DoctorService, catalog=stores.catalog, documents=stores.documents, jobs=stores.jobs,
        chunks=stores.chunks, blobs=stores.blobs, clock=stores.clock,
        stuck_after_seconds=queue.stuck_after_seconds, store_prefix=storage.store_prefix,
    )


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    stores = providers.Container(Stores, settings=settings)
    compute = providers.Container(Compute, settings=settings)
    language = providers.Container(Language, settings=settings, compute=compute)
    services = providers.Container(Services, settings=settings, stores=stores, compute=compute, language=language)
    identity = providers.Container(Identity, settings=settings, stores=stores)


def build_container(settings: Settings | None = None) -> Container:
    """A container over ``settings`` (default: read from the environment); ``container.settings()`` returns it."""
    return Container(settings=providers.Object(settings or Settings()))

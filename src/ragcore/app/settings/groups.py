"""The settings of each concern: storage, queue, compute, embedding, search, llm, server.

Each field is read from ``RAGCORE_<FIELD NAME>`` (e.g. ``bm25_k1`` from ``RAGCORE_BM25_K1``) and from
the key of the same name in the YAML file ``RAGCORE_CONFIG``; precedence: init arguments > environment >
YAML > the defaults here, which are the embedded single-box setup. Every default is defined here once and
passed to the adapters and services by the container (``app/container.py``).
"""

import json
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, computed_field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from ragcore.domain.models import EmbeddingBackend
from ragcore.domain.search.service import SearchMode


def split_list(value: object) -> object:
    """``a,b`` or ``["a", "b"]`` (env) or a YAML list -> list of non-empty strings; other values unchanged."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [item.strip() for item in text.split(",") if item.strip()]
    return value


class Group(BaseSettings):
    """One concern's settings, read from ``RAGCORE_*`` variables and the optional YAML file."""

    model_config = SettingsConfigDict(env_prefix="RAGCORE_", extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        yaml_file = os.environ.get("RAGCORE_CONFIG")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if yaml_file:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=yaml_file))
        return tuple(sources)


class StorageSettings(Group):
    """Where collections, documents, vectors, keyword texts and uploaded bytes live."""

    data_dir: Path = Path(".ragcore")
    database_url: str | None = None  # sqlite:///..., mysql://..., postgresql://...; default: SQLite in data_dir
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_prefix: str = "ragcore"  # every Redis key starts with it
    chroma_url: str = "http://127.0.0.1:8001"  # used when vector_store is chroma-http
    store_prefix: str = "rc_"  # names of this deployment's vector-store collections start with it
    catalog: Literal["sql", "memory"] = "sql"
    registry: Literal["sql", "redis", "memory"] = "sql"
    vector_store: Literal["chroma", "chroma-http", "memory"] = "chroma"
    blob_store: Literal["filesystem", "memory"] = "filesystem"
    keyword_index: Literal["sql", "memory"] = "sql"  # BM25 keyword search; sql works across processes
    upsert_batch_size: Annotated[int, Field(ge=1)] = 256  # most chunks per vector-store upsert (docs/ingestion.md)

    @computed_field
    @property
    def sql_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'ragcore.db').resolve()}"

    @computed_field
    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @computed_field
    @property
    def blob_path(self) -> Path:
        return self.data_dir / "blobs"


class QueueSettings(Group):
    """The job queue, its leases and the workers that run the jobs."""

    jobs: Literal["sql", "redis", "memory"] = "sql"
    lease_seconds: float = 60.0
    job_progress_seconds: float = 1.0  # a running job's progress is written at most this often (0: every step)
    max_attempts: int = 3
    worker_poll_seconds: float = 0.5
    # jobs a worker leases and runs together, their chunks embedded as one length-sorted stream; 1 = one at a time
    worker_batch_documents: Annotated[int, Field(ge=1)] = 64
    stuck_after_seconds: float = 600.0  # a queued/processing document unchanged this long without a job is lost
    reconcile_seconds: float = 60.0  # how often each worker re-queues documents whose jobs were lost


class ComputeSettings(Group):
    """Parse, chunk, embed and metadata in this process (local) or through the compute service (remote)."""

    compute: Literal["local", "remote"] = "local"
    compute_urls: Annotated[list[str], NoDecode] = []  # base URLs; env: comma-separated or a JSON list
    compute_timeout_seconds: float = 120.0  # per compute request (connect: at most 5 s)
    compute_retries: int = 3  # extra rounds over every URL, with exponential backoff, before compute_unavailable
    # Each document is parsed in a separate process, killed past these limits (docs/ingestion.md)
    parse_timeout_seconds: Annotated[float, Field(gt=0)] = 300.0  # per document; OCR ~5-7 s a page
    parse_memory_mb: Annotated[int, Field(ge=0)] = 2048  # parser address space (~1.1 GB is Docling), 0: no cap


    @field_validator("compute_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        return split_list(value)

    @model_validator(mode="after")
    def _remote_compute_needs_urls(self) -> "ComputeSettings":
        if self.compute == "remote" and not self.compute_urls:
            raise ValueError("RAGCORE_COMPUTE=remote needs RAGCORE_COMPUTE_URLS (comma-separated base URLs)")
        return self


class EmbeddingSettings(Group):
    """How documents become chunks and vectors."""

    embedding_backend: EmbeddingBackend = "torch"  # of new collections (each collection pins its own)
    model_cache_dir: Path | None = None  # ONNX models exported from the packaged one; None: <data_dir>/models
    embed_batch_size: int = 32  # chunks per model call (torch, onnx; onnx-int8 embeds one text per call)
    chunk_size: int = 254  # tokens; clamped to the embedder's max_seq_length - 2
    chunk_overlap: int = 0  # tokens; 0 measured best on SciFact train queries (docs/retrieval.md)


class SearchSettings(Group):
    """Search modes, fusion, BM25 and the search cache (chosen on SciFact train queries, docs/retrieval.md)."""

    search_mode: SearchMode = "hybrid"  # mode of searches that name none
    fusion_k: float = 5.0  # reciprocal rank fusion: score = sum of weight / (k + rank)
    fusion_dense_weight: float = 0.85
    fusion_keyword_weight: float = 1.0
    fusion_candidates: int = 40  # hits each run contributes to hybrid fusion (as good as 100 for a top 10)
    bm25_k1: float = 0.9  # keyword search: BM25 term-frequency saturation
    bm25_b: float = 0.6  # keyword search: BM25 length normalisation (0 none, 1 full)
    # memory = this process (serve with its in-process worker); redis = shared by every process
    search_cache: Literal["none", "memory", "redis"] = "none"
    search_cache_ttl_seconds: float = 300.0
    search_cache_max_entries: int = 1024  # memory cache only (LRU beyond it)


class LlmSettings(Group):
    """The language model for answers and metadata extraction: any OpenAI-compatible server (docs/answers.md)."""

    llm: Literal["openai", "none"] = "openai"  # none: answers are 503 llm_unavailable unless extractive
    llm_base_url: str = "http://localhost:1234/v1"  # LM Studio; Ollama: http://localhost:11434/v1
    llm_model: str | None = None  # unset: the first model the server lists
    llm_api_key: str | None = None
    llm_timeout_seconds: float = 60.0  # per request; for a stream, between two chunks
    llm_max_retries: int = 2  # on connection errors, 408, 409, 429 and 5xx, with backoff
    llm_context_tokens: int = 4096  # the model's context window: prompt + answer
    llm_max_answer_tokens: int = 512  # reserved for the answer within the context window
    llm_chars_per_token: float = 3.0  # token estimate: ceil(characters / this); low = conservative
    llm_temperature: float = 0.2


class ServerSettings(Group):
    """The HTTP servers (API and compute service) and logging."""

    host: str = "127.0.0.1"
    port: int = 8000
    access_log: bool = False  # uvicorn's line per request: ~10% of a cached search's server time (docs/performance.md)
    log_level: str = "INFO"
    max_upload_bytes: int = 100 * 1024 * 1024  # largest accepted file
    web_secret: str | None = None  # signs the web UI's CSRF tokens; unset: random per process (one API process)

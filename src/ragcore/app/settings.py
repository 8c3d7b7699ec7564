"""Typed settings from ``RAGCORE_*`` environment variables and an optional YAML file.

Precedence: init arguments > environment > YAML file (``RAGCORE_CONFIG``) > defaults.
Defaults are the embedded single-box setup under ``RAGCORE_DATA_DIR`` (``./.ragcore``).
"""

import ipaddress
import json
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses (127.0.0.0/8, ::1)."""
    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAGCORE_", extra="ignore")

    data_dir: Path = Path(".ragcore")
    database_url: str | None = None  # sqlite:///..., mysql://..., postgresql://...; default: SQLite in data_dir
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_prefix: str = "ragcore"  # every Redis key starts with it
    chroma_url: str = "http://127.0.0.1:8001"  # used when vector_store is chroma-http
    store_prefix: str = "rc_"  # names of this deployment's vector-store collections start with it
    catalog: Literal["sql", "memory"] = "sql"
    registry: Literal["sql", "redis", "memory"] = "sql"
    jobs: Literal["sql", "redis", "memory"] = "sql"
    vector_store: Literal["chroma", "chroma-http", "memory"] = "chroma"
    blob_store: Literal["filesystem", "memory"] = "filesystem"
    keyword_index: Literal["sql", "memory"] = "sql"  # BM25 keyword search; sql works across processes
    compute: Literal["local", "remote"] = "local"  # remote: the compute service at compute_urls
    compute_urls: Annotated[list[str], NoDecode] = []  # base URLs; env: comma-separated or a JSON list
    compute_timeout_seconds: float = 120.0  # per compute request (connect: at most 5 s)
    compute_retries: int = 3  # extra rounds over every URL, with exponential backoff, before compute_unavailable

    chunk_size: int = 254  # tokens; clamped to the embedder's max_seq_length - 2
    chunk_overlap: int = 0  # tokens; 0 measured best on SciFact train queries (docs/retrieval.md)
    # Search (chosen on SciFact train queries, see docs/retrieval.md)
    search_mode: Literal["dense", "keyword", "hybrid"] = "hybrid"  # mode of searches that name none
    fusion_k: float = 5.0  # reciprocal rank fusion: score = sum of weight / (k + rank)
    fusion_dense_weight: float = 0.85
    fusion_keyword_weight: float = 1.0
    fusion_candidates: int = 40  # hits each run contributes to hybrid fusion (as good as 100 for a top 10)
    bm25_k1: float = 0.9  # keyword search: BM25 term-frequency saturation (chosen on train, like fusion)
    bm25_b: float = 0.6  # keyword search: BM25 length normalisation (0 none, 1 full)
    # Search cache: memory = this process (serve with its in-process worker); redis = shared by every process
    search_cache: Literal["none", "memory", "redis"] = "none"
    search_cache_ttl_seconds: float = 300.0
    search_cache_max_entries: int = 1024  # memory cache only (LRU beyond it)
    embed_batch_size: int = 32
    upsert_batch_size: Annotated[int, Field(ge=1)] = 256  # most chunks per vector-store upsert (see docs/ingestion.md)
    # Embedding backend of new collections (each collection pins its own): torch, or ONNX Runtime fp32 / int8
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = "torch"
    model_cache_dir: Path | None = None  # ONNX models exported from the packaged one; default <data_dir>/models
    max_upload_bytes: int = 100 * 1024 * 1024
    lease_seconds: float = 60.0
    job_progress_seconds: float = 1.0  # a running job's progress is written at most this often (0: every step)
    max_attempts: int = 3
    worker_poll_seconds: float = 0.5
    # jobs a worker leases and runs together, their chunks embedded as one length-sorted stream; 1 = one at a time
    worker_batch_documents: Annotated[int, Field(ge=1)] = 64
    stuck_after_seconds: float = 600.0  # a queued/processing document unchanged this long without a job is lost
    reconcile_seconds: float = 60.0  # how often each worker re-queues documents whose jobs were lost
    host: str = "127.0.0.1"
    port: int = 8000
    access_log: bool = False  # uvicorn's line per request: ~10% of a cached search's server time (docs/performance.md)
    log_level: str = "INFO"

    # Language model for answers and metadata extraction: any OpenAI-compatible server (docs/answers.md)
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

    # Access (docs/security.md). auth unset: disabled when `serve` binds loopback, required otherwise.
    auth: Literal["required", "disabled"] | None = None
    cors_origins: Annotated[list[str], NoDecode] = []  # allowed browser origins; empty: CORS off
    rate_limit_search: str = "120/minute"  # per API key ("limits" notation: N/second|minute|hour|day)
    rate_limit_answers: str = "30/minute"  # per API key
    rate_limit_upload: str = "60/minute"  # per API key, per upload request
    rate_limit_auth_failures: str = "20/minute"  # failed authentications per client address
    compute_token: str | None = None  # shared bearer token of the compute service (sent and checked)

    @field_validator("compute_urls", "cors_origins", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        """``a,b`` or ``["a", "b"]`` (env) or a YAML list -> list of non-empty URLs."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [url.strip() for url in text.split(",") if url.strip()]
        return value

    @model_validator(mode="after")
    def _remote_compute_needs_urls(self) -> "Settings":
        if self.compute == "remote" and not self.compute_urls:
            raise ValueError("RAGCORE_COMPUTE=remote needs RAGCORE_COMPUTE_URLS (comma-separated base URLs)")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        yaml_file = os.environ.get("RAGCORE_CONFIG")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if yaml_file:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=yaml_file))
        return tuple(sources)

    @property
    def sql_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'ragcore.db').resolve()}"

    @property
    def local_search_cache(self) -> bool:
        """Whether a cached search touches no network: the in-process cache, and catalog and registry in
        memory or in a SQLite file (the single-box default). The API then tries the cache on its event
        loop (~0.5 ms of reads), saving the thread hand-off (~0.5 ms); with a network store in the way it
        never blocks the loop."""
        stores = (self.catalog, self.registry)
        sqlite = self.sql_url.startswith("sqlite")
        return self.search_cache == "memory" and all(s == "memory" or (s == "sql" and sqlite) for s in stores)

    def auth_mode(self, host: str | None = None) -> Literal["required", "disabled"]:
        """``auth`` when set; otherwise disabled on a loopback ``host`` (default ``self.host``), else required."""
        return self.auth or ("disabled" if is_loopback(host or self.host) else "required")

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def blob_path(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def model_cache_path(self) -> Path:
        return self.model_cache_dir or self.data_dir / "models"

    def ensure_dirs(self) -> None:
        """Create the data directory and the embedded stores' folders."""
        for path in (self.data_dir, self.chroma_path, self.blob_path):
            path.mkdir(parents=True, exist_ok=True)

"""Typed settings from ``RAGCORE_*`` environment variables and an optional YAML file.

Precedence: init arguments > environment > YAML file (``RAGCORE_CONFIG``) > defaults.
Defaults are the embedded single-box setup under ``RAGCORE_DATA_DIR`` (``./.ragcore``).
"""

import os
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, YamlConfigSettingsSource


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
    compute: Literal["local"] = "local"

    chunk_size: int = 254  # tokens; clamped to the embedder's max_seq_length - 2
    chunk_overlap: int = 32  # tokens
    embed_batch_size: int = 32
    max_upload_bytes: int = 100 * 1024 * 1024
    lease_seconds: float = 60.0
    max_attempts: int = 3
    worker_poll_seconds: float = 0.5
    stuck_after_seconds: float = 600.0  # a queued/processing document unchanged this long without a job is lost
    reconcile_seconds: float = 60.0  # how often each worker re-queues documents whose jobs were lost
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"

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
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def blob_path(self) -> Path:
        return self.data_dir / "blobs"

    def ensure_dirs(self) -> None:
        """Create the data directory and the embedded stores' folders."""
        for path in (self.data_dir, self.chroma_path, self.blob_path):
            path.mkdir(parents=True, exist_ok=True)

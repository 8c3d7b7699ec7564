"""Typed settings, grouped by concern: ``settings.storage``, ``.queue``, ``.compute``, ``.embedding``,
``.search``, ``.llm``, ``.server`` (``groups.py``), ``.access`` (``access.py``).

Users set the same flat ``RAGCORE_*`` variables (or YAML keys) as ever: each group reads the names of
its own fields, so ``RAGCORE_BM25_K1`` lands in ``settings.search.bm25_k1``. Code passes overrides by
the same flat names: ``Settings(data_dir=..., bm25_k1=1.2)``.
"""

from pathlib import Path
from typing import Any

from pydantic import BaseModel, model_validator

from ragcore.app.settings.access import AccessSettings, AuthMode, is_loopback
from ragcore.app.settings.groups import (
    ComputeSettings,
    EmbeddingSettings,
    Group,
    LlmSettings,
    QueueSettings,
    SearchSettings,
    ServerSettings,
    StorageSettings,
)

GROUPS: dict[str, type[Group]] = {
    "storage": StorageSettings, "queue": QueueSettings, "compute": ComputeSettings, "embedding": EmbeddingSettings,
    "search": SearchSettings, "llm": LlmSettings, "server": ServerSettings, "access": AccessSettings,
}


class Settings(BaseModel):
    """Every setting of a deployment, one group per concern. Raises pydantic's ValidationError for a bad
    value, TypeError for a name that is no setting."""

    storage: StorageSettings
    queue: QueueSettings
    compute: ComputeSettings
    embedding: EmbeddingSettings
    search: SearchSettings
    llm: LlmSettings
    server: ServerSettings
    access: AccessSettings

    def __init__(self, **overrides: Any) -> None:
        """``overrides``: flat setting names (``bm25_k1=1.2``) over environment, YAML file and defaults."""
        unknown = set(overrides).difference(*(group.model_fields for group in GROUPS.values()))
        if unknown:
            raise TypeError(f"not a setting: {', '.join(sorted(unknown))}")
        super().__init__(**{
            name: group(**{key: value for key, value in overrides.items() if key in group.model_fields})
            for name, group in GROUPS.items()
        })

    @model_validator(mode="after")
    def _model_cache_in_data_dir(self) -> "Settings":
        if self.embedding.model_cache_dir is None:
            self.embedding.model_cache_dir = self.storage.data_dir / "models"
        return self

    @property
    def local_search_cache(self) -> bool:
        """Whether a cached search touches no network: the in-process cache, and catalog and registry in
        memory or in a SQLite file (the single-box default). The API then tries the cache on its event
        loop (~0.5 ms of reads), saving the thread hand-off (~0.5 ms); with a network store in the way it
        never blocks the loop."""
        storage = self.storage
        sqlite = storage.sql_url.startswith("sqlite")
        stores = (storage.catalog, storage.registry)
        return self.search.search_cache == "memory" and all(s == "memory" or (s == "sql" and sqlite) for s in stores)

    def auth_mode(self, host: str | None = None) -> AuthMode:
        """"required" or "disabled": ``RAGCORE_AUTH`` when set, else by ``host`` (default ``server.host``)."""
        return self.access.auth_mode(host or self.server.host)

    def ensure_dirs(self) -> None:
        """Create the data directory and the embedded stores' folders."""
        for path in (self.storage.data_dir, self.storage.chroma_path, self.storage.blob_path):
            Path(path).mkdir(parents=True, exist_ok=True)


__all__ = ["GROUPS", "AccessSettings", "AuthMode", "ComputeSettings", "EmbeddingSettings", "LlmSettings",
           "QueueSettings", "SearchSettings", "ServerSettings", "Settings", "StorageSettings", "is_loopback"]

"""Ports: what the domain needs from the outside world. Adapters implement these Protocols.

Grouped by area in ``stores``, ``retrieval`` and ``compute``; every name is importable from here.

Every method may raise ``Unavailable`` when its backend cannot be reached. Adapters translate
driver errors into domain errors; no driver type crosses this boundary.
"""

from ragcore.domain.ports.compute import (
    Chunker,
    Embedder,
    EmbedderRegistry,
    LanguageModel,
    MetadataExtractor,
    Parser,
    ProgressCallback,
)
from ragcore.domain.ports.identity import AccessStore, AuditLog, IdentityStore, PasswordHasher
from ragcore.domain.ports.retrieval import KeywordIndex, SearchCache, VectorStore
from ragcore.domain.ports.stores import BlobStore, Clock, CollectionCatalog, DocumentRepository, JobQueue

__all__ = [
    "AccessStore",
    "AuditLog",
    "IdentityStore",
    "PasswordHasher",
    "BlobStore",
    "Chunker",
    "Clock",
    "CollectionCatalog",
    "DocumentRepository",
    "Embedder",
    "EmbedderRegistry",
    "JobQueue",
    "KeywordIndex",
    "LanguageModel",
    "MetadataExtractor",
    "Parser",
    "ProgressCallback",
    "SearchCache",
    "VectorStore",
]

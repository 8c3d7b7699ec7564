"""Collections: named, access-checked sets of documents that pin an embedding model."""

from ragcore.domain.collections.service import CollectionService

__all__ = ["CollectionService"]

"""Ingestion: parse, chunk, embed and store the documents of leased jobs."""

from ragcore.domain.ingestion.service import IngestionService

__all__ = ["IngestionService"]

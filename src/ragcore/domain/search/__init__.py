"""Search: dense, keyword and hybrid retrieval, metadata filters, fusion and the result cache."""

from ragcore.domain.search.service import SearchLookup, SearchService

__all__ = ["SearchLookup", "SearchService"]

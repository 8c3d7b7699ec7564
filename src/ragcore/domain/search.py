"""Search use case: query text -> top_k chunks of ready documents, best first."""

import msgspec

from ragcore.domain.collections import CollectionService, check_pinned_model
from ragcore.domain.errors import Invalid
from ragcore.domain.models import SearchHit
from ragcore.domain.ports import DocumentRepository, Embedder, VectorStore

MAX_TOP_K = 100
MAX_QUERY_CHARS = 4000


class SearchService:
    def __init__(
        self,
        *,
        collections: CollectionService,
        documents: DocumentRepository,
        vectors: VectorStore,
        embedder: Embedder,
    ) -> None:
        self._collections = collections
        self._documents = documents
        self._vectors = vectors
        self._embedder = embedder

    def search(self, collection_name: str, query: str, top_k: int = 5) -> list[SearchHit]:
        """Up to ``top_k`` hits (score = cosine similarity) from documents whose status is ``ready``.

        Raises Invalid "invalid_query" / "invalid_top_k" (1..100), NotFound "collection_not_found"
        (nothing is created), Conflict "embedding_dimension_mismatch".
        """
        if not query.strip() or len(query) > MAX_QUERY_CHARS:
            raise Invalid(f"query must be 1-{MAX_QUERY_CHARS} characters, not blank", code="invalid_query")
        if not 1 <= top_k <= MAX_TOP_K:
            raise Invalid(f"top_k must be between 1 and {MAX_TOP_K}", code="invalid_top_k")
        collection = self._collections.get(collection_name)
        check_pinned_model(collection, self._embedder)
        embedding = self._embedder.embed_query(query)
        # Over-fetch: chunks of documents still processing (or being deleted) are filtered out.
        hits = self._vectors.query(collection.store_id, embedding, top_k * 2 + 10)
        ready = self._documents.get_many(sorted({h.chunk.document_id for h in hits}))
        out = []
        for hit in hits:
            doc = ready.get(hit.chunk.document_id)
            if doc is not None and doc.status == "ready":
                chunk = msgspec.structs.replace(hit.chunk, filename=doc.filename)
                out.append(msgspec.structs.replace(hit, chunk=chunk))
        return out[:top_k]

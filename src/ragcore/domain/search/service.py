"""Search use case: query text -> top_k chunks of ready documents, best first.

Modes: "dense" (embedding nearest neighbours, score = cosine similarity), "keyword" (BM25, score =
BM25) and "hybrid" (both runs fused by weighted reciprocal rank fusion, score = RRF score).
"""

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import msgspec

from ragcore.domain.collections.service import CollectionService
from ragcore.domain.errors import Invalid
from ragcore.domain.models import Collection, Document, SearchHit
from ragcore.domain.ports import DocumentRepository, KeywordIndex, SearchCache, VectorStore
from ragcore.domain.search.cache import SearchResults
from ragcore.domain.search.filters import Predicate, compile_filter
from ragcore.domain.search.fusion import Fusion, reciprocal_rank_fusion

SearchMode = Literal["dense", "keyword", "hybrid"]
SEARCH_MODES: tuple[str, ...] = get_args(SearchMode)
MAX_TOP_K = 100
MAX_QUERY_CHARS = 4000
# Dense and keyword runs ask for top_k + OVERFETCH hits, then 4x as many while chunks of documents that
# are not ready (processing, being deleted) push ready ones out, up to MAX_DEPTH hits. Every hit a store
# returns costs: Chroma took 2.2 ms for 30 hits vs 1.2 ms for 10 (2026-11-30).
OVERFETCH = 5
MAX_DEPTH = 1000


@dataclass(frozen=True)

class SearchLookup:
    """A checked search request, its collection, cache key and cached hits (None: a miss or no cache)."""

    collection: Collection
    query: str
    top_k: int
    mode: str
    predicate: Predicate | None
    key: str | None
    hits: list[SearchHit] | None


class SearchService:
    def __init__(
        self,
        *,
        collections: CollectionService,
        documents: DocumentRepository,
        vectors: VectorStore,
        keywords: KeywordIndex,
        default_mode: str = "hybrid",
        fusion: Fusion | None = None,
        cache: SearchCache | None = None,
    ) -> None:
        """``default_mode``: the mode of searches that name none; ``fusion``: hybrid parameters;
        ``cache``: recent results per collection generation (None: every search runs)."""
        self._collections = collections
        self._documents = documents
        self._vectors = vectors
        self._keywords = keywords
        self._default_mode = _check_mode(default_mode)
        self._fusion = fusion or Fusion()
        self._cache = SearchResults(cache)

    @property
    def default_mode(self) -> str:
        """The mode of searches that name none."""
        return self._default_mode

    def search(
        self,
        collection_name: str,
        query: str,
        top_k: int = 5,
        *,
        mode: str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> list[SearchHit]:
        """Up to ``top_k`` hits of documents whose status is ``ready`` (and that match ``filters``).

        ``mode``: "dense" | "keyword" | "hybrid" (None: the configured default); ``filters``: see
        domain/search/filters.py. Raises Invalid "invalid_query" / "invalid_top_k" (1..100) / "invalid_mode" /
        "invalid_filter", NotFound "collection_not_found" (nothing is created), Conflict
        "embedding_dimension_mismatch" / "embedding_backend_mismatch" (dense and hybrid). A repeated
        search may be served from the cache; its hits are re-checked against the registry, so a deleted
        document never comes back.
        """
        found = self.lookup(collection_name, query, top_k, mode=mode, filters=filters)
        return found.hits if found.hits is not None else self.complete(found)

    def lookup(
        self,
        collection_name: str,
        query: str,
        top_k: int = 5,
        *,
        mode: str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> SearchLookup:
        """``search``'s first half: the request checked, its collection found and its cached hits, if any
        (re-checked against the registry). Reads only the catalog, the cache and the registry, never the
        model or the vector store, so a caller may look up on an event loop and ``complete`` a miss in a
        thread. Raises as ``search``."""
        mode, predicate = self._checked(query, top_k, mode, filters)
        collection = self._collections.get(collection_name)
        key = self._cache.key(collection.id, query, top_k, mode, filters)
        cached = self._cache.get(key)
        hits = None if cached is None else _ready(cached, self._ready_documents(cached))
        return SearchLookup(collection, query, top_k, mode, predicate, key, hits)

    def complete(self, found: SearchLookup) -> list[SearchHit]:
        """``search``'s second half for a lookup that missed the cache: run it and cache its hits."""
        hits = self._run(found.collection, found.query, found.top_k, found.mode, found.predicate)
        self._cache.put(found.key, hits)
        return hits

    def _checked(
        self, query: str, top_k: int, mode: str | None, filters: Mapping[str, Any] | None
    ) -> tuple[str, Predicate | None]:
        """(mode, compiled filter) of a valid request; raises the Invalid errors ``search`` lists."""
        mode = self._default_mode if mode is None else _check_mode(mode)
        if is_blank(query) or len(query) > MAX_QUERY_CHARS:
            raise Invalid(f"query must be 1-{MAX_QUERY_CHARS} characters, not blank", code="invalid_query")
        if not 1 <= top_k <= MAX_TOP_K:
            raise Invalid(f"top_k must be between 1 and {MAX_TOP_K}", code="invalid_top_k")
        return mode, None if filters is None else compile_filter(filters)

    def _run(
        self, collection: Collection, query: str, top_k: int, mode: str, predicate: Predicate | None
    ) -> list[SearchHit]:
        allowed = None if predicate is None else self._matching(collection, predicate)
        if allowed is not None and not allowed:
            return []
        store_id = collection.store_id
        if mode == "keyword":
            return self._ready_top(lambda depth: self._keywords.query(store_id, query, depth, allowed), top_k)
        embedding = self._collections.embedder(collection).embed_query(query)  # its pinned backend
        if mode == "dense":
            return self._ready_top(lambda depth: self._vectors.query(store_id, embedding, depth, allowed), top_k)
        depth = max(top_k * 2 + 10, self._fusion.candidates)  # fusion needs its candidates from both runs
        dense_hits = self._vectors.query(store_id, embedding, depth, allowed)
        keyword_hits = self._keywords.query(store_id, query, depth, allowed)
        ready = self._ready_documents([*dense_hits, *keyword_hits])
        runs = [(_ready(dense_hits, ready), self._fusion.dense_weight),
                (_ready(keyword_hits, ready), self._fusion.keyword_weight)]
        return reciprocal_rank_fusion(runs, self._fusion.k)[:top_k]

    def _ready_top(self, run: Callable[[int], list[SearchHit]], top_k: int) -> list[SearchHit]:
        """The first ``top_k`` hits of ready documents among ``run(depth)``'s, deepening while needed."""
        depth = top_k + OVERFETCH
        while True:
            hits = run(depth)
            ready = _ready(hits, self._ready_documents(hits))
            if len(ready) >= top_k or len(hits) < depth or depth >= MAX_DEPTH:
                return ready[:top_k]
            depth = min(depth * 4, MAX_DEPTH)

    def _matching(self, collection: Collection, predicate: Predicate) -> frozenset[str]:
        """Ids of the collection's ready documents that match the filter."""
        documents = self._documents.list(collection_id=collection.id, status="ready")
        return frozenset(d.id for d in documents if predicate(d))

    def _ready_documents(self, hits: Sequence[SearchHit]) -> dict[str, Document]:
        found = self._documents.get_many(sorted({h.chunk.document_id for h in hits}))
        return {doc_id: doc for doc_id, doc in found.items() if doc.status == "ready"}


def _check_mode(mode: str) -> str:
    if mode not in SEARCH_MODES:
        raise Invalid(f"mode must be one of {', '.join(SEARCH_MODES)}, not {mode!r}", code="invalid_mode")
    return mode


def _ready(hits: Sequence[SearchHit], ready: Mapping[str, Document]) -> list[SearchHit]:
    """The hits of ready documents, in order, each with its document's current filename."""
    out = []
    for hit in hits:
        doc = ready.get(hit.chunk.document_id)
        if doc is not None:
            out.append(msgspec.structs.replace(hit, chunk=msgspec.structs.replace(hit.chunk, filename=doc.filename)))
    return out


def is_blank(text: str) -> bool:
    """Whether ``text`` holds nothing but white space and invisible format characters (Unicode category
    Cf: zero-width space and joiners, byte-order mark, directional marks...)."""
    return not "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()

"""In-memory ``KeywordIndex``: a pure-Python Okapi BM25 over chunk texts, for tests and demos.

Same semantics as the SQL + bm25s adapter (tests/contract/test_keyword_index.py holds both to them);
the scores differ (no stemming, a tiny stopword list), the rules do not.
"""

import math
import re
import threading
from collections import Counter
from collections.abc import Collection, Sequence

from ragcore.domain.errors import Invalid
from ragcore.domain.ingestion.service import embedding_text
from ragcore.domain.models import Chunk, SearchHit

_WORD = re.compile(r"\w\w+")
_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or", "that",
    "the", "this", "to", "was", "were", "with",
})


def terms(text: str) -> list[str]:
    """Lower-cased words of at least two characters, without stopwords."""
    return [w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]


class MemoryKeywordIndex:
    """``KeywordIndex`` in a dict of store id -> chunk id -> (chunk, term counts), scored by BM25 with
    term-frequency saturation ``k1`` and length normalisation ``b``. Thread-safe."""

    def __init__(self, *, k1: float, b: float) -> None:
        self._k1, self._b = k1, b
        self._stores: dict[str, dict[str, tuple[Chunk, Counter[str]]]] = {}
        self._lock = threading.Lock()

    def index(self, store_id: str, chunks: Sequence[Chunk]) -> None:
        """Insert or replace by chunk id."""
        with self._lock:
            store = self._stores.setdefault(store_id, {})
            for chunk in chunks:
                store[chunk.id] = (chunk, Counter(terms(embedding_text(chunk))))

    def delete_documents(self, store_id: str, document_ids: Collection[str]) -> None:
        """No error when the documents have no chunks."""
        wanted = set(document_ids)
        with self._lock:
            store = self._stores.get(store_id, {})
            for key in [k for k, (c, _) in store.items() if c.document_id in wanted]:
                del store[key]

    def drop(self, store_id: str) -> None:
        """No error when absent."""
        with self._lock:
            self._stores.pop(store_id, None)

    def query(
        self, store_id: str, text: str, top_k: int, document_ids: frozenset[str] | None = None
    ) -> list[SearchHit]:
        """Best first, score = BM25 (> 0); ties by chunk id. Raises Invalid "invalid_top_k"."""
        if top_k < 1:
            raise Invalid(f"top_k must be at least 1, not {top_k}", code="invalid_top_k")
        with self._lock:
            records = list(self._stores.get(store_id, {}).values())
        query = set(terms(text))
        if not records or not query:
            return []
        hits = [
            SearchHit(chunk=chunk, score=score)
            for chunk, score in zip((c for c, _ in records), _bm25(records, query, self._k1, self._b), strict=True)
            if score > 0 and (document_ids is None or chunk.document_id in document_ids)
        ]
        hits.sort(key=lambda h: (-h.score, h.chunk.id))
        return hits[:top_k]


def _bm25(records: Sequence[tuple[Chunk, Counter[str]]], query: set[str], k1: float, b: float) -> list[float]:
    """Okapi BM25 (Lucene's idf, with the (k1 + 1) factor) of each record for the query terms."""
    n = len(records)
    average = sum(sum(c.values()) for _, c in records) / n or 1.0
    frequency = {t: sum(1 for _, c in records if t in c) for t in query}
    idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}
    scores = []
    for _, counts in records:
        norm = k1 * (1 - b + b * sum(counts.values()) / average)
        scores.append(sum(idf[t] * counts[t] * (k1 + 1) / (counts[t] + norm) for t in query if counts[t]))
    return scores

"""An immutable in-memory BM25 index of chunks on bm25s (English stopwords, Snowball English stemmer).

bm25s, numpy and PyStemmer are imported lazily, the first time an index is built.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any, NamedTuple

from ragcore.domain.ingestion.service import embedding_text
from ragcore.domain.models import Chunk, SearchHit

_STEMMER: Any = None
_STEMMER_LOCK = threading.Lock()  # a PyStemmer object must not be used by two threads at once


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased words of two or more characters, English stopwords removed, stemmed."""
    import bm25s

    global _STEMMER
    with _STEMMER_LOCK:
        if _STEMMER is None:
            import Stemmer

            _STEMMER = Stemmer.Stemmer("english")
        return bm25s.tokenize(list(texts), stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False)


class Bm25Parameters(NamedTuple):
    """BM25's term-frequency saturation ``k1`` and length normalisation ``b`` (Lucene variant)."""

    k1: float
    b: float


class Bm25Index:
    """BM25 (Lucene variant, ``parameters``: k1 and b) over ``chunks``, each searched by heading path + text.

    ``version`` labels the stored state it was built from. Thread-safe for queries.
    """

    def __init__(self, version: str, chunks: Sequence[Chunk], parameters: Bm25Parameters) -> None:
        import bm25s
        import numpy as np

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import

        self.version = version
        self._chunks = list(chunks)
        self._documents = np.array([c.document_id for c in self._chunks], dtype=object)
        self._retriever = bm25s.BM25(k1=parameters.k1, b=parameters.b)
        if self._chunks:
            self._retriever.index(tokenize([embedding_text(c) for c in self._chunks]), show_progress=False)

    def __len__(self) -> int:
        return len(self._chunks)

    def search(self, text: str, top_k: int, document_ids: frozenset[str] | None = None) -> list[SearchHit]:
        """Up to ``top_k`` chunks with a positive score, best first (ties: the order of ``chunks``)."""
        import numpy as np

        (query,) = tokenize([text])
        if not self._chunks or not query:
            return []
        scores = self._retriever.get_scores(query)
        if document_ids is not None:
            keep = np.fromiter((d in document_ids for d in self._documents), dtype=bool, count=len(self._chunks))
            scores = np.where(keep, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        best = candidates[np.argsort(-scores[candidates], kind="stable")][:top_k]
        return [SearchHit(chunk=self._chunks[i], score=float(scores[i])) for i in best]

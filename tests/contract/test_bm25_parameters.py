"""Bm25Index (bm25s) and the in-memory index apply the configured k1 and b: scores equal Lucene's BM25 by hand."""

import math

import pytest

from ragcore.adapters.bm25 import Bm25Index, Bm25Parameters, tokenize
from ragcore.adapters.memory_keywords import MemoryKeywordIndex
from ragcore.domain.models import Chunk

TEXTS = ["lease renewal", "lease expiry worker heartbeat queue timeout", "vector store collection"]


def lucene_bm25(term: str, texts: list[str], k1: float, b: float) -> list[float]:
    """Lucene's BM25 (no (k1 + 1) factor, as since Lucene 8) of a one-term query for every text:
    idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)), idf = ln(1 + (N - df + 0.5) / (df + 0.5))."""
    docs = tokenize(texts)
    (stem,) = tokenize([term])[0]
    avgdl = sum(map(len, docs)) / len(docs)
    df = sum(stem in d for d in docs)
    idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
    scores = []
    for d in docs:
        tf = d.count(stem)
        scores.append(idf * tf / (tf + k1 * (1 - b + b * len(d) / avgdl)) if tf else 0.0)
    return scores


@pytest.mark.parametrize(("k1", "b"), [(0.9, 0.6), (1.5, 0.75), (1.2, 0.0)])
def test_scores_follow_k1_and_b(k1, b):
    chunks = [Chunk(id=f"d{i}:0", document_id=f"d{i}", index=0, text=t) for i, t in enumerate(TEXTS)]
    index = Bm25Index("v1", chunks, Bm25Parameters(k1, b))
    hits = index.search("lease", top_k=10)
    expected = lucene_bm25("lease", TEXTS, k1, b)
    assert {h.chunk.id: h.score for h in hits} == pytest.approx(
        {f"d{i}:0": s for i, s in enumerate(expected) if s > 0}, rel=1e-5)


def test_without_length_normalisation_equal_term_counts_score_equal():
    chunks = [Chunk(id=f"d{i}:0", document_id=f"d{i}", index=0, text=t) for i, t in enumerate(TEXTS)]
    short, long = Bm25Index("v1", chunks, Bm25Parameters(k1=0.9, b=0.0)).search("lease", top_k=10)
    assert short.score == pytest.approx(long.score, rel=1e-6)


@pytest.mark.parametrize(("k1", "b"), [(0.9, 0.6), (1.5, 0.75), (1.2, 0.0)])
def test_the_in_memory_index_applies_the_same_k1_and_b(k1, b):
    """The fake once scored with fixed 1.5 / 0.75 whatever RAGCORE_BM25_* said; now it takes them, and
    ranks as Lucene's BM25 (its scores carry the constant (k1 + 1) factor Lucene 8 dropped)."""
    chunks = [Chunk(id=f"d{i}:0", document_id=f"d{i}", index=0, text=t) for i, t in enumerate(TEXTS)]
    index = MemoryKeywordIndex(k1=k1, b=b)
    index.index("s", chunks)
    expected = lucene_bm25("lease", TEXTS, k1, b)
    assert {h.chunk.id: h.score for h in index.query("s", "lease", 10)} == pytest.approx(
        {f"d{i}:0": (k1 + 1) * s for i, s in enumerate(expected) if s > 0}, rel=1e-6)

"""Reciprocal rank fusion (Cormack, Clarke and Buettcher, SIGIR 2009) of ranked chunk lists."""

from collections.abc import Sequence

import msgspec

from ragcore.domain.models import SearchHit


class Fusion(msgspec.Struct, frozen=True, kw_only=True):
    """Hybrid-search parameters: ``k`` damps the weight of top ranks; the weights scale each run;
    ``candidates`` is how many hits each run contributes (at least the requested top_k)."""

    k: float = 5.0
    dense_weight: float = 0.85
    keyword_weight: float = 1.0
    candidates: int = 40


def reciprocal_rank_fusion(runs: Sequence[tuple[Sequence[SearchHit], float]], k: float) -> list[SearchHit]:
    """Fuse ``(hits best first, weight)`` runs: score(chunk) = sum of weight / (k + rank), rank 1-based.

    Chunks are identified by id; each keeps the first run's copy. Best first; equal scores keep the
    order in which the chunks were first seen (run by run). Raises ValueError if ``k`` < 0.
    """
    if k < 0:
        raise ValueError(f"k must be >= 0, not {k}")
    scores: dict[str, float] = {}
    hits: dict[str, SearchHit] = {}
    for run, weight in runs:
        for rank, hit in enumerate(run, 1):
            key = hit.chunk.id
            hits.setdefault(key, hit)
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    order = sorted(scores, key=lambda key: -scores[key])  # stable: ties keep first-seen order
    return [msgspec.structs.replace(hits[key], score=scores[key]) for key in order]

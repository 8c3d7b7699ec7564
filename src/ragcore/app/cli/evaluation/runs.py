"""Running queries through SearchService and scoring the runs with ir-measures (trec_eval's measures).

Chunk hits map to documents by their best chunk (max score). The run handed to ir-measures scores
each document by its rank (n, n-1, ...), so trec_eval's tie-breaking (by document id) can never
reorder what ragcore returned.
"""

import time
from collections.abc import Callable, Mapping, Sequence

import msgspec

from ragcore.app.cli.evaluation.beir import Qrels, Query
from ragcore.domain.errors import Invalid
from ragcore.domain.models import SearchHit
from ragcore.domain.search.service import SearchService

Run = dict[str, dict[str, float]]
MEASURES = {"nDCG@10": "nDCG@10", "Recall@100": "R@100", "MRR@10": "RR@10"}  # reported name -> ir-measures


class ModeResult(msgspec.Struct, frozen=True, kw_only=True):
    """Mean of each measure over every judged query (a query without hits scores 0); wall time of the
    queries in seconds."""

    mode: str
    queries: int
    metrics: dict[str, float]
    seconds: float


def document_ranking(hits: Sequence[SearchHit], beir_ids: Mapping[str, Sequence[str]]) -> list[str]:
    """BEIR document ids, best first: each document at the rank of its best chunk."""
    ranked: list[str] = []
    seen: set[str] = set()
    for hit in sorted(hits, key=lambda h: -h.score):  # stable: equal scores keep the service's order
        for beir_id in beir_ids.get(hit.chunk.document_id, ()):
            if beir_id not in seen:
                seen.add(beir_id)
                ranked.append(beir_id)
    return ranked


def run_queries(
    search: SearchService, collection: str, queries: Sequence[Query], beir_ids: Mapping[str, Sequence[str]],
    *, mode: str, top_k: int, advance: Callable[[], None],
) -> tuple[Run, float]:
    """``({query id: {BEIR id: rank score}}, seconds)``; a query the service rejects gets no hits."""
    run: Run = {}
    started = time.monotonic()
    for query in queries:
        try:
            hits = search.search(collection, query.text, top_k, mode=mode)
        except Invalid:  # e.g. a blank query: nothing retrieved
            hits = []
        ranked = document_ranking(hits, beir_ids)
        run[query.id] = {doc: float(len(ranked) - rank) for rank, doc in enumerate(ranked)}
        advance()
    return run, time.monotonic() - started


def measure(qrels: Qrels, run: Run) -> dict[str, float]:
    """Mean nDCG@10, Recall@100 and MRR@10 over every query of ``qrels`` (missing from ``run``: 0)."""
    import ir_measures

    measures = {ir_measures.parse_measure(spec): name for name, spec in MEASURES.items()}
    totals = dict.fromkeys(MEASURES, 0.0)
    scored = {q: docs for q, docs in run.items() if q in qrels and docs}
    for metric in ir_measures.iter_calc(list(measures), qrels, scored):
        totals[measures[metric.measure]] += metric.value
    return {name: round(total / max(1, len(qrels)), 4) for name, total in totals.items()}

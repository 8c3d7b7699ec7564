"""How many hits each run must contribute to hybrid fusion for a top-10 search (the API's default
top_k), on SciFact's TRAIN queries only: nDCG@10 and MRR@10 of top_k 10 searches, and the share of
queries whose top 10 equals the one fused from the most candidates.

Needs a data dir ingested by ``ragcore eval --data-dir DIR`` (any qrels); fusion k and weights are the
configured ones (``RAGCORE_FUSION_*``).

    .venv/bin/python bench/tune_candidates.py --data-dir /tmp/ragcore-eval/DIR [--json results.json]
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_split  # noqa: E402  (bench/ is not a package)

from ragcore.app.cli.evaluation import ingest, runs  # noqa: E402
from ragcore.domain.search.fusion import Fusion  # noqa: E402
from ragcore.domain.search.service import SearchService  # noqa: E402

CANDIDATES = [100, 60, 40, 30]  # below 30 a top-10 search still fetches top_k * 2 + 10 = 30 per run
TOP_K = 10


def main() -> None:
    args = train_split.parser(__doc__.splitlines()[0]).parse_args()
    container, qrels, queries, ids = train_split.load(args)
    stores, services, settings = container.stores, container.services, container.settings().search
    ports = dict(collections=services.collections(), documents=stores.documents(), vectors=stores.vectors(),
                 keywords=stores.keywords())
    SearchService(**ports).search(ingest.COLLECTION, queries[0].text, TOP_K, mode="hybrid")  # builds BM25 once
    results, reference = [], None
    for candidates in CANDIDATES:
        fusion = Fusion(k=settings.fusion_k, dense_weight=settings.fusion_dense_weight,
                        keyword_weight=settings.fusion_keyword_weight, candidates=candidates)
        run, seconds = runs.run_queries(SearchService(**ports, fusion=fusion), ingest.COLLECTION, queries, ids,
                                        mode="hybrid", top_k=TOP_K, advance=lambda: None)
        reference = reference or run
        same = sum(sorted(run[q], key=run[q].get) == sorted(reference[q], key=reference[q].get) for q in run)
        metrics = runs.measure(qrels, run)
        results.append({"candidates": candidates, "nDCG@10": metrics["nDCG@10"], "MRR@10": metrics["MRR@10"],
                        "same_top10_as_first": round(same / len(run), 4),
                        "ms_per_query": round(1000 * seconds / len(run), 2)})
        print(json.dumps(results[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps({"queries": len(queries), "top_k": TOP_K, "results": results}, indent=1))


if __name__ == "__main__":
    main()

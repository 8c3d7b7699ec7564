"""Choose the hybrid fusion parameters (RRF k, dense/keyword weights) on SciFact's TRAIN queries only.

Needs a data dir ingested by ``ragcore eval --data-dir DIR`` (any qrels). Each grid point runs every
train query through the real SearchService in hybrid mode; the dense and keyword runs it fuses are
memoised (same query -> same runs), so a grid point costs only the fusion and the registry look-ups.

    .venv/bin/python bench/tune_fusion.py --data-dir /tmp/ragcore-eval/c254o32 [--json results.json]
"""

import argparse
import json
from pathlib import Path

from dependency_injector import providers

from ragcore.app.bootstrap import bootstrap
from ragcore.app.container import embedder_provider
from ragcore.app.evaluation import beir, ingest, runs
from ragcore.app.settings import Settings
from ragcore.domain.fusion import Fusion
from ragcore.domain.search import SearchService

SCIFACT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "scifact"
KS = [5, 10, 20, 30, 45, 60, 80, 100, 150]
DENSE_WEIGHTS = [0.5, 0.7, 0.85, 1.0, 1.2, 1.5, 2.0]  # keyword weight 1: only the ratio matters


class Memo:
    """Proxy memoising one method of a port by its arguments."""

    def __init__(self, inner, method: str) -> None:
        self._inner, self._method, self._cache = inner, method, {}

    def __getattr__(self, name):
        if name != self._method:
            return getattr(self._inner, name)

        def call(*args):
            key = tuple(tuple(a) if isinstance(a, list) else a for a in args)
            if key not in self._cache:
                self._cache[key] = getattr(self._inner, name)(*args)
            return self._cache[key]

        return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--qrels", type=Path, default=SCIFACT / "qrels_train.tsv")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if "test" in args.qrels.name:
        raise SystemExit("tune on the train split only")
    container = bootstrap(Settings(data_dir=args.data_dir), log_level="WARNING")
    qrels = beir.read_qrels(args.qrels)
    queries = [q for q in beir.read_queries(SCIFACT / "queries.jsonl") if q.id in qrels]
    ids = ingest.beir_ids(container, beir.read_corpus(SCIFACT / "corpus.jsonl"))
    stores, services = container.stores, container.services
    embedder = embedder_provider(container.compute, services.collections().get(ingest.COLLECTION).embedding_backend)
    embedder.override(providers.Object(Memo(embedder(), "embed_query")))  # the eval collection's backend
    ports = dict(collections=services.collections(), documents=stores.documents(),
                 vectors=Memo(stores.vectors(), "query"), keywords=Memo(stores.keywords(), "query"))
    results = []
    for k in KS:
        for weight in DENSE_WEIGHTS:
            search = SearchService(**ports, fusion=Fusion(k=k, dense_weight=weight, keyword_weight=1.0))
            run, _ = runs.run_queries(search, ingest.COLLECTION, queries, ids, mode="hybrid", top_k=100,
                                      advance=lambda: None)
            results.append({"k": k, "dense_weight": weight, "keyword_weight": 1.0, **runs.measure(qrels, run)})
            print(json.dumps(results[-1]), flush=True)
    best = max(results, key=lambda r: (r["nDCG@10"], r["Recall@100"]))
    print("best on train:", json.dumps(best))
    if args.json:
        args.json.write_text(json.dumps({"queries": len(queries), "grid": results, "best": best}, indent=1))


if __name__ == "__main__":
    main()

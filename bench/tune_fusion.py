"""Choose the hybrid fusion parameters (RRF k, dense/keyword weights) on SciFact's TRAIN queries only.

Needs a data dir ingested by ``ragcore eval --data-dir DIR`` (any qrels). Each grid point runs every
train query through the real SearchService in hybrid mode; the dense and keyword runs it fuses are
memoised (same query -> same runs), so a grid point costs only the fusion and the registry look-ups.

    .venv/bin/python bench/tune_fusion.py --data-dir /tmp/ragcore-eval/c254o32 [--json results.json]
"""

import json
import sys
from pathlib import Path

from dependency_injector import providers

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_split  # noqa: E402  (bench/ is not a package)

from ragcore.app.cli.evaluation import ingest, runs  # noqa: E402
from ragcore.app.container import embedder_provider  # noqa: E402
from ragcore.domain.search.fusion import Fusion  # noqa: E402
from ragcore.domain.search.service import SearchService  # noqa: E402

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
    args = train_split.parser(__doc__.splitlines()[0]).parse_args()
    container, qrels, queries, ids = train_split.load(args)
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
    train_split.report(results, len(queries), args.json)


if __name__ == "__main__":
    main()

"""Choose BM25's k1 and b for the keyword run on SciFact's TRAIN queries only.

Needs a data dir ingested by ``ragcore eval --data-dir DIR`` (any qrels). Each grid point builds the
BM25 index of the collection's stored chunk texts with its k1 and b (``SqlKeywordIndex``) and runs
every train query through the real SearchService in keyword mode (a container per grid point, built
from the same settings with ``bm25_k1``/``bm25_b`` set). Rule: the highest keyword nDCG@10
(ties: higher Recall@100, then grid order).

    .venv/bin/python bench/tune_bm25.py --data-dir /tmp/ragcore-eval/c254o0 [--json results.json]
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_split  # noqa: E402  (bench/ is not a package)

from ragcore.app.bootstrap import bootstrap  # noqa: E402
from ragcore.app.cli.evaluation import ingest, runs  # noqa: E402
from ragcore.app.settings import Settings  # noqa: E402

K1S = [0.6, 0.9, 1.2, 1.5, 1.8, 2.1]
BS = [0.3, 0.45, 0.6, 0.75, 0.9, 1.0]


def main() -> None:
    parser = train_split.parser(__doc__.splitlines()[0])
    parser.add_argument("--k1", type=float, nargs="+", default=K1S)
    parser.add_argument("--b", type=float, nargs="+", default=BS)
    args = parser.parse_args()
    _, qrels, queries, ids = train_split.load(args)
    results = []
    for k1 in args.k1:
        for b in args.b:
            point = bootstrap(Settings(data_dir=args.data_dir, bm25_k1=k1, bm25_b=b), log_level="WARNING")
            run, _ = runs.run_queries(point.services.search(), ingest.COLLECTION, queries, ids, mode="keyword",
                                      top_k=100, advance=lambda: None)
            results.append({"k1": k1, "b": b, **runs.measure(qrels, run)})
            print(json.dumps(results[-1]), flush=True)
    train_split.report(results, len(queries), args.json)


if __name__ == "__main__":
    main()

"""Choose BM25's k1 and b for the keyword run on SciFact's TRAIN queries only.

Needs a data dir ingested by ``ragcore eval --data-dir DIR`` (any qrels). Each grid point builds the
BM25 index of the collection's stored chunk texts with its k1 and b (``SqlKeywordIndex``) and runs
every train query through the real SearchService in keyword mode (a container per grid point, built
from the same settings with ``bm25_k1``/``bm25_b`` set). Rule: the highest keyword nDCG@10
(ties: higher Recall@100, then grid order).

    .venv/bin/python bench/tune_bm25.py --data-dir /tmp/ragcore-eval/c254o0 [--json results.json]
"""

import argparse
import json
from pathlib import Path

from ragcore.app.bootstrap import bootstrap
from ragcore.app.evaluation import beir, ingest, runs
from ragcore.app.settings import Settings

SCIFACT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "scifact"
K1S = [0.6, 0.9, 1.2, 1.5, 1.8, 2.1]
BS = [0.3, 0.45, 0.6, 0.75, 0.9, 1.0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--qrels", type=Path, default=SCIFACT / "qrels_train.tsv")
    parser.add_argument("--k1", type=float, nargs="+", default=K1S)
    parser.add_argument("--b", type=float, nargs="+", default=BS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if "test" in args.qrels.name:
        raise SystemExit("tune on the train split only")
    container = bootstrap(Settings(data_dir=args.data_dir), log_level="WARNING")
    qrels = beir.read_qrels(args.qrels)
    queries = [q for q in beir.read_queries(SCIFACT / "queries.jsonl") if q.id in qrels]
    ids = ingest.beir_ids(container, beir.read_corpus(SCIFACT / "corpus.jsonl"))
    results = []
    for k1 in args.k1:
        for b in args.b:
            point = bootstrap(Settings(data_dir=args.data_dir, bm25_k1=k1, bm25_b=b), log_level="WARNING")
            search = point.services.search()
            run, _ = runs.run_queries(search, ingest.COLLECTION, queries, ids, mode="keyword", top_k=100,
                                      advance=lambda: None)
            results.append({"k1": k1, "b": b, **runs.measure(qrels, run)})
            print(json.dumps(results[-1]), flush=True)
    best = max(results, key=lambda r: (r["nDCG@10"], r["Recall@100"]))
    print("best on train:", json.dumps(best))
    if args.json:
        args.json.write_text(json.dumps({"queries": len(queries), "grid": results, "best": best}, indent=1))


if __name__ == "__main__":
    main()

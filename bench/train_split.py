"""What the tuning scripts share: their arguments, the train split over an ingested data dir, the report.

Parameters are chosen on SciFact's TRAIN queries only; a qrels file named "test" is refused.
"""

import argparse
import json
from pathlib import Path
from typing import Any

from ragcore.app.bootstrap import bootstrap
from ragcore.app.cli.evaluation import beir, ingest
from ragcore.app.settings import Settings

SCIFACT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "scifact"


def parser(description: str) -> argparse.ArgumentParser:
    """``--data-dir`` (ingested by ``ragcore eval --data-dir``), ``--qrels`` (train), ``--json``."""
    found = argparse.ArgumentParser(description=description)
    found.add_argument("--data-dir", type=Path, required=True)
    found.add_argument("--qrels", type=Path, default=SCIFACT / "qrels_train.tsv")
    found.add_argument("--json", type=Path)
    return found


def load(args: argparse.Namespace) -> tuple[Any, beir.Qrels, list[beir.Query], dict[str, list[str]]]:
    """(container on the data dir, qrels, the judged queries, ragcore document id -> BEIR ids)."""
    if "test" in args.qrels.name:
        raise SystemExit("tune on the train split only")
    container = bootstrap(Settings(data_dir=args.data_dir), log_level="WARNING")
    qrels = beir.read_qrels(args.qrels)
    queries = [q for q in beir.read_queries(SCIFACT / "queries.jsonl") if q.id in qrels]
    ids = ingest.beir_ids(container, beir.read_corpus(SCIFACT / "corpus.jsonl"))
    return container, qrels, queries, ids


def report(results: list[dict], queries: int, path: Path | None) -> None:
    """Print the best grid point (highest nDCG@10, then Recall@100, then grid order); write all to ``path``."""
    best = max(results, key=lambda r: (r["nDCG@10"], r["Recall@100"]))
    print("best on train:", json.dumps(best))
    if path:
        path.write_text(json.dumps({"queries": queries, "grid": results, "best": best}, indent=1))

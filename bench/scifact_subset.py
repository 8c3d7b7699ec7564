"""Write a SciFact TRAIN subset for choosing chunk size and overlap: the documents relevant to the train
queries plus a fixed random sample of the others (ingesting all 5,183 abstracts per setting costs ~20
minutes on 2 cores).

    .venv/bin/python bench/scifact_subset.py OUT_DIR [--others 700] [--seed 0]
"""

import argparse
import json
import random
from pathlib import Path

SCIFACT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "scifact"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--others", type=int, default=700)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows = [line.split("\t") for line in (SCIFACT / "qrels_train.tsv").read_text().splitlines()[1:]]
    relevant = {row[1] for row in rows}
    lines = (SCIFACT / "corpus.jsonl").read_text().splitlines()
    ids = [json.loads(line)["_id"] for line in lines]
    sampled = set(random.Random(args.seed).sample(sorted(set(ids) - relevant), args.others))
    args.out.mkdir(parents=True, exist_ok=True)
    keep = relevant | sampled
    kept = [line for line, i in zip(lines, ids, strict=True) if i in keep]
    (args.out / "corpus.jsonl").write_text("".join(f"{line}\n" for line in kept))
    print(f"{len(keep)} documents ({len(relevant)} relevant to {len({r[0] for r in rows})} train queries)")


if __name__ == "__main__":
    main()

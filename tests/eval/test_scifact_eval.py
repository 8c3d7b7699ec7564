"""``ragcore eval`` end to end on a small fixed SciFact subset: real Docling, MiniLM, Chroma, SQL + bm25s.

The subset is built here, deterministically, from ../shared/data/scifact: the first QUERIES test
queries of qrels_test.tsv, a corpus of their relevant documents plus OTHERS documents sampled with a
fixed seed from the rest. The floors below were measured once with this very test (see MEASURED) and
sit a little under the measured figures, so a retrieval regression fails it while float noise does not.
"""

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragcore.app.cli import app
from tests.conftest import shared_path

QUERIES, OTHERS, SEED = 20, 150, 0

# Measured once, on 2026-11-30, by this test itself (`ragcore eval --mode all` on the subset above with
# the parameters chosen on the train split: chunk size 254, overlap 0, fusion k 5, dense weight 0.85,
# keyword weight 1, BM25 k1 0.9, b 0.6; 169 documents, 20 queries; 62 s on 2 busy cores). Each floor is
# the measured value minus 0.03.
MEASURED = {
    "dense": {"nDCG@10": 0.9293, "Recall@100": 1.0, "MRR@10": 0.9},
    "keyword": {"nDCG@10": 0.8807, "Recall@100": 0.95, "MRR@10": 0.9},
    "hybrid": {"nDCG@10": 0.9367, "Recall@100": 1.0, "MRR@10": 0.925},
}
FLOORS = {mode: {name: round(value - 0.03, 3) for name, value in m.items()} for mode, m in MEASURED.items()}


def build_subset(folder: Path) -> tuple[Path, Path, Path, int]:
    """Write corpus.jsonl and qrels.tsv of the subset into ``folder``; the queries file is SciFact's own.

    Returns (corpus, queries, qrels, number of corpus documents)."""
    scifact = shared_path("scifact")
    rows = [line.split("\t") for line in (scifact / "qrels_test.tsv").read_text().splitlines()[1:]]
    chosen = list(dict.fromkeys(row[0] for row in rows))[:QUERIES]
    kept = [row for row in rows if row[0] in chosen]
    relevant = {row[1] for row in kept}
    lines = (scifact / "corpus.jsonl").read_text().splitlines()
    ids = [json.loads(line)["_id"] for line in lines]
    sampled = set(random.Random(SEED).sample(sorted(set(ids) - relevant), OTHERS))
    corpus, qrels = folder / "corpus.jsonl", folder / "qrels.tsv"
    corpus.write_text("".join(f"{line}\n" for line, i in zip(lines, ids, strict=True) if i in relevant | sampled))
    qrels.write_text("query-id\tcorpus-id\tscore\n" + "".join("\t".join(row) + "\n" for row in kept))
    return corpus, scifact / "queries.jsonl", qrels, len(relevant | sampled)


@pytest.mark.timeout(300)
def test_eval_on_a_scifact_subset_stays_above_its_floors(tmp_path):
    corpus, queries, qrels, documents = build_subset(tmp_path)
    args = ["eval", "--corpus", str(corpus), "--queries", str(queries), "--qrels", str(qrels), "--mode", "all",
            "--chunk-size", "254", "--chunk-overlap", "0", "--fusion-k", "5", "--dense-weight", "0.85",
            "--keyword-weight", "1", "--bm25-k1", "0.9", "--bm25-b", "0.6", "--data-dir", str(tmp_path / "data"),
            "--json"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    ingest = report["ingest"]
    assert (report["queries"], ingest["documents"], ingest["failed"], ingest["truncated_chunks"]) == (
        QUERIES, documents, 0, 0)
    print(json.dumps(report["modes"], indent=1))
    for mode, floors in FLOORS.items():
        for name, floor in floors.items():
            assert report["modes"][mode][name] >= floor, (mode, name, report["modes"][mode])

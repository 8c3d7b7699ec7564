"""``ragcore eval``: retrieval quality on a BEIR-format dataset, through the real ingestion and search."""

import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ragcore.app.cli.output import console, err_console, fail_on_domain_error
from ragcore.domain.models import EMBEDDING_BACKENDS
from ragcore.domain.search.service import SEARCH_MODES

_FILE = {"exists": True, "dir_okay": False, "readable": True}


def evaluate(
    corpus: Annotated[Path, typer.Option(help="BEIR corpus.jsonl (_id, title, text)", **_FILE)],
    queries: Annotated[Path, typer.Option(help="BEIR queries.jsonl (only _id and text are read)", **_FILE)],
    qrels: Annotated[Path, typer.Option(help="qrels TSV: query-id, corpus-id, score (with a header)", **_FILE)],
    mode: Annotated[list[str] | None, typer.Option(help="dense, keyword, hybrid or all; repeatable "
                                                         "(default: the configured search mode)")] = None,
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=100, help="chunk hits per query")] = 100,
    data_dir: Annotated[Path | None, typer.Option(help="keep the ingested data here and reuse it on later runs "
                                                       "(default: a temporary folder, deleted)")] = None,
    chunk_size: Annotated[int | None, typer.Option(help="tokens (default RAGCORE_CHUNK_SIZE)")] = None,
    chunk_overlap: Annotated[int | None, typer.Option(help="tokens (default RAGCORE_CHUNK_OVERLAP)")] = None,
    fusion_k: Annotated[float | None, typer.Option(help="RRF k (default RAGCORE_FUSION_K)")] = None,
    dense_weight: Annotated[float | None, typer.Option(help="RRF weight of the dense run")] = None,
    keyword_weight: Annotated[float | None, typer.Option(help="RRF weight of the keyword run")] = None,
    bm25_k1: Annotated[float | None, typer.Option("--bm25-k1", help="BM25 k1 (default RAGCORE_BM25_K1)")] = None,
    bm25_b: Annotated[float | None, typer.Option("--bm25-b", help="BM25 b (default RAGCORE_BM25_B)")] = None,
    embedding_backend: Annotated[str | None, typer.Option(
        "--embedding-backend", help=f"{', '.join(EMBEDDING_BACKENDS)} (default RAGCORE_EMBEDDING_BACKEND)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the results as JSON")] = False,
) -> None:
    """Ingest a BEIR corpus into a collection, run every judged query, print nDCG@10, Recall@100, MRR@10.

    Each corpus record becomes a markdown document "# <title>\\n\\n<text>"; chunk hits map to their
    document by max score; the measures come from ir-measures (trec_eval).
    """
    from ragcore.app.settings import Settings

    overrides = {"chunk_size": chunk_size, "chunk_overlap": chunk_overlap, "fusion_k": fusion_k,
                 "fusion_dense_weight": dense_weight, "fusion_keyword_weight": keyword_weight,
                 "bm25_k1": bm25_k1, "bm25_b": bm25_b, "embedding_backend": embedding_backend}
    base = Settings()
    current = base.embedding.model_dump() | base.search.model_dump()
    params = {key: value if value is not None else current[key] for key, value in overrides.items()}
    modes = _modes(mode or [base.search.search_mode])
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ragcore-eval-") as tmp, fail_on_domain_error():
        folder = (data_dir or Path(tmp)).resolve()
        result = _evaluate(folder, params, corpus, queries, qrels, modes, top_k)
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        _print(result)


def _modes(names: list[str]) -> list[str]:
    chosen = [m for name in names for m in (SEARCH_MODES if name == "all" else [name])]
    unknown = [m for m in chosen if m not in SEARCH_MODES]
    if unknown:
        raise typer.BadParameter(f"unknown mode {unknown[0]!r}; use {', '.join(SEARCH_MODES)} or all",
                                 param_hint="--mode")
    return list(dict.fromkeys(chosen))


def _evaluate(folder: Path, params: dict, corpus_path: Path, queries_path: Path, qrels_path: Path,
              modes: list[str], top_k: int) -> dict:
    import msgspec

    from ragcore.app.bootstrap import bootstrap
    from ragcore.app.cli.evaluation import beir, ingest, runs
    from ragcore.app.settings import Settings

    corpus, qrels = beir.read_corpus(corpus_path), beir.read_qrels(qrels_path)
    judged = [q for q in beir.read_queries(queries_path) if q.id in qrels]
    settings = Settings(
        data_dir=folder, database_url=None, catalog="sql", registry="sql", jobs="sql", vector_store="chroma",
        blob_store="filesystem", keyword_index="sql", compute="local", **params,
    )
    container = bootstrap(settings, log_level="WARNING")
    with _progress() as progress:
        task = progress.add_task("ingesting", total=None)
        report = ingest.ingest(container, folder, corpus, ingest.corpus_digest(corpus),
                               lambda done, total: progress.update(task, completed=done, total=total))
        ids = ingest.beir_ids(container, corpus)
        results = {}
        for mode in modes:
            task = progress.add_task(f"queries ({mode})", total=len(judged))
            run, seconds = runs.run_queries(container.services.search(), ingest.COLLECTION, judged, ids, mode=mode,
                                            top_k=top_k, advance=lambda t=task: progress.advance(t))
            results[mode] = {**runs.measure(qrels, run), "seconds": round(seconds, 1)}
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "corpus": str(corpus_path),
        "queries": len(judged), "qrels": str(qrels_path), "top_k": top_k, "data_dir": str(folder),
        "parameters": params, "ingest": msgspec.to_builtins(report), "modes": results,
    }


def _progress() -> Progress:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=err_console, transient=True)


def _print(result: dict) -> None:
    ing = result["ingest"]
    console.print(
        f"{result['queries']} queries, {ing['documents']} documents ({ing['failed']} failed), {ing['chunks']} "
        f"chunks ({ing['truncated_chunks']} truncated), ingest {ing['seconds']} s"
        f"{' (reused)' if ing['reused'] else ''}, parameters {result['parameters']}", markup=False,
    )
    table = Table("mode", "nDCG@10", "Recall@100", "MRR@10", "seconds")
    for mode, m in result["modes"].items():
        table.add_row(mode, f"{m['nDCG@10']:.4f}", f"{m['Recall@100']:.4f}", f"{m['MRR@10']:.4f}", str(m["seconds"]))
    console.print(table)
    console.print(f"wall time {result['wall_seconds']} s")

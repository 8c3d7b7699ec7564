"""``ragcore ingest PATH... --collection NAME [--create]``: upload files, run their jobs, summarise."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ragcore.app.cli.collections import BACKEND_HELP
from ragcore.app.cli.output import console, fail_on_domain_error
from ragcore.domain.errors import Conflict, NotFound, RagCoreError


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files and folders (searched recursively)", exists=True)],
    collection: Annotated[str, typer.Option("--collection", "-c", help="collection name")],
    create: Annotated[bool, typer.Option("--create", help="create the collection if it does not exist")] = False,
    embedding_backend: Annotated[str | None, typer.Option("--embedding-backend", help=BACKEND_HELP)] = None,
) -> None:
    """Ingest files into a collection; exits 1 if any file failed."""
    from ragcore.app.bootstrap import bootstrap
    from ragcore.app.worker.pool import worker_for

    container = bootstrap(log_level="WARNING")
    services = container.services
    with fail_on_domain_error():
        _ensure_collection(services.collections(), collection, create, embedding_backend)
    rows: dict[str, list[str]] = {}  # filename -> [status, chunks, reason]
    waiting: dict[str, str] = {}  # job id -> file label
    for path in _files(paths):
        try:
            (accepted,) = services.documents().upload(collection, [(path.name, path.read_bytes())])
        except RagCoreError as exc:
            rows[str(path)] = ["failed", "0", f"[{exc.code}] {exc.message}"]
            continue
        if accepted.job is not None and accepted.document.status not in ("ready", "failed"):
            waiting[accepted.job.id] = str(path)
        rows[str(path)] = _row(accepted.document)
    _run(worker_for(container), services, waiting, rows)
    _summary(rows)
    if any(r[0] != "ready" for r in rows.values()):
        raise typer.Exit(1)


def _ensure_collection(collections, name: str, create: bool, backend: str | None) -> None:
    """Create the collection if asked to; an existing one must pin ``backend`` when one is named."""
    try:
        existing = collections.get(name)
    except NotFound:
        if not create:
            raise
        collections.create(name, embedding_backend=backend)
        return
    if backend is not None and backend != existing.embedding_backend:
        raise Conflict(f"collection {name!r} pins the embedding backend {existing.embedding_backend!r}, "
                       f"not {backend!r}; a collection's backend is chosen when it is created",
                       code="embedding_backend_mismatch")


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        for p in candidates:
            rel = p.relative_to(path) if path.is_dir() else Path(p.name)
            if p.is_file() and not any(part.startswith(".") for part in rel.parts):
                out.append(p)
    return out


def _row(document) -> list[str]:
    reason = f"[{document.error_code}] {document.error_message}" if document.error_code else ""
    return [document.status, str(document.chunk_count), reason]


def _run(worker, services, waiting: dict[str, str], rows: dict[str, list[str]]) -> None:
    """Run the production worker loop in this process (RAGCORE_WORKER_BATCH_DOCUMENTS jobs at a time;
    another worker may take some) until every upload has ended."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("ingesting", total=len(waiting))

        def ended() -> bool:
            for job_id, label in list(waiting.items()):
                job = services.jobs().get(job_id)
                progress.update(task, description=escape(f"{Path(label).name}: {job.stage}"))
                if job.status in ("succeeded", "failed"):
                    rows[label] = _row(services.documents().get(job.document_id))
                    del waiting[job_id]
                    progress.advance(task)
            return not waiting

        worker.run_until(ended)


def _summary(rows: dict[str, list[str]]) -> None:
    table = Table("file", "status", "chunks", "reason")
    for label, (status, chunks, reason) in rows.items():
        colour = "green" if status == "ready" else "red"
        table.add_row(escape(label), f"[{colour}]{status}[/{colour}]", chunks, escape(reason))
    console.print(table)
    ready = sum(r[0] == "ready" for r in rows.values())
    console.print(f"{ready} ready, {len(rows) - ready} failed")

"""``ragcore collections create|list|show|delete``."""

from typing import Annotated

import typer

from ragcore.app.cli.output import console, fail_on_domain_error
from ragcore.domain.models import EMBEDDING_BACKENDS

app = typer.Typer(help="Manage collections.", no_args_is_help=True)
BACKEND_HELP = (f"embedding backend the collection pins: {', '.join(EMBEDDING_BACKENDS)} "
                "(default RAGCORE_EMBEDDING_BACKEND)")


def _services():
    from ragcore.app.bootstrap import bootstrap

    return bootstrap(log_level="WARNING").services


@app.command()
def create(
    name: str,
    extract_metadata: Annotated[
        bool, typer.Option("--extract-metadata", help="ingestion also extracts title, summary and keywords")
    ] = False,
    embedding_backend: Annotated[str | None, typer.Option("--embedding-backend", help=BACKEND_HELP)] = None,
) -> None:
    """Create a collection pinned to the embedding model and backend."""
    with fail_on_domain_error():
        c = _services().collections().create(
            name, extract_metadata=extract_metadata, embedding_backend=embedding_backend
        )
    console.print(
        f"created {c.name!r} ({c.embedding_model}, {c.embedding_dimension} dims, {c.embedding_backend})", markup=False
    )


@app.command("list")
def list_all() -> None:
    """List collections."""
    for c in _services().collections().list():
        typer.echo(f"{c.name}\t{c.embedding_model}\t{c.embedding_dimension}\t{c.embedding_backend}")


@app.command()
def show(name: str) -> None:
    """Show a collection with its counts of documents, chunks and bytes."""
    with fail_on_domain_error():
        s = _services().collections().stats(name)
    c = s.collection
    console.print(
        f"{c.name}\nmodel: {c.embedding_model} ({c.embedding_dimension} dims)\n"
        f"embedding backend: {c.embedding_backend}\n"
        f"documents: {s.documents}\nchunks: {s.chunks}\nbytes: {s.bytes}",
        markup=False,
    )


@app.command()
def delete(name: str) -> None:
    """Delete a collection with all its documents, vectors and blobs."""
    with fail_on_domain_error():
        _services().collections().delete(name)
    console.print(f"deleted {name!r}", markup=False)

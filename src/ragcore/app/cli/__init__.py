"""The ``ragcore`` command line (typer)."""

import json
from typing import Annotated

import typer

from ragcore.app.cli import collections as collections_cli
from ragcore.app.cli.ask import ask
from ragcore.app.cli.doctor import doctor
from ragcore.app.cli.eval import evaluate
from ragcore.app.cli.grants import audit, grants_app
from ragcore.app.cli.ingest import ingest
from ragcore.app.cli.output import console, err_console, fail_on_domain_error
from ragcore.app.cli.users import keys_app, users_app
from ragcore.app.compute_service.cli import app as compute_app

app = typer.Typer(help="ragcore: document collections, ingestion and semantic search.", no_args_is_help=True)
app.add_typer(collections_cli.app, name="collections")
app.add_typer(compute_app, name="compute")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
app.add_typer(grants_app, name="grants")
app.command()(audit)
app.command()(ingest)
app.command()(doctor)
app.command()(ask)
app.command("eval")(evaluate)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="bind address (default RAGCORE_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default RAGCORE_PORT)")] = None,
    worker: Annotated[bool, typer.Option("--worker/--no-worker", help="also run an in-process worker")] = True,
    insecure: Annotated[bool, typer.Option("--insecure", help="allow a non-loopback bind with auth disabled")] = False,
) -> None:
    """Run the HTTP API (OpenAPI at /schema). Auth (RAGCORE_AUTH) defaults to disabled on a loopback bind,
    required otherwise; a non-loopback bind with auth disabled needs --insecure."""
    import uvicorn

    from ragcore.app.bootstrap import bootstrap
    from ragcore.app.http.app import create_app
    from ragcore.app.settings import Settings, is_loopback

    settings = Settings()
    server = settings.server
    bind = host or server.host
    auth_mode = settings.auth_mode(bind)
    if auth_mode == "disabled" and not is_loopback(bind) and not insecure:
        err_console.print(f"refusing to serve on {bind} with RAGCORE_AUTH=disabled: anyone who can reach the port "
                          "could read and delete every collection. Unset RAGCORE_AUTH (or set it to required) and "
                          "create a key with `ragcore users create NAME --admin`, or pass --insecure.", markup=False)
        raise typer.Exit(2)
    container = bootstrap(settings)
    uvicorn.run(create_app(container, run_worker=worker, auth_mode=auth_mode), host=bind,
                port=port or server.port, access_log=server.access_log)


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option("--concurrency", "-n", min=1, help="worker processes")] = 1,
) -> None:
    """Run worker processes until SIGTERM/SIGINT (each finishes its current job first)."""
    from ragcore.app.worker.pool import run_pool

    raise typer.Exit(run_pool(concurrency))


@app.command()
def migrate() -> None:
    """Create or upgrade the SQL schema (Alembic, to head)."""
    from ragcore.app.bootstrap import bootstrap

    storage = bootstrap(log_level="WARNING").settings().storage
    console.print(f"migrated {storage.sql_url}")


@app.command()
def search(
    query: str,
    collection: Annotated[str, typer.Option("--collection", "-c", help="collection name")],
    top_k: Annotated[int, typer.Option("--top-k", "-k", help="number of hits")] = 5,
    mode: Annotated[str | None, typer.Option(help="dense, keyword or hybrid (default RAGCORE_SEARCH_MODE)")] = None,
    filters: Annotated[str | None, typer.Option(help='metadata filter as JSON, e.g. {"content_type": "pdf"}')] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Search one collection (dense, keyword or hybrid), optionally filtered by document metadata."""
    import msgspec

    from ragcore.app.bootstrap import bootstrap
    from ragcore.app.schemas.search import SearchHitOut, decode_filters

    container = bootstrap(log_level="WARNING")
    with fail_on_domain_error():
        found = container.services.search().search(collection, query, top_k, mode=mode, filters=decode_filters(filters))
        hits = [SearchHitOut.of(h) for h in found]
    if as_json:
        typer.echo(json.dumps(msgspec.to_builtins(hits), ensure_ascii=False, indent=2))
        return
    for rank, hit in enumerate(hits, 1):
        pages = f" p.{','.join(map(str, hit.pages))}" if hit.pages else ""
        console.print(f"[bold]{rank}. {hit.filename}{pages}[/bold]  score {hit.score:.3f}")
        if hit.headings:
            console.print("   " + " > ".join(hit.headings), style="dim")
        console.print("   " + hit.text[:300].replace("\n", " "), markup=False)


def main() -> None:
    app()

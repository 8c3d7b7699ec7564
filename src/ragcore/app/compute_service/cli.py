"""``ragcore compute serve``: run the stateless compute service."""

from typing import Annotated

import typer

app = typer.Typer(help="The stateless compute service: parse, chunk, embed, extract metadata.", no_args_is_help=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8100,
    insecure: Annotated[bool, typer.Option("--insecure", help="allow a non-loopback bind without a token")] = False,
) -> None:
    """Serve POST /parse, /chunk, /embed, /extract-metadata and GET /health (OpenAPI at /schema).

    Reads RAGCORE_EMBED_BATCH_SIZE, RAGCORE_CHUNK_SIZE, RAGCORE_CHUNK_OVERLAP, RAGCORE_MAX_UPLOAD_BYTES,
    RAGCORE_MODEL_CACHE_DIR (exported ONNX models), RAGCORE_COMPUTE_TOKEN (the shared bearer token every
    caller must send) and RAGCORE_LOG_LEVEL; touches no store. Without a token it refuses a non-loopback
    bind unless --insecure.
    """
    import uvicorn

    from ragcore.app.compute_service.api import create_compute_app
    from ragcore.app.compute_service.runtime import ComputeRuntime
    from ragcore.app.logging import configure
    from ragcore.app.settings import Settings, is_loopback

    settings = Settings()
    token = settings.access.compute_token
    if not token and not is_loopback(host) and not insecure:
        typer.echo(f"refusing to serve compute on {host} without RAGCORE_COMPUTE_TOKEN: anyone who can reach the "
                   "port could use it. Set RAGCORE_COMPUTE_TOKEN (API and workers send it too) or pass --insecure.",
                   err=True)
        raise typer.Exit(2)
    configure(settings.server.log_level)
    api = create_compute_app(ComputeRuntime.from_settings(settings), max_upload_bytes=settings.server.max_upload_bytes,
                             token=token)
    uvicorn.run(api, host=host, port=port, access_log=False, log_level=settings.server.log_level.lower())

"""``ragcore compute serve``: run the stateless compute service."""

from typing import Annotated

import typer

app = typer.Typer(help="The stateless compute service: parse, chunk, embed, extract metadata.", no_args_is_help=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8100,
) -> None:
    """Serve POST /parse, /chunk, /embed, /extract-metadata and GET /health (OpenAPI at /schema).

    Reads RAGCORE_EMBED_BATCH_SIZE, RAGCORE_CHUNK_SIZE, RAGCORE_CHUNK_OVERLAP, RAGCORE_MAX_UPLOAD_BYTES,
    RAGCORE_MODEL_CACHE_DIR (exported ONNX models) and RAGCORE_LOG_LEVEL; touches no store.
    """
    import uvicorn

    from ragcore.app.compute_service.api import create_compute_app
    from ragcore.app.compute_service.runtime import ComputeRuntime
    from ragcore.app.logging import configure
    from ragcore.app.settings import Settings

    settings = Settings()
    configure(settings.server.log_level)
    api = create_compute_app(ComputeRuntime.from_settings(settings), max_upload_bytes=settings.server.max_upload_bytes)
    uvicorn.run(api, host=host, port=port, access_log=False, log_level=settings.server.log_level.lower())

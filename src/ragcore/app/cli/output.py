"""Console output shared by the CLI commands."""

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

from ragcore.domain.errors import RagCoreError

console = Console()
err_console = Console(stderr=True)


@contextmanager
def fail_on_domain_error() -> Iterator[None]:
    """Print a domain error as ``error [code]: message`` and exit 2, instead of a traceback."""
    try:
        yield
    except RagCoreError as exc:
        err_console.print(f"[red]error[/red] {escape(f'[{exc.code}]: {exc.message}')}", highlight=False)
        raise typer.Exit(2) from exc

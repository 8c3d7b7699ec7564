"""``ragcore ask QUESTION --collection NAME``: a grounded answer with its sources."""

import json
from typing import Annotated

import typer

from ragcore.app.cli.output import console, fail_on_domain_error


def ask(
    question: str,
    collection: Annotated[str, typer.Option("--collection", "-c", help="collection name")],
    top_k: Annotated[int, typer.Option("--top-k", "-k", help="passages to retrieve")] = 5,
    extractive: Annotated[bool, typer.Option("--extractive", help="best passages only, no language model")] = False,
    filters: Annotated[str | None, typer.Option("--filters", help='search filters as JSON: {"filename": "a.pdf"}')]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the answer as JSON (not streamed)")] = False,
) -> None:
    """Answer QUESTION from a collection's documents, citing them as [n] (the LLM of RAGCORE_LLM_*).

    The answer streams to the terminal, then its sources. Exit code 2 on an error, for example
    [llm_unavailable] when no language model answers (--extractive needs none).
    """
    import msgspec

    from ragcore.app.bootstrap import bootstrap
    from ragcore.app.schemas.answers import AnswerOut

    answers = bootstrap(log_level="WARNING").services.answers()
    options = {"top_k": top_k, "filters": _filters(filters)}
    with fail_on_domain_error():
        if as_json or extractive:
            answer = answers.answer(collection, question, mode="extractive" if extractive else "generate", **options)
        else:
            stream = answers.stream(collection, question, **options)
            for piece in stream:
                typer.echo(piece, nl=False)
            typer.echo()
            answer = stream.answer
    if as_json:
        typer.echo(json.dumps(msgspec.to_builtins(AnswerOut.of(answer)), ensure_ascii=False, indent=2))
        return
    _print_sources(answer)


def _filters(raw: str | None) -> dict | None:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"not JSON: {exc}", param_hint="--filters") from exc


def _print_sources(answer) -> None:
    if answer.text is None and not answer.citations:
        console.print("no passage matches the question", style="dim")
    for c in answer.citations:
        pages = f" p.{','.join(map(str, c.pages))}" if c.pages else ""
        console.print(f"[{c.marker}] {c.filename}{pages}  ({c.chunk_id})", markup=False, style="bold")
        if answer.mode == "extractive":
            console.print("    " + c.text[:300].replace("\n", " "), markup=False)
    if answer.dropped_markers:
        dropped = ", ".join(f"[{n}]" for n in answer.dropped_markers)
        console.print(f"dropped citation markers that point at no passage: {dropped}", markup=False, style="dim")

"""``ragcore doctor [--repair] [--json]``: find (and repair) drift between the stores."""

import json
from typing import Annotated

import typer

from ragcore.app.cli.output import fail_on_domain_error


def doctor(
    repair: Annotated[bool, typer.Option("--repair", help="repair what is found (stuck jobs: report only)")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Check catalog, registry, jobs, vectors and blobs against each other.

    Exit code 0 when nothing drifted (or everything found was repaired), 1 when drift remains, 2 when a
    store cannot be reached.
    """
    import msgspec

    from ragcore.app.bootstrap import bootstrap

    service = bootstrap(log_level="WARNING").services.doctor()
    with fail_on_domain_error():
        report = service.repair() if repair else service.check()
    if as_json:
        typer.echo(json.dumps(msgspec.to_builtins(report), ensure_ascii=False, indent=2))
    else:
        for f in report.findings:  # one line per finding, never wrapped: outcome, kind, action, detail
            typer.echo(f"{f.outcome:9} {f.kind:24} {f.action:19} {f.detail}")
        typer.echo("no drift" if report.clean else f"{len(report.findings)} finding(s)")
    raise typer.Exit(1 if report.unrepaired else 0)

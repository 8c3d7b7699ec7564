"""``ragcore grants add|remove|list`` and ``ragcore audit``: the local operator acts."""

import json
from datetime import datetime
from typing import Annotated

import typer

from ragcore.app.cli.output import console, fail_on_domain_error
from ragcore.app.cli.users import OPERATOR
from ragcore.domain.identity.models import AuditQuery

grants_app = typer.Typer(help="Give users read or write access to collections.", no_args_is_help=True)


def _container():
    from ragcore.app.bootstrap import bootstrap

    return bootstrap(log_level="WARNING")


@grants_app.command("add")
def add(collection: str, user: str, permission: Annotated[str, typer.Argument(help="read or write")]) -> None:
    """Give USER PERMISSION on COLLECTION (replaces an earlier grant)."""
    container = _container()
    with fail_on_domain_error():
        found = container.services.collections().get(collection)
        target = container.identity.users().user(user)
        container.identity.policy().grant(OPERATOR, found.id, collection, target, permission)
    console.print(f"{user} may now {permission} {collection!r}", markup=False)


@grants_app.command("remove")
def remove(collection: str, user: str) -> None:
    """Remove USER's grant on COLLECTION."""
    container = _container()
    with fail_on_domain_error():
        found = container.services.collections().get(collection)
        container.identity.policy().revoke(OPERATOR, found.id, collection, container.identity.users().user(user))
    console.print(f"removed {user}'s grant on {collection!r}", markup=False)


@grants_app.command("list")
def list_grants(collection: str) -> None:
    """The owner and the grants of COLLECTION."""
    container = _container()
    with fail_on_domain_error():
        found = container.services.collections().get(collection)
    names = {u.id: u.name for u in container.identity.users().list_users(OPERATOR)}
    owner = container.identity.access().owner(found.id)
    typer.echo(f"owner\t{names.get(owner, owner) if owner else '-'}")
    for grant in container.identity.policy().grants(found.id):
        typer.echo(f"{grant.permission}\t{names.get(grant.user_id, grant.user_id)}")


def audit(
    actor: Annotated[str | None, typer.Option(help="a user name, or cli, local, anonymous")] = None,
    target: Annotated[str | None, typer.Option(help='e.g. "collection:manuals", "key:<id>", "user:bob"')] = None,
    since: Annotated[datetime | None, typer.Option(help="ISO time, UTC when no zone is given")] = None,
    until: Annotated[datetime | None, typer.Option(help="ISO time, UTC when no zone is given")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Audit events, newest first: time, actor, action, target, request id, detail."""
    from datetime import UTC

    container = _container()
    user = container.identity.identities().get_user_by_name(actor) if actor else None
    query = AuditQuery(actor=user.id if user else actor, target=target, limit=limit,
                       since=since and (since if since.tzinfo else since.replace(tzinfo=UTC)),
                       until=until and (until if until.tzinfo else until.replace(tzinfo=UTC)))
    events = container.identity.auditor().query(query)
    if as_json:
        import msgspec

        typer.echo(json.dumps(msgspec.to_builtins(events), indent=2))
        return
    for e in events:
        typer.echo(f"{e.at:%Y-%m-%dT%H:%M:%S}Z\t{e.actor}\t{e.action}\t{e.target}\t{e.request_id}\t{e.detail}")

"""``ragcore users create|list|delete`` and ``ragcore keys create|list|revoke``: the local operator acts."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from ragcore.app.cli.output import console, fail_on_domain_error
from ragcore.domain.identity.models import Principal

users_app = typer.Typer(help="Manage users (each gets a first API key).", no_args_is_help=True)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
OPERATOR = Principal.operator("cli")


def identity():
    from ragcore.app.bootstrap import bootstrap

    return bootstrap(log_level="WARNING").identity


@users_app.command("create")
def create_user(
    name: str,
    admin: Annotated[bool, typer.Option("--admin", help="an admin: manages users, sees every collection")] = False,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="read a password from stdin")] = False,
) -> None:
    """Create a user and print its first API key: shown once, store it now."""
    password = typer.get_text_stream("stdin").readline().rstrip("\n") if password_stdin else None
    with fail_on_domain_error():
        user, issued = identity().users().create_user(OPERATOR, name, role="admin" if admin else "member",
                                                      password=password)
    console.print(f"created {user.role} {user.name!r}; API key (shown once):", markup=False)
    typer.echo(issued.token)


@users_app.command("list")
def list_users() -> None:
    """Users with their role."""
    for user in identity().users().list_users(OPERATOR):
        typer.echo(f"{user.name}\t{user.role}\t{user.created_at:%Y-%m-%d %H:%M}")


@users_app.command("delete")
def delete_user(name: str) -> None:
    """Delete a user with its keys and grants."""
    with fail_on_domain_error():
        identity().users().delete_user(OPERATOR, name)
    console.print(f"deleted user {name!r}", markup=False)


@keys_app.command("create")
def create_key(
    name: str,
    user: Annotated[str, typer.Option("--user", "-u", help="the user the key is for")],
    scope: Annotated[list[str] | None, typer.Option("--scope", "-s", help="read, write, admin (repeat)")] = None,
    expires_in_days: Annotated[int | None, typer.Option(min=1, help="expire after this many days")] = None,
) -> None:
    """Create an API key and print it: shown once."""
    expires = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None
    with fail_on_domain_error():
        issued = identity().users().create_key(OPERATOR, name=name, scopes=scope or ["read", "write"],
                                               expires_at=expires, user_name=user)
    console.print(f"created key {issued.key.id} ({', '.join(issued.key.scopes)}); shown once:", markup=False)
    typer.echo(issued.token)


@keys_app.command("list")
def list_keys(user: Annotated[str | None, typer.Option("--user", "-u", help="only this user's keys")] = None) -> None:
    """Keys: id, user id, name, scopes, expiry, last use, revocation (never the token)."""
    with fail_on_domain_error():
        keys = identity().users().list_keys(OPERATOR, user)
    for k in keys:
        state = "revoked" if k.revoked_at else "active"
        typer.echo(f"{k.id}\t{k.user_id}\t{k.name}\t{','.join(k.scopes)}\t{state}\t"
                      f"expires={k.expires_at or '-'}\tlast_used={k.last_used_at or '-'}")


@keys_app.command("revoke")
def revoke_key(key_id: str) -> None:
    """Revoke a key (by its id, the 12 hex characters after ``rc_live_``)."""
    with fail_on_domain_error():
        identity().users().revoke_key(OPERATOR, key_id)
    console.print(f"revoked key {key_id}", markup=False)

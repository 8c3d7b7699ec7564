"""``ragcore users|keys|grants|audit`` and ``serve``'s auth mode, on the embedded defaults in a temp data dir."""

import pytest
from typer.testing import CliRunner

from ragcore.app.cli import app


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("RAGCORE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RAGCORE_VECTOR_STORE", "memory")
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), catch_exceptions=False)


def test_users_create_prints_a_one_time_key_that_is_stored_as_a_hash(run, tmp_path) -> None:
    created = run("users", "create", "root", "--admin")
    token = created.output.strip().splitlines()[-1]
    assert created.exit_code == 0 and token.startswith("rc_live_") and len(token) == 64
    assert "created admin 'root'" in created.output
    assert token.encode() not in (tmp_path / "data" / "ragcore.db").read_bytes()
    listed = run("keys", "list", "--user", "root").output
    assert listed.startswith(token[8:20] + "\t") and "read,write,admin\tactive" in listed
    again = run("users", "create", "root")
    assert (again.exit_code, "[user_exists]" in again.output) == (2, True)


def test_keys_create_and_revoke(run) -> None:
    run("users", "create", "amy")
    created = run("keys", "create", "ci", "--user", "amy", "--scope", "read", "--expires-in-days", "7")
    key_id = created.output.strip().splitlines()[-1][8:20]
    assert "(read)" in created.output
    assert run("keys", "revoke", key_id).output.strip() == f"revoked key {key_id}"
    assert f"{key_id}\t" in run("keys", "list").output and "\trevoked\t" in run("keys", "list").output
    bad = run("keys", "create", "x", "--user", "amy", "--scope", "admin")
    assert (bad.exit_code, "only admin users may hold admin-scoped keys" in bad.output) == (2, True)


def test_grants_add_list_remove_and_the_audit_trail(run) -> None:
    run("users", "create", "amy")
    assert run("collections", "create", "manuals").exit_code == 0
    assert run("grants", "add", "manuals", "amy", "write").output.strip() == "amy may now write 'manuals'"
    assert run("grants", "list", "manuals").output == "owner\t-\nwrite\tamy\n"
    assert run("grants", "remove", "manuals", "amy").exit_code == 0
    missing = run("grants", "remove", "manuals", "amy")
    assert (missing.exit_code, "[grant_not_found]" in missing.output) == (2, True)
    bad = run("grants", "add", "manuals", "amy", "own")
    assert (bad.exit_code, "[invalid_permission]" in bad.output) == (2, True)
    actions = [line.split("\t")[2] for line in run("audit", "--actor", "cli").output.splitlines()]
    assert actions == ["grant.remove", "grant.add", "key.create", "user.create"]
    assert [line.split("\t")[2] for line in run("audit", "--target", "collection:manuals").output.splitlines()] == [
        "grant.remove", "grant.add"]


def test_serve_refuses_a_public_bind_with_auth_disabled(run, monkeypatch) -> None:
    monkeypatch.setenv("RAGCORE_AUTH", "disabled")
    result = run("serve", "--host", "0.0.0.0")
    assert result.exit_code == 2
    assert "refusing to serve on 0.0.0.0 with RAGCORE_AUTH=disabled" in result.output


def test_the_auth_mode_follows_the_bind_address(monkeypatch) -> None:
    from ragcore.app.settings import Settings

    monkeypatch.delenv("RAGCORE_AUTH", raising=False)
    assert [Settings().auth_mode(h) for h in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "10.1.2.3")] == [
        "disabled", "disabled", "disabled", "required", "required"]
    assert Settings(auth="required").auth_mode("127.0.0.1") == "required"

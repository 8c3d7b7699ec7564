"""Secrets never reach logs: the logs of a whole request cycle, and the redaction itself."""

import logging

import structlog
from litestar.testing import TestClient

from ragcore.app.http.app import create_app
from ragcore.app.logging import configure
from ragcore.domain.identity.models import Principal
from tests.http.access_world import bearer
from tests.http.conftest import make_container, run_jobs

PASSWORD = "a very secret passphrase 123"


def test_a_request_cycle_logs_no_key_password_or_authorization(tmp_path, embedder, parser, capsys, caplog) -> None:
    container = make_container(tmp_path / "data", embedder, parser)
    configure("DEBUG")
    caplog.set_level(logging.DEBUG)
    root = container.identity.users().create_user(Principal.operator(), "root", role="admin")[1].token
    with TestClient(app=create_app(container, run_worker=False, auth_mode="required")) as client:
        client.container = container
        created = client.post("/api/v1/users", json={"name": "amy", "password": PASSWORD}, headers=bearer(root))
        amy = created.json()["key"]["token"]
        assert client.post("/api/v1/collections", json={"name": "c"}, headers=bearer(amy)).status_code == 201
        files = [("files", ("a.md", b"# A\n\nbolts and torque\n", "text/markdown"))]
        assert client.post("/api/v1/collections/c/documents", files=files, headers=bearer(amy)).status_code == 202
        run_jobs(client)
        assert client.get("/api/v1/search", params={"q": "torque", "collection": "c"},
                          headers=bearer(amy)).status_code == 200
        assert client.get("/api/v1/collections", headers={"Authorization": f"Bearer {amy}x"}).status_code == 401
    logs = capsys.readouterr().err + caplog.text
    assert '"event": "authenticated"' in logs and '"event": "auth_failure"' in logs  # the cycle was logged
    for secret in (root, amy, amy[8:], PASSWORD, "Bearer rc_live"):
        assert secret not in logs


def test_the_processor_redacts_tokens_bearer_values_and_secret_fields(capsys) -> None:
    configure("INFO")
    token = "rc_live_0123456789ab_" + "S" * 43
    structlog.get_logger("t").info(f"header Authorization: Bearer {token}", authorization=f"Bearer {token}",
                                   password="hunter2hunter2", nested={"api_key": "k-123", "note": f"used {token}"},
                                   items=["Bearer abc.def"], key_id="0123456789ab")
    line = capsys.readouterr().err
    for secret in (token, "S" * 43, "hunter2hunter2", "k-123", "abc.def"):
        assert secret not in line
    assert '"key_id": "0123456789ab"' in line and line.count("[REDACTED]") == 6

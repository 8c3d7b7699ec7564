"""The people of the access-matrix tests: an admin, the owner of collection "manuals", a grantee with
read, one with write, a user without a grant, a revoked and an expired key; a ready document and its job."""

from datetime import timedelta

from ragcore.domain.identity.models import ApiKey, Principal
from ragcore.domain.identity.tokens import new_token, token_hash
from tests.http.conftest import run_jobs, upload

OPERATOR = Principal.operator()


def bearer(token: str | None) -> dict[str, str]:
    return {} if token is None else {"Authorization": f"Bearer {token}"}


def build_world(client) -> dict:
    """Tokens by identity, plus the ids of the document and job in "manuals"."""
    identity = client.container.identity
    users = identity.users()
    tokens = {"anonymous": None}
    for person, role in (("root", "admin"), ("olga", "member"), ("rita", "member"), ("walt", "member"),
                         ("xena", "member"), ("gina", "member")):
        tokens[person] = users.create_user(OPERATOR, person, role=role)[1].token
    created = client.post("/api/v1/collections", json={"name": "manuals"}, headers=bearer(tokens["olga"]))
    assert created.status_code == 201
    for person, permission in (("rita", "read"), ("walt", "write")):
        response = client.put("/api/v1/collections/manuals/grants", json={"user": person, "permission": permission},
                              headers=bearer(tokens["olga"]))
        assert response.status_code == 200, response.text
    guide = b"# Torque\n\nTighten the bolts to 40 Nm.\n"
    item = upload_as(client, tokens["olga"], "guide.md", guide).json()["items"][0]
    assert run_jobs(client) == 1
    revoked = users.create_key(OPERATOR, name="old", scopes=["read", "write"], user_name="walt")
    users.revoke_key(OPERATOR, revoked.key.id)
    return {"tokens": tokens | {"revoked": revoked.token, "expired": expired_key(client, "walt")},
            "document": item["document"]["id"], "job": item["job_id"]}


def upload_as(client, token: str | None, name: str, data: bytes):
    files = [("files", (name, data, "application/octet-stream"))]
    return client.post("/api/v1/collections/manuals/documents", files=files, headers=bearer(token))


def expired_key(client, user_name: str) -> str:
    """A key of ``user_name`` that expired a second ago (written through the port: the service refuses it)."""
    identity = client.container.identity
    user = identity.users().user(user_name)
    key_id, token = new_token()
    now = client.container.stores.clock().now()
    identity.identities().add_key(ApiKey(id=key_id, user_id=user.id, name="expired", key_hash=token_hash(token),
                                         scopes=("read", "write"), created_at=now - timedelta(days=1),
                                         expires_at=now - timedelta(seconds=1)))
    return token


__all__ = ["bearer", "build_world", "upload", "upload_as"]

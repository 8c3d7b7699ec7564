"""The access matrix over HTTP (auth required): every identity x every operation, the exact status.

The same table is in docs/security.md (a test below checks they agree). Columns: anonymous (no
header), read (rita: read grant on "manuals"), write (walt: write grant), admin (root), other (xena:
no grant), revoked and expired (keys of walt). "manuals" belongs to olga and holds one ready document.
"""

import json
from pathlib import Path

import pytest
from litestar.testing import TestClient

from ragcore.app.http.app import create_app
from tests.http.access_world import bearer, build_world, upload_as

MATRIX = """
| operation | anonymous | read | write | admin | other | revoked | expired |
|---|---|---|---|---|---|---|---|
| list collections | 401 | 200 | 200 | 200 | 200 | 401 | 401 |
| get collection | 401 | 200 | 200 | 200 | 404 | 401 | 401 |
| search | 401 | 200 | 200 | 200 | 404 | 401 | 401 |
| ask | 401 | 200 | 200 | 200 | 404 | 401 | 401 |
| upload | 401 | 403 | 202 | 202 | 404 | 401 | 401 |
| list documents | 401 | 200 | 200 | 200 | 404 | 401 | 401 |
| get document | 401 | 200 | 200 | 200 | 404 | 401 | 401 |
| delete document | 401 | 403 | 204 | 204 | 404 | 401 | 401 |
| chunks | 401 | 200 | 200 | 200 | 404 | 401 | 401 |
| job status | 401 | 200 | 200 | 200 | 404 | 401 | 401 |
| job events | 401 | 200 | 200 | 200 | 404 | 401 | 401 |
| delete collection | 401 | 403 | 403 | 204 | 404 | 401 | 401 |
| grant | 401 | 403 | 403 | 200 | 404 | 401 | 401 |
| create key | 401 | 201 | 201 | 201 | 201 | 401 | 401 |
"""
IDENTITIES = {"anonymous": "anonymous", "read": "rita", "write": "walt", "admin": "root", "other": "xena",
              "revoked": "revoked", "expired": "expired"}
CODES = {401: "unauthenticated", 403: "forbidden"}
NOT_FOUND = {"get document": "document_not_found", "delete document": "document_not_found",
             "chunks": "document_not_found", "job status": "job_not_found", "job events": "job_not_found"}
DESTRUCTIVE_LAST = ["delete document", "delete collection"]


def parse_matrix(text: str) -> dict[str, dict[str, int]]:
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in text.strip().splitlines()]
    header = rows[0][1:]
    return {row[0]: dict(zip(header, map(int, row[1:]), strict=True)) for row in rows[2:]}


EXPECTED = parse_matrix(MATRIX)


def call(client, operation: str, token: str | None, world: dict):
    h, doc, job = bearer(token), world["document"], world["job"]
    calls = {
        "list collections": lambda: client.get("/api/v1/collections", headers=h),
        "get collection": lambda: client.get("/api/v1/collections/manuals", headers=h),
        "search": lambda: client.get("/api/v1/search", params={"q": "torque", "collection": "manuals"}, headers=h),
        "ask": lambda: client.post("/api/v1/answers", headers=h, json={
            "question": "how tight?", "collection": "manuals", "mode": "extractive"}),
        "upload": lambda: upload_as(client, token, "new.md", b"# New\n\nA new document.\n"),
        "list documents": lambda: client.get("/api/v1/documents", params={"collection": "manuals"}, headers=h),
        "get document": lambda: client.get(f"/api/v1/documents/{doc}", headers=h),
        "delete document": lambda: client.delete(f"/api/v1/documents/{doc}", headers=h),
        "chunks": lambda: client.get(f"/api/v1/documents/{doc}/chunks", headers=h),
        "job status": lambda: client.get(f"/api/v1/jobs/{job}", headers=h),
        "job events": lambda: client.get(f"/api/v1/jobs/{job}/events", headers=h),
        "delete collection": lambda: client.delete("/api/v1/collections/manuals", headers=h),
        "grant": lambda: client.put("/api/v1/collections/manuals/grants", headers=h,
                                    json={"user": "gina", "permission": "read"}),
        "create key": lambda: client.post("/api/v1/keys", json={"name": "ci", "scopes": ["read"]}, headers=h),
    }
    return calls[operation]()


@pytest.fixture
def secured(container):
    with TestClient(app=create_app(container, run_worker=False, auth_mode="required")) as c:
        c.container = container
        yield c


@pytest.mark.parametrize("column", list(IDENTITIES))
def test_every_operation_answers_the_status_of_the_matrix(secured, column: str) -> None:
    world = build_world(secured)
    token = world["tokens"][IDENTITIES[column]]
    order = [op for op in EXPECTED if op not in DESTRUCTIVE_LAST] + DESTRUCTIVE_LAST
    got = {}
    for operation in order:
        response = call(secured, operation, token, world)
        got[operation] = response.status_code
        _check_problem(operation, response)
    assert got == {op: EXPECTED[op][column] for op in order}


def _check_problem(operation: str, response) -> None:
    status = response.status_code
    if status < 400:
        return
    body = response.json()
    expected = CODES.get(status) or NOT_FOUND.get(operation, "collection_not_found")
    assert (response.headers["content-type"], body["status"], body["code"]) == (
        "application/problem+json", status, expected)
    if status == 401:
        assert response.headers["www-authenticate"] == 'Bearer realm="ragcore"'


def test_the_other_user_sees_an_empty_catalog_and_no_documents(secured) -> None:
    world = build_world(secured)
    h = bearer(world["tokens"]["xena"])
    assert secured.get("/api/v1/collections", headers=h).json() == []
    assert secured.get("/api/v1/documents", headers=h).json() == []
    assert [c["name"] for c in secured.get("/api/v1/collections", headers=bearer(world["tokens"]["rita"])).json()] == [
        "manuals"]


def test_an_invisible_collection_is_the_same_404_as_a_missing_one(secured) -> None:
    world = build_world(secured)
    h = bearer(world["tokens"]["xena"])
    invisible = [secured.get("/api/v1/collections/manuals", headers=h),
                 secured.get(f"/api/v1/documents/{world['document']}", headers=h),
                 secured.get(f"/api/v1/jobs/{world['job']}", headers=h)]
    assert secured.delete("/api/v1/collections/manuals", headers=bearer(world["tokens"]["root"])).status_code == 204
    missing = [secured.get("/api/v1/collections/manuals", headers=h),
               secured.get(f"/api/v1/documents/{world['document']}", headers=h),
               secured.get(f"/api/v1/jobs/{world['job']}", headers=h)]
    assert [(r.status_code, r.json()) for r in invisible] == [(r.status_code, r.json()) for r in missing]
    assert invisible[0].json()["detail"] == "collection 'manuals' does not exist"


def test_a_read_scoped_key_of_the_owner_cannot_write(secured) -> None:
    world = build_world(secured)
    created = secured.post("/api/v1/keys", json={"name": "ro", "scopes": ["read"]},
                           headers=bearer(world["tokens"]["olga"])).json()
    response = upload_as(secured, created["token"], "x.md", b"# X\n\ntext\n")
    assert (response.status_code, response.json()["detail"]) == (403, "this key lacks the 'write' scope")
    assert secured.get("/api/v1/collections/manuals", headers=bearer(created["token"])).status_code == 200


def test_docs_security_md_has_the_same_table() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    start = text.index("| operation |")
    table = text[start:text.index("\n\n", start)]
    assert parse_matrix(table) == EXPECTED, json.dumps(parse_matrix(table), indent=1)

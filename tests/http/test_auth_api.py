"""Authentication over HTTP: every bad credential is a 401 problem, users/keys/audit endpoints,
rate limits (429 + Retry-After), failed-authentication limits per address, CORS, OpenAPI."""

import pytest
from litestar.testing import TestClient

from ragcore.app.http.app import create_app
from ragcore.domain.identity.models import Principal
from tests.http.access_world import bearer, expired_key
from tests.http.conftest import make_container

OPERATOR = Principal.operator()
DETAIL = "a valid API key is required: Authorization: Bearer rc_live_..."


def secured_client(tmp_path, embedder, parser, **settings):
    container = make_container(tmp_path / "data", embedder, parser, **settings)
    client = TestClient(app=create_app(container, run_worker=False, auth_mode="required"))
    client.container = container
    return client


@pytest.fixture
def secured(tmp_path, embedder, parser):
    with secured_client(tmp_path, embedder, parser) as client:
        yield client


def new_user(client, name: str, role: str = "member") -> str:
    return client.container.identity.users().create_user(OPERATOR, name, role=role)[1].token


def test_every_bad_credential_is_the_same_401_problem(secured) -> None:
    users = secured.container.identity.users()
    amy = new_user(secured, "amy")
    revoked = users.create_key(OPERATOR, name="r", scopes=["read"], user_name="amy")
    users.revoke_key(OPERATOR, revoked.key.id)
    gone = new_user(secured, "gone")
    users.delete_user(OPERATOR, "gone")
    headers = [None, "", "Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Bearer", "Bearer ", "Bearer    ", "Token " + amy,
               "Bearer garbage", "Bearer rc_test_" + amy[8:], "Bearer " + amy[:-1] + "!", "Bearer " + amy + "x",
               "Bearer rc_live_000000000000_" + "a" * 43, "Bearer " + revoked.token,
               "Bearer " + expired_key(secured, "amy"), "Bearer " + gone, ("Bearer " + "\u00e9" * 50).encode("latin-1")]
    for header in headers:
        sent = {} if header is None else {"Authorization": header}
        response = secured.get("/api/v1/collections", headers=sent)
        assert (response.status_code, response.headers["www-authenticate"], response.json()) == (
            401, 'Bearer realm="ragcore"',
            {"type": "urn:ragcore:problem:unauthenticated", "title": "Unauthorized", "status": 401,
             "detail": DETAIL, "instance": "/api/v1/collections", "code": "unauthenticated"}), header
    assert secured.get("/api/v1/collections", headers={"Authorization": "bearer " + amy}).status_code == 200


def test_health_ready_and_the_openapi_document_need_no_key(secured) -> None:
    assert [secured.get(p).status_code for p in ("/health", "/ready", "/schema/openapi.json")] == [200, 200, 200]
    spec = secured.get("/schema/openapi.json").json()
    assert spec["components"]["securitySchemes"]["BearerApiKey"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "rc_live_<id>_<secret>",
        "description": "An API key: Authorization: Bearer rc_live_..."}
    assert spec["security"] == [{"BearerApiKey": []}]


def test_users_and_audit_are_for_admins_only(secured) -> None:
    amy = bearer(new_user(secured, "amy"))
    for method, path in (("post", "/api/v1/users"), ("get", "/api/v1/users"), ("get", "/api/v1/audit"),
                         ("delete", "/api/v1/users/amy")):
        kwargs = {"json": {"name": "eve"}} if method == "post" else {}
        response = getattr(secured, method)(path, headers=amy, **kwargs)
        assert (response.status_code, response.json()["code"]) == (403, "forbidden"), path


def test_an_admin_creates_a_user_whose_key_works_once_shown(secured) -> None:
    root = bearer(new_user(secured, "root", "admin"))
    created = secured.post("/api/v1/users", json={"name": "bob", "password": "a long passphrase"}, headers=root)
    assert created.status_code == 201
    body = created.json()
    assert (body["user"]["name"], body["user"]["role"], body["user"]["has_password"]) == ("bob", "member", True)
    assert body["key"]["key"]["scopes"] == ["read", "write"] and body["key"]["token"].startswith("rc_live_")
    listed = secured.get("/api/v1/keys", headers=bearer(body["key"]["token"])).json()
    assert [k["prefix"] for k in listed] == [f"rc_live_{body['key']['key']['id']}"]
    assert not {"token", "key_hash"} & set(listed[0])
    again = secured.post("/api/v1/users", json={"name": "bob"}, headers=root)
    assert (again.status_code, again.json()["code"]) == (409, "user_exists")


def test_revoking_a_key_over_http_makes_it_fail(secured) -> None:
    amy = new_user(secured, "amy")
    spare = secured.post("/api/v1/keys", json={"name": "spare"}, headers=bearer(amy)).json()
    assert secured.delete(f"/api/v1/keys/{spare['key']['id']}", headers=bearer(amy)).status_code == 204
    assert secured.get("/api/v1/collections", headers=bearer(spare["token"])).status_code == 401
    naive = secured.post("/api/v1/keys", json={"name": "x", "expires_at": "2030-01-01T00:00:00"}, headers=bearer(amy))
    assert naive.status_code == 400


def test_the_audit_log_filters_by_actor_target_and_time_and_keeps_request_ids(secured) -> None:
    root = new_user(secured, "root", "admin")
    admin_id = secured.container.identity.users().user("root").id
    response = secured.post("/api/v1/collections", json={"name": "manuals"},
                            headers=bearer(root) | {"X-Request-ID": "req-42"})
    assert response.status_code == 201
    secured.get("/api/v1/collections", headers={"Authorization": "Bearer nope"})
    events = secured.get("/api/v1/audit", params={"actor": admin_id}, headers=bearer(root)).json()
    assert [(e["action"], e["target"], e["request_id"]) for e in events] == [
        ("collection.create", "collection:manuals", "req-42")]
    failures = secured.get("/api/v1/audit", params={"actor": "anonymous"}, headers=bearer(root)).json()
    assert [(e["action"], e["target"], e["detail"]) for e in failures] == [
        ("auth.failure", "key:?", "malformed_key from testclient")]
    later = secured.get("/api/v1/audit", params={"since": "2999-01-01T00:00:00Z"}, headers=bearer(root)).json()
    assert later == []
    naive = secured.get("/api/v1/audit", params={"since": "2999-01-01T00:00:00"}, headers=bearer(root))
    assert (naive.status_code, naive.json()["code"]) == (422, "invalid_time")


def test_search_is_limited_per_key_with_retry_after(tmp_path, embedder, parser) -> None:
    with secured_client(tmp_path, embedder, parser, rate_limit_search="2/minute") as client:
        amy, bob = new_user(client, "amy"), new_user(client, "bob")
        assert client.post("/api/v1/collections", json={"name": "c"}, headers=bearer(amy)).status_code == 201
        params = {"q": "x", "collection": "c"}
        codes = [client.get("/api/v1/search", params=params, headers=bearer(amy)).status_code for _ in range(2)]
        limited = client.get("/api/v1/search", params=params, headers=bearer(amy))
        other = client.get("/api/v1/search", params=params, headers=bearer(bob))
    assert codes == [200, 200]
    assert (limited.status_code, limited.json()["code"]) == (429, "rate_limited")
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert other.status_code == 404  # bob's own budget; the collection is invisible to him


def test_failed_authentications_are_limited_per_address(tmp_path, embedder, parser) -> None:
    with secured_client(tmp_path, embedder, parser, rate_limit_auth_failures="3/minute") as client:
        amy = new_user(client, "amy")
        bad = [client.get("/api/v1/collections", headers={"Authorization": "Bearer x"}).status_code
               for _ in range(4)]
        good = client.get("/api/v1/collections", headers=bearer(amy))
    assert bad == [401, 401, 401, 429]
    assert (good.status_code, good.json()["code"]) == (429, "rate_limited")
    assert good.json()["detail"].startswith("too many failed authentications from this address; retry in ")


def test_cors_is_off_by_default_and_answers_preflights_when_configured(tmp_path, embedder, parser) -> None:
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}
    with secured_client(tmp_path / "off", embedder, parser) as client:
        off = client.options("/api/v1/search", headers=preflight)
    with secured_client(tmp_path / "on", embedder, parser, cors_origins=["https://app.example"]) as client:
        on = client.options("/api/v1/search", headers=preflight)
        other = client.options("/api/v1/search", headers=preflight | {"Origin": "https://evil.example"})
        simple = client.get("/health", headers={"Origin": "https://app.example"})
    assert "access-control-allow-origin" not in off.headers
    assert (on.status_code, on.headers["access-control-allow-origin"]) == (204, "https://app.example")
    assert "authorization" in on.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-origin" not in other.headers
    assert simple.headers["access-control-allow-origin"] == "https://app.example"

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import httpx
from dependency_injector import providers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RULE = (
    "collection name must be 1-128 printable Unicode characters, "
    "without leading or trailing whitespace and without '/'"
)


def test_create_show_list_delete(client):
    created = client.post("/api/v1/collections", json={"name": "Handbücher ✓"})
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["embedding_model"], body["embedding_dimension"]) == (
        "Handbücher ✓", "sentence-transformers/all-MiniLM-L6-v2", 384)
    shown = client.get(f"/api/v1/collections/{quote('Handbücher ✓')}").json()
    assert (shown["documents"], shown["chunks"], shown["bytes"]) == (0, 0, 0)
    assert [c["name"] for c in client.get("/api/v1/collections").json()] == ["Handbücher ✓"]
    assert client.delete(f"/api/v1/collections/{quote('Handbücher ✓')}").status_code == 204
    assert client.get(f"/api/v1/collections/{quote('Handbücher ✓')}").status_code == 404
    assert client.container.stores.vectors().collection_ids() == []


def test_duplicate_name_is_409_problem(client):
    client.post("/api/v1/collections", json={"name": "docs"})
    r = client.post("/api/v1/collections", json={"name": "docs"})
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json() == {
        "type": "urn:ragcore:problem:collection_exists", "title": "Conflict", "status": 409,
        "detail": "collection 'docs' already exists", "instance": "/api/v1/collections", "code": "collection_exists",
    }


def test_create_pins_the_named_embedding_backend_and_echoes_it(client):
    # The session's torch model stands in for ONNX int8 (same model and space): this is about the API;
    # tests/integration/test_onnx_backend.py runs the real ONNX backend.
    client.container.compute.onnx_int8_embedder.override(providers.Object(client.container.compute.embedder()))
    created = client.post("/api/v1/collections", json={"name": "fast", "embedding_backend": "onnx-int8"})
    assert (created.status_code, created.json()["embedding_backend"]) == (201, "onnx-int8")
    assert client.get("/api/v1/collections/fast").json()["embedding_backend"] == "onnx-int8"
    assert client.post("/api/v1/collections", json={"name": "plain"}).json()["embedding_backend"] == "torch"
    listed = {c["name"]: c["embedding_backend"] for c in client.get("/api/v1/collections").json()}
    assert listed == {"fast": "onnx-int8", "plain": "torch"}
    assert client.container.stores.catalog().get_by_name("fast").embedding_backend == "onnx-int8"


def test_unknown_embedding_backend_is_422_problem_naming_the_allowed_values(client):
    r = client.post("/api/v1/collections", json={"name": "docs", "embedding_backend": "openvino"})
    assert (r.status_code, r.headers["content-type"]) == (422, "application/problem+json")
    assert r.json() == {
        "type": "urn:ragcore:problem:unknown_embedding_backend", "title": "Unprocessable Content", "status": 422,
        "detail": "embedding_backend must be one of torch, onnx, onnx-int8, not 'openvino'",
        "instance": "/api/v1/collections", "code": "unknown_embedding_backend",
    }
    assert client.get("/api/v1/collections").json() == []
    assert client.container.stores.vectors().collection_ids() == []


def test_invalid_name_is_422_naming_the_rule(client):
    r = client.post("/api/v1/collections", json={"name": "x" * 129})
    assert (r.status_code, r.json()["code"], r.json()["detail"]) == (422, "invalid_collection_name", RULE)


def test_missing_collection_is_404_problem(client):
    r = client.get("/api/v1/collections/nope")
    assert (r.status_code, r.json()["code"], r.json()["detail"]) == (
        404, "collection_not_found", "collection 'nope' does not exist")


def test_dimension_mismatch_at_create_is_409(client):
    r = client.post("/api/v1/collections", json={"name": "big", "embedding_dimension": 768})
    assert (r.status_code, r.json()["code"]) == (409, "embedding_dimension_mismatch")
    assert client.get("/api/v1/collections").json() == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=0, max_size=140))
def test_any_name_is_accepted_or_rejected_by_the_rule_never_500(client, name):
    r = client.post("/api/v1/collections", json={"name": name})
    assert r.status_code in (201, 409, 422), r.text
    if r.status_code == 422:
        assert r.json()["detail"] == RULE
    if r.status_code == 201:
        assert r.json()["name"] == name
        assert client.get(f"/api/v1/collections/{quote(name, safe='')}").json()["name"] == name
        store_ids = client.container.stores.vectors().collection_ids()
        assert all(name not in s for s in store_ids if len(name) > 3)


def test_ten_concurrent_creates_give_one_201_nine_409_and_one_store_collection(live_server, container):
    def create(_):
        return httpx.post(f"{live_server}/api/v1/collections", json={"name": "race"}, timeout=60).status_code

    with ThreadPoolExecutor(10) as pool:
        codes = sorted(pool.map(create, range(10)))
    assert codes == [201] + [409] * 9
    assert len(container.stores.vectors().collection_ids()) == 1
    assert [c.name for c in container.stores.catalog().list()] == ["race"]

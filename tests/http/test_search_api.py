"""Search modes, metadata filters and user metadata at upload, through the HTTP API (real stores and model)."""

import json

import pytest
from litestar.testing import TestClient

from ragcore.app.http.app import create_app
from ragcore.app.settings import Settings
from tests.http.conftest import make_container, run_jobs

DOCS = [
    ("ducks.md", b"# Ducks\n\nMallards are dabbling ducks found worldwide.\n", {"team": "birds", "year": 2021}),
    ("geese.md", b"# Geese\n\nCanada geese migrate in large flocks every autumn.\n", {"team": "birds", "year": 2019}),
    ("engines.md", b"# Engines\n\nA diesel engine ignites fuel by compression.\n", {"team": "cars", "year": 2024}),
]


def _upload(client, name: str, data: bytes, metadata) -> object:
    fields = {} if metadata is None else {"metadata": metadata if isinstance(metadata, str) else json.dumps(metadata)}
    return client.post("/api/v1/collections/docs/documents", files=[("files", (name, data, "text/markdown"))],
                       data=fields)


@pytest.fixture
def docs(client):
    assert client.post("/api/v1/collections", json={"name": "docs"}).status_code == 201
    for name, data, metadata in DOCS:
        assert _upload(client, name, data, metadata).status_code == 202
    assert run_jobs(client) == 3
    return client


def _search(client, **body) -> list[str]:
    r = client.post("/api/v1/search", json={"collection": "docs", "top_k": 5, **body})
    assert r.status_code == 200, r.json()
    return [h["filename"] for h in r.json()["hits"]]


def test_user_metadata_at_upload_is_stored_and_shown(docs):
    listed = docs.get("/api/v1/documents", params={"collection": "docs"}).json()
    by_name = {d["filename"]: d for d in listed}
    assert by_name["ducks.md"]["user_metadata"] == {"team": "birds", "year": 2021}
    assert "extracted" in by_name["ducks.md"]


@pytest.mark.parametrize("mode", ["dense", "keyword", "hybrid"])
def test_each_mode_finds_the_right_document(docs, mode):
    r = docs.post("/api/v1/search", json={"query": "dabbling ducks", "collection": "docs", "mode": mode})
    assert r.json()["mode"] == mode
    assert r.json()["hits"][0]["filename"] == "ducks.md"
    assert docs.get("/api/v1/search", params={"q": "diesel compression", "collection": "docs",
                                              "mode": mode}).json()["hits"][0]["filename"] == "engines.md"


def test_the_default_mode_is_hybrid(docs):
    assert docs.post("/api/v1/search", json={"query": "ducks", "collection": "docs"}).json()["mode"] == "hybrid"


def test_filters_restrict_hits_over_post_and_get(docs):
    assert _search(docs, query="ducks geese engine", filters={"metadata.team": "cars"}) == ["engines.md"]
    recent = {"$and": [{"metadata.team": "birds"}, {"metadata.year": {"$gte": 2020}}]}
    assert _search(docs, query="ducks geese engine", mode="dense", filters=recent) == ["ducks.md"]
    either = {"$or": [{"filename": "geese.md"}, {"metadata.year": {"$gt": 2023}}]}
    assert sorted(_search(docs, query="ducks geese engine", filters=either)) == ["engines.md", "geese.md"]
    assert _search(docs, query="ducks", filters={"content_type": {"$nin": ["md"]}}) == []
    r = docs.get("/api/v1/search", params={"q": "ducks geese", "collection": "docs",
                                           "filters": json.dumps({"metadata.year": {"$lt": 2020}})})
    assert [h["filename"] for h in r.json()["hits"]] == ["geese.md"]


@pytest.mark.parametrize(("body", "code", "detail"), [
    ({"mode": "semantic"}, "invalid_mode", "mode must be one of dense, keyword, hybrid, not 'semantic'"),
    ({"filters": {"author": "x"}}, "invalid_filter", "invalid filter: unknown field 'author'; use filename, "
                                                     "content_type, created_at, keywords or metadata.<key>"),
    ({"filters": {"metadata.year": {"$between": [1, 2]}}}, "invalid_filter",
     "invalid filter: unknown operator '$between' on field 'metadata.year'"),
    ({"filters": ["metadata.year"]}, "invalid_filter", "invalid filter: filters must be a JSON object"),
])
def test_invalid_mode_and_filters_are_422_naming_the_bad_key(docs, body, code, detail):
    r = docs.post("/api/v1/search", json={"query": "ducks", "collection": "docs", **body})
    assert (r.status_code, r.headers["content-type"], r.json()["code"], r.json()["detail"]) == (
        422, "application/problem+json", code, detail)


def test_a_filter_query_parameter_that_is_not_json_is_422(docs):
    r = docs.get("/api/v1/search", params={"q": "ducks", "collection": "docs", "filters": "{team: birds"})
    assert (r.status_code, r.json()["code"]) == (422, "invalid_filter")


@pytest.mark.parametrize(("metadata", "detail"), [
    ("{not json", "metadata must be a JSON object of key -> string, number or boolean"),
    ('["a"]', "metadata must be a JSON object of key -> string, number or boolean"),
    ({"tags": ["a"]}, "metadata 'tags' must be a string, number or boolean, not a list"),
    ({"owner": {"name": "x"}}, "metadata 'owner' must be a string, number or boolean, not an object"),
])
def test_invalid_upload_metadata_is_422_and_stores_nothing(client, metadata, detail):
    assert client.post("/api/v1/collections", json={"name": "docs"}).status_code == 201
    r = _upload(client, "a.md", b"# A\n\ntext\n", metadata)
    assert (r.status_code, r.json()["code"], r.json()["detail"]) == (422, "invalid_metadata", detail)
    assert client.get("/api/v1/documents", params={"collection": "docs"}).json() == []


@pytest.fixture
def cached_client(tmp_path, embedder, parser):
    """The app with the in-process search cache on SQLite: repeated searches are looked up on the event loop."""
    container = make_container(tmp_path / "data", embedder, parser, search_cache="memory")
    assert container.settings().local_search_cache
    with TestClient(app=create_app(container, run_worker=False)) as client:
        client.container = container
        assert client.post("/api/v1/collections", json={"name": "docs"}).status_code == 201
        for name, data, metadata in DOCS:
            assert _upload(client, name, data, metadata).status_code == 202
        assert run_jobs(client) == 3
        yield client


def test_a_repeated_search_is_answered_from_the_cache_and_still_drops_deleted_documents(cached_client, monkeypatch):
    body = {"collection": "docs", "query": "mallards are dabbling ducks", "top_k": 2, "mode": "dense"}
    first = cached_client.post("/api/v1/search", json=body).json()
    assert [h["filename"] for h in first["hits"]] == ["ducks.md", "geese.md"]
    service = cached_client.container.services.search()
    misses = []
    monkeypatch.setattr(service, "complete", lambda found: misses.append(found))  # a miss would fail now
    assert cached_client.post("/api/v1/search", json=body).json() == first
    assert misses == []
    params = {"q": "mallards are dabbling ducks", "collection": "docs", "top_k": 2, "mode": "dense"}
    assert cached_client.get("/api/v1/search", params=params).json()["hits"] == first["hits"]
    cached_client.container.stores.documents().remove(first["hits"][0]["document_id"])  # gone, no cache bump
    assert [h["filename"] for h in cached_client.post("/api/v1/search", json=body).json()["hits"]] == ["geese.md"]


def test_the_cached_path_answers_errors_with_problem_bodies(cached_client):
    missing = cached_client.post("/api/v1/search", json={"collection": "nope", "query": "ducks"})
    assert (missing.status_code, missing.json()["code"]) == (404, "collection_not_found")
    bad = cached_client.post("/api/v1/search", json={"collection": "docs", "query": "ducks", "top_k": 0})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_top_k")


@pytest.mark.parametrize(("settings", "local"), [
    ({"search_cache": "memory"}, True),  # the single-box default stores: SQLite + in-process cache
    ({"search_cache": "memory", "catalog": "memory", "registry": "memory"}, True),
    ({"search_cache": "none"}, False),
    ({"search_cache": "redis"}, False),
    ({"search_cache": "memory", "registry": "redis"}, False),
    ({"search_cache": "memory", "database_url": "postgresql://localhost/test"}, False),
])
def test_a_search_cache_is_local_only_when_no_lookup_crosses_the_network(tmp_path, settings, local):
    defaults = {"data_dir": tmp_path, "database_url": None, "catalog": "sql", "registry": "sql"}  # not the env's
    assert Settings(**(defaults | settings)).local_search_cache is local

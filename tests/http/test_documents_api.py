from tests.http.conftest import run_jobs, upload


def _create(client, name="docs"):
    assert client.post("/api/v1/collections", json={"name": name}).status_code == 201
    return client.container.stores.catalog().get_by_name(name).store_id


def _blob_files(client):
    root = client.container.settings().storage.blob_path
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_upload_then_search_then_delete(client):
    store_id = _create(client)
    r = upload(client, "docs", ("notes.md", b"# Ducks\n\nMallards are dabbling ducks found worldwide.\n"))
    assert r.status_code == 202
    (item,) = r.json()["items"]
    assert (item["document"]["status"], item["duplicate"]) == ("queued", False)
    assert run_jobs(client) == 1
    job = client.get(f"/api/v1/jobs/{item['job_id']}").json()
    assert (job["status"], job["progress"], job["stage"], job["attempts"]) == ("succeeded", 100, "done", 1)
    doc_id = item["document"]["id"]
    assert client.get(f"/api/v1/documents/{doc_id}").json()["status"] == "ready"
    chunks = client.get(f"/api/v1/documents/{doc_id}/chunks").json()
    assert [(c["index"], c["headings"]) for c in chunks] == [(0, ["Ducks"])]
    hits = client.get("/api/v1/search", params={"q": "dabbling ducks", "collection": "docs", "top_k": 3}).json()["hits"]
    assert [h["filename"] for h in hits] == ["notes.md"]
    assert client.delete(f"/api/v1/documents/{doc_id}").status_code == 204
    assert client.container.stores.vectors().count(store_id, doc_id) == 0
    assert client.post("/api/v1/search", json={"query": "dabbling ducks", "collection": "docs"}).json()["hits"] == []
    assert client.get(f"/api/v1/documents/{doc_id}").status_code == 404
    assert _blob_files(client) == []


def test_delete_of_a_queued_document_removes_its_blob(client):
    _create(client)
    (item,) = upload(client, "docs", ("a.txt", b"some words")).json()["items"]
    assert len(_blob_files(client)) == 1
    assert client.delete(f"/api/v1/documents/{item['document']['id']}").status_code == 204
    assert _blob_files(client) == []
    assert client.get(f"/api/v1/jobs/{item['job_id']}").status_code == 404


def test_search_and_upload_into_a_missing_collection_are_404_and_change_nothing(client):
    r = client.get("/api/v1/search", params={"q": "x", "collection": "ghost"})
    assert (r.status_code, r.json()["code"]) == (404, "collection_not_found")
    r = client.post("/api/v1/search", json={"query": "x", "collection": "ghost", "top_k": 3})
    assert (r.status_code, r.json()["code"]) == (404, "collection_not_found")
    r = upload(client, "ghost", ("a.txt", b"hello"))
    assert (r.status_code, r.json()["code"]) == (404, "collection_not_found")
    stores = client.container.stores
    assert (stores.catalog().list(), stores.vectors().collection_ids(), stores.documents().list()) == ([], [], [])
    assert _blob_files(client) == []


def test_zero_byte_file_is_422_and_nothing_is_stored(client):
    _create(client)
    r = upload(client, "docs", ("ok.txt", b"fine"), ("empty.txt", b""))
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["detail"]) == ("empty_file", "'empty.txt' is empty (0 bytes)")
    assert client.get("/api/v1/documents").json() == []
    assert _blob_files(client) == []


def test_whitespace_only_text_fails_its_job_with_no_extractable_text(client):
    store_id = _create(client)
    (item,) = upload(client, "docs", ("blank.txt", b"  \n\n\t  \n")).json()["items"]
    run_jobs(client)
    job = client.get(f"/api/v1/jobs/{item['job_id']}").json()
    doc = client.get(f"/api/v1/documents/{item['document']['id']}").json()
    assert (job["status"], job["error_code"], doc["status"], doc["error_code"]) == (
        "failed", "no_extractable_text", "failed", "no_extractable_text")
    assert client.container.stores.vectors().count(store_id) == 0
    failed = client.get("/api/v1/documents", params={"collection": "docs", "status": "failed"}).json()
    assert [d["filename"] for d in failed] == ["blank.txt"]


def test_same_bytes_twice_returns_the_existing_document(client):
    store_id = _create(client)
    first = upload(client, "docs", ("a.md", b"# Title\n\nGeese migrate in V formations.")).json()["items"][0]
    run_jobs(client)
    vectors = client.container.stores.vectors().count(store_id)
    second = upload(client, "docs", ("b.md", b"# Title\n\nGeese migrate in V formations.")).json()["items"][0]
    assert (second["duplicate"], second["document"]["id"], second["document"]["status"]) == (
        True, first["document"]["id"], "ready")
    assert run_jobs(client) == 0
    assert client.container.stores.vectors().count(store_id) == vectors == 1


def test_pinned_model_mismatch_is_409(client):
    import msgspec

    _create(client)
    catalog = client.container.stores.catalog()
    stored = catalog.get_by_name("docs")
    catalog.remove(stored.id)
    catalog.add(msgspec.structs.replace(stored, embedding_model="other/model", embedding_dimension=768))
    r = client.get("/api/v1/search", params={"q": "x", "collection": "docs"})
    assert (r.status_code, r.json()["code"]) == (409, "embedding_dimension_mismatch")
    r = upload(client, "docs", ("a.txt", b"hello"))  # an upload never loads the model to check it
    assert r.status_code == 202
    job = client.container.services.jobs().run_next("test-worker")  # the worker checks it
    assert (job.status, job.error_code) == ("queued", "embedding_dimension_mismatch")


def test_bad_requests_are_problem_bodies(client):
    _create(client)
    r = client.get("/api/v1/search", params={"q": "x", "collection": "docs", "top_k": "many"})
    assert (r.status_code, r.headers["content-type"], r.json()["code"]) == (
        400, "application/problem+json", "invalid_request")
    r = client.post("/api/v1/search", json={"query": "x", "collection": "docs", "top_k": 0})
    assert (r.status_code, r.json()["code"]) == (422, "invalid_top_k")
    r = upload(client, "docs", ("tool.exe", b"MZ\x90\x00binary"))
    assert (r.status_code, r.json()["code"]) == (422, "unsupported_format")
    assert client.get("/api/v1/documents/nope").json()["code"] == "document_not_found"
    assert client.get("/api/v1/jobs/nope").json()["code"] == "job_not_found"


def test_health_ready_and_openapi(client):
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert set(ready.json()["checks"].values()) == {"ok"}
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert {"/api/v1/collections", "/api/v1/search", "/api/v1/jobs/{job_id}"} <= set(paths)


def test_an_upload_without_file_parts_is_422_no_files(client):
    _create(client)
    empty = client.post("/api/v1/collections/docs/documents")
    only_text = client.post("/api/v1/collections/docs/documents", data={"note": "no file here"})
    for r in (empty, only_text):
        assert (r.status_code, r.json()["code"], r.json()["detail"]) == (422, "no_files", "no files were uploaded")

"""Collections with ``extract_metadata``: ingestion asks the LLM (scripted server process), the documents
API returns ``extracted``, and answers can filter on the extracted keywords."""

import json

import pytest
from dependency_injector import providers
from litestar.testing import TestClient

from ragcore.app.bootstrap import bootstrap
from ragcore.app.http.app import create_app
from ragcore.app.settings import Settings
from tests.http.conftest import run_jobs, upload

LEASES = b"# Leases\n\nA worker renews its job lease at every progress step; an expired lease hands the job over.\n"
DUCKS = b"# Ducks\n\nMallards are dabbling ducks found on ponds worldwide.\n"


def metadata_reply(title: str, *keywords: str) -> str:
    return json.dumps({"title": title, "summary": f"About {title.lower()}.", "keywords": list(keywords)})


@pytest.fixture
def make_client(tmp_path, embedder, parser):
    clients = []

    def make(**settings):
        settings = {"llm_max_retries": 0, "llm_timeout_seconds": 5} | settings
        container = bootstrap(Settings(data_dir=tmp_path / f"data{len(clients)}", **settings), log_level="WARNING")
        container.compute.embedder.override(providers.Object(embedder))
        container.compute.parser.override(providers.Object(parser))
        client = TestClient(app=create_app(container, run_worker=False)).__enter__()
        client.container = container
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def test_ingestion_stores_the_llm_metadata_and_the_documents_api_returns_it(make_client, scripted_llm):
    client = make_client(llm_base_url=scripted_llm.base_url, llm_model="m")
    r = client.post("/api/v1/collections", json={"name": "docs", "extract_metadata": True})
    assert (r.status_code, r.json()["extract_metadata"]) == (201, True)
    assert client.get("/api/v1/collections/docs").json()["extract_metadata"] is True
    scripted_llm.script(metadata_reply("Leases", "lease", "worker"), metadata_reply("Ducks", "duck", "pond"))
    items = upload(client, "docs", ("leases.md", LEASES), ("ducks.md", DUCKS)).json()["items"]
    assert run_jobs(client) == 2
    leases = client.get(f"/api/v1/documents/{items[0]['document']['id']}").json()
    assert leases["extracted"] == {"title": "Leases", "summary": "About leases.", "keywords": ["lease", "worker"]}
    listed = {d["filename"]: d["extracted"]["title"] for d in client.get("/api/v1/documents").json()}
    assert listed == {"leases.md": "Leases", "ducks.md": "Ducks"}
    requests = scripted_llm.requests()
    assert len(requests) == 2 and "A worker renews its job lease" in requests[0]["messages"][1]["content"]

    scripted_llm.script("Ponds [1].")
    body = client.post("/api/v1/answers", json={"question": "Where do mallards live?", "collection": "docs",
                                                "filters": {"keywords": "lease"}}).json()
    assert {c["filename"] for c in body["citations"]} == {"leases.md"}


def test_without_a_language_model_the_keyword_extractor_is_used(make_client):
    client = make_client(llm="none")
    assert client.post("/api/v1/collections", json={"name": "docs", "extract_metadata": True}).status_code == 201
    [item] = upload(client, "docs", ("leases.md", LEASES)).json()["items"]
    assert run_jobs(client) == 1
    extracted = client.get(f"/api/v1/documents/{item['document']['id']}").json()["extracted"]
    assert extracted["title"] == "Leases" and extracted["keywords"]


def test_collections_default_to_no_extraction(make_client, scripted_llm):
    client = make_client(llm_base_url=scripted_llm.base_url, llm_model="m")
    assert client.post("/api/v1/collections", json={"name": "docs"}).json()["extract_metadata"] is False
    [item] = upload(client, "docs", ("leases.md", LEASES)).json()["items"]
    assert run_jobs(client) == 1
    assert client.get(f"/api/v1/documents/{item['document']['id']}").json()["extracted"] is None
    assert scripted_llm.requests() == []

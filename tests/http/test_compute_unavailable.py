"""The API over remote compute whose every replica is down: a 503 problem with code compute_unavailable."""

from dependency_injector import providers
from litestar.testing import TestClient

from ragcore.app.bootstrap import bootstrap
from ragcore.app.http.app import create_app
from ragcore.app.settings import Settings
from tests.compute_server import free_port


def test_search_with_every_compute_replica_down_is_a_503_problem(tmp_path, embedder) -> None:
    dead = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    settings = Settings(data_dir=tmp_path / "data", compute="remote", compute_urls=dead, compute_retries=1)
    container = bootstrap(settings, log_level="WARNING")
    with container.compute.embedder.override(providers.Object(embedder)):  # the collection pins MiniLM
        container.services.collections().create("papers")
    with TestClient(app=create_app(container, run_worker=False)) as client:
        answer = client.post("/api/v1/search", json={"query": "ducks", "collection": "papers", "top_k": 3})
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert (problem["code"], problem["status"]) == ("compute_unavailable", 503)
    assert problem["detail"].startswith("the compute service is unavailable")
    assert not any(url in problem["detail"] for url in dead)  # internal addresses stay in the log

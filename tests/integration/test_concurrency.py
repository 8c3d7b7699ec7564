"""50 uploads from 10 concurrent clients into 3 collections, while 2 worker processes run and
searches run: every document ends ready and every store agrees."""

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import uvicorn

from ragcore.app.http.app import create_app
from tests.conftest import shared_path
from tests.integration.conftest import WorkerProcess, container_for, wait_until

COLLECTIONS = ["alpha", "beta", "gamma"]
HEAVY = {"wiki_duck.html", "ocr_test.pdf", "MANIFEST.md"}  # no text layer / 374 blocks: not for a load test


def _files() -> list[tuple[str, str, bytes]]:
    """(collection, filename, bytes): 12 real documents in each collection, plus 14 small texts."""
    real = [p for p in sorted(shared_path("docs").iterdir()) if p.name not in HEAVY]
    files = [(c, p.name, p.read_bytes()) for c in COLLECTIONS for p in real]
    extra = 50 - len(files)
    files += [(COLLECTIONS[i % 3], f"note{i}.md", f"# Note {i}\n\nObservation {i}: {i * 7} swans.\n".encode())
              for i in range(extra)]
    return files


def _serve(container) -> tuple[uvicorn.Server, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(container, run_worker=False), port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    wait_until(lambda: server.started, 30, "the API")
    return server, f"http://127.0.0.1:{port}"


def test_fifty_concurrent_uploads_with_two_workers_and_searches(distributed_env, tmp_path, embedder, parser):
    embedder.embed_query("warm up")  # load the model here, not inside the first request's 60 s timeout
    container = container_for(distributed_env, embedder, parser)
    server, url = _serve(container)
    pool = WorkerProcess(distributed_env, tmp_path / "workers.log", "--concurrency", "2")
    stop_searching = threading.Event()
    try:
        for name in COLLECTIONS:
            assert httpx.post(f"{url}/api/v1/collections", json={"name": name}, timeout=60).status_code == 201
        searcher = threading.Thread(target=_search_loop, args=(url, stop_searching), daemon=True)
        searcher.start()
        files = _files()
        with ThreadPoolExecutor(10) as clients:
            items = list(clients.map(lambda f: _upload(url, *f), files))
        assert len(items) == 50 and {i["duplicate"] for i in items} == {False}
        job_ids = [i["job_id"] for i in items]
        wait_until(lambda: _all_ended(url, job_ids), 900, "every job to end", interval=1.0)
        stop_searching.set()
        searcher.join(60)
        assert _search_loop.errors == []
        _assert_stores_agree(url, container, files)
    finally:
        stop_searching.set()
        exit_code = pool.stop()
        server.should_exit = True
    assert exit_code == 0, pool.log()


def _upload(url: str, collection: str, filename: str, data: bytes) -> dict:
    r = httpx.post(f"{url}/api/v1/collections/{collection}/documents", files=[("files", (filename, data))], timeout=120)
    assert r.status_code == 202, r.text
    return r.json()["items"][0]


def _all_ended(url: str, job_ids: list[str]) -> bool:
    return all(httpx.get(f"{url}/api/v1/jobs/{j}").json()["status"] in ("succeeded", "failed") for j in job_ids)


def _search_loop(url: str, stop: threading.Event) -> None:
    while not stop.is_set():
        for name in COLLECTIONS:
            r = httpx.get(f"{url}/api/v1/search", params={"q": "duck habitat", "collection": name}, timeout=60)
            if r.status_code != 200:
                _search_loop.errors.append(r.text)
        time.sleep(0.2)


_search_loop.errors = []


def _assert_stores_agree(url: str, container, files) -> None:
    stores = container.stores
    for name in COLLECTIONS:
        docs = httpx.get(f"{url}/api/v1/documents", params={"collection": name}).json()
        expected = sorted(f for c, f, _ in files if c == name)
        assert sorted(d["filename"] for d in docs) == expected
        assert {d["status"] for d in docs} == {"ready"}, [(d["filename"], d["error_code"]) for d in docs]
        collection = stores.catalog().get_by_name(name)
        stats = httpx.get(f"{url}/api/v1/collections/{name}").json()
        assert stats["chunks"] == stores.vectors().count(collection.store_id) == sum(d["chunk_count"] for d in docs)
        assert stores.vectors().document_ids(collection.store_id) == {d["id"] for d in docs}
        assert stats["documents"] == len(expected)
    prefix = container.settings().storage.store_prefix
    ours = sorted(s for s in stores.vectors().collection_ids() if s.startswith(prefix))
    assert ours == sorted(c.store_id for c in stores.catalog().list())
    assert stores.blobs().keys() == []  # every upload's bytes were released when its job ended
    assert len(stores.jobs().list(status="succeeded")) == 50
    assert container.services.doctor().check().findings == ()

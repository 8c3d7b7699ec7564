"""Every real document of ../shared/data/docs through the HTTP API, with the in-process worker.

For each file a query written from its content must find it in the top 3; PDF hits carry the page
the text is on.
"""

import time

import httpx
import pytest

from tests.conftest import shared_path
from tests.http.conftest import make_container

# file -> (query written from its content, [page the text is on] or None); a chunk may span two pages
QUERIES = {
    "ocr_test.pdf": ("Docling bundles PDF document conversion to JSON and Markdown", [1]),  # a scan, read by OCR
    "2305.03393v1-pg9.pdf": ("OTSL yields a 2x speed up in inference runtime over HTML", [1]),
    "amt_handbook_sample.pdf": ("Boots self-locking nut holds tight despite severe vibration", [1]),
    "table_mislabeled_as_picture.pdf": ("maximum caseload per lawyer of a public defender legal aid provider", [1]),
    "multi_page.pdf": ("WordStar was developed for the CP/M operating system", [1]),
    "asciidoc_02.asciidoc": ("nested ordered item and deeper nested unordered item", None),
    "csv-comma.csv": ("customer Sheryl Baxter of Rasmussen Group, subscription date and phone", None),
    "html_rich_table_cells.html": ("Wood Duck often seen near ponds; Mallard habitat ponds lakes rivers", None),
    "mixed.md": ("Scrooge McDuck name in German, French and Italian", None),
    "powerpoint_sample.pptx": ("a rectangle shape with this text inside", None),
    "pptx_chart.pptx": ("wild duck observations by year", None),
    "wiki.md": ("IBM, nicknamed Big Blue, is an American multinational technology company", None),
    "wiki_duck.html": ("duck quacks do not echo urban legend debunked by acoustics research", None),
    "word_sample.docx": ("after swimming in the lake it is important to eat something nice", None),
    "word_tables.docx": ("a non-uniform table with vertical spans and merged cells", None),
    "xlsx_01.xlsx": ("spreadsheet columns col-1 col-2 col-3 col-4", None),
}
MULTI_PAGE = {  # multi_page.pdf: text from later pages must cite those pages
    "Undo/Redo was introduced in the 1980s and made error correction much easier": 3,
    # page 2 names Grammarly too: the query says what only page 4 says
    "modern word processors are leveraging AI to suggest content improvements, like ProWritingAid": 4,
}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, embedder, parser):
    """Upload every shared document at once over HTTP and wait for every job; yields (url, jobs)."""
    import socket
    import threading

    import uvicorn

    from ragcore.app.http.app import create_app

    docs = shared_path("docs")
    container = make_container(tmp_path_factory.mktemp("real") / "data", embedder, parser)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(container), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    assert httpx.post(f"{url}/api/v1/collections", json={"name": "shared docs"}).status_code == 201
    files = [("files", (p.name, p.read_bytes())) for p in sorted(docs.iterdir()) if p.name != "MANIFEST.md"]
    r = httpx.post(f"{url}/api/v1/collections/shared%20docs/documents", files=files, timeout=120)
    assert r.status_code == 202
    jobs = {i["document"]["filename"]: _wait(url, i["job_id"]) for i in r.json()["items"]}
    yield url, jobs, container
    server.should_exit = True


def _wait(url: str, job_id: str) -> dict:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        job = httpx.get(f"{url}/api/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.25)
    raise AssertionError(f"job {job_id} did not finish")


def _search(url: str, query: str) -> list[dict]:
    r = httpx.post(f"{url}/api/v1/search", json={"query": query, "collection": "shared docs", "top_k": 3}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()["hits"]


def test_every_document_ends_ready_the_scanned_pdf_too(ingested):
    _, jobs, _ = ingested
    assert {name for name, job in jobs.items() if job["status"] == "succeeded"} == set(QUERIES)


def test_the_scanned_pdf_is_ready_with_its_ocr_text_on_page_1(ingested):
    url, jobs, container = ingested
    doc_id = jobs["ocr_test.pdf"]["document_id"]
    doc = httpx.get(f"{url}/api/v1/documents/{doc_id}").json()
    assert (doc["status"], doc["error_code"], doc["chunk_count"], doc["page_count"]) == ("ready", None, 1, 1)
    store_id = container.stores.catalog().get_by_name("shared docs").store_id
    assert container.stores.vectors().count(store_id, doc_id) == 1


@pytest.mark.parametrize("filename", sorted(QUERIES))
def test_a_query_from_each_file_finds_it_in_the_top_3(ingested, filename):
    url, _, _ = ingested
    query, pages = QUERIES[filename]
    hits = _search(url, query)
    names = [h["filename"] for h in hits]
    assert filename in names, (query, names)
    if pages is not None:
        hit_pages = next(h for h in hits if h["filename"] == filename)["pages"]
        assert pages[0] in hit_pages and set(hit_pages) <= set(range(1, 6)), hit_pages


@pytest.mark.parametrize(("query", "page"), sorted(MULTI_PAGE.items()))
def test_pdf_hits_carry_the_page_of_their_text(ingested, query, page):
    url, _, _ = ingested
    best = _search(url, query)[0]
    assert best["filename"] == "multi_page.pdf"
    assert page in best["pages"] and max(best["pages"]) - min(best["pages"]) <= 1, best["pages"]


def test_collection_stats_agree_with_the_stores(ingested):
    url, jobs, container = ingested
    stats = httpx.get(f"{url}/api/v1/collections/shared%20docs").json()
    ready = httpx.get(f"{url}/api/v1/documents", params={"collection": "shared docs", "status": "ready"}).json()
    assert stats["documents"] == len(jobs) == 16
    assert stats["chunks"] == sum(d["chunk_count"] for d in ready)

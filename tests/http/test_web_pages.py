"""The web UI's server side over the real stores: CSRF on forms and on the browser's API mount, error pages
with the problem's detail, confirmations naming what is removed, and the original-file download."""

import html
import re

from tests.http.conftest import run_jobs, upload

RULE = ("collection name must be 1-128 printable Unicode characters, without leading or trailing whitespace "
        "and without '/'")


def _token(client) -> str:
    page = client.get("/")
    assert page.status_code == 200
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text).group(1)


def _alert(page: str) -> str:
    """The text of the page's alert (the problem's detail), unescaped."""
    return html.unescape(re.search(r'role="alert">([^<]*)<', page).group(1))


def test_forms_and_the_browser_api_refuse_requests_without_the_csrf_token(client):
    first = client.get("/")
    assert re.fullmatch(r"ragcore_csrf=[0-9a-f]+; HttpOnly; Path=/; SameSite=strict", first.headers["set-cookie"])
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', first.text).group(1)
    refused = client.post("/collections", data={"name": "docs"}, follow_redirects=False)
    assert (refused.status_code, client.get("/api/v1/collections").json()) == (403, [])
    assert client.post("/ui/api/v1/collections", json={"name": "docs"}).status_code == 403
    made = client.post("/collections", data={"name": "docs", "_csrf_token": token}, follow_redirects=False)
    assert (made.status_code, made.headers["location"]) == (303, "/collections/docs")
    with_token = client.post("/ui/api/v1/collections", json={"name": "more"}, headers={"x-csrftoken": token})
    assert with_token.status_code == 201
    assert client.post("/api/v1/collections", json={"name": "api"}).status_code == 201  # programs: no cookies, no CSRF


def test_the_create_form_sets_backend_and_metadata_extraction(client):
    token = _token(client)
    form = {"name": "papers", "embedding_backend": "torch", "extract_metadata": "on", "_csrf_token": token}
    assert client.post("/collections", data=form, follow_redirects=False).status_code == 303
    made = client.get("/api/v1/collections/papers").json()
    assert (made["embedding_backend"], made["extract_metadata"]) == ("torch", True)
    assert "torch</code> · metadata extraction" in client.get("/collections/papers").text


def test_a_refused_form_shows_the_problem_detail_with_its_status(client):
    token = _token(client)
    r = client.post("/collections", data={"name": " padded", "_csrf_token": token})
    assert (r.status_code, _alert(r.text)) == (422, RULE)


def test_pages_of_missing_things_are_404_pages_with_the_detail(client):
    r = client.get("/collections/nope")
    assert (r.status_code, r.headers["content-type"], _alert(r.text)) == (
        404, "text/html; charset=utf-8", "collection 'nope' does not exist")
    assert _alert(client.get("/documents/x1").text) == "document 'x1' does not exist"


def test_a_bad_search_filter_shows_its_detail(client):
    assert client.post("/api/v1/collections", json={"name": "docs"}).status_code == 201
    r = client.get("/collections/docs/search", params={"q": "ducks", "filters": '{"size": {"$gt": 1}}'})
    assert r.status_code == 422
    assert _alert(r.text).startswith("invalid filter: unknown field 'size'")


def test_deleting_a_collection_asks_first_naming_what_goes(client):
    token = _token(client)
    assert client.post("/api/v1/collections", json={"name": "docs"}).status_code == 201
    assert upload(client, "docs", ("notes.md", b"# Ducks\n\nMallards are dabbling ducks.\n")).status_code == 202
    run_jobs(client)
    confirm = client.get("/collections/docs/delete")
    assert "This permanently removes the collection \u201cdocs\u201d with its 1 document(s), 1 chunk(s) and every " \
           "upload and job." in confirm.text
    gone = client.post("/collections/docs/delete", data={"_csrf_token": token}, follow_redirects=False)
    assert (gone.status_code, gone.headers["location"]) == (303, "/")
    assert client.get("/api/v1/collections").json() == []


def test_the_original_file_downloads_while_it_is_kept(client):
    assert client.post("/api/v1/collections", json={"name": "docs"}).status_code == 201
    data = "# Enten\n\nStockenten gründeln.\n".encode()
    (item,) = upload(client, "docs", ("Über Enten.md", data)).json()["items"]
    doc_id = item["document"]["id"]
    r = client.get(f"/api/v1/documents/{doc_id}/file")
    assert (r.status_code, r.content, r.headers["content-type"]) == (200, data, "text/markdown; charset=utf-8")
    assert r.headers["content-disposition"] == (
        "attachment; filename=\"_ber Enten.md\"; filename*=UTF-8''%C3%9Cber%20Enten.md")
    assert 'href="/ui/api/v1/documents/' + doc_id + '/file"' in client.get("/collections/docs").text
    run_jobs(client)
    gone = client.get(f"/api/v1/documents/{doc_id}/file")
    assert (gone.status_code, gone.json()["code"], gone.json()["detail"]) == (
        404, "original_not_kept",
        "the original of 'Über Enten.md' is no longer kept: uploaded bytes are removed once the document is ready")
    assert "/file" not in client.get("/collections/docs").text
    assert client.get("/api/v1/documents/nope/file").json()["code"] == "document_not_found"

"""Bad input seen on 2026-12-03: each gets a 4xx problem body with a stable code (never a 500), or is
accepted as it should be (NFD file names, RFC 2231 file names)."""

import unicodedata

import pytest

from tests.http.conftest import run_jobs

DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000
DEEP_LIST = "[" * 1000 + "]" * 1000
TOO_DEEP = "the JSON body is nested too deeply to be read"


def _problem(response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["code"], body["detail"]


@pytest.mark.parametrize("path", ["/api/v1/search", "/api/v1/collections", "/api/v1/answers"])
@pytest.mark.parametrize("body", [DEEP_OBJECT, DEEP_LIST], ids=["object", "list"])
def test_a_json_body_nested_a_thousand_levels_deep_is_a_400(client, path, body):
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert _problem(response) == (400, "invalid_request", TOO_DEEP)
    assert response.headers["content-type"] == "application/problem+json"


def test_deep_filters_in_a_search_body_are_a_400(client):
    client.post("/api/v1/collections", json={"name": "docs"})
    body = '{"query": "x", "collection": "docs", "filters": ' + DEEP_OBJECT + "}"
    response = client.post("/api/v1/search", content=body, headers={"content-type": "application/json"})
    assert _problem(response) == (400, "invalid_request", TOO_DEEP)


def test_deep_filters_in_the_query_string_are_a_422_invalid_filter(client):
    client.post("/api/v1/collections", json={"name": "docs"})
    response = client.get("/api/v1/search", params={"q": "x", "collection": "docs", "filters": DEEP_OBJECT})
    assert _problem(response) == (422, "invalid_filter", "invalid filter: filters must be a JSON object")


def test_deep_upload_metadata_is_a_422_invalid_metadata_and_nothing_is_stored(client):
    client.post("/api/v1/collections", json={"name": "docs"})
    response = client.post("/api/v1/collections/docs/documents", files=[("files", ("a.txt", b"hello"))],
                           data={"metadata": DEEP_OBJECT})
    assert _problem(response) == (
        422, "invalid_metadata", "metadata must be a JSON object of key -> string, number or boolean")
    assert client.get("/api/v1/documents", params={"collection": "docs"}).json() == []


def test_a_file_name_sent_in_nfd_is_stored_in_nfc(client):
    client.post("/api/v1/collections", json={"name": "docs"})
    nfd = unicodedata.normalize("NFD", "Müller Zoë.txt")
    assert nfd != "Müller Zoë.txt"
    response = client.post("/api/v1/collections/docs/documents", files=[("files", (nfd, b"hello world"))])
    assert response.status_code == 202
    assert response.json()["items"][0]["document"]["filename"] == "Müller Zoë.txt"


@pytest.mark.parametrize("query", ["\u200b", "\u200b\u200d\ufeff", " \u2060\u200e\t"])
def test_a_query_of_only_zero_width_or_format_characters_is_blank(client, query):
    client.post("/api/v1/collections", json={"name": "docs"})
    response = client.get("/api/v1/search", params={"q": query, "collection": "docs"})
    assert _problem(response) == (422, "invalid_query", "query must be 1-4000 characters, not blank")


def test_a_question_of_only_format_characters_is_blank(client):
    client.post("/api/v1/collections", json={"name": "docs"})
    response = client.post("/api/v1/answers", json={"question": "\u200b\ufeff", "collection": "docs"})
    assert _problem(response) == (
        422, "invalid_question", "question must be 1-4000 characters and not blank")


def test_a_part_naming_its_file_only_with_rfc_2231_filename_star_is_accepted(client):
    client.post("/api/v1/collections", json={"name": "docs"})
    body = (b"--XX\r\nContent-Disposition: form-data; name=\"files\"; filename*=UTF-8''caf%C3%A9%20cr%C3%A8me.txt"
            b"\r\nContent-Type: text/plain\r\n\r\nThe goose migrates south.\r\n--XX--\r\n")
    response = client.post("/api/v1/collections/docs/documents", content=body,
                           headers={"content-type": "multipart/form-data; boundary=XX"})
    assert response.status_code == 202, response.text
    (item,) = response.json()["items"]
    assert item["document"]["filename"] == "café crème.txt"
    run_jobs(client)
    document = client.get(f"/api/v1/documents/{item['document']['id']}").json()
    assert (document["status"], document["size_bytes"]) == ("ready", len(b"The goose migrates south."))


def test_binary_bytes_in_a_part_without_a_file_name_are_ignored_not_a_500(client):
    client.post("/api/v1/collections", json={"name": "docs"})
    body = b"--XX\r\nContent-Disposition: form-data; name=\"files\"\r\n\r\n\xff\xfe\x00\x81\r\n--XX--\r\n"
    response = client.post("/api/v1/collections/docs/documents", content=body,
                           headers={"content-type": "multipart/form-data; boundary=XX"})
    assert _problem(response) == (422, "no_files", "no files were uploaded")

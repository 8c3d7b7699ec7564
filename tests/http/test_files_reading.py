"""Every real file reads right, end to end over the real app (issue 15): texts that start like a
binary format, legacy encodings, a scanned PDF, a megabyte without spaces."""

import codecs

from tests.http.conftest import run_jobs, upload

LETTER = "Herr Müller bestellt im Café einen Kaffee für Zoë."


def _ready_documents(client, response) -> list[dict]:
    assert response.status_code == 202, response.text
    assert run_jobs(client) == len(response.json()["items"])
    return [client.get(f"/api/v1/documents/{item['document']['id']}").json() for item in response.json()["items"]]


def _chunk_texts(client, document_id: str) -> list[str]:
    return [chunk["text"] for chunk in client.get(f"/api/v1/documents/{document_id}/chunks").json()]


def test_texts_starting_like_binary_formats_ingest_ready(client) -> None:
    assert client.post("/api/v1/collections", json={"name": "docs"}).status_code == 201
    texts = {"bmal.txt": "BMAL1 and CLOCK, Two Essential Components of the Circadian Clock",
             "pk.txt": "PK studies measure how a drug moves through the body",
             "gif.md": "GIF89a was the animated image format of the nineties",
             "id3.txt": "ID3 tags carry the title and artist of an MP3 file",
             "pdf.txt": "%PDF-1.7 is the version header every PDF file starts with"}
    documents = _ready_documents(client, upload(client, "docs", *[(n, t.encode()) for n, t in texts.items()]))
    assert [(d["filename"], d["status"], d["error_code"], d["encoding"]) for d in documents] == [
        (name, "ready", None, "utf-8") for name in texts
    ]
    assert [_chunk_texts(client, d["id"]) for d in documents] == [[text] for text in texts.values()]


def test_windows_1252_and_utf16_files_keep_every_character_and_show_their_encoding(client) -> None:
    assert client.post("/api/v1/collections", json={"name": "docs"}).status_code == 201
    files = [("cp1252.txt", LETTER.encode("cp1252")),
             ("utf16.txt", codecs.BOM_UTF16_LE + f"{LETTER} (UTF-16)".encode("utf-16-le"))]
    documents = _ready_documents(client, upload(client, "docs", *files))
    assert [(d["status"], d["encoding"]) for d in documents] == [("ready", "cp1252"), ("ready", "utf-16")]
    assert [_chunk_texts(client, d["id"]) for d in documents] == [[LETTER], [f"{LETTER} (UTF-16)"]]
    hits = client.get("/api/v1/search", params={"q": "Müller Café Zoë", "collection": "docs", "mode": "keyword"})
    assert sorted(hit["filename"] for hit in hits.json()["hits"]) == ["cp1252.txt", "utf16.txt"]


def test_a_scanned_pdf_ingests_ready_with_its_words_searchable_on_its_page(client, shared_docs) -> None:
    assert client.post("/api/v1/collections", json={"name": "scans"}).status_code == 201
    response = upload(client, "scans", ("ocr_test.pdf", (shared_docs / "ocr_test.pdf").read_bytes()))
    (document,) = _ready_documents(client, response)
    assert (document["status"], document["page_count"], document["chunk_count"]) == ("ready", 1, 1)
    hits = client.get("/api/v1/search", params={"q": "self contained package", "collection": "scans"}).json()["hits"]
    assert [(hit["filename"], hit["pages"]) for hit in hits] == [("ocr_test.pdf", [1])]
    assert hits[0]["text"] == (
        "Docling bundles PDF document conversion to JSON and Markdown in an easy self contained package"
    )


def test_a_megabyte_without_spaces_is_stored_in_bounded_chunks_and_kept_whole(client) -> None:
    assert client.post("/api/v1/collections", json={"name": "dump"}).status_code == 201
    run = "".join(chr(ord("a") + i % 26) for i in range(1_000_000))
    (document,) = _ready_documents(client, upload(client, "dump", ("dump.txt", run.encode())))
    texts = _chunk_texts(client, document["id"])
    assert (document["status"], document["chunk_count"]) == ("ready", 512)
    assert max(len(text) for text in texts) <= 2032  # 8 characters per token of MiniLM's 254-token budget
    assert "".join(texts) == run

"""A new user's journey through the web UI in a real browser, in order: create a collection, upload two real
documents and an empty file, search, filter, ask (streamed, cited), fall back to extractive mode, delete a
document. The tests share one app and one collection (module scope), so they run in this order."""

import json
import re

import pytest
from playwright.sync_api import expect
from tests.conftest import shared_path
from tests.e2e.conftest import INGEST_MS, SCREENSHOTS

pytestmark = pytest.mark.usefixtures("shared_docs")  # every step skips without ../shared/data

COLLECTION = "Field manuals"
PDF, MD, EMPTY = "multi_page.pdf", "wiki.md", "empty.txt"


def collection_url(page) -> str:
    return f"{page.app_url}/collections/Field%20manuals"


def test_create_collection_and_upload_with_live_progress(page, tmp_path):
    docs = shared_path("docs")
    empty = tmp_path / EMPTY
    empty.write_bytes(b"")
    page.goto(page.app_url + "/")
    page.get_by_label("Name").fill(COLLECTION)
    page.get_by_label("Embedding backend").select_option("torch")
    page.get_by_label("Name").press("Enter")  # the form submits from the keyboard
    expect(page.get_by_role("heading", level=1)).to_have_text(COLLECTION)

    page.get_by_label("Drop files here or choose them").set_input_files([docs / PDF, docs / MD, empty])
    rows = {name: page.locator(f'.upload[data-file="{name}"]') for name in (PDF, MD, EMPTY)}
    expect(rows[EMPTY].locator(".stage")).to_have_text("'empty.txt' is empty (0 bytes)")
    expect(rows[EMPTY]).to_have_attribute("data-state", "refused")

    # Any stage shown by the job's SSE stream: a warm parser can pass "parsing" between two events, so
    # waiting for that one stage alone could wait forever (seen once in CI).
    started = re.compile(r"queued|parsing|ocr|chunking|extracting metadata|embedding|storing|registering|ready")
    expect(rows[PDF].locator(".stage")).to_have_text(started, timeout=INGEST_MS)
    height = rows[PDF].bounding_box()["height"]
    page.screenshot(path=_screenshot("collection-progress"), full_page=True)
    for name in (PDF, MD):
        expect(rows[name].locator(".stage")).to_have_text("ready", timeout=INGEST_MS)
        expect(rows[name].locator("progress")).to_have_attribute("value", "100")
    assert rows[PDF].bounding_box()["height"] == height  # progress updates do not move the layout
    stages = rows[PDF].get_attribute("data-stages").split("|")
    between = {"queued", "parsing", "ocr", "chunking", "extracting metadata", "embedding", "storing", "registering"}
    assert stages[0] == "uploading" and stages[-1] == "ready" and between & set(stages), stages  # stage names

    page.goto(collection_url(page))
    for name in (PDF, MD):
        row = page.locator("#documents tr", has=page.get_by_role("link", name=name, exact=True))
        expect(row.locator(".status")).to_have_text("ready")
    pdf_row = page.locator("#documents tr", has=page.get_by_role("link", name=PDF, exact=True))
    expect(pdf_row.locator('td[data-label="Pages"]')).to_have_text("5")


def test_search_shows_filename_pages_score_and_highlighted_terms(page):
    page.goto(collection_url(page) + "/search")
    page.get_by_label("Query").fill("WordPerfect legal professionals")
    page.get_by_role("button", name="Search").click()
    top = page.locator(".hit").first
    expect(top.get_by_role("link")).to_have_text(PDF)
    expect(top.locator(".pages")).to_have_text(re.compile(r"^pages? \d"))
    expect(top.locator("mark", has_text=re.compile("^WordPerfect$", re.I)).first).to_be_visible()
    expect(top.locator(".score")).to_have_text(re.compile(r"^\d+\.\d{4}$"))


def test_a_metadata_filter_narrows_the_hits(page):
    page.goto(collection_url(page) + "/search")
    page.get_by_label("Query").fill("IBM word processing software")
    page.get_by_label("Hits").fill("10")
    page.get_by_role("button", name="Search").click()
    files = page.locator(".hit .meta a")
    expect(files.filter(has_text=PDF).first).to_be_visible()

    page.get_by_label(re.compile("^Filters")).fill(json.dumps({"content_type": "md"}))
    page.get_by_role("button", name="Search").click()
    expect(files.first).to_have_text(MD)
    assert set(files.all_inner_texts()) == {MD}
    expect(page.locator(".hit .headings").first).to_have_text(re.compile("^IBM"))  # the heading path

    page.get_by_label(re.compile("^Filters")).fill('{"content_type": {"$between": 1}}')
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_have_text(
        "invalid filter: unknown operator '$between' on field 'content_type'")


def test_ask_streams_an_answer_whose_citation_opens_the_passage(page, scripted_llm):
    scripted_llm.script("WordPerfect was popular among legal professionals [1]. It also flew to the moon [7].")
    page.goto(collection_url(page) + "/ask")
    page.get_by_label("Question").fill("Which word processor did legal professionals use?")
    page.get_by_role("button", name="Ask").click()
    answer = page.locator("#answer")
    expect(answer).to_have_attribute("data-state", "done")
    expect(answer).to_have_text("WordPerfect was popular among legal professionals [1]. It also flew to the moon.")
    assert int(answer.get_attribute("data-tokens")) > 1  # streamed in pieces, not one body
    expect(page.locator("#dropped")).to_have_text(
        "The model cited [7], which matched no passage; those markers were removed.")

    prompt = scripted_llm.requests()[0]["messages"][-1]["content"]
    header, text = re.search(r"^\[1\] (.+)\n(.+)$", prompt, re.M).groups()  # "[1] file, p. 2" then its text
    answer.get_by_role("link", name="source 1").click()
    cite = page.locator("#cite-1")
    expect(cite.locator("details")).to_have_attribute("open", "")
    expect(cite.locator("summary")).to_be_focused()
    expect(cite.locator("summary")).to_contain_text(f"[1] {PDF} · page")
    page_numbers = re.search(r"p\. ([\d-]+)", header).group(1)
    expect(cite.locator("summary")).to_contain_text(page_numbers.split("-")[0])
    expect(cite.locator(".passage .text")).to_contain_text(text[:60])
    page.screenshot(path=_screenshot("answer-with-citations"), full_page=True)


def test_without_a_language_model_one_click_gives_the_extractive_answer(page, scripted_llm):
    scripted_llm.script({"status": 503, "error": "model not loaded"})
    page.goto(collection_url(page) + "/ask")
    page.get_by_label("Question").fill("Which word processor did legal professionals use?")
    page.get_by_role("button", name="Ask").click()
    expect(page.locator("#problem p")).to_contain_text("the language model server at")
    switch = page.get_by_role("button", name="Show the best passages instead (extractive, no model)")
    expect(switch).to_be_focused()
    switch.click()
    expect(page.locator("#answer")).to_have_text("Extractive mode: the best passages below, no generated text.")
    expect(page.locator("#cite-1 details")).to_have_attribute("open", "")
    expect(page.locator("#cite-1 summary")).to_contain_text(PDF)
    expect(page.locator("#problem")).to_be_hidden()


def test_delete_a_document_after_a_confirmation_and_it_is_gone_from_search(page):
    page.goto(collection_url(page))
    row = page.locator("#documents tr", has=page.get_by_role("link", name=MD, exact=True))
    chunks = row.locator('td[data-label="Chunks"]').inner_text()
    assert int(chunks) > 0
    row.get_by_role("link", name=f"Delete {MD}").click()
    expect(page.locator(".problem")).to_have_text(
        f"This permanently removes the document \u201c{MD}\u201d and its "
        f"{chunks} chunk(s) from collection \u201c{COLLECTION}\u201d.")
    page.get_by_role("button", name="Delete permanently").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COLLECTION)
    expect(page.get_by_role("link", name=MD, exact=True)).to_have_count(0)

    page.goto(collection_url(page) + "/search?q=IBM+Armonk+New+York&top_k=10")
    expect(page.locator(".hit").first).to_be_visible()
    assert MD not in page.locator(".hit .meta a").all_inner_texts()


def _screenshot(name: str):
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"{name}.png"

"""Cancel, retry, download and the "still processing" notice in the browser, on an app without a worker:
its jobs stay queued until the test acts, so nothing here races the worker."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

NAME = "Queue"
NOTES = b"# Ducks\n\nMallards are dabbling ducks found worldwide.\n"


@pytest.fixture(scope="module")
def run_worker() -> bool:
    return False


@pytest.fixture(scope="module", autouse=True)
def collection(app_url):
    request = urllib.request.Request(f"{app_url}/api/v1/collections", data=json.dumps({"name": NAME}).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 201


def test_cancel_then_retry_and_download_the_kept_original(page, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_bytes(NOTES)
    page.goto(f"{page.app_url}/collections/{NAME}")
    page.get_by_label("Drop files here or choose them").set_input_files(notes)
    row = page.locator('.upload[data-file="notes.md"]')
    expect(row.locator(".stage")).to_have_text("queued")
    row.get_by_role("button", name="Cancel").click()
    expect(row.locator(".stage")).to_have_text("cancelled")
    expect(row).to_have_attribute("data-state", "cancelled")

    page.get_by_role("link", name="Reload the document list").click()
    document = page.locator("#documents tr", has=page.get_by_role("link", name="notes.md", exact=True))
    expect(document.locator(".status")).to_have_text("failed")
    expect(document).to_contain_text("cancelled")
    with page.expect_download() as download:
        document.get_by_role("link", name="Download notes.md").click()
    saved = download.value
    assert (saved.suggested_filename, saved.path().read_bytes()) == ("notes.md", NOTES)

    document.get_by_role("button", name="Retry notes.md").click()
    expect(document.locator(".status")).to_have_text("queued")
    expect(document).to_contain_text("queued · 0%")


def test_search_says_when_documents_are_still_processing(page):
    page.goto(f"{page.app_url}/collections/{NAME}/search?q=ducks")
    expect(page.get_by_role("status")).to_have_text(
        "1 document(s) still processing: their passages are not searchable yet.")
    expect(page.get_by_role("heading", name="0 hit(s)")).to_be_visible()


def test_files_dropped_on_the_drop_zone_upload_each_with_the_given_metadata(page):
    page.goto(f"{page.app_url}/collections/{NAME}")
    page.get_by_label("Metadata of these files").fill('{"team": "ops", "year": 2024}')
    files = page.evaluate_handle("""() => {
        const dt = new DataTransfer();
        dt.items.add(new File(["# Geese\\n\\nGeese honk."], "geese.md", {type: "text/markdown"}));
        dt.items.add(new File(["Swans glide."], "swans.txt", {type: "text/plain"}));
        return dt;
    }""")
    page.locator("#drop").dispatch_event("drop", {"dataTransfer": files})
    for name in ("geese.md", "swans.txt"):
        expect(page.locator(f'.upload[data-file="{name}"] .stage')).to_have_text("queued")
    page.get_by_role("link", name="geese.md").click()
    expect(page.get_by_text("Metadata:")).to_have_text("Metadata: team=ops year=2024")

"""Every page in a real browser: offline API docs, the weight of each page's JS + CSS, a 375 px wide screen,
keyboard use with a visible focus. (The page fixture fails any test whose page asks another host.)"""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

BUDGET = 200 * 1024  # bytes of JS + CSS per page
NAME = "Weights & measures"
PAGES = ["/", "/collections/Weights%20%26%20measures", "/collections/Weights%20%26%20measures/search?q=torque",
         "/collections/Weights%20%26%20measures/ask", "/collections/Weights%20%26%20measures/delete"]


@pytest.fixture(scope="module", autouse=True)
def collection(app_url):
    body = json.dumps({"name": NAME}).encode()
    request = urllib.request.Request(f"{app_url}/api/v1/collections", data=body,
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 201


def test_api_docs_render_offline_from_the_installed_package(page):
    page.goto(page.app_url + "/schema")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("ragcore")
    expect(page.locator(".swagger-ui .opblock-summary-path", has_text="/api/v1/documents/{document_id}/file")
           ).to_be_visible()
    assert page.request.get(page.app_url + "/schema/redoc").status == 404  # no CDN-only renderer left


@pytest.mark.parametrize("path", PAGES)
def test_each_page_weighs_at_most_200_kb_of_js_and_css(page, path):
    sizes: dict[str, int] = {}
    page.on("requestfinished", lambda r: sizes.__setitem__(r.url, len(r.response().body()))
            if r.resource_type in ("script", "stylesheet") else None)
    page.goto(page.app_url + path, wait_until="networkidle")
    inline = page.evaluate("[...document.querySelectorAll('script:not([src]), style')]"
                           ".reduce((n, e) => n + e.textContent.length, 0)")
    assert any(url.endswith("/static/ui/app.css") for url in sizes), sizes
    assert 0 < sum(sizes.values()) + inline <= BUDGET, sizes


@pytest.mark.parametrize("path", PAGES)
def test_each_page_fits_a_375_px_wide_screen(page, path):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page.app_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    for control in page.locator("main input:not([type=hidden]), main button, main select, main textarea").all():
        box = control.bounding_box()
        assert box is None or box["x"] >= 0 and box["x"] + box["width"] <= 375, control


def test_keyboard_reaches_the_content_with_a_visible_focus(page):
    page.goto(page.app_url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # the first link in the collections table
    expect(page.get_by_role("link", name=NAME, exact=True)).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    page.get_by_label("Drop files here or choose them").focus()  # the upload is a labelled, focusable file input
    expect(page.get_by_label("Drop files here or choose them")).to_be_focused()

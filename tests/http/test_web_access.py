"""The web UI under access control. Auth disabled (loopback): pages, /ui/api, /static and /schema
answer without a key. Auth required: pages and /ui/api answer 401 without a key like /api; the pages
(which read every collection) only for an admin; /ui/api checks grants like /api; static files and
/schema stay public. The original file's route checks access like the other document routes."""

import pytest
from litestar.testing import TestClient

from ragcore.app.http.app import create_app
from tests.http.access_world import bearer, build_world, upload_as

PAGES = ["/", "/collections/manuals", "/collections/manuals/search?q=torque", "/collections/manuals/ask"]


@pytest.fixture
def secured(container):
    with TestClient(app=create_app(container, run_worker=False, auth_mode="required")) as c:
        c.container = container
        yield c


@pytest.fixture
def world(secured) -> dict:
    return build_world(secured)


@pytest.mark.parametrize("path", [*PAGES, "/ui/api/v1/collections", "/ui/api/v1/collections/manuals"])
def test_without_a_key_the_pages_and_the_browser_api_answer_401(secured, world, path: str) -> None:
    response = secured.get(path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="ragcore"'


@pytest.mark.parametrize("person, status", [("root", 200), ("olga", 403), ("xena", 403)])
def test_with_auth_required_only_an_admin_sees_the_pages(secured, world, person: str, status: int) -> None:
    token = world["tokens"][person]
    assert [secured.get(path, headers=bearer(token)).status_code for path in PAGES] == [status] * len(PAGES)


def test_a_form_post_without_a_key_is_refused_before_anything_changes(secured, world) -> None:
    response = secured.post("/collections/manuals/delete")
    assert response.status_code == 401
    assert secured.get("/api/v1/collections/manuals", headers=bearer(world["tokens"]["olga"])).status_code == 200


def test_the_browser_api_checks_grants_like_the_api(secured, world) -> None:
    tokens = world["tokens"]
    names = lambda token: [c["name"] for c in secured.get("/ui/api/v1/collections", headers=bearer(token)).json()]  # noqa: E731
    assert names(tokens["rita"]) == ["manuals"]
    assert names(tokens["xena"]) == []
    hidden = secured.get("/ui/api/v1/collections/manuals", headers=bearer(tokens["xena"]))
    assert (hidden.status_code, hidden.json()["code"]) == (404, "collection_not_found")


@pytest.mark.parametrize("path", ["/static/ui/app.css", "/schema/openapi.json"])
def test_static_files_and_the_schema_stay_public(secured, path: str) -> None:
    assert secured.get(path).status_code == 200


def test_the_original_file_is_served_to_readers_only(secured, world) -> None:
    tokens = world["tokens"]
    queued = upload_as(secured, tokens["olga"], "notes.md", b"# Notes\n\nKept until ingested.\n").json()
    path = f"/api/v1/documents/{queued['items'][0]['document']['id']}/file"
    got = {person: secured.get(path, headers=bearer(tokens[person])) for person in ("anonymous", "rita", "xena")}
    assert got["anonymous"].status_code == 401
    assert (got["rita"].status_code, got["rita"].content) == (200, b"# Notes\n\nKept until ingested.\n")
    assert (got["xena"].status_code, got["xena"].json()["code"]) == (404, "document_not_found")


@pytest.mark.parametrize("path", [*PAGES[:1], "/ui/api/v1/collections", "/static/ui/app.css", "/schema/openapi.json"])
def test_with_auth_disabled_the_web_ui_needs_no_key(container, path: str) -> None:
    with TestClient(app=create_app(container, run_worker=False, auth_mode="disabled")) as client:
        assert client.get(path).status_code == 200

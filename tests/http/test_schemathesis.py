"""Property-based fuzzing of every operation in the OpenAPI document with an admin key (schemathesis):
no input may produce a 5xx. Bounded: MAX_EXAMPLES per operation (a few minutes in all)."""

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from ragcore.app.http.app import create_app
from ragcore.domain.identity.models import Principal
from tests.http.conftest import make_container

MAX_EXAMPLES = 40
HIGH = "100000/minute"


@pytest.fixture
def api_world(tmp_path, embedder, parser, llm_server):
    llm_server.reset()
    # answers get replies (without one they are 503 llm_unavailable, by design)
    llm_server.script(*["Tighten the bolts to 40 Nm [1]."] * 200)
    container = make_container(tmp_path / "data", embedder, parser, llm_base_url=llm_server.base_url,
                               llm_model="scripted", rate_limit_search=HIGH, rate_limit_answers=HIGH,
                               rate_limit_upload=HIGH, rate_limit_auth_failures=HIGH)
    container.stores.vectors().collection_ids()  # open the embedded store before the clock of the first call
    container.services.collections().create("0")  # "0": the name hypothesis tries first, so some calls hit data
    container.services.documents().upload("0", [("a.md", b"# Torque\n\nTighten the bolts to 40 Nm.\n")])
    container.services.jobs().run_next("test-worker")
    token = container.identity.users().create_user(Principal.operator(), "root", role="admin")[1].token
    return create_app(container, run_worker=False, auth_mode="required"), token


def test_no_operation_answers_5xx(api_world) -> None:
    app, token = api_world
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    failures: list[str] = []
    seen: Counter[int] = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25  # every route is in the document
    for operation in operations:
        _fuzz(operation, token, failures, seen)
    assert failures == []
    assert seen[2] >= 100 and seen[4] >= 200, seen  # both accepted and refused inputs were explored


def _fuzz(operation, token: str, failures: list[str], seen: Counter[int]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case) -> None:
        response = case.call(headers={"Authorization": f"Bearer {token}"}, timeout=120)
        seen[response.status_code // 100] += 1
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}")

    run()

import json

import httpx

from tests.http.conftest import run_jobs


def _queued(client, data=b"# Swans\n\nSwans are the largest waterfowl.", name="swans.md", priority=0):
    client.post("/api/v1/collections", json={"name": "docs"})
    r = client.post("/api/v1/collections/docs/documents", params={"priority": priority},
                    files=[("files", (name, data, "text/markdown"))])
    assert r.status_code == 202
    return r.json()["items"][0]


def test_cancel_a_queued_job_then_retry_it(client):
    item = _queued(client)
    cancelled = client.post(f"/api/v1/jobs/{item['job_id']}/cancel")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert run_jobs(client) == 0
    doc = client.get(f"/api/v1/documents/{item['document']['id']}").json()
    assert (doc["status"], doc["error_code"]) == ("failed", "job_cancelled")
    again = client.post(f"/api/v1/jobs/{item['job_id']}/cancel")
    assert (again.status_code, again.json()["code"]) == (409, "job_finished")
    retried = client.post(f"/api/v1/jobs/{item['job_id']}/retry")
    assert retried.status_code == 202
    new_job = retried.json()
    assert (new_job["status"], new_job["document_id"]) == ("queued", item["document"]["id"])
    assert new_job["id"] != item["job_id"]
    assert run_jobs(client) == 1
    assert client.get(f"/api/v1/documents/{item['document']['id']}").json()["status"] == "ready"
    r = client.post(f"/api/v1/jobs/{new_job['id']}/retry")
    assert (r.status_code, r.json()["code"]) == (409, "job_not_retryable")


def test_higher_priority_runs_first(client):
    low = _queued(client, b"low priority words", "low.txt", priority=0)
    high = _queued(client, b"high priority words", "high.txt", priority=5)
    jobs = client.container.services.jobs()
    assert jobs.run_next("w").id == high["job_id"]
    assert jobs.run_next("w").id == low["job_id"]


def test_unknown_job_actions_are_404(client):
    for path in ("/api/v1/jobs/nope/cancel", "/api/v1/jobs/nope/retry"):
        r = client.post(path)
        assert (r.status_code, r.json()["code"]) == (404, "job_not_found")
    assert client.get("/api/v1/jobs/nope/events").status_code == 404


def test_progress_streams_as_server_sent_events(live_server):
    httpx.post(f"{live_server}/api/v1/collections", json={"name": "sse"})
    files = [("files", ("geese.md", b"# Geese\n\n" + b"Geese fly in a V formation. " * 200, "text/markdown"))]
    item = httpx.post(f"{live_server}/api/v1/collections/sse/documents", files=files).json()["items"][0]
    events = []
    with httpx.stream("GET", f"{live_server}/api/v1/jobs/{item['job_id']}/events", timeout=120) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        event = None
        for line in r.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((event, json.loads(line.split(":", 1)[1])))
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "end" and set(kinds[:-1]) <= {"progress"}
    assert events[-1][1]["status"] == "succeeded" and events[-1][1]["progress"] == 100
    progress = [data["progress"] for _, data in events]
    assert progress == sorted(progress)

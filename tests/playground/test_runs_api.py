"""The runs contract (spec/api.md, "Runs") at the HTTP boundary: what is refused before anything
is queued, who may see and steer a run, and the check for runs whose worker vanished. What a real
worker does with a run is in tests/e2e/test_runs_live.py."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from playground.runs import log, services
from playground.runs.models import Run

pytestmark = pytest.mark.django_db

DOC = {"format": 1, "nodes": [{"id": "u", "kind": "client"}, {"id": "s", "kind": "app_server"}],
       "edges": [{"id": "wire", "source": "u", "target": "s"}], "scenario": {"duration_s": 30}}  # fmt: skip


def post(client: Client, path: str, body: object):
    return client.post(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def started(client: Client) -> dict:
    response = post(client, "/api/runs", {"document": DOC, "speed": 10, "seed": 5})
    assert response.status_code == 202, response.content
    return response.json()


def test_a_started_run_is_stored_queued_with_its_document_seed_and_speed(client, started):
    run = Run.objects.get(pk=started["id"])
    assert (run.status, run.speed, run.seed) == ("queued", "10", 5)
    assert run.document["scenario"]["seed"] == 5
    body = client.get(f"/api/runs/{run.id}").json()
    assert body["status"] == "queued" and body["progress"] == 0.0 and body["results"] is None


def test_a_bad_document_is_refused_before_anything_is_queued(client):
    bad = dict(DOC, nodes=[{"id": "u", "kind": "client", "params": {"rate_rps": 0}}])
    response = post(client, "/api/runs", {"document": bad})
    assert response.status_code == 400
    assert any(d["node"] == "u" and d["field"] == "params.rate_rps" for d in response.json()["details"])
    assert Run.objects.count() == 0


def test_a_draft_revision_is_refused_with_its_problems_and_nothing_is_queued(client):
    broken = dict(
        DOC,
        nodes=[{"id": "u", "kind": "client", "params": {"rate_rps": 0}}, {"id": "s", "kind": "app_server"}],
    )
    saved = post(client, "/api/topologies", {"document": broken, "draft": True})
    assert saved.status_code == 201 and saved.json()["draft"] is True
    response = post(client, "/api/runs", {"topology_id": saved.json()["id"]})
    assert response.status_code == 400
    assert any(d["node"] == "u" and d["field"] == "params.rate_rps" for d in response.json()["details"])
    assert Run.objects.count() == 0


@pytest.mark.parametrize(
    ("speed", "fragment"),
    [(0, "from 0.1 to 10000"), ("warp", "from 0.1 to 10000"), (-5, "from 0.1 to 10000")],
)
def test_a_speed_that_is_neither_max_nor_a_sane_factor_is_400(client, speed, fragment):
    response = post(client, "/api/runs", {"document": DOC, "speed": speed})
    assert response.status_code == 400
    assert any(fragment in d["message"] for d in response.json()["details"])


def test_a_paced_run_longer_than_the_time_limit_is_refused_with_the_arithmetic(client, settings):
    day = dict(DOC, scenario={"duration_s": 86_400})
    response = post(client, "/api/runs", {"document": day, "speed": 1})
    assert response.status_code == 400
    assert "would take 1440 minutes" in response.json()["details"][0]["message"]


def test_more_runs_than_the_limit_at_once_is_429(client, settings):
    settings.MAX_ACTIVE_RUNS = 2
    for _ in range(2):
        assert post(client, "/api/runs", {"document": DOC}).status_code == 202
    response = post(client, "/api/runs", {"document": DOC})
    assert response.status_code == 429
    assert "2 runs going" in response.json()["error"]
    assert post(Client(), "/api/runs", {"document": DOC}).status_code == 202  # another visitor's quota


def test_a_run_of_a_saved_revision_remembers_the_topology_and_revision(client):
    saved = post(client, "/api/topologies", {"document": DOC}).json()
    response = post(client, "/api/runs", {"topology_id": saved["id"], "revision": 1})
    run = Run.objects.get(pk=response.json()["id"])
    assert (run.topology_id, run.revision, run.document) == (saved["id"], 1, DOC)


def test_someone_elses_run_is_403_and_an_unknown_one_404(started):
    assert Client().get(f"/api/runs/{started['id']}").status_code == 403
    assert Client().get("/api/runs/nope").status_code == 404
    assert post(Client(), f"/api/runs/{started['id']}/cancel", {}).status_code == 403


def test_cancelling_a_queued_run_cancels_it_at_once(client, started):
    body = post(client, f"/api/runs/{started['id']}/cancel", {}).json()
    assert body["status"] == "cancelled"
    messages = log.log_read(log.redis_client(), started["id"])
    assert messages[-1] == {"type": "status", "seq": len(messages), "status": "cancelled", "progress": 0.0}


def test_an_injected_fault_is_checked_against_the_document_and_queued_for_the_worker(client, started):
    response = post(client, f"/api/runs/{started['id']}/commands", {"action": "fail", "target": "s"})
    assert response.status_code == 202
    assert log.commands_take(log.redis_client(), started["id"]) == [
        {"action": "fail", "target": "s", "params": {}}
    ]
    response = post(client, f"/api/runs/{started['id']}/commands", {"action": "fail", "target": "ghost"})
    assert response.status_code == 400
    assert "ghost" in json.dumps(response.json())
    response = post(client, f"/api/runs/{started['id']}/commands", {"action": "partition", "target": "wire"})
    assert response.status_code == 202
    response = post(client, f"/api/runs/{started['id']}/commands", {"action": "explode", "target": "s"})
    assert response.status_code == 400


def test_a_fault_for_a_finished_run_is_409(client, started):
    Run.objects.filter(pk=started["id"]).update(status=Run.Status.DONE)
    response = post(client, f"/api/runs/{started['id']}/commands", {"action": "fail", "target": "s"})
    assert response.status_code == 409


def test_a_running_run_whose_worker_gave_no_sign_of_life_is_failed_when_looked_at(client, started):
    stale = timezone.now() - timedelta(seconds=services.VANISHED_AFTER_S + 5)
    Run.objects.filter(pk=started["id"]).update(status=Run.Status.RUNNING, heartbeat_at=stale, worker="w:1")
    body = client.get(f"/api/runs/{started['id']}").json()
    assert body["status"] == "failed"
    assert "stopped responding" in body["error"]


def test_a_running_run_with_a_recent_heartbeat_is_left_running(client, started):
    Run.objects.filter(pk=started["id"]).update(status=Run.Status.RUNNING, heartbeat_at=timezone.now())
    assert client.get(f"/api/runs/{started['id']}").json()["status"] == "running"


def test_the_runs_of_a_topology_are_listed_for_its_owner_and_its_view_link(client):
    saved = post(client, "/api/topologies", {"document": DOC}).json()
    run_id = post(client, "/api/runs", {"topology_id": saved["id"]}).json()["id"]
    assert [r["id"] for r in client.get(f"/api/runs?topology_id={saved['id']}").json()] == [run_id]
    token = saved["view_url"].rsplit("/", 1)[1]
    assert [r["id"] for r in Client().get(f"/api/runs?view={token}").json()] == [run_id]
    assert Client().get(f"/api/runs?topology_id={saved['id']}").status_code == 403


def test_a_restart_on_the_embedded_redis_fails_the_runs_it_left_unfinished(client, started, monkeypatch):
    from django.core.management import call_command

    monkeypatch.delenv("REDIS_URL", raising=False)
    Run.objects.create(document=DOC, status=Run.Status.DONE)
    call_command("fail_orphaned_runs")
    body = client.get(f"/api/runs/{started['id']}").json()
    assert body["status"] == "failed" and "restarted" in body["error"]
    assert Run.objects.filter(status=Run.Status.DONE).count() == 1


def test_with_an_external_redis_a_restart_leaves_queued_runs_queued(client, started, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    call_command("fail_orphaned_runs")
    assert client.get(f"/api/runs/{started['id']}").json()["status"] == "queued"

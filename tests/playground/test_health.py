"""/healthz tells the state of each real part. The all-up case, with a real worker, is in
tests/e2e/test_live_seam.py."""

import pytest
from celery import Celery

from playground import health, runtime

pytestmark = pytest.mark.django_db


def test_the_database_and_redis_checks_see_the_real_services():
    assert health.check_database()["up"] is True
    redis_state = health.check_redis()
    assert redis_state["up"] is True


def test_the_worker_check_is_down_when_no_worker_listens_on_the_broker(settings):
    # A broker database no worker consumes from: the same real Redis, nobody answering the ping.
    lonely = Celery(broker=runtime.celery_broker_url(settings.REDIS_URL) + "?virtual_host=15")
    try:
        assert health.check_workers(timeout_s=0.5, app=lonely) == {"up": False, "count": 0, "names": []}
    finally:
        lonely.close()


def test_healthz_is_503_and_names_redis_down_when_it_cannot_be_reached(client, settings):
    settings.REDIS_URL = "unix:///nonexistent/archplay/redis.sock"
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["database"]["up"] is True
    assert body["redis"]["up"] is False
    assert "error" in body["redis"]
    assert body["workers"]["up"] is False

"""POST /api/pulse: validated, CSRF-protected, and every error is JSON."""

import json
import secrets

import pytest
from django.test import Client


def _post(client: Client, body: object, **extra):
    return client.post("/api/pulse", data=json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def test_a_valid_request_is_accepted_with_the_websocket_address_to_listen_on(client):
    # Delivery by a real worker is tested end to end in tests/e2e/test_live_seam.py.
    channel = secrets.token_hex(16)
    response = _post(client, {"channel": channel, "count": 3})
    assert response.status_code == 202
    assert response.json() == {
        "channel": channel,
        "count": 3,
        "interval_ms": 0,
        "ws_url": f"/ws/pulse/{channel}/",
    }


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"channel": "short", "count": 3}, "channel: must be 32 lowercase hex characters"),
        ({"channel": secrets.token_hex(16), "count": 0}, "count: must be an integer from 1 to 100"),
        ({"channel": secrets.token_hex(16), "count": True}, "count: must be an integer from 1 to 100"),
        ({"channel": secrets.token_hex(16), "interval_ms": 5000}, "interval_ms: must be an integer from 0"),
    ],
)
def test_a_bad_request_is_400_with_a_message_naming_the_field(client, body, problem):
    response = _post(client, body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid pulse request"
    assert any(detail.startswith(problem) for detail in response.json()["details"])


def test_a_body_that_is_not_json_is_400_json(client):
    response = client.post("/api/pulse", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "the body is not JSON", "details": []}


def test_a_wrong_method_on_an_api_path_is_405_json(client):
    response = client.get("/api/pulse")
    assert response.status_code == 405
    assert response.json()["error"] == "method not allowed"
    assert response["Allow"] == "POST"


def test_an_unknown_api_path_is_404_json(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": "not found", "details": []}


def test_a_post_without_the_csrf_token_is_refused_with_json(csrf_client):
    response = _post(csrf_client, {"channel": secrets.token_hex(16)})
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]


def test_a_post_with_the_token_from_api_csrf_is_accepted(csrf_client):
    token = csrf_client.get("/api/csrf").json()["csrftoken"]
    response = _post(csrf_client, {"channel": secrets.token_hex(16)}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 202

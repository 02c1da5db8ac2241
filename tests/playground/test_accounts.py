"""Accounts: sign up, sign in, sign out; signing in keeps what the anonymous session owned."""

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from playground.topologies.models import Topology

pytestmark = pytest.mark.django_db

DOC = {"format": 1, "nodes": [{"id": "u", "kind": "client"}, {"id": "s", "kind": "app_server"}],
       "edges": [{"source": "u", "target": "s"}]}  # fmt: skip
PASSWORD = "a-long-and-unusual-passphrase-42"


def _save(client: Client, name: str) -> str:
    body = {"document": dict(DOC, name=name)}
    response = client.post("/api/topologies", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    return response.json()["id"]


def test_signing_up_signs_in_and_keeps_what_the_anonymous_session_owned():
    browser = Client()
    topology_id = _save(browser, "drawn before signing up")
    response = browser.post(
        "/accounts/signup/", {"username": "ada", "password1": PASSWORD, "password2": PASSWORD, "next": "/me"}
    )
    assert response.status_code == 302 and response["Location"] == "/me"
    ada = User.objects.get(username="ada")
    assert Topology.objects.get(pk=topology_id).owner == ada
    page = browser.get("/me")
    assert b"drawn before signing up" in page.content


def test_signing_in_claims_the_anonymous_topologies_and_the_account_can_still_save_them():
    User.objects.create_user("grace", password=PASSWORD)
    browser = Client()
    topology_id = _save(browser, "anonymous work")
    response = browser.post("/accounts/login/", {"username": "grace", "password": PASSWORD})
    assert response.status_code == 302
    assert Topology.objects.get(pk=topology_id).owner.username == "grace"
    body = {"base_revision": 1, "document": DOC}
    saved = browser.put(
        f"/api/topologies/{topology_id}", data=json.dumps(body), content_type="application/json"
    )
    assert saved.status_code == 200


def test_another_browser_signing_into_the_same_account_sees_the_topologies_too():
    User.objects.create_user("alan", password=PASSWORD)
    first = Client()
    first.post("/accounts/login/", {"username": "alan", "password": PASSWORD})
    topology_id = _save(first, "saved while signed in")
    second = Client()
    second.post("/accounts/login/", {"username": "alan", "password": PASSWORD})
    assert [t["id"] for t in json.loads(second.get("/api/topologies").content)] == [topology_id]


def test_signing_out_ends_the_session_and_its_ownership():
    User.objects.create_user("linus", password=PASSWORD)
    browser = Client()
    browser.post("/accounts/login/", {"username": "linus", "password": PASSWORD})
    topology_id = _save(browser, "mine")
    assert browser.post("/accounts/logout/").status_code == 302
    body = {"base_revision": 1, "document": DOC}
    response = browser.put(
        f"/api/topologies/{topology_id}", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 403


def test_a_bad_sign_up_shows_the_problems_on_the_form():
    response = Client().post(
        "/accounts/signup/", {"username": "x", "password1": "short", "password2": "other"}
    )
    assert response.status_code == 200
    assert b"field-error" in response.content


def test_the_my_topologies_page_escapes_names():
    browser = Client()
    _save(browser, "<script>alert(1)</script>")
    page = browser.get("/me").content
    assert b"<script>alert(1)</script>" not in page
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page

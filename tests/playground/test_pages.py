"""The pages: every editor URL renders the editor with the mode its visitor is entitled to."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

DOC = {"format": 1, "name": "Shop <b>", "nodes": [{"id": "u", "kind": "client"}, {"id": "s", "kind": "app_server"}],
       "edges": [{"source": "u", "target": "s"}]}  # fmt: skip


def _config(response) -> dict:
    assert response.status_code == 200
    return response.context["config"]


@pytest.fixture
def saved(client: Client) -> dict:
    return client.post(
        "/api/topologies", data=json.dumps({"document": DOC}), content_type="application/json"
    ).json()


def test_the_root_opens_a_new_unsaved_topology_and_sets_the_csrf_cookie(client):
    response = client.get("/")
    assert _config(response)["mode"] == "new"
    assert "csrftoken" in response.cookies
    assert b'id="archplay-config"' in response.content


def test_a_preset_link_passes_the_preset_to_the_editor(client):
    assert _config(client.get("/?preset=hot-shard"))["preset"] == "hot-shard"


def test_the_owner_edits_and_anyone_else_reads_a_topology(client, saved):
    assert _config(client.get(saved["edit_url"]))["mode"] == "edit"
    assert _config(Client().get(saved["edit_url"]))["mode"] == "readonly"


def test_a_view_link_opens_the_view_mode_and_an_old_revision_opens_read_only(client, saved):
    token = saved["view_url"].rsplit("/", 1)[1]
    config = _config(Client().get(saved["view_url"]))
    assert (config["mode"], config["share_token"]) == ("view", token)
    assert _config(client.get(f"{saved['edit_url']}/r/1"))["mode"] == "revision"


def test_unknown_topologies_revisions_and_tokens_are_404_pages(client, saved):
    for path in ("/t/unknown", f"{saved['edit_url']}/r/9", "/v/unknown"):
        response = client.get(path)
        assert response.status_code == 404
        assert b"Not found" in response.content


def test_the_page_title_escapes_the_topology_name(client, saved):
    page = client.get(saved["edit_url"]).content
    assert b"Shop <b>" not in page
    assert b"Shop &lt;b&gt;" in page


def test_the_sign_in_page_renders_its_form(client):
    page = client.get("/accounts/login/").content
    assert b'name="username"' in page and b'name="password"' in page


def test_the_about_page_links_every_preset_into_the_editor(client):
    from simulation.presets import load_presets

    page = client.get("/about").content.decode()
    for preset in load_presets():
        assert f'href="/?preset={preset["id"]}"' in page


def test_the_about_page_has_no_developer_live_link_widget(client):
    page = client.get("/about").content.decode()
    assert "live-status" not in page and "pulse.js" not in page


def test_the_live_link_check_is_a_debug_page_that_exists_only_while_debug_is_on(client, settings):
    settings.DEBUG = True
    page = client.get("/debug/live")
    assert page.status_code == 200 and "pulse.js" in page.content.decode()
    settings.DEBUG = False
    assert client.get("/debug/live").status_code == 404

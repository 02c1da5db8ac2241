"""Sharing and saving from the editor: the view link shows the diagram read-only to someone else,
who can fork it; a stale save is refused with a clear choice; the history lists every revision."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import EXAMPLES, Editor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def saved_shop(editor: Editor) -> dict:
    """Opens a new topology, imports the example shop, saves it; returns the saved document."""
    editor.open("/")
    editor.import_file(EXAMPLES / "read-heavy-shop.json")
    editor.save()
    return editor.document()


def test_the_view_link_shows_the_same_diagram_read_only_in_a_fresh_browser_and_can_be_forked(
    live_app, contexts
):
    owner = Editor(contexts().new_page(), live_app.http_url)
    document = saved_shop(owner)
    owner.page.get_by_role("button", name="Share").click()
    link = owner.page.locator("#share-link").input_value()
    assert link.startswith(live_app.http_url + "/v/")

    visitor = Editor(contexts().new_page(), live_app.http_url)
    visitor.page.goto(link)
    visitor.wait_ready()
    assert visitor.mode() == "view"
    assert visitor.document() == document
    expect(visitor.page.locator("#save-status")).to_have_text("View link · read-only")
    expect(visitor.page.get_by_role("button", name="Save")).to_be_hidden()
    expect(visitor.page.locator(".palette")).to_be_hidden()
    expect(visitor.page.locator("#btn-fork")).to_be_visible()

    # Inspecting works, editing does not: the form is disabled and nodes do not move.
    visitor.click_node("app1")
    expect(visitor.page.locator("#node-param-workers")).to_be_disabled()
    expect(visitor.page.locator("#node-param-workers")).to_have_value("8")
    x, y = visitor.node_center("app1")
    visitor.page.mouse.move(x, y)
    visitor.page.mouse.down()
    visitor.page.mouse.move(x + 150, y + 90, steps=8)
    visitor.page.mouse.up()
    visitor.page.keyboard.press("Delete")
    assert visitor.document() == document

    visitor.page.get_by_role("button", name="Fork").click()
    visitor.page.wait_for_url(live_app.http_url + "/t/**")
    visitor.wait_ready()
    assert visitor.mode() == "edit"
    assert visitor.page.url != owner.page.url
    assert visitor.document() == dict(document, name=f"{document['name']} (fork)")
    expect(visitor.page.locator("#doc-name")).to_have_value(f"{document['name']} (fork)")
    # The fork links back to the view link it came from, and nowhere names the original's id.
    origin = visitor.page.locator("#forked-from")
    expect(origin).to_be_visible()
    assert origin.get_attribute("href") == link.removeprefix(live_app.http_url)
    original_id = owner.page.url.rsplit("/", 1)[1]
    assert original_id not in visitor.page.content()
    visitor.page.get_by_role("link", name="forked from the original").click()
    visitor.page.wait_for_url(link)
    visitor.wait_ready()
    assert visitor.mode() == "view"
    assert visitor.errors == [] and owner.errors == []


def test_someone_elses_topology_opens_read_only_with_a_fork_button(live_app, contexts):
    owner = Editor(contexts().new_page(), live_app.http_url)
    saved_shop(owner)
    stranger = Editor(contexts().new_page(), live_app.http_url)
    stranger.page.goto(owner.page.url)
    stranger.wait_ready()
    assert stranger.mode() == "readonly"
    expect(stranger.page.locator("#btn-fork")).to_be_visible()
    expect(stranger.page.locator("#btn-save")).to_be_hidden()


def test_a_stale_save_offers_to_reload_theirs_or_save_mine_as_a_fork(live_app, contexts):
    context = contexts()  # one person, two tabs on the same topology
    first = Editor(context.new_page(), live_app.http_url)
    saved_shop(first)
    second = Editor(context.new_page(), live_app.http_url)
    second.open(first.page.url.removeprefix(live_app.http_url))

    first.page.fill("#doc-name", "Saved first")
    first.page.press("#doc-name", "Enter")
    first.save()

    second.page.fill("#doc-name", "Saved second")
    second.page.press("#doc-name", "Enter")
    second.page.keyboard.press("Control+s")
    dialog = second.page.locator("#dlg-conflict")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Someone saved a newer revision")

    dialog.get_by_role("button", name="Reload theirs").click()
    expect(dialog).to_be_hidden()
    assert second.document()["name"] == "Saved first"
    expect(second.page.locator("#save-status")).to_have_text("Saved · revision 2")

    # Again, this time keeping mine as a new topology.
    first.page.fill("#doc-name", "Third")
    first.page.press("#doc-name", "Enter")
    first.save()
    second.page.fill("#doc-name", "Mine, forked")
    second.page.press("#doc-name", "Enter")
    topology_url = second.page.url
    second.page.keyboard.press("Control+s")
    dialog.get_by_role("button", name="Save mine as a fork").click()
    second.page.wait_for_url(lambda url: url != topology_url and "/t/" in url)
    second.wait_ready()
    assert second.document()["name"] == "Mine, forked"
    assert second.mode() == "edit"


def test_the_history_tab_lists_revisions_and_opens_an_old_one_read_only(live_app, contexts):
    editor = Editor(contexts().new_page(), live_app.http_url)
    saved_shop(editor)
    editor.page.fill("#doc-name", "Renamed shop")
    editor.page.press("#doc-name", "Enter")
    editor.save()

    editor.page.get_by_role("tab", name="History").click()
    revisions = editor.page.locator(".revision-list a")
    expect(revisions).to_have_count(2)
    expect(revisions.first).to_contain_text("Revision 2")
    revisions.last.click()
    editor.page.wait_for_url("**/r/1")
    editor.wait_ready()
    assert editor.mode() == "revision"
    assert editor.document() == json.loads((EXAMPLES / "read-heavy-shop.json").read_text())
    expect(editor.page.locator("#banner")).to_contain_text("revision 1, read-only")
    expect(editor.page.locator("#btn-fork")).to_be_visible()

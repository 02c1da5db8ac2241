"""Autosave: the editor keeps the unsaved diagram in the browser after every change, so a closed tab
loses nothing: reopening offers to restore it; saving clears it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import VIEWPORT, Editor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

DRAFT_KEY = "archplay:draft:{}"


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield context
    finally:
        context.close()


def wait_for_draft(editor: Editor, key: str, document: dict) -> None:
    editor.page.wait_for_function(
        "([key, expected]) => { const draft = localStorage.getItem(key);"
        " return draft && JSON.stringify(JSON.parse(draft).document) === JSON.stringify(expected); }",
        arg=[key, document],
    )


def test_a_new_diagram_closed_before_saving_is_restored_when_the_editor_opens_again(live_app, context):
    first = Editor(context.new_page(), live_app.http_url).open("/")
    client = first.drag_from_palette("client", 500, 300)
    server = first.drag_from_palette("app_server", 800, 300)
    first.connect(client, server)
    drawn = first.document()
    wait_for_draft(first, DRAFT_KEY.format("new"), drawn)
    first.page.close()

    again = Editor(context.new_page(), live_app.http_url).open("/")
    assert again.document()["nodes"] == []
    banner = again.page.locator("#banner")
    expect(banner).to_contain_text("You have unsaved changes")
    banner.get_by_role("button", name="Restore").click()
    expect(banner).to_be_hidden()
    assert again.document() == drawn


def test_unsaved_changes_to_a_saved_topology_are_restored_and_saving_clears_the_draft(live_app, context):
    editor = Editor(context.new_page(), live_app.http_url).open("/")
    editor.drag_from_palette("database", 600, 300)
    editor.save()
    topology_id = editor.page.url.rsplit("/", 1)[1]
    key = DRAFT_KEY.format(topology_id)
    editor.page.fill("#doc-name", "Changed after saving")
    editor.page.press("#doc-name", "Enter")
    changed = editor.document()
    wait_for_draft(editor, key, changed)
    editor.page.close()

    again = Editor(context.new_page(), live_app.http_url).open(f"/t/{topology_id}")
    assert again.document()["name"] == "Untitled topology"
    again.page.locator("#banner").get_by_role("button", name="Restore").click()
    assert again.document() == changed
    again.save()
    assert again.page.evaluate("(key) => localStorage.getItem(key)", key) is None


def test_discarding_a_draft_forgets_it(live_app, context):
    first = Editor(context.new_page(), live_app.http_url).open("/")
    first.drag_from_palette("queue", 600, 300)
    wait_for_draft(first, DRAFT_KEY.format("new"), first.document())
    first.page.close()

    second = Editor(context.new_page(), live_app.http_url).open("/")
    second.page.locator("#banner").get_by_role("button", name="Discard").click()
    second.page.close()
    third = Editor(context.new_page(), live_app.http_url).open("/")
    expect(third.page.locator("#banner")).to_be_hidden()

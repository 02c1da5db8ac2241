"""Importing over work in progress, as a person would: the editor asks first (in its own dialog),
the import replaces the canvas and closes the previous run's view, and Ctrl+Z brings the old
canvas back, name included."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import EXAMPLES, VIEWPORT, Editor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

EXAMPLE = EXAMPLES / "read-heavy-shop.json"


@pytest.fixture
def editor(browser, live_app):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield Editor(context.new_page(), live_app.http_url)
    finally:
        context.close()


def draw_something(editor: Editor) -> dict:
    editor.open("/")
    client = editor.drag_from_palette("client", 450, 300)
    server = editor.drag_from_palette("app_server", 800, 300)
    editor.connect(client, server)
    editor.drag_from_palette("cache", 600, 550)  # "cache" is also an id in the imported example
    editor.page.fill("#doc-name", "My sketch")
    editor.page.press("#doc-name", "Enter")
    return editor.document()


def test_import_over_unsaved_changes_asks_and_cancel_keeps_the_canvas(editor):
    dialogs = []
    editor.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    drawn = draw_something(editor)

    editor.page.set_input_files("#import-file", str(EXAMPLE))
    confirm = editor.page.locator("#dlg-confirm[open]")
    expect(confirm).to_contain_text("unsaved changes")
    confirm.get_by_role("button", name="Cancel").click()

    expect(editor.page.locator("#dlg-confirm")).not_to_be_visible()
    expect(editor.page.locator("#dlg-import")).not_to_be_visible()
    assert editor.document() == drawn
    assert dialogs == []  # the editor's own dialog, never the browser's


def test_import_asks_and_undo_brings_the_old_canvas_back(editor):
    drawn = draw_something(editor)
    editor.page.click("#btn-run-view")  # the run view of the old diagram is open
    expect(editor.page.locator("#run-drawer")).to_be_visible()

    editor.page.set_input_files("#import-file", str(EXAMPLE))
    editor.page.locator("#dlg-confirm[open]").get_by_role("button", name="Import and replace").click()
    imported_dialog = editor.page.locator("#dlg-import[open]")
    expect(imported_dialog).to_contain_text("Imported")
    imported_dialog.get_by_role("button", name="Close").click()

    imported = editor.document()
    assert imported["name"] == json.loads(EXAMPLE.read_text())["name"]
    assert {node["id"] for node in imported["nodes"]} != {node["id"] for node in drawn["nodes"]}
    expect(editor.page.locator("#run-drawer")).to_be_hidden()
    # Each node is drawn once: the old "cache" leaves no drawing behind under the new one.
    expect(editor.page.locator("#canvas g.x6-node")).to_have_count(len(imported["nodes"]))

    editor.page.mouse.click(700, 750)  # the background: focus leaves the dialog
    editor.page.keyboard.press("Control+z")
    assert editor.document() == drawn
    expect(editor.page.locator("#doc-name")).to_have_value("My sketch")
    expect(editor.page.locator("#canvas g.x6-node")).to_have_count(len(drawn["nodes"]))

    editor.page.keyboard.press("Control+Shift+z")
    assert editor.document() == imported
    assert editor.errors == []


def test_import_onto_an_untouched_canvas_does_not_ask(editor):
    editor.open("/")
    text = editor.import_file(EXAMPLE)  # would time out behind a confirmation
    assert "Imported" in text

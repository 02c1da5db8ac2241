"""The editor without a mouse: every step of adding, connecting, selecting and deleting components
is reachable by keyboard through labelled controls, and the shortcuts are listed on `?`."""

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import VIEWPORT, Editor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def editor(browser, live_app):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield Editor(context.new_page(), live_app.http_url).open("/")
    finally:
        context.close()


def add_with_keyboard(editor: Editor, kind_title: str) -> None:
    keyboard = editor.page.keyboard
    editor.page.get_by_label("Add component").focus()
    keyboard.type(kind_title)  # a closed list box selects the option its typed name starts with
    expect(editor.page.get_by_label("Add component")).to_have_value(kind_title.lower().replace(" ", "_"))
    keyboard.press("Tab")
    expect(editor.page.get_by_role("button", name="Add", exact=True)).to_be_focused()
    keyboard.press("Enter")


def test_the_keyboard_alone_adds_two_components_and_connects_them(editor):
    add_with_keyboard(editor, "App server")
    add_with_keyboard(editor, "Database")
    assert [node["kind"] for node in editor.document()["nodes"]] == ["app_server", "database"]

    # The database is selected after adding it; select the app server from the list instead.
    editor.page.get_by_role("button", name="Select app-server (App server, id app-server)").focus()
    editor.page.keyboard.press("Enter")
    expect(editor.page.locator(".inspector .sub")).to_have_text("App server · id app-server")

    editor.page.get_by_label("Connect selected to").focus()
    editor.page.keyboard.type("database")
    editor.page.keyboard.press("Tab")
    expect(editor.page.get_by_role("button", name="Connect", exact=True)).to_be_focused()
    editor.page.keyboard.press("Enter")
    assert editor.document()["edges"] == [{"source": "app-server", "target": "database"}]
    expect(editor.page.locator("#toast")).to_have_text("Connected app-server to database.")


def test_the_keyboard_edits_a_parameter_and_deletes_a_component(editor):
    add_with_keyboard(editor, "Cache")
    editor.page.get_by_label("Capacity").focus()
    editor.page.keyboard.type("5000")
    editor.page.keyboard.press("Tab")
    assert editor.document()["nodes"][0]["params"] == {"capacity": 5000}

    editor.page.get_by_role("button", name="Select cache (Cache, id cache)").focus()
    editor.page.keyboard.press("Enter")
    editor.page.keyboard.press("Delete")
    assert editor.document()["nodes"] == []
    editor.page.keyboard.press("Control+z")
    assert editor.node_ids() == ["cache"]


def test_question_mark_lists_the_shortcuts_and_escape_closes_the_list(editor):
    editor.page.locator("body").press("?")
    dialog = editor.page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    for shortcut in ("Delete", "Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+C", "Ctrl+V", "Ctrl+A", "Ctrl+S", "Escape"):
        expect(dialog.locator("kbd", has_text=shortcut).first).to_be_visible()
    editor.page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_copy_and_paste_duplicate_the_selection_with_fresh_ids(editor):
    add_with_keyboard(editor, "App server")
    editor.page.locator("#canvas").focus()
    editor.page.keyboard.press("Control+a")
    editor.page.keyboard.press("Control+c")
    editor.page.keyboard.press("Control+v")
    assert editor.node_ids() == ["app-server", "app-server-2"]
    editor.page.keyboard.press("Escape")
    expect(editor.page.locator(".inspector-empty")).to_be_visible()


def test_every_control_in_the_toolbar_and_panel_has_an_accessible_name(editor):
    add_with_keyboard(editor, "Client")
    unnamed = editor.page.evaluate(
        """() => [...document.querySelectorAll('#editor button, #editor input, #editor select')]
            .filter((element) => element.offsetParent !== null)
            .filter((element) => {
              const labelled = element.labels && element.labels.length > 0;
              const named = element.getAttribute('aria-label') || element.textContent.trim();
              return !labelled && !named;
            })
            .map((element) => element.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []


def test_plus_minus_and_zero_zoom_in_out_and_fit_and_the_zoom_bar_shows_the_level(editor):
    add_with_keyboard(editor, "Queue")
    level = editor.page.locator("#zoom-level")
    editor.page.locator("#canvas").focus()
    expect(level).to_have_text("100%")
    editor.page.keyboard.press("+")
    expect(level).to_have_text("110%")
    editor.page.keyboard.press("-")
    editor.page.keyboard.press("-")
    expect(level).to_have_text("90%")
    editor.page.keyboard.press("0")  # one small node: fitting stops at 110%
    expect(level).to_have_text("110%")
    editor.page.get_by_role("button", name="Zoom out").click()
    expect(level).to_have_text("100%")

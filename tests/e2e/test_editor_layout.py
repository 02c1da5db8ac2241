"""What the editor's chrome leaves visible, checked on screen: the minimap never covers a
component (the run drawer open or not), a long name and the statuses show their whole text on
hover, and the Connect button stays whole beside a long component label."""

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import ARTIFACTS, VIEWPORT, Editor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PRESETS = ["active-passive-hot-vs-cold", "master-slave-read-scaling", "round-robin-vs-least-connections"]


@pytest.fixture
def editor(browser, live_app):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield Editor(context.new_page(), live_app.http_url)
    finally:
        context.close()


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize("preset", PRESETS)
def test_with_the_run_drawer_open_the_minimap_covers_no_component(editor, preset):
    editor.open(f"/?preset={preset}")
    editor.page.click("#btn-run-view")
    expect(editor.page.locator("#run-drawer")).to_be_visible()
    editor.page.wait_for_timeout(600)  # the canvas fits itself to its new height
    minimap = editor.page.locator("#minimap").bounding_box()  # None while it is hidden
    for node_id in editor.node_ids():
        if minimap is None:
            break
        node = editor.page.locator(f'#canvas g[data-cell-id="{node_id}"] rect').first.bounding_box()
        assert not overlaps(node, minimap), f"the minimap covers {node_id}"
    ARTIFACTS.mkdir(exist_ok=True)
    editor.page.screenshot(path=str(ARTIFACTS / f"editor-drawer-minimap-{preset}.png"))


def test_a_long_name_and_the_statuses_show_their_whole_text_on_hover(editor):
    editor.open("/")
    name = "A very long topology name that does not fit in the toolbar's name field at all"
    editor.page.fill("#doc-name", name)
    editor.page.press("#doc-name", "Enter")
    expect(editor.page.locator("#doc-name")).to_have_attribute("title", name)
    status = editor.page.locator("#save-status")
    expect(status).to_have_text("Not saved yet")
    assert status.evaluate("element => element.scrollWidth <= element.clientWidth")  # not cut short
    expect(status).to_have_attribute("title", "Not saved yet")
    run_status = editor.page.locator("#run-status")
    expect(run_status).to_have_attribute("title", run_status.text_content())


def test_the_connect_button_stays_whole_beside_a_long_component_label(editor):
    editor.open("/")
    server = editor.drag_from_palette("app_server", 500, 300)
    other = editor.drag_from_palette("cache", 800, 300)
    editor.click_node(other)
    editor.page.fill("#node-label", "A cache with a really remarkably long label for a component")
    editor.page.press("#node-label", "Enter")
    editor.click_node(server)
    button = editor.page.locator("#btn-connect")
    expect(button).to_be_enabled()
    assert button.evaluate("element => element.scrollWidth <= element.clientWidth")
    panel = editor.page.locator(".sidepanel").bounding_box()
    box = button.bounding_box()
    assert box["x"] + box["width"] <= panel["x"] + panel["width"]


def test_with_the_run_drawer_closed_the_minimap_shows_again(editor):
    editor.open(f"/?preset={PRESETS[0]}")
    editor.page.click("#btn-run-view")
    expect(editor.page.locator("#minimap")).to_be_hidden()
    editor.page.click("#btn-run-close")
    expect(editor.page.locator("#minimap")).to_be_visible()

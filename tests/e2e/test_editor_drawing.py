"""Drawing in the editor with the mouse, as a person would: drag components from the palette, wire
them port to port, change a parameter, undo and redo, save, reload and find the same diagram."""

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import VIEWPORT, Editor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def editor(browser, live_app):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield Editor(context.new_page(), live_app.http_url)
    finally:
        context.close()


def test_three_dragged_components_wired_and_tuned_survive_undo_redo_save_and_reload(editor):
    editor.open("/")
    client = editor.drag_from_palette("client", 420, 320)
    server = editor.drag_from_palette("app_server", 720, 320)
    database = editor.drag_from_palette("database", 1000, 320)
    assert [node["kind"] for node in editor.document()["nodes"]] == ["client", "app_server", "database"]

    editor.connect(client, server)
    editor.connect(server, database)
    assert [(edge["source"], edge["target"]) for edge in editor.document()["edges"]] == [
        (client, server),
        (server, database),
    ]

    editor.click_node(server)
    editor.set_param("workers", "16")
    assert editor.document()["nodes"][1]["params"] == {"workers": 16}

    editor.page.mouse.click(700, 700)  # the background: focus leaves the form
    editor.page.keyboard.press("Control+z")
    assert editor.document()["nodes"][1]["params"] == {}
    editor.page.keyboard.press("Control+Shift+z")
    assert editor.document()["nodes"][1]["params"] == {"workers": 16}
    editor.page.keyboard.press("Control+z")
    editor.page.keyboard.press("Control+y")
    assert editor.document()["nodes"][1]["params"] == {"workers": 16}

    drawn = editor.document()
    editor.save()
    assert editor.page.url.startswith(editor.base_url + "/t/")
    editor.page.reload()
    editor.wait_ready()
    assert editor.document() == drawn
    assert editor.mode() == "edit"
    expect(editor.page.locator(f'#canvas g[data-cell-id="{server}"]')).to_be_visible()
    assert editor.errors == []


def test_undo_takes_back_a_wire_and_a_deleted_component_in_one_step_each(editor):
    editor.open("/")
    client = editor.drag_from_palette("client", 450, 300)
    server = editor.drag_from_palette("app_server", 800, 300)
    editor.connect(client, server)

    editor.page.keyboard.press("Control+z")
    assert editor.document()["edges"] == []
    assert editor.node_ids() == [client, server]

    editor.click_node(server)
    editor.page.keyboard.press("Delete")
    assert editor.node_ids() == [client]
    editor.page.keyboard.press("Control+z")
    assert editor.node_ids() == [client, server]


def test_a_wire_that_breaks_the_connection_rules_is_refused_with_a_reason(editor):
    editor.open("/")
    first = editor.drag_from_palette("client", 450, 250)
    server = editor.drag_from_palette("app_server", 800, 250)
    other = editor.drag_from_palette("app_server", 800, 450)
    editor.connect(first, server)

    # A client sends to exactly one target: a second wire from it does not stick.
    editor.page.mouse.move(*editor.node_center(first))
    editor.page.mouse.move(*editor.port_center(first, "bottom"))
    editor.page.mouse.down()
    editor.page.mouse.move(*editor.node_center(other), steps=12)
    editor.page.mouse.up()
    assert [(edge["source"], edge["target"]) for edge in editor.document()["edges"]] == [(first, server)]

    # Nothing sends to a client, through the keyboard path too.
    editor.click_node(server)
    editor.page.select_option("#connect-target", first)
    editor.page.get_by_role("button", name="Connect", exact=True).click()
    expect(editor.page.locator("#toast")).to_contain_text("nothing sends requests to a client")
    assert len(editor.document()["edges"]) == 1


def test_a_wire_between_two_databases_replicates_asynchronously_by_default(editor):
    editor.open("/")
    primary = editor.drag_from_palette("database", 450, 300)
    replica = editor.drag_from_palette("database", 800, 300)
    editor.connect(primary, replica)
    assert editor.document()["edges"] == [
        {"source": primary, "target": replica, "params": {"replication": "async"}}
    ]
    expect(editor.page.locator("#canvas .x6-edge")).to_contain_text("async")


def test_a_label_with_markup_is_shown_as_text_and_never_runs(editor):
    dialogs = []
    editor.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    editor.open("/")
    node = editor.drag_from_palette("cache", 600, 300)
    editor.click_node(node)
    label = "<script>alert(1)</script>"
    editor.page.fill("#node-label", label)
    editor.page.press("#node-label", "Enter")

    drawn = editor.page.locator(f'#canvas g[data-cell-id="{node}"] text').first
    expect(drawn.locator("tspan")).to_have_text("<script>alert(1…")  # long labels are shortened
    assert drawn.locator("title").text_content() == label  # and shown whole on hover
    assert editor.page.locator("#canvas script, #inspector script, #node-list script").count() == 0
    expect(editor.page.locator("#inspector h2")).to_have_text(label)
    expect(editor.page.locator("#node-list")).to_contain_text(label)
    assert editor.document()["nodes"][0]["label"] == label
    assert dialogs == []


def test_an_invalid_parameter_is_shown_inline_and_not_applied(editor):
    editor.open("/")
    node = editor.drag_from_palette("client", 600, 300)
    editor.click_node(node)
    editor.set_param("read_ratio", "1.5")
    expect(editor.page.locator("#node-param-read_ratio-error")).to_have_text("Read ratio must be at most 1.")
    expect(editor.page.locator("#node-param-read_ratio")).to_have_attribute("aria-invalid", "true")
    assert editor.document()["nodes"][0]["params"] == {}

    editor.page.keyboard.press("Control+s")
    expect(editor.page.locator("#toast")).to_contain_text("not valid")
    assert editor.page.url == editor.base_url + "/"

    editor.set_param("read_ratio", "0.5")
    expect(editor.page.locator("#node-param-read_ratio-error")).to_have_text("")
    assert editor.document()["nodes"][0]["params"] == {"read_ratio": 0.5}


def test_problems_are_shown_on_the_canvas_and_listed_and_a_problem_selects_its_component(editor):
    editor.open("/")
    client = editor.drag_from_palette("client", 500, 300)
    expect(editor.page.locator("#problem-count")).to_have_text("1")
    badge = editor.page.locator(f'#canvas g[data-cell-id="{client}"] g[cursor=help]')
    expect(badge).to_have_attribute("display", "block")
    editor.page.get_by_role("tab", name="Problems").click()
    problem = editor.page.locator("#problems-list button").first
    expect(problem).to_contain_text("a client needs exactly one outgoing edge")
    editor.page.mouse.click(700, 700)
    problem.click()
    editor.page.get_by_role("tab", name="Properties").click()
    expect(editor.page.locator(".inspector .sub")).to_contain_text(f"id {client}")

    server = editor.drag_from_palette("app_server", 850, 300)
    editor.connect(client, server)
    expect(editor.page.locator("#problem-count")).to_have_text("0")
    expect(badge).to_have_attribute("display", "none")

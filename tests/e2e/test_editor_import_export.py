"""Import and export in the editor: an exported file imports to the same document, a file that is
not JSON gets a clear message, pictures export, and presets open as new unsaved topologies. Also
keeps a screenshot of the editor with a full diagram open, for reviewers: test-artifacts/editor.png."""

import json

import pytest
from playwright.sync_api import expect

from simulation.format import parse
from tests.e2e.editor_helpers import ARTIFACTS, EXAMPLES, VIEWPORT, Editor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def editor(browser, live_app):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    try:
        yield Editor(context.new_page(), live_app.http_url)
    finally:
        context.close()


def test_an_imported_example_exports_to_exactly_the_same_document(editor, tmp_path):
    original = json.loads((EXAMPLES / "read-heavy-shop.json").read_text())
    editor.open("/")
    message = editor.import_file(EXAMPLES / "read-heavy-shop.json")
    assert "Imported “Read-heavy shop”: 7 components, 8 wires." in message
    assert "No problems" in message
    path, exported = editor.export_json(tmp_path)
    assert path.name == "read-heavy-shop.json"
    assert exported == original


def test_a_normalized_document_with_every_field_spelled_out_exports_unchanged(editor, tmp_path):
    normalized = parse(json.loads((EXAMPLES / "read-heavy-shop.json").read_text()))
    assert normalized["nodes"][1]["x"] is None  # positions the author left to the canvas
    source = tmp_path / "normalized.json"
    source.write_text(json.dumps(normalized))
    editor.open("/")
    editor.import_file(source)
    _, exported = editor.export_json(tmp_path)
    assert exported == normalized


def test_a_drawn_diagram_exported_and_imported_again_is_the_same_document(editor, tmp_path):
    editor.open("/")
    client = editor.drag_from_palette("client", 450, 300)
    balancer = editor.drag_from_palette("load_balancer", 750, 300)
    editor.connect(client, balancer)
    editor.click_node(balancer)
    editor.page.select_option("#node-param-algorithm", label="least_connections")
    editor.page.fill("#node-label", "Front door")
    editor.page.press("#node-label", "Enter")
    drawn = editor.document()
    assert drawn["nodes"][1]["params"] == {"algorithm": "least_connections"}
    path, exported = editor.export_json(tmp_path)
    assert exported == drawn

    editor.open("/")
    editor.import_file(path)
    assert editor.document() == drawn


def test_a_file_that_is_not_json_is_refused_with_a_clear_message(editor, tmp_path):
    broken = tmp_path / "notes.json"
    broken.write_text("{ this is not json")
    editor.open("/")
    message = editor.import_file(broken)
    assert "notes.json is not valid JSON" in message
    assert editor.document()["nodes"] == []


def test_an_imported_document_with_problems_lists_them(editor):
    editor.open("/")
    message = editor.import_file(EXAMPLES / "broken.json")
    assert "problem(s) to fix" in message
    assert "unknown kind 'teleporter'" in message
    expect(editor.page.locator("#problem-count")).not_to_have_text("0")


def test_the_diagram_exports_as_png_and_svg_pictures(editor, tmp_path):
    editor.open("/")
    editor.import_file(EXAMPLES / "read-heavy-shop.json")
    pictures = {}
    for item in ("PNG image", "SVG image"):
        editor.page.locator("#export-menu summary").click()
        with editor.page.expect_download() as info:
            editor.page.get_by_role("menuitem", name=item).click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        pictures[path.name] = path.read_bytes()
    assert set(pictures) == {"read-heavy-shop.png", "read-heavy-shop.svg"}
    assert pictures["read-heavy-shop.png"].startswith(b"\x89PNG")
    svg = pictures["read-heavy-shop.svg"].decode()
    assert "<svg" in svg and "Shoppers" in svg


def test_exported_pictures_leave_out_the_ports_and_write_in_the_ui_font(editor, tmp_path):
    editor.open("/")
    editor.import_file(EXAMPLES / "read-heavy-shop.json")
    editor.page.locator("#export-menu summary").click()
    with editor.page.expect_download() as info:
        editor.page.get_by_role("menuitem", name="SVG image").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    svg = path.read_text()
    assert "x6-port" not in svg and "ap-port" not in svg
    root = svg[: svg.index(">")]
    assert 'font-family="system-ui' in root  # edge labels inherit it instead of a serif default
    # The PNG is drawn from the same prepared picture: with no ports it has no port circles.
    png = editor.page.evaluate("window.archplay.app.canvas.toPNG()")
    assert png.startswith("data:image/png")


def test_the_presets_gallery_lists_every_preset_and_opens_one_as_a_new_topology(editor, live_app):
    status, presets = live_app.session().get("/api/presets")
    assert status == 200
    editor.open("/")
    editor.page.get_by_role("button", name="Presets").click()
    dialog = editor.page.locator("#dlg-presets")
    expect(dialog).to_be_visible()
    if not presets:
        expect(dialog).to_contain_text("No presets yet")
        return
    expect(dialog.locator(".preset-card")).to_have_count(len(presets))
    chosen = presets[0]
    dialog.get_by_role("link", name=f"Open {chosen['title']}").click()
    editor.page.wait_for_url(f"**/?preset={chosen['id']}")
    editor.wait_ready()
    assert editor.mode() == "new"
    assert editor.document() == chosen["document"]


def test_a_screenshot_of_the_editor_with_a_full_diagram_is_kept_for_review(editor, live_app):
    status, presets = live_app.session().get("/api/presets")
    assert status == 200
    if presets:
        largest = max(presets, key=lambda preset: len(preset["document"]["nodes"]))
        editor.open(f"/?preset={largest['id']}")
        expected = largest["document"]
    else:
        editor.open("/")
        editor.import_file(EXAMPLES / "read-heavy-shop.json")
        expected = json.loads((EXAMPLES / "read-heavy-shop.json").read_text())
    assert editor.document() == expected
    first_app = next(node["id"] for node in expected["nodes"] if node["kind"] == "app_server")
    editor.click_node(first_app)
    editor.page.mouse.move(5, 5)
    ARTIFACTS.mkdir(exist_ok=True)
    editor.page.screenshot(path=str(ARTIFACTS / "editor.png"))
    assert (ARTIFACTS / "editor.png").stat().st_size > 20_000

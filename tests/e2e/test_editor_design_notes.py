"""Before any run, the editor shows what the graph alone says: a single point of failure is
outlined in amber and listed as a design note (which does not block running); a standby removes it."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import VIEWPORT, Editor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def editor(browser, live_app):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield Editor(context.new_page(), live_app.http_url).open(
            "/?preset=single-point-of-failure-load-balancer"
        )
    finally:
        context.close()


def _warned(editor: Editor, node_id: str):
    return editor.page.locator(f'#canvas g[data-cell-id="{node_id}"] [data-warning="true"]')


def test_a_lone_load_balancer_is_flagged_and_its_standby_protected_twin_is_not(editor):
    expect(_warned(editor, "lb-1")).to_have_count(1)
    expect(_warned(editor, "lb-2")).to_have_count(0)
    editor.page.get_by_role("tab", name="Problems").click()
    note = editor.page.locator("#problems-list li.note")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("Design note · lb-1")
    expect(note).to_contain_text("Single point of failure")
    note.get_by_role("button").click()
    editor.page.get_by_role("tab", name="Properties").click()
    expect(editor.page.locator(".inspector .sub")).to_contain_text("id lb-1")
    expect(editor.page.get_by_role("button", name="Run", exact=True)).to_be_enabled()


def test_importing_the_design_with_a_standby_for_the_lone_balancer_clears_the_note(editor, tmp_path):
    expect(_warned(editor, "lb-1")).to_have_count(1)
    document = editor.document()
    document["nodes"].append(
        {"id": "lb-1-standby", "kind": "load_balancer", "x": 460, "y": 40, "params": {"standby_for": "lb-1"}}
    )
    path = tmp_path / "with-standby.json"
    path.write_text(json.dumps(document))
    editor.import_file(path)
    expect(editor.page.locator('#canvas g[data-cell-id="lb-1-standby"]')).to_have_count(1)
    expect(_warned(editor, "lb-1")).to_have_count(0)
    expect(editor.page.locator("#problems-list li.note")).to_have_count(0)

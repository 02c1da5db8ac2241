"""Work in progress with problems is saved as a draft rather than lost: the save status says so,
and the topology reopens on its problems. The API keeps refusing such a document unless the save
says it is a draft (tests/playground/test_topologies_api.py)."""

import re

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


def test_a_topology_with_problems_saves_as_a_draft_and_reopens_with_its_problems_shown(editor):
    editor.open("/")
    client = editor.drag_from_palette("client", 500, 300)  # a client calling nothing: a problem
    expect(editor.page.locator("#problem-count")).not_to_have_text("0")
    problems_before = editor.page.locator("#problems-list li").all_text_contents()
    assert any(client in text for text in problems_before)

    editor.page.keyboard.press("Control+s")

    status = editor.page.locator("#save-status")
    expect(status).to_have_text(re.compile(r"Saved as a draft · revision 1 · \d+ problems?"))
    expect(status).to_have_attribute("data-state", "draft")
    assert editor.page.url.startswith(editor.base_url + "/t/")

    editor.page.reload()
    editor.wait_ready()
    expect(status).to_have_text(re.compile(r"Saved as a draft · revision 1 · \d+ problems?"))
    expect(editor.page.locator("#tab-problems")).to_have_attribute("aria-selected", "true")
    expect(editor.page.locator("#panel-problems")).to_be_visible()
    expect(editor.page.locator("#problems-list li").first).to_contain_text(client)
    assert editor.page.locator("#problems-list li").all_text_contents() == problems_before
    expect(editor.page.locator(f'#canvas g[data-cell-id="{client}"]')).to_be_visible()
    assert editor.errors == []


def test_fixing_a_draft_and_saving_again_saves_a_plain_revision(editor):
    editor.open("/")
    client = editor.drag_from_palette("client", 450, 300)
    editor.page.keyboard.press("Control+s")
    expect(editor.page.locator("#save-status")).to_have_text(re.compile("Saved as a draft"))

    server = editor.drag_from_palette("app_server", 800, 300)
    editor.connect(client, server)
    expect(editor.page.locator("#problem-count")).to_have_text("0")
    editor.save()
    expect(editor.page.locator("#save-status")).to_have_text("Saved · revision 2")

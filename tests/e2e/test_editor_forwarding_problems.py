"""A node that forwards requests (load balancer, DNS, CDN, queue) with nothing to forward them to is
a problem that blocks the run, with a message saying what to connect, not a green balancer whose
every request fails. Connecting it clears the problem."""

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


def test_a_lone_balancer_is_a_blocking_problem_saying_what_to_connect(editor):
    client = editor.drag_from_palette("client", 300, 300)
    balancer = editor.drag_from_palette("load_balancer", 600, 300)
    editor.connect(client, balancer)

    problems = editor.page.locator("#problems-list li")
    expect(editor.page.locator("#problem-count")).to_have_text("1")
    expect(problems.first).to_contain_text(balancer)
    expect(problems.first).to_contain_text("connect it to the servers it spreads requests over")
    expect(editor.page.get_by_role("button", name="Run", exact=True)).to_be_disabled()

    server = editor.drag_from_palette("app_server", 900, 300)
    editor.connect(balancer, server)
    expect(editor.page.locator("#problem-count")).to_have_text("0")
    expect(editor.page.get_by_role("button", name="Run", exact=True)).to_be_enabled()
    assert editor.errors == []

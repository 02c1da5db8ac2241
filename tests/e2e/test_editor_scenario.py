"""The Scenario tab: run settings and a timeline of events, generated from the schema, written into
the document's `scenario` and left out of it entirely while untouched."""

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import VIEWPORT, Editor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def editor(browser, live_app):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        editor = Editor(context.new_page(), live_app.http_url).open("/")
        client = editor.drag_from_palette("client", 450, 300)
        server = editor.drag_from_palette("app_server", 750, 300)
        editor.connect(client, server)
        editor.page.get_by_role("tab", name="Scenario").click()
        yield editor
    finally:
        context.close()


def test_an_untouched_scenario_stays_out_of_the_document(editor):
    expect(editor.page.get_by_label("Duration")).to_have_attribute("placeholder", "60 (default)")
    assert "scenario" not in editor.document()


def test_run_settings_and_events_are_added_edited_and_removed(editor):
    page = editor.page
    page.get_by_label("Duration").fill("120")
    page.get_by_label("Duration").press("Tab")
    page.get_by_label("Seed", exact=True).fill("7")
    page.get_by_label("Seed", exact=True).press("Tab")

    page.get_by_role("button", name="Add event").click()
    page.locator("#event-0-at").fill("30")
    page.locator("#event-0-at").press("Tab")
    page.locator("#event-0-target").select_option("app-server")

    page.get_by_role("button", name="Add event").click()
    page.locator("#event-1-action").select_option("set")
    page.locator("#event-1-target").select_option("client")
    page.locator("#event-1-add-param").select_option("rate_rps")
    page.locator("#event-1-param-rate_rps").fill("500")
    page.locator("#event-1-param-rate_rps").press("Tab")

    assert editor.document()["scenario"] == {
        "duration_s": 120,
        "seed": 7,
        "events": [
            {"at_s": 30, "action": "fail", "target": "app-server"},
            {"at_s": 60, "action": "set", "target": "client", "params": {"rate_rps": 500}},
        ],
    }
    expect(page.locator(".timeline .tick")).to_have_count(2)

    page.get_by_role("button", name="Remove event 1").click()
    assert editor.document()["scenario"]["events"] == [
        {"at_s": 60, "action": "set", "target": "client", "params": {"rate_rps": 500}}
    ]


def test_an_event_time_that_is_not_a_number_is_refused_inline(editor):
    page = editor.page
    page.get_by_role("button", name="Add event").click()
    page.locator("#event-0-at").fill("soon")
    page.locator("#event-0-at").press("Tab")
    expect(page.locator("#event-0-at-error")).to_contain_text("must be a number")
    assert editor.document()["scenario"]["events"][0]["at_s"] == 30

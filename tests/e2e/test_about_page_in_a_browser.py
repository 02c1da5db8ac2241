"""A real Chromium loads the about page (for users: no developer widgets) and the debug page
/debug/live, whose websocket connects and receives a worker's pulses."""

import pathlib

import pytest
from playwright.sync_api import expect, sync_playwright

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def page(chromium_path):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_the_about_page_names_the_app_and_shows_no_live_link_widget(live_app, page):
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    page.goto(live_app.http_url + "/about")
    assert page.locator("h1").inner_text() == "archplay"
    expect(page.locator("#live-status")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert sockets == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "about.png"), full_page=True)


def test_the_debug_live_page_websocket_receives_every_pulse(live_app, page):
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    page.goto(live_app.http_url + "/debug/live")
    assert page.locator("h1").inner_text() == "Live link"
    status = page.locator("#live-status")
    status.and_(page.locator("[data-state=ok]")).wait_for(timeout=20_000)
    assert status.inner_text() == "Live: received 5 of 5 messages from a worker"
    assert page.locator("#live-messages li").all_inner_texts() == ["#1", "#2", "#3", "#4", "#5"]
    assert len(sockets) == 1 and "/ws/pulse/" in sockets[0].url

    page.get_by_role("button", name="Send again").click()
    expect(status).not_to_have_attribute("data-state", "ok")
    expect(status).to_have_text("Live: received 5 of 5 messages from a worker", timeout=20_000)
    expect(page.locator("#live-messages li")).to_have_count(5)


def test_static_files_are_served_by_daphne(live_app, page):
    response = page.goto(live_app.http_url + "/static/css/app.css")
    assert response.status == 200
    assert "text/css" in response.headers["content-type"]

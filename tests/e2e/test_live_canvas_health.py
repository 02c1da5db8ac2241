"""The live canvas colours a component by its health: a server that is hardly busy but whose
requests fail (here: the client gives up after 5 ms on a server that takes 50 ms) is painted red,
and says so in words, not green for its low utilisation."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import Editor
from tests.e2e.live_run_helpers import press_run, wait_until_over
from tests.e2e.run_view_helpers import declared_metrics

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

RED = "#dc2626"

IMPATIENT_CLIENT = {
    "format": 1,
    "name": "An impatient client",
    "nodes": [
        {"id": "users", "kind": "client", "params": {"rate_rps": 20, "timeout_ms": 5, "max_retries": 0}},
        {"id": "slow", "kind": "app_server", "params": {"workers": 8, "service_ms": 50}},
    ],
    "edges": [{"source": "users", "target": "slow"}],
    "scenario": {"duration_s": 30, "seed": 5},
}


def test_a_server_whose_requests_fail_is_painted_red_although_it_is_hardly_busy(contexts, live_app, tmp_path):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    editor.open("/")
    source = tmp_path / "impatient.json"
    source.write_text(json.dumps(IMPATIENT_CLIENT))
    editor.import_file(source)
    press_run(page, "10")
    body = page.locator('#canvas g[data-cell-id="slow"] rect[data-live="up"]').first
    expect(body).to_have_attribute("data-failing", "true", timeout=15_000)
    expect(body).to_have_attribute("stroke", RED)
    expect(page.locator('#canvas g[data-cell-id="slow"]')).to_contain_text("failing")
    # Its tooltip lists the figures its kind declares for a window (the schema's x-metrics).
    tooltip = body.evaluate("rect => rect.getAttribute('title') || rect.querySelector('title').textContent")
    for metric in declared_metrics(live_app.http_url)["app_server"]["window"]:
        assert metric["label"] in tooltip, (metric, tooltip)
    state = page.evaluate("archplay.live.run.lastWindow.nodes.slow")
    assert state["utilization"] < 0.5  # green by utilisation alone
    assert state["error_ratio"] > 0.5
    assert wait_until_over(page) == "done"
    assert editor.errors == []

"""The run view of the second wave's additions, on the presets that teach them: an autoscaled
service shows how many instances serve on its node while the run goes and lists its scale events
in the summary; the run bar shows what the system costs per hour as it runs and the summary a Cost
section; a circuit breaker that opens is drawn open on its wire.

Figures are expected as the page's own formatter writes them (numbers.js, imported in the page),
and compared with what the engine sent (the run's last window, its results)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import Editor
from tests.e2e.live_run_helpers import press_run, wait_until_over

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

NUMBERS = "/static/js/editor/numbers.js"


def open_preset(editor: Editor, slug: str) -> dict:
    editor.open(f"/?preset={slug}")
    return editor.document()


def formatted(page, value, unit: str = "") -> str:
    return page.evaluate("async ([m, v, u]) => (await import(m)).formatFigure(v, u)", [NUMBERS, value, unit])


def instant(page, seconds) -> str:
    return page.evaluate("async ([m, v]) => (await import(m)).formatInstant(v)", [NUMBERS, seconds])


def show_summary(page) -> None:
    page.locator("#run-tab-summary").click()
    expect(page.locator("#run-summary .summary")).to_be_visible(timeout=10_000)


def test_an_autoscaled_service_shows_its_serving_instances_on_its_node_during_the_run_and_its_scale_events_after(
    contexts, live_app
):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    open_preset(editor, "autoscaling-under-a-spike")
    press_run(page, "10")
    caption = page.locator('#canvas g[data-cell-id="app-fast"] text').filter(has_text=re.compile(r"×\d+"))
    # The spike starts at 10 s: the fast service grows beyond one instance while the run goes.
    page.wait_for_function(
        """() => {
            const text = [...document.querySelectorAll('#canvas g[data-cell-id="app-fast"] text')]
                .map((t) => t.textContent).find((t) => /×\\d+/.test(t));
            return text && Number(text.match(/×(\\d+)/)[1]) >= 2 && archplay.live.run.status === "running";
        }""",
        timeout=30_000,
    )
    seen = page.evaluate(
        """() => ({
            text: [...document.querySelectorAll('#canvas g[data-cell-id="app-fast"] text')]
                .map((t) => t.textContent).find((t) => /×\\d+/.test(t)),
            serving: archplay.live.run.lastWindow.nodes["app-fast"].instances,
        })"""
    )
    assert seen["text"].replace("\xa0", " ") == f"App server · ×{seen['serving']}"
    expect(caption).to_have_count(1)
    assert wait_until_over(page) == "done"
    show_summary(page)
    results = page.evaluate("archplay.live.run.results")
    table = page.get_by_test_id("scale-events")
    for node_id, label in (("app-fast", "Service, 5 s start-up"), ("app-slow", "Service, 30 s start-up")):
        events = results["nodes"][node_id]["scale_events"]
        assert events, node_id
        rows = table.locator(f'tr[data-node="{node_id}"]')
        expect(rows).to_have_count(len(events))
        for row, event in zip(rows.all(), events, strict=True):
            expect(row.locator("th")).to_have_text(label)
            expect(row.locator('[data-figure="at"]')).to_have_text(instant(page, event["at_s"]))
            expect(row.locator('[data-figure="change"]')).to_have_text(f"{event['from']} → {event['to']}")
    assert editor.errors == []


def test_the_run_bar_shows_the_cost_per_hour_while_the_run_goes_and_the_summary_a_cost_section(
    contexts, live_app
):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    open_preset(editor, "cost-of-vertical-vs-horizontal-scaling")
    cost = page.locator("#run-cost")
    expect(cost).to_be_hidden()
    press_run(page, "10")
    page.wait_for_function(
        "archplay.live.run.status === 'running' && archplay.live.run.t >= 3", timeout=30_000
    )
    shown = page.evaluate(
        "() => ({text: document.getElementById('run-cost').textContent,"
        " usd: archplay.live.run.lastWindow.cost_per_hour_usd, running: archplay.live.run.status === 'running'})"
    )
    assert shown["running"]
    assert shown["usd"] > 0
    assert shown["text"] == f"Cost ${formatted(page, shown['usd'])}/h"
    assert wait_until_over(page) == "done"
    results = page.evaluate("archplay.live.run.results")
    # After the run the bar keeps the run's mean hourly rate.
    expect(cost).to_have_text(f"Cost ${formatted(page, results['cost']['per_hour_usd'])}/h")
    show_summary(page)
    section = page.get_by_test_id("cost")
    expect(section.locator('[data-cost="total_usd"] dd')).to_have_text(
        f"${formatted(page, results['cost']['total_usd'])}"
    )
    expect(section.locator('[data-cost="per_hour_usd"] dd')).to_have_text(
        f"${formatted(page, results['cost']['per_hour_usd'])}/h"
    )
    expect(section.locator('[data-cost="per_million_requests_usd"] dd')).to_have_text(
        f"${formatted(page, results['cost']['per_million_requests_usd'])}"
    )
    # Each component's cost is in its kind's table.
    for node_id, usd in results["cost"]["nodes"].items():
        if results["nodes"].get(node_id, {}).get("kind") == "client":
            continue
        cell = page.locator(f'#run-summary tr[data-node="{node_id}"] td[data-metric="cost_usd"]')
        expect(cell).to_have_text(formatted(page, usd))
    assert editor.errors == []


def test_the_circuit_breaker_preset_draws_the_open_breaker_on_its_wire_during_the_run(contexts, live_app):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    open_preset(editor, "circuit-breaker-stops-a-cascade")
    press_run(page, "10")
    tag = page.locator("[data-breaker-tag]")
    # The database slows at 15 s; the breaker opens within its two-second window.
    page.wait_for_function(
        """() => {
            const edges = (archplay.live.run.lastWindow || {}).edges || {};
            return Object.values(edges).some((e) => e.state === "open")
                && document.querySelector('[data-breaker-tag="open"]') !== null;
        }""",
        timeout=40_000,
    )
    state = page.evaluate(
        """() => {
            const edges = archplay.live.run.lastWindow.edges;
            const open = Object.keys(edges).filter((id) => edges[id].state === "open");
            const tags = [...document.querySelectorAll('[data-breaker-tag]')].map((r) => r.getAttribute('data-breaker-tag'));
            const line = document.querySelector('#canvas g[data-cell-id] path[stroke="#dc2626"][stroke-dasharray]');
            const title = line && (line.getAttribute('title') || (line.querySelector('title') || {}).textContent);
            return {open, tags, line: line !== null, title};
        }"""
    )
    assert state["open"] == ["app-breaker->db-breaker"]
    assert state["tags"] == ["open"]  # one tag: the wire without a breaker has none
    assert state["line"]
    assert state["title"].startswith("app-breaker->db-breaker: breaker open")
    expect(tag.first.locator("xpath=following-sibling::*[1]")).to_have_text("open")
    assert wait_until_over(page, 90_000) == "done"
    show_summary(page)
    results = page.evaluate("archplay.live.run.results")
    table = page.get_by_test_id("guarded-edges")
    for edge_id, figures in results["edges"].items():
        row = table.locator(f'tr[data-edge="{edge_id}"]')
        for field in ("calls", "failed", "short_circuited", "breaker_opened"):
            expect(row.locator(f'[data-figure="{field}"]')).to_have_text(formatted(page, figures[field]))
    assert results["edges"]["app-breaker->db-breaker"]["breaker_opened"] >= 1
    expect(table.locator('tr[data-edge="app-breaker->db-breaker"] th')).to_contain_text(
        "App (circuit breaker) → Database"
    )
    assert editor.errors == []

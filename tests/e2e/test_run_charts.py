"""The run view's charts, read as a person reads them: a comparison preset draws one line per
system (client), labelled with the client's label; the per-node pickers offer what the schema
declares; the ticks of an axis never repeat; a failover's mark sits where the standby took over;
the legends give the values under the cursor or nothing, never rows of dashes.

What is drawn is read from the page: uPlot's own columns and series labels, the texts the axis
drew (`drawn.ticks`), the marks the charts drew (`drawn.marks`: second, x, label) and the text of
the legends and the timeline."""

import json
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.editor_helpers import Editor
from tests.e2e.live_run_helpers import drawn_series, press_run, wait_until_over

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# One app server, 40 requests a second of 10 ms each: busy 40% of the time, so a request waits for
# a fraction of another on average: queue lengths well under one.
LIGHT_QUEUE = {
    "format": 1,
    "name": "A light queue",
    "nodes": [
        {"id": "users", "kind": "client", "params": {"rate_rps": 40}},
        {"id": "app", "kind": "app_server", "params": {"workers": 1, "service_ms": 10}},
    ],
    "edges": [{"source": "users", "target": "app"}],
    "scenario": {"duration_s": 30, "seed": 3},
}


def run_preset(editor: Editor, preset_id: str) -> dict:
    """Opens a preset in the editor, runs it at full speed to the end; returns its results."""
    editor.open(f"/?preset={preset_id}")
    press_run(editor.page, "max")
    assert wait_until_over(editor.page) == "done"
    editor.page.get_by_role("tab", name="Charts").click()
    return editor.page.evaluate("archplay.live.run.results")


def chart_state(page: Page, testid: str) -> dict:
    return page.evaluate(
        """(testid) => {
            const chart = archplay.live.charts.charts.find((c) => c.spec.testid === testid);
            return {labels: chart.plot.series.slice(1).map((s) => s.label), ticks: chart.drawn.ticks,
                    marks: chart.drawn.marks, t: chart.plot.data[0]};
        }""",
        testid,
    )


def schema(base_url: str) -> dict:
    with urllib.request.urlopen(f"{base_url}/api/schema", timeout=10) as response:
        return json.loads(response.read())


def test_a_comparison_preset_draws_one_line_per_client_labelled_with_the_clients_label(contexts, live_app):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    results = run_preset(editor, "round-robin-vs-least-connections")
    clients = {node["id"]: node["label"] for node in editor.document()["nodes"] if node["kind"] == "client"}
    assert len(clients) == 2

    assert chart_state(page, "chart-rates")["labels"] == list(clients.values())
    assert chart_state(page, "chart-errors")["labels"] == list(clients.values())
    assert chart_state(page, "chart-latency")["labels"] == [
        f"{label} {percentile}" for label in clients.values() for percentile in ("p50", "p99")
    ]
    per_client = results["timeseries"]["clients"]
    for client_id, label in clients.items():
        assert drawn_series(page, "chart-rates", label) == per_client[client_id]["throughput_rps"]
        assert drawn_series(page, "chart-errors", label) == per_client[client_id]["errors_rps"]
    # Two systems, two different lines: least connections spares the slow server.
    rr, lc = (drawn_series(page, "chart-latency", f"{label} p99") for label in clients.values())
    assert rr != lc
    for label in clients.values():
        expect(page.locator('[data-testid="chart-rates"] .u-legend')).to_contain_text(label)
    assert editor.errors == []


def test_with_one_client_the_charts_draw_the_whole_document_as_before(contexts, live_app, tmp_path):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    editor.open("/")
    source = tmp_path / "light-queue.json"
    source.write_text(json.dumps(LIGHT_QUEUE))
    editor.import_file(source)
    press_run(page, "max")
    assert wait_until_over(page) == "done"
    results = page.evaluate("archplay.live.run.results")

    assert chart_state(page, "chart-rates")["labels"] == ["throughput", "errors"]
    assert chart_state(page, "chart-latency")["labels"] == ["p50", "p95", "p99"]
    assert drawn_series(page, "chart-rates", "throughput") == results["timeseries"]["throughput_rps"]
    assert page.locator('[data-testid="chart-errors"]').count() == 0


def test_the_per_node_pickers_offer_every_window_metric_the_documents_kinds_declare(contexts, live_app):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    run_preset(editor, "cache-aside-vs-write-through")
    defs = schema(live_app.http_url)["$defs"]
    kinds = {node["kind"] for node in editor.document()["nodes"]}
    declared = {
        metric["label"]
        for kind in kinds
        if defs[kind]["x-metrics"]["in"] == "nodes"
        for metric in defs[kind]["x-metrics"]["window"]
    }
    pickers = page.locator("select.chart-picker")
    expect(pickers).to_have_count(2)
    offered = {text.split(" (")[0] for text in pickers.first.locator("option").all_text_contents()}
    assert offered == declared

    # Picking a metric charts it, for the nodes whose kind declares it.
    hit_ratio = next(
        metric for metric in defs["cache"]["x-metrics"]["window"] if metric["name"] == "hit_ratio"
    )
    pickers.first.select_option(label=f"{hit_ratio['label']} (%)")
    caches = [node["id"] for node in editor.document()["nodes"] if node["kind"] == "cache"]
    expect(page.locator('[data-testid="chart-hit_ratio"]')).to_be_visible()
    assert chart_state(page, "chart-hit_ratio")["labels"] == caches
    hits = drawn_series(page, "chart-hit_ratio", caches[0])
    assert any(value is not None and 0 < value <= 100 for value in hits)  # a percentage, drawn
    assert editor.errors == []


def test_the_ticks_of_a_chart_of_fractional_queue_lengths_are_decimals_that_never_repeat(
    contexts, live_app, tmp_path
):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    editor.open("/")
    source = tmp_path / "light-queue.json"
    source.write_text(json.dumps(LIGHT_QUEUE))
    editor.import_file(source)
    press_run(page, "max")
    assert wait_until_over(page) == "done"

    queue = [value for value in drawn_series(page, "chart-queue_len", "app") if value is not None]
    assert 0 < max(queue) < 2  # fractional lengths: the case that used to print "0, 0, 1, 1"
    for testid in ("chart-queue_len", "chart-utilization", "chart-rates", "chart-latency"):
        ticks = chart_state(page, testid)["ticks"]
        assert len(ticks) >= 3, testid
        assert len(set(ticks)) == len(ticks), f"{testid}: {ticks}"
    assert any("." in tick for tick in chart_state(page, "chart-queue_len")["ticks"])


def test_a_failovers_mark_sits_at_the_takeover_not_at_the_failure(contexts, live_app):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    results = run_preset(editor, "active-passive-hot-vs-cold")
    cold = next(failover for failover in results["failovers"] if failover["standby"] == "standby-cold")
    assert cold["took_over_at_s"] - cold["failed_at_s"] > 10  # a cold standby boots first

    chip = page.locator('.run-marks li[data-action="failover"]').filter(has_text="standby-cold")
    expect(chip).to_have_text(
        f"{cold['took_over_at_s']:g} s · standby-cold took over from db-cold, "
        f"{cold['took_over_at_s'] - cold['failed_at_s']:g} s after it failed"
    )
    duration = results["duration_s"]
    tick = page.locator('.run-timeline-bar .tick[data-action="failover"]')
    lefts = [
        float(style.split("left:")[1].split("%")[0])
        for style in tick.evaluate_all("ts => ts.map(t => t.getAttribute('style'))")
    ]
    assert pytest.approx(100 * cold["took_over_at_s"] / duration) in lefts

    for testid in ("chart-rates", "chart-errors", "chart-latency"):
        marks = chart_state(page, testid)["marks"]
        takeover = [mark for mark in marks if mark["label"] == "takeover standby-cold"]
        assert [mark["at_s"] for mark in takeover] == [cold["took_over_at_s"]], testid
        failure = next(mark for mark in marks if mark["label"].startswith("fail db-"))
        assert takeover[0]["x"] > failure["x"] + 20  # drawn well to the right of the failure
        assert all(mark["label"] for mark in marks)  # every line carries its words
    assert editor.errors == []


def test_legends_show_the_values_under_the_cursor_or_nothing_never_rows_of_dashes(contexts, live_app):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    run_preset(editor, "active-passive-hot-vs-cold")
    legends = page.locator("#run-charts .u-legend")
    expect(legends).to_have_count(5)

    def dashes() -> list[str]:
        return [text for text in legends.all_inner_texts() if "–" in text or "--" in text]

    assert dashes() == []
    rates = page.locator('[data-testid="chart-rates"] .u-over')
    box = rates.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
    legend = page.locator('[data-testid="chart-rates"] .u-legend')
    expect(legend).to_contain_text("rps")
    assert dashes() == []
    # In the cold system's outage no request succeeds: its latency is a gap, which shows nothing.
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    assert dashes() == []
    page.mouse.move(5, 5)
    expect(legend).not_to_contain_text("rps")
    assert dashes() == []
    assert editor.errors == []

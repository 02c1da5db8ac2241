"""What a run leaves: the summary shows the figures of the run's results, two runs of a topology
compare side by side (both series on the charts, the summary as A, B, B − A), and someone holding
the view link watches the owner's run live on their own screen."""

import json

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.editor_helpers import EXAMPLES, Editor
from tests.e2e.live_run_helpers import drawn_series, points, press_run, received_seqs, wait_until_over

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def figure(value: float, unit: str = "") -> str:
    """A figure as the summary writes it (static/js/editor/run-summary.js, formatValue)."""
    if unit == "%":
        return f"{value * 100:.{1 if value >= 0.9995 or value == 0 else 2}f}%"
    if float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:.1f}" if abs(value) >= 100 else f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"
    return f"{text} {unit}" if unit else text


def stored_run(page: Page, run_id: str) -> dict:
    """The run as the API gives it to this browser (GET /api/runs/{id})."""
    return page.evaluate("async (id) => (await fetch(`/api/runs/${id}`)).json()", run_id)


def saved_shop(editor: Editor) -> None:
    editor.open("/")
    editor.import_file(EXAMPLES / "read-heavy-shop.json")
    editor.save()


def test_the_summary_shows_the_figures_of_the_runs_results(contexts, live_app):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    saved_shop(editor)
    run_id = press_run(page, "max")
    assert wait_until_over(page) == "done"
    results = stored_run(page, run_id)["results"]
    page.get_by_role("tab", name="Summary").click()
    summary = page.locator("#run-summary")
    shown = {
        "availability": figure(results["availability"], "%"),
        "goodput_rps": figure(results["goodput_rps"], "rps"),
        "latency_p50": figure(results["latency_ms"]["p50"], "ms"),
        "latency_p95": figure(results["latency_ms"]["p95"], "ms"),
        "latency_p99": figure(results["latency_ms"]["p99"], "ms"),
        "stale_reads": figure(results["stale_reads"]),
        "lost_writes": figure(results["lost_writes"]),
        "requests": figure(results["requests"]["total"]),
        "failed": figure(results["requests"]["failed"]),
    }
    for key, text in shown.items():
        expect(summary.locator(f'[data-summary="{key}"] dd')).to_have_text(text)
    assert results["stale_reads"] > 0  # the shop's async replica serves stale reads
    for node_id, node in results["nodes"].items():
        row = summary.locator(f'tr[data-node="{node_id}"]')
        for reason in ("refused", "rejected", "timed_out"):
            expect(row.locator(f'td[data-figure="{reason}"]')).to_have_text(figure(node["failures"][reason]))
    assert results["nodes"]["app1"]["failures"]["refused"] > 0  # the scenario fails app1 at 40 s
    assert editor.errors == []


def test_two_runs_compare_with_both_series_on_the_charts_and_the_summary_as_a_diff(contexts, live_app):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    saved_shop(editor)
    first = press_run(page, "max", seed="1")
    wait_until_over(page)
    second = press_run(page, "max", seed="2")
    wait_until_over(page)
    a, b = stored_run(page, first)["results"], stored_run(page, second)["results"]

    page.get_by_role("tab", name="Runs").click()
    page.locator(f'.run-list li[data-run="{first}"] input[type=checkbox]').check()
    page.locator(f'.run-list li[data-run="{second}"] input[type=checkbox]').check()
    page.get_by_role("button", name="Compare the two ticked").click()
    diff = page.locator('[data-testid="diff"]')
    availability = diff.locator('tr[data-summary="availability"] td')
    expect(availability).to_have_text(
        [
            figure(a["availability"], "%"),
            figure(b["availability"], "%"),
            f"{'+' if b['availability'] >= a['availability'] else '−'}"
            f"{abs(b['availability'] - a['availability']) * 100:.2f} pt",
        ]
    )
    stale = diff.locator('tr[data-summary="stale_reads"] td')
    delta = b["stale_reads"] - a["stale_reads"]
    expect(stale).to_have_text(
        [figure(a["stale_reads"]), figure(b["stale_reads"]), f"{'+' if delta >= 0 else '−'}{abs(delta)}"]
    )

    page.get_by_role("tab", name="Charts").click()
    expect(page.locator("#run-title")).to_contain_text("Compare #1 (solid) with #2 (dashed)")
    assert drawn_series(page, "chart-rates", "#1 throughput") == a["timeseries"]["throughput_rps"]
    assert drawn_series(page, "chart-rates", "#2 throughput") == b["timeseries"]["throughput_rps"]
    assert a["timeseries"]["throughput_rps"] != b["timeseries"]["throughput_rps"]  # two seeds, two runs
    assert editor.errors == []


def test_a_view_link_holder_watches_the_owners_run_live_in_another_browser(contexts, live_app):
    owner = Editor(contexts().new_page(), live_app.http_url)
    saved_shop(owner)
    owner.page.get_by_role("button", name="Share").click()
    link = owner.page.locator("#share-link").input_value()
    owner.page.keyboard.press("Escape")

    viewer = Editor(contexts().new_page(), live_app.http_url)
    viewer.page.goto(link)
    viewer.wait_ready()
    assert viewer.mode() == "view"
    expect(viewer.page.locator("#run-drawer")).to_be_hidden()

    run_id = press_run(owner.page, "10")
    # The viewer's page asks every two seconds for a run going, then follows its websocket.
    expect(viewer.page.locator("#run-status")).to_contain_text("Watching: Running", timeout=10_000)
    assert viewer.page.evaluate("archplay.live.run.id") == run_id
    grown = points(viewer.page)
    viewer.page.wait_for_function(f"archplay.live.charts.pointCount() > {grown + 2}", timeout=10_000)
    body = viewer.page.locator('#canvas g[data-cell-id="app1"] rect').first
    expect(body).not_to_have_attribute("fill", "#ffffff")
    # A viewer watches; only the owner may stop the run or inject faults.
    expect(viewer.page.get_by_role("button", name="Stop")).to_be_disabled()

    assert wait_until_over(owner.page) == "done"
    assert wait_until_over(viewer.page) == "done"
    assert received_seqs(viewer.page) == received_seqs(owner.page)
    assert points(viewer.page) == points(owner.page) == 120
    expect(viewer.page.locator("#run-summary")).to_contain_text("Availability")
    assert owner.errors == [] and viewer.errors == []


FAILOVER = {
    "format": 1,
    "name": "Hot standby database",
    "nodes": [
        {"id": "users", "kind": "client", "params": {"rate_rps": 100, "read_ratio": 0.5}},
        {"id": "app", "kind": "app_server"},
        {"id": "db", "kind": "database"},
        {
            "id": "db-standby",
            "kind": "database",
            "params": {"role": "replica", "standby_for": "db", "standby": "hot"},
        },
    ],
    "edges": [
        {"source": "users", "target": "app"},
        {"source": "app", "target": "db"},
        {"source": "db", "target": "db-standby", "params": {"replication": "async", "lag_ms": 300}},
    ],
    "scenario": {"duration_s": 20, "seed": 3, "events": [{"at_s": 8, "action": "fail", "target": "db"}]},
}


def test_a_failover_shows_its_rto_and_lost_writes_in_the_summary_and_on_the_timeline(
    contexts, live_app, tmp_path
):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    editor.open("/")
    source = tmp_path / "failover.json"
    source.write_text(json.dumps(FAILOVER))
    editor.import_file(source)
    run_id = press_run(page, "max")
    assert wait_until_over(page) == "done"
    (failover,) = stored_run(page, run_id)["results"]["failovers"]
    assert (failover["failed"], failover["standby"]) == ("db", "db-standby")

    cells = page.locator('[data-testid="failovers"] tbody tr td')
    expect(cells).to_have_text(
        [
            "db",
            "db-standby",
            figure(failover["failed_at_s"], "s"),
            figure(failover["took_over_at_s"], "s"),
            figure(failover["rto_s"], "s"),
            figure(failover["lost_writes"]),
        ]
    )
    assert failover["lost_writes"] > 0  # async replication: the standby had not got them all
    page.get_by_role("tab", name="Charts").click()
    expect(page.locator('.run-marks li[data-action="failover"]')).to_have_text(
        f"{failover['failed_at_s']:g} s · failover db → db-standby"
    )
    assert editor.errors == []


MARKUP = "<img src=x onerror=window.hacked=1>"
MARKUP_DOCUMENT = {
    "format": 1,
    "name": "<b>bold</b>",
    "nodes": [
        {"id": MARKUP, "kind": "client", "label": "<script>window.hacked=2</script>"},
        {"id": "<b>s</b>", "kind": "app_server"},
    ],
    "edges": [{"source": MARKUP, "target": "<b>s</b>"}],
    "scenario": {"duration_s": 10, "events": [{"at_s": 5, "action": "fail", "target": "<b>s</b>"}]},
}


def test_ids_and_labels_in_the_run_view_are_shown_as_text_never_as_markup(contexts, live_app, tmp_path):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    editor.open("/")
    source = tmp_path / "markup.json"
    source.write_text(json.dumps(MARKUP_DOCUMENT))
    editor.import_file(source)
    press_run(page, "max")
    assert wait_until_over(page) == "done"
    drawer = page.locator("#run-drawer")
    expect(drawer.locator(".run-marks li")).to_have_text(["5 s · fail <b>s</b>"])
    page.get_by_role("tab", name="Summary").click()
    expect(page.locator('#run-summary tr[data-node] th[scope="row"]')).to_have_text([MARKUP, "<b>s</b>"])
    page.get_by_role("tab", name="Charts").click()
    expect(page.locator('[data-testid="chart-utilization"] .u-legend')).to_contain_text(MARKUP)
    assert drawer.locator("img, script, b").count() == 0
    assert page.evaluate("window.hacked") is None
    assert editor.errors == []

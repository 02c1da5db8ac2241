"""What a run leaves: the summary shows the figures of the run's results, two runs of a topology
compare side by side (both series on the charts, the summary as A, B, B − A), and someone holding
the view link watches the owner's run live on their own screen."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import EXAMPLES, Editor
from tests.e2e.live_run_helpers import drawn_series, points, press_run, received_seqs, wait_until_over
from tests.e2e.run_view_helpers import (
    client_kind,
    declared_metrics,
    delta_text,
    figure_text,
    stored_run,
    value_at,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


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
    metrics = declared_metrics(live_app.http_url)
    page.get_by_role("tab", name="Summary").click()
    summary = page.locator("#run-summary")
    # One client: the run's headline figures, each the client kind declares.
    headline = metrics[client_kind(metrics)]["summary"]
    for metric in headline:
        text = figure_text(page, value_at(results, metric["name"]), metric["unit"])
        expect(summary.locator(f'[data-summary="{metric["name"]}"] dd')).to_have_text(text)
    assert {"availability", "latency_ms.p99", "stale_reads"} <= {metric["name"] for metric in headline}
    assert results["stale_reads"] > 0  # the shop's async replica serves stale reads
    # Every component: each metric its kind declares and its results carry, in its row.
    for node_id, node in results["nodes"].items():
        if metrics[node["kind"]]["in"] == "clients":
            continue
        row = summary.locator(f'tr[data-node="{node_id}"]')
        for metric in metrics[node["kind"]]["summary"]:
            value = value_at(node, metric["name"])
            if value is not None:
                text = figure_text(page, value, metric["unit"])
                expect(row.locator(f'td[data-metric="{metric["name"]}"]')).to_have_text(text)
    assert results["nodes"]["app1"]["failures"]["refused"] > 0  # the scenario fails app1 at 40 s
    expect(summary.locator('tr[data-node="app1"] td[data-metric="failures.refused"]')).not_to_have_text("0")
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
            figure_text(page, a["availability"], "ratio"),
            figure_text(page, b["availability"], "ratio"),
            delta_text(page, b["availability"] - a["availability"], "ratio"),
        ]
    )
    stale = diff.locator('tr[data-summary="stale_reads"] td')
    expect(stale).to_have_text(
        [
            figure_text(page, a["stale_reads"], "reads"),
            figure_text(page, b["stale_reads"], "reads"),
            delta_text(page, b["stale_reads"] - a["stale_reads"], "reads"),
        ]
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
            figure_text(page, failover["failed_at_s"], "s"),
            figure_text(page, failover["took_over_at_s"], "s"),
            figure_text(page, failover["rto_s"], "s"),
            figure_text(page, failover["lost_writes"], ""),
        ]
    )
    assert failover["lost_writes"] > 0  # async replication: the standby had not got them all
    page.get_by_role("tab", name="Charts").click()
    # The timeline marks the takeover where it happened (run-timeline.js words it).
    expect(page.locator('.run-marks li[data-action="failover"]')).to_contain_text(
        f"{failover['took_over_at_s']:g} s · db-standby took over from db"
    )
    assert editor.errors == []


MARKUP = "<img src=x onerror=window.hacked=1>"
MARKUP_DOCUMENT = {
    "format": 1,
    "name": "<b>bold</b>",
    "description": "<i>explained</i>",
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
    # The client's figures are the headline; the server is a row of the app servers' table.
    expect(page.locator('#run-summary tr[data-node] th[scope="row"]')).to_have_text(["<b>s</b>"])
    page.get_by_role("tab", name="Charts").click()
    expect(page.locator('[data-testid="chart-utilization"] .u-legend')).to_contain_text("<b>s</b>")
    assert drawer.locator("img, script, b").count() == 0
    expect(page.locator("#watch-card .watch-description")).to_have_text("<i>explained</i>")
    assert page.locator("#watch-card i").count() == 0
    assert page.evaluate("window.hacked") is None
    assert editor.errors == []

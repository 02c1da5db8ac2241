"""Every metric that a kind declares for the summary (the schema's `x-metrics`) appears in the run
view, for runs of presets that together use every kind: nothing the engine reports is left off
the screen, and no metric needed JavaScript of its own to get there."""

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import Editor
from tests.e2e.live_run_helpers import press_run, wait_until_over
from tests.e2e.run_view_helpers import client_kind, declared_metrics

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# Between them: every kind, a failover, lost sessions, replicas with lag, conflicts, retries,
# throttling at a rate-limited balancer.
PRESETS = [
    "queue-back-pressure-with-retries",
    "cdn-push-vs-pull",
    "cache-aside-vs-write-through",
    "sticky-sessions-lost-on-failure",
    "dns-ttl-during-a-region-failure",
    "replication-lag-and-stale-reads",
    "master-master-conflicts",
    "rate-limiter-protecting-a-backend",
]

SHOWN = """(clientKind) => {
    const pairs = [];
    for (const cell of document.querySelectorAll('#run-summary tr[data-kind] td[data-metric]')) {
        if (cell.textContent.trim()) pairs.push([cell.closest('tr').dataset.kind, cell.dataset.metric]);
    }
    for (const cell of document.querySelectorAll('#run-summary [data-summary] dd, #run-summary td[data-client]')) {
        const name = cell.dataset.metric || cell.closest('[data-summary]').dataset.summary;
        if (cell.textContent.trim()) pairs.push([clientKind, name]);
    }
    return pairs;
}"""


def test_every_summary_metric_of_every_kind_appears_in_the_run_view(contexts, live_app):
    metrics = declared_metrics(live_app.http_url)
    clients = client_kind(metrics)
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    kinds_used: set[str] = set()
    shown: set[tuple[str, str]] = set()
    for preset_id in PRESETS:
        editor.open(f"/?preset={preset_id}")
        kinds_used |= {node["kind"] for node in editor.document()["nodes"]}
        press_run(page, "max")
        assert wait_until_over(page) == "done", preset_id
        page.get_by_role("tab", name="Summary").click()
        expect(page.locator("#run-summary table").first).to_be_visible()
        shown |= {tuple(pair) for pair in page.evaluate(SHOWN, clients)}
        assert "–" not in page.locator("#run-summary").inner_text(), preset_id  # no rows of dashes

    assert kinds_used == set(metrics)
    declared = {
        (kind, metric["name"]) for kind, declared in metrics.items() for metric in declared["summary"]
    }
    assert {
        "hit_ratio",
        "objects_stored",
        "stale_served",
        "origin_requests",
        "sessions_lost",
        "stale_reads",
    } <= {name for _, name in declared}
    assert {"conflicts", "replication_lag_ms.mean", "downtime_s", "failures.refused"} <= {
        name for _, name in declared
    }
    assert sorted(declared - shown) == []
    assert editor.errors == []

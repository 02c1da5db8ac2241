"""A preset that puts two systems side by side, each fed by its own client, reads as the comparison
it was built to be: after a run, the summary shows one column per client (named by the client's
label) and the difference between them, instead of one merged figure that answers no one."""

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import Editor
from tests.e2e.live_run_helpers import press_run, wait_until_over
from tests.e2e.run_view_helpers import (
    client_kind,
    declared_metrics,
    delta_text,
    figure_text,
    label_of,
    open_preset_from_the_gallery,
    stored_run,
    value_at,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_a_comparison_preset_shows_one_column_per_client_and_their_difference_after_a_run(contexts, live_app):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    document = open_preset_from_the_gallery(editor, "round-robin-vs-least-connections")
    metrics = declared_metrics(live_app.http_url)
    kind = client_kind(metrics)
    first, second = [node["id"] for node in document["nodes"] if node["kind"] == kind]
    run_id = press_run(page, "max")
    assert wait_until_over(page) == "done"
    clients = stored_run(page, run_id)["results"]["clients"]
    page.get_by_role("tab", name="Summary").click()

    table = page.locator('[data-testid="per-client"]')
    expect(table.locator("thead th")).to_have_text(
        [
            "",
            label_of(document, first),
            label_of(document, second),
            f"{label_of(document, second)} − {label_of(document, first)}",
        ]
    )
    # no merged headline (the Cost section's figures are the whole document's, by design)
    expect(page.locator("#run-summary .summary-figures [data-summary]")).to_have_count(0)
    for metric in metrics[kind]["summary"]:
        a, b = value_at(clients[first], metric["name"]), value_at(clients[second], metric["name"])
        expect(table.locator(f'tr[data-summary="{metric["name"]}"] td')).to_have_text(
            [
                figure_text(page, a, metric["unit"]),
                figure_text(page, b, metric["unit"]),
                delta_text(page, b - a, metric["unit"]),
            ]
        )
    # Least connections spares the slow server: its p99 is far lower, and the difference says so.
    assert clients[second]["latency_ms"]["p99"] < clients[first]["latency_ms"]["p99"] / 10
    expect(table.locator('tr[data-summary="latency_ms.p99"] td.delta')).to_have_attribute(
        "data-tone", "better"
    )
    assert editor.errors == []

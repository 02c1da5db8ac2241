"""A preset says what to watch: the editor shows a "What to watch" card with the preset's
explanation and its watched figures, which stays beside the canvas, can be dismissed and comes
back from a button; after a run the card gives each figure's value, and the summary highlights
the same figures."""

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import EXAMPLES, Editor
from tests.e2e.live_run_helpers import press_run, wait_until_over
from tests.e2e.run_view_helpers import (
    client_kind,
    declared_metrics,
    figure_text,
    label_of,
    open_preset_from_the_gallery,
    stored_run,
    value_at,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# One preset that watches components, one that watches its clients (side by side).
PRESETS = ["cdn-push-vs-pull", "active-passive-hot-vs-cold"]


def watch_key(entry: dict) -> str:
    return (
        f"node:{entry['node']}:{entry['metric']}"
        if "node" in entry
        else f"client:{entry['client']}:{entry['metric']}"
    )


def declaration(metrics: dict, document: dict, entry: dict) -> dict:
    if "node" in entry:
        kind = next(node["kind"] for node in document["nodes"] if node["id"] == entry["node"])
    else:
        kind = client_kind(metrics)
    return next(metric for metric in metrics[kind]["summary"] if metric["name"] == entry["metric"])


@pytest.mark.parametrize("preset_id", PRESETS)
def test_the_what_to_watch_card_names_the_figures_that_the_summary_highlights(contexts, live_app, preset_id):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    document = open_preset_from_the_gallery(editor, preset_id)
    metrics = declared_metrics(live_app.http_url)
    watch = document["watch"]
    card = page.locator("#watch-card")

    expect(card).to_be_visible()
    expect(card.locator(".watch-description")).to_have_text(document["description"])
    items = card.locator("li[data-watch]")
    expect(items).to_have_count(len(watch))
    # nodes labelled alike in two systems ("Primary") are told apart by their id
    for entry, item in zip(watch, items.all(), strict=True):
        node_id = entry.get("node") or entry.get("client")
        who = label_of(document, node_id)
        if (
            len(
                {
                    e.get("node") or e.get("client")
                    for e in watch
                    if label_of(document, e.get("node") or e.get("client")) == who
                }
            )
            > 1
        ):
            who = f"{who} ({node_id})"
        expect(item.locator(".watch-what")).to_have_text(
            f"{who} · {declaration(metrics, document, entry)['label']}"
        )
        expect(item.locator(".watch-value")).to_have_text("after a run")

    # Dismissed, it leaves a button that brings it back.
    page.get_by_role("button", name="Dismiss What to watch").click()
    expect(card).to_be_hidden()
    page.get_by_role("button", name="What to watch").click()
    expect(card).to_be_visible()

    run_id = press_run(page, "max")
    assert wait_until_over(page) == "done"
    results = stored_run(page, run_id)["results"]
    expect(card).to_be_visible()  # beside the canvas, with the run view open
    page.get_by_role("tab", name="Summary").click()
    summary = page.locator("#run-summary")
    expect(summary.locator(".watched")).to_have_count(len(watch))
    for entry in watch:
        metric = declaration(metrics, document, entry)
        if "node" in entry:
            value = value_at(results["nodes"][entry["node"]], entry["metric"])
            cell = summary.locator(f'tr[data-node="{entry["node"]}"] td[data-metric="{entry["metric"]}"]')
        else:
            value = value_at(results["clients"][entry["client"]], entry["metric"])
            cell = summary.locator(f'td[data-client="{entry["client"]}"][data-metric="{entry["metric"]}"]')
        text = figure_text(page, value, metric["unit"])
        expect(card.locator(f'li[data-watch="{watch_key(entry)}"] .watch-value')).to_have_text(text)
        expect(cell).to_have_class("watched")
        expect(cell).to_have_text(text)
    # The marker shows, not only the colour.
    marker = summary.locator("td.watched").first.evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    assert "★" in marker
    assert editor.errors == []


def test_a_document_without_a_description_or_watch_list_shows_no_card(contexts, live_app):
    editor = Editor(contexts().new_page(), live_app.http_url)
    editor.open("/")
    editor.import_file(EXAMPLES / "one-server.json")
    expect(editor.page.locator("#watch-card")).to_be_hidden()
    expect(editor.page.get_by_role("button", name="What to watch")).to_be_hidden()
    assert editor.errors == []

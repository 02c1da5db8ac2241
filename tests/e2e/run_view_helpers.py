"""Reading the run view's summary as a person would, against what the engine declares and reports.
Shared by tests/e2e/test_live_run_results.py and the run-view tests (per system, What to watch,
every metric, live canvas).

The metrics each kind reports are read from the schema the server serves (`x-metrics`), never
listed here; a figure is expected as the page's own formatter writes it (`figureText` and
`deltaText` in static/js/editor/run-summary.js, built on numbers.js), imported in the page, so
these tests check that the summary shows the right value in the right place, and numbers.js's
own rules stay in one place.
"""

import json
import urllib.request

from playwright.sync_api import Page

from tests.e2e.editor_helpers import Editor
from tests.e2e.live_run_helpers import presets

SUMMARY_MODULE = "/static/js/editor/run-summary.js"


def schema(base_url: str) -> dict:
    with urllib.request.urlopen(f"{base_url}/api/schema", timeout=10) as response:
        return json.loads(response.read())


def declared_metrics(base_url: str) -> dict[str, dict]:
    """{kind: {"in": "nodes" | "clients", "summary": [metric, ...], "window": [...]}} from the schema."""
    kinds = {}
    for definition in schema(base_url)["$defs"].values():
        kind = definition.get("properties", {}).get("kind", {}).get("const")
        if kind and "x-metrics" in definition:
            kinds[kind] = definition["x-metrics"]
    return kinds


def client_kind(metrics: dict[str, dict]) -> str:
    (kind,) = [kind for kind, declared in metrics.items() if declared["in"] == "clients"]
    return kind


def value_at(entry: dict, path: str):
    value = entry
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def figure_text(page: Page, value, unit: str) -> str:
    """`value` as the summary writes it beside its label."""
    return page.evaluate(
        "async ([module, value, unit]) => (await import(module)).figureText(value, unit)",
        [SUMMARY_MODULE, value, unit],
    )


def delta_text(page: Page, delta, unit: str) -> str:
    """A difference `delta` as the summary writes it."""
    return page.evaluate(
        "async ([module, delta, unit]) => (await import(module)).deltaText(delta, unit)",
        [SUMMARY_MODULE, delta, unit],
    )


def stored_run(page: Page, run_id: str) -> dict:
    """The run as the API gives it to this browser (GET /api/runs/{id})."""
    return page.evaluate("async (id) => (await fetch(`/api/runs/${id}`)).json()", run_id)


def preset(base_url: str, preset_id: str) -> dict:
    return next(candidate for candidate in presets(base_url) if candidate["id"] == preset_id)


def open_preset_from_the_gallery(editor: Editor, preset_id: str) -> dict:
    """Opens a preset as a person does: Presets, then its card's Open; returns the document."""
    editor.open("/")
    editor.page.get_by_role("button", name="Presets").click()
    editor.page.locator(f'.preset-card[data-preset="{preset_id}"] .preset-open').click()
    editor.page.wait_for_url(f"**/?preset={preset_id}")
    editor.wait_ready()
    return editor.document()


def label_of(document: dict, node_id: str) -> str:
    node = next(node for node in document["nodes"] if node["id"] == node_id)
    return (node.get("label") or "").strip() or node_id

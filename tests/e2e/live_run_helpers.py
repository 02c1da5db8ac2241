"""Driving a live run in the editor, as a person would: open a topology, pick a speed, press Run,
watch. Shared by tests/e2e/test_live_run_*.py.

What is on screen is read from the page: the run bar's text, the colours the canvas draws, the
columns the charts draw (uPlot's own data), the summary's text. `window.archplay.live` (the run
controller, static/js/editor/run.js) gives the run's id, the seqs it received and the socket, for
the checks a person cannot make by eye (no message lost or repeated).
"""

import json
import urllib.request

from playwright.sync_api import Page

from tests.e2e.editor_helpers import EXAMPLES, Editor

ACTIVE = ("queued", "running")


def presets(base_url: str) -> list[dict]:
    with urllib.request.urlopen(f"{base_url}/api/presets", timeout=10) as response:
        return json.loads(response.read())


def open_a_preset(editor: Editor) -> dict:
    """Opens the first preset from the Presets dialog (or, while there are none, imports the
    example shop) and saves it, so its runs have a history; returns the document."""
    editor.open("/")
    if presets(editor.base_url):
        editor.page.get_by_role("button", name="Presets").click()
        editor.page.locator(".preset-open").first.click()
        editor.page.wait_for_url("**/?preset=*")
        editor.wait_ready()
    else:
        editor.import_file(EXAMPLES / "read-heavy-shop.json")
    editor.save()
    return editor.document()


def first_hop(document: dict) -> str:
    """The component the first client sends to: failing it fails every request of that client."""
    client = next(node["id"] for node in document["nodes"] if node["kind"] == "client")
    return next(edge["target"] for edge in document["edges"] if edge["source"] == client)


def press_run(page: Page, speed: str, seed: str = "") -> str:
    """Chooses the speed (and seed), presses Run; returns the new run's id."""
    before = page.evaluate("archplay.live.run && archplay.live.run.id")
    page.select_option("#run-speed", speed)
    page.fill("#run-seed", seed)
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(
        "previous => archplay.live.run && archplay.live.run.id !== previous", arg=before, timeout=15_000
    )
    return page.evaluate("archplay.live.run.id")


def wait_until_over(page: Page, timeout_ms: int = 60_000) -> str:
    """Waits for the run shown to end (its summary is on screen); returns its status."""
    page.wait_for_function(
        "!['queued', 'running'].includes(archplay.live.run.status) && archplay.live.run.results !== null",
        timeout=timeout_ms,
    )
    return page.evaluate("archplay.live.run.status")


def points(page: Page) -> int:
    """Seconds drawn so far on the first chart."""
    return page.evaluate("archplay.live.charts.pointCount()")


def drawn_series(page: Page, chart: str, label: str) -> list:
    """The values a chart draws for the series with this legend label (uPlot's own columns)."""
    return page.evaluate(
        """([testid, label]) => {
            const chart = archplay.live.charts.charts.find((c) => c.spec.testid === testid);
            const index = chart.plot.series.findIndex((s) => s.label === label);
            return index < 0 ? null : chart.plot.data[index];
        }""",
        [chart, label],
    )


def node_fill(page: Page, node_id: str) -> str:
    """The fill of a component's outline on the canvas."""
    return page.locator(f'#canvas g[data-cell-id="{node_id}"] rect').first.get_attribute("fill")


def received_seqs(page: Page) -> list[int]:
    return page.evaluate("archplay.live.run.seqs")

"""A live run in the editor, as a person does it: open a preset, press Run at 10x, watch the charts
grow and the components change colour, fail one from the canvas and see it go down and the errors
rise, stop the run, open it again from the history. Also: Run waits while the document has
problems, and the keyboard path to live faults. Keeps a screenshot of a live run for reviewers:
test-artifacts/live-run.png."""

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import ARTIFACTS, EXAMPLES, VIEWPORT, Editor
from tests.e2e.live_run_helpers import (
    drawn_series,
    first_hop,
    node_fill,
    open_a_preset,
    points,
    press_run,
    wait_until_over,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WHITE = "#ffffff"


@pytest.fixture
def editor(browser, live_app):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield Editor(context.new_page(), live_app.http_url)
    finally:
        context.close()


def test_a_run_at_10x_grows_the_charts_colours_the_canvas_takes_a_fault_from_the_canvas_and_reopens_from_history(
    editor,
):
    page = editor.page
    document = open_a_preset(editor)
    victim = first_hop(document)
    assert node_fill(page, victim) == WHITE

    run_id = press_run(page, "10")
    expect(page.locator("#run-drawer")).to_be_visible()
    expect(page.locator("#run-status")).to_contain_text("Running", timeout=10_000)
    page.wait_for_function("archplay.live.charts.pointCount() >= 2", timeout=10_000)
    early = points(page)
    page.wait_for_function(f"archplay.live.charts.pointCount() >= {early + 2}", timeout=10_000)
    page.wait_for_function(
        f"""document.querySelector('#canvas g[data-cell-id="{victim}"] rect').getAttribute('fill') !== '{WHITE}'"""
    )
    assert node_fill(page, victim) != WHITE  # coloured by its utilisation

    x, y = editor.node_center(victim)
    page.mouse.click(x, y, button="right")
    menu = page.get_by_role("menu", name="Inject a fault")
    expect(menu).to_be_visible()
    injected_after = points(page)
    menu.get_by_role("menuitem", name="Fail").click()
    expect(page.locator(f'#canvas g[data-cell-id="{victim}"] rect[data-live="down"]')).to_be_attached(
        timeout=10_000
    )
    expect(page.locator(".run-marks li[data-origin=live]")).to_contain_text(f"fail {victim} (live)")
    # Results count failures after the warm-up only: stop once some seconds past it are in.
    warmup = int(document.get("scenario", {}).get("warmup_s", 0))
    stop_after = max(injected_after + 3, warmup + 3)
    page.wait_for_function(f"archplay.live.charts.pointCount() >= {stop_after}", timeout=20_000)
    page.screenshot(path=str(ARTIFACTS / "live-run.png"))

    page.get_by_role("button", name="Stop").click()
    assert wait_until_over(page) == "cancelled"
    expect(page.locator("#run-status")).to_contain_text("Stopped")
    stopped_at = points(page)
    (fault,) = page.evaluate("archplay.live.run.results.injected_events")
    assert (fault["action"], fault["target"]) == ("fail", victim)
    errors = drawn_series(page, "chart-rates", "errors")  # errors[i] is second i + 1
    at = int(fault["at_s"])
    before, after = errors[:at], errors[at : at + 2]
    assert min(after) > 0
    assert sum(after) / len(after) > sum(before) / len(before), (before, after)
    page.get_by_role("button", name="Close the run view").click()
    body = page.locator(f'#canvas g[data-cell-id="{victim}"] rect').first
    expect(body).to_have_attribute("fill", WHITE)  # the diagram as it was

    page.get_by_role("button", name="Run view: charts, summary and past runs").click()
    page.get_by_role("tab", name="Runs").click()
    entry = page.locator(f'.run-list li[data-run="{run_id}"]')
    expect(entry).to_contain_text("stopped")
    entry.get_by_role("button", name="Open").click()
    page.get_by_role("tab", name="Charts").click()
    page.wait_for_function(f"archplay.live.charts.pointCount() === {stopped_at}")
    page.get_by_role("tab", name="Summary").click()
    expect(page.locator("#run-summary")).to_contain_text("Stopped early")
    expect(page.locator(f'#run-summary tr[data-node="{victim}"] td[data-figure="refused"]')).not_to_have_text(
        "0"
    )
    assert editor.errors == []


def test_run_waits_with_the_reason_shown_while_the_document_has_problems(editor):
    page = editor.page
    editor.open("/")
    run = page.get_by_role("button", name="Run", exact=True)
    expect(run).to_be_disabled()
    expect(page.locator("#run-status")).to_have_text("Add components to run")
    editor.import_file(EXAMPLES / "broken.json")
    expect(page.locator("#run-status")).to_contain_text("problems to run")
    expect(run).to_be_disabled()
    assert "problems to run" in run.get_attribute("title")
    # The broken document is unsaved work: importing over it asks first.
    page.set_input_files("#import-file", str(EXAMPLES / "one-server.json"))
    page.locator("#dlg-confirm").get_by_role("button", name="Import and replace").click()
    page.locator("#dlg-import[open]").get_by_role("button", name="Close").click()
    expect(run).to_be_enabled()
    expect(page.locator("#run-status")).to_have_text("Ready to run")


def test_the_side_panel_fails_a_component_and_cuts_a_wire_of_a_running_simulation(editor):
    page = editor.page
    editor.open("/")
    editor.import_file(EXAMPLES / "one-server.json")
    # At 1x: the run outlasts a keyboard walk through the whole page (at 10x it ends in 3 s).
    press_run(page, "1")
    page.wait_for_function("archplay.live.charts.pointCount() >= 2", timeout=10_000)

    # The keyboard path: select the server from the list of components, Tab to its live actions.
    page.locator('#node-list button[data-node="s"]').focus()
    page.keyboard.press("Enter")
    panel = page.locator("#live-faults")
    expect(panel).to_contain_text("While it runs: s")
    fail = panel.get_by_role("button", name="Fail")
    for _ in range(60):
        if page.evaluate("document.activeElement.dataset.action === 'fail'"):
            break
        page.keyboard.press("Tab")
    expect(fail).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator('#canvas g[data-cell-id="s"] rect[data-live="down"]')).to_be_attached(timeout=10_000)
    panel.get_by_role("button", name="Recover").click()
    expect(page.locator('#canvas g[data-cell-id="s"] rect[data-live="up"]')).to_be_attached(timeout=10_000)

    # A wire: click it on the canvas, cut it from the panel, heal it.
    (ux, uy), (sx, sy) = editor.node_center("u"), editor.node_center("s")
    page.mouse.click((ux + sx) / 2, (uy + sy) / 2)
    expect(panel).to_contain_text("While it runs: u->s")
    panel.get_by_role("button", name="Cut (partition)").click()
    expect(page.locator(".run-marks li[data-origin=live]").last).to_contain_text("cut u->s (live)")
    cut_at = points(page)
    page.wait_for_function(f"archplay.live.charts.pointCount() >= {cut_at + 3}", timeout=10_000)
    panel.get_by_role("button", name="Heal").click()
    expect(page.locator(".run-marks li[data-origin=live]").last).to_contain_text("heal u->s (live)")
    healed_at = points(page)
    page.wait_for_function(f"archplay.live.charts.pointCount() >= {healed_at + 3}", timeout=10_000)
    page.get_by_role("button", name="Stop").click()
    assert wait_until_over(page, 30_000) == "cancelled"

    injected = page.evaluate("archplay.live.run.results.injected_events")
    assert [(event["action"], event["target"]) for event in injected] == [
        ("fail", "s"), ("recover", "s"), ("partition", "u->s"), ("heal", "u->s"),
    ]  # fmt: skip
    cut, heal = injected[2]["at_s"], injected[3]["at_s"]
    throughput = drawn_series(page, "chart-rates", "throughput")
    assert heal - cut >= 2
    assert throughput[int(cut)] == 0  # the second after the cut: nothing crosses a cut wire
    assert throughput[-1] > 0  # healed
    assert editor.errors == []

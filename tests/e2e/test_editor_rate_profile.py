"""A client's traffic shape (`rate_profile`, a list of [t_s, rps] points) is edited in the side
panel: ready shapes scaled to the client's rate and the run's duration, a table of points with add
and remove, a mini chart; a table that is not a profile is named inline and never applied. A
list-valued `standby_for` (N+1) is shown read-only and does not stop a run."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import Editor
from tests.e2e.live_run_helpers import press_run, wait_until_over

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

RATE = 40
DURATION = 20

STEADY_CLIENT = {
    "format": 1,
    "name": "A client to shape",
    "nodes": [
        {"id": "users", "kind": "client", "params": {"rate_rps": RATE}},
        {"id": "app", "kind": "app_server", "params": {"workers": 16, "service_ms": 5, "queue_limit": 1000}},
    ],
    "edges": [{"source": "users", "target": "app"}],
    "scenario": {"duration_s": DURATION, "warmup_s": 0, "seed": 3},
}


def open_steady_client(editor: Editor, tmp_path) -> None:
    editor.open("/")
    source = tmp_path / "steady.json"
    source.write_text(json.dumps(STEADY_CLIENT))
    editor.import_file(source)
    editor.page.locator('#node-list button[data-node="users"]').click()
    expect(editor.page.locator(".profile-editor")).to_be_visible()


def profile_of(editor: Editor, node_id: str = "users"):
    node = next(node for node in editor.document()["nodes"] if node["id"] == node_id)
    return node.get("params", {}).get("rate_profile")


def area(points: list[list[float]], end: float) -> float:
    """Requests expected from 0 to `end`: linear between points, flat before the first and after the last."""
    total = points[0][1] * points[0][0]
    for (t0, r0), (t1, r1) in zip(points, points[1:], strict=False):
        total += (r0 + r1) / 2 * (t1 - t0)
    return total + points[-1][1] * (end - points[-1][0])


def test_the_spike_shape_writes_a_rate_profile_that_a_run_follows(contexts, live_app, tmp_path):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    open_steady_client(editor, tmp_path)
    assert profile_of(editor) is None
    page.locator('.profile-editor [data-shape="spike"]').click()
    profile = profile_of(editor)
    # Five times the client's rate in the middle of the run, its own rate before and after.
    times = [t for t, _ in profile]
    assert times == sorted(times) and 0 < times[-1] < DURATION
    assert profile[0][1] == RATE and profile[-1][1] == RATE
    assert max(rps for _, rps in profile) == 5 * RATE
    expect(page.locator(".profile-editor tbody tr")).to_have_count(len(profile))
    expect(page.locator(".profile-editor .profile-point")).to_have_count(len(profile))
    expect(page.locator(".profile-editor .field-error")).to_have_text("")
    press_run(page, "max")
    assert wait_until_over(page) == "done"
    results = page.evaluate("archplay.live.run.results")
    sent = results["requests"]["total"]
    expected = area(profile, DURATION)
    assert abs(sent - expected) < 0.12 * expected, (sent, expected)
    assert sent > 2 * RATE * DURATION  # the spike, not the steady rate
    assert editor.errors == []


def test_a_point_out_of_time_order_is_named_inline_and_not_applied(contexts, live_app, tmp_path):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    open_steady_client(editor, tmp_path)
    page.locator('.profile-editor [data-shape="ramp"]').click()
    ramp = profile_of(editor)
    assert ramp == [[0, RATE], [DURATION, 3 * RATE]]
    page.get_by_role("button", name="Add point").click()
    expect(page.locator(".profile-editor tbody tr")).to_have_count(3)
    added = profile_of(editor)
    assert added[:2] == ramp and added[2][0] > DURATION and added[2][1] == 3 * RATE
    third = page.get_by_label("Time in seconds of point 3")
    third.fill("5")
    third.press("Enter")
    error = page.locator(".profile-editor .field-error")
    expect(error).to_have_text(
        f"Rate profile: point 3 (t_s 5) comes before point 2 (t_s {DURATION}): points must be in time order."
    )
    expect(third).to_have_attribute("aria-invalid", "true")
    assert profile_of(editor) == added  # not applied
    expect(page.locator("#btn-run")).to_be_disabled()
    expect(page.locator("#btn-run")).to_have_attribute("title", "Fix the field in red to run")
    rps = page.get_by_label("Requests per second of point 2")
    rps.fill("lots")
    rps.press("Enter")
    expect(error).to_have_text('Rate profile: point 2: rps must be a number (got "lots").')
    rps.fill(str(3 * RATE))
    page.get_by_role("button", name="Remove point 3").click()
    expect(error).to_have_text("")
    assert profile_of(editor) == ramp
    expect(page.locator("#btn-run")).to_be_enabled()
    page.get_by_role("button", name="Steady rate").click()
    assert profile_of(editor) is None
    expect(page.locator(".profile-editor tbody tr")).to_have_count(0)
    assert editor.errors == []


def test_a_standby_for_several_nodes_is_shown_read_only_and_does_not_stop_a_run(contexts, live_app):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    editor.open("/?preset=n-plus-one-shared-standby")
    spare = next(
        node for node in editor.document()["nodes"] if isinstance(node["params"].get("standby_for"), list)
    )
    page.locator(f'#node-list button[data-node="{spare["id"]}"]').click()
    field = page.locator('#inspector [data-param="standby_for"]')
    control = field.locator("input")
    expect(control).to_have_value(", ".join(spare["params"]["standby_for"]))
    expect(control).to_have_attribute("readonly", "")
    expect(field).to_contain_text("shown here, not edited")
    expect(page.locator("#inspector .field-error:not(:empty)")).to_have_count(0)
    expect(page.locator("#btn-run")).to_be_enabled()
    press_run(page, "max")
    assert wait_until_over(page) == "done"
    assert editor.errors == []


def test_a_ready_shape_is_scaled_to_the_rate_and_duration_set_just_before(contexts, live_app, tmp_path):
    editor = Editor(contexts().new_page(), live_app.http_url)
    page = editor.page
    open_steady_client(editor, tmp_path)
    editor.set_param("rate_rps", "60")
    page.locator('.profile-editor [data-shape="daily"]').click()
    profile = profile_of(editor)
    assert len(profile) == 13
    assert profile[0] == [0, 24] and profile[-1] == [DURATION, 24]  # night: 40% of 60 rps
    assert profile[6] == [DURATION / 2, 96]  # midday: 160%
    assert editor.errors == []

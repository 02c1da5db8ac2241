"""Faults injected while a run goes (the `commands` hook of `run`) take effect at the current
simulated time and come back as scenario events that replay the run exactly."""

import copy

from simulation import run

DOC = {
    "format": 1,
    "nodes": [{"id": "u", "kind": "client", "params": {"rate_rps": 100}}, {"id": "s", "kind": "app_server"}],
    "edges": [{"source": "u", "target": "s"}],
    "scenario": {"duration_s": 8, "seed": 4},
}


def _commands_at(schedule: dict[int, list[dict]]):
    calls = iter(range(1, 10_000))
    return lambda: schedule.get(next(calls), [])


def test_a_fault_injected_at_a_window_boundary_takes_effect_from_that_second_on():
    errors = []
    results = run(
        DOC,
        commands=_commands_at(
            {3: [{"action": "fail", "target": "s"}], 5: [{"action": "recover", "target": "s"}]}
        ),
        on_window=lambda message: errors.append(message["window"]["errors_rps"]),
    )
    assert errors[:3] == [0.0, 0.0, 0.0]
    assert errors[3] > 50 and errors[4] > 50  # seconds 4 and 5: the server is down
    assert errors[5:] == [0.0, 0.0, 0.0]
    assert results["injected_events"] == [
        {"at_s": 3.0, "action": "fail", "target": "s", "params": {}},
        {"at_s": 5.0, "action": "recover", "target": "s", "params": {}},
    ]


def test_adding_the_injected_events_to_the_scenario_replays_the_run_exactly():
    live = run(DOC, commands=_commands_at({2: [{"action": "fail", "target": "s"}]}))
    replay_doc = copy.deepcopy(DOC)
    replay_doc["scenario"]["events"] = live["injected_events"]
    replay = run(replay_doc)
    assert replay["events_processed"] == live["events_processed"] + 1
    # The replay schedules the event on the calendar, one kernel event more than applying it live.
    strip = ("wall_s", "injected_events", "events_processed")
    assert {k: v for k, v in live.items() if k not in strip} == {
        k: v for k, v in replay.items() if k not in strip
    }


def test_a_run_without_commands_reports_no_injected_events():
    assert "injected_events" not in run(DOC)
    assert "injected_events" not in run(DOC, commands=lambda: [])

"""A client's rate_profile: arrivals follow the area under the profile, exactly.

The number of Poisson arrivals over an interval is Poisson with mean the area
under the rate over it, so a count is checked against that area within 3.3
standard deviations (fixed seeds: deterministic). Constant arrivals under a
profile come one per unit of area, so their counts are exact.
"""

from math import sqrt

import pytest

from simulation import run, validate
from simulation.components.client import profile_advance, profile_area
from simulation.format import KINDS, json_schema, parse
from simulation.format.fields import Int, Params, param, specs_of
from tests.simulation.helpers import document, edge, node
from tests.simulation.test_cli import call


def fed(profile, *, duration=60.0, arrival="poisson", seed=1, events=None, **client) -> dict:
    """A client with ``profile`` into a server too big to turn anything away, over zero-latency wires."""
    return document(
        [
            node("users", "client", rate_profile=profile, arrival=arrival, **client),
            node("app", "app_server", workers=256, service_ms=1, service_dist="constant"),
        ],
        [edge("users", "app", latency_ms=0)],
        duration=duration,
        seed=seed,
        events=events,
    )


def within_poisson(count: int, mean: float) -> bool:
    return abs(count - mean) <= 3.3 * sqrt(mean)


def steady(counts: list[int], rate: int) -> bool:
    """Every window within one request of ``rate`` (an arrival due on a window's edge may fall either
    side of it, in floating point) and none lost or gained over them."""
    return all(abs(c - rate) <= 1 for c in counts) and abs(sum(counts) - rate * len(counts)) <= 1


def arrivals_per_window(doc: dict) -> list[int]:
    windows: list[dict] = []
    run(doc, on_window=windows.append)
    return [round(w["window"]["nodes"]["app"]["arrivals_rps"]) for w in windows]  # one-second windows


# -- the arithmetic of a profile ---------------------------------------------------------


def test_the_area_under_a_profile_is_trapezoids_plus_the_flat_ends():
    profile = [[10, 100], [20, 300], [20, 50], [30, 50]]
    assert profile_area(profile, 0, 10) == 100 * 10  # the first value before the first point
    assert profile_area(profile, 10, 20) == (100 + 300) / 2 * 10
    assert profile_area(profile, 15, 20) == (200 + 300) / 2 * 5
    assert profile_area(profile, 20, 30) == 50 * 10  # two points at 20 s: a step down
    assert profile_area(profile, 30, 100) == 50 * 70  # the last value after the last point
    assert profile_area(profile, 0, 100) == 1000 + 2000 + 500 + 3500
    assert profile_area(profile, 40, 40) == 0


@pytest.mark.parametrize("start", [0.0, 3.0, 9.99, 10.0, 14.5, 19.0, 20.0, 25.0, 35.0])
@pytest.mark.parametrize("area", [0.001, 0.5, 1.0, 37.0, 400.0, 2500.0])
def test_advancing_by_an_area_lands_where_the_profile_has_that_area(start, area):
    profile = [[10, 100], [20, 300], [20, 0], [25, 0], [30, 50]]
    times, rates = [p[0] for p in profile], [p[1] for p in profile]
    end = profile_advance(times, rates, start, area)
    assert end >= start
    assert profile_area(profile, start, end) == pytest.approx(area, rel=1e-9)


def test_a_profile_that_ends_at_zero_sends_nothing_more():
    assert profile_advance([0.0, 10.0], [100.0, 0.0], 9.0, 1000.0) == float("inf")
    assert profile_advance([0.0, 10.0], [100.0, 0.0], 11.0, 0.5) == float("inf")


def test_a_falling_ramp_is_inverted_exactly_too():
    # rate 100 - 10 t on [0, 10]: area 100 x - 5 x^2 from 0; 245 is reached at x = 3.5 (then 7.5 is the other root)
    assert profile_advance([0.0, 10.0], [100.0, 0.0], 0.0, 100 * 3.5 - 5 * 3.5**2) == pytest.approx(3.5)


# -- arrivals follow the profile -------------------------------------------------------


def test_a_ramps_request_count_is_the_area_under_it():
    profile = [[0, 0], [40, 2000]]  # area 40,000 over the run
    results = run(fed(profile, duration=40))
    assert within_poisson(results["requests"]["total"], profile_area(profile, 0, 40))
    assert results["clients"]["users"]["requests"]["total"] == results["requests"]["total"]


def test_each_second_of_a_spike_gets_the_area_of_that_second():
    profile = [[0, 100], [10, 100], [12, 1500], [20, 1500], [21, 100]]
    counts = arrivals_per_window(fed(profile, duration=30, seed=4))
    assert len(counts) == 30
    for k, count in enumerate(counts):
        assert within_poisson(count, profile_area(profile, k, k + 1)), (k, count)


def test_constant_arrivals_under_a_profile_come_one_per_unit_of_area():
    # rate 10 t: the area from 0 to t is 5 t^2, so floor(5 t^2) requests by time t
    counts = arrivals_per_window(fed([[0, 0], [20, 200]], duration=20, arrival="constant"))
    by_end = [sum(counts[: k + 1]) for k in range(20)]
    # (an arrival due exactly at a window's end may fall on either side of it)
    assert all(abs(by_end[k] - 5 * (k + 1) ** 2) <= 1 for k in range(20)), by_end


def test_constant_arrivals_at_a_flat_profile_are_as_constant_rate_rps():
    flat = run(fed([[0, 250]], duration=20, arrival="constant"))
    steady = run(
        document(
            [
                node("users", "client", rate_rps=250, arrival="constant"),
                node("app", "app_server", workers=256, service_ms=1, service_dist="constant"),
            ],
            [edge("users", "app", latency_ms=0)],
            duration=20,
        )
    )
    assert flat["requests"] == steady["requests"]


def test_the_first_value_holds_before_the_first_point_and_the_last_after_the_last():
    counts = arrivals_per_window(fed([[10, 200], [20, 600]], duration=30, arrival="constant"))
    assert steady(counts[:9], 200)
    assert steady(counts[21:], 600)


def test_a_set_of_rate_rps_drops_the_profile_from_then_on():
    events = [{"at_s": 10, "action": "set", "target": "users", "params": {"rate_rps": 100}}]
    counts = arrivals_per_window(fed([[0, 500], [30, 2000]], duration=30, arrival="constant", events=events))
    assert steady(counts[12:], 100)  # the profile would have risen to 2000 rps


def test_a_set_of_rate_profile_replaces_it_on_the_runs_clock():
    events = [
        {"at_s": 10, "action": "set", "target": "users", "params": {"rate_profile": [[0, 50], [20, 300]]}}
    ]
    counts = arrivals_per_window(fed([[0, 500]], duration=30, arrival="constant", events=events))
    assert steady(counts[:9], 500)
    assert steady(counts[21:], 300)
    assert abs(counts[15] - 50 - 250 * 15.5 / 20) <= 1  # on the new ramp, at its own times


def test_a_set_of_rate_profile_null_goes_back_to_rate_rps():
    events = [{"at_s": 10, "action": "set", "target": "users", "params": {"rate_profile": None}}]
    counts = arrivals_per_window(fed([[0, 500]], duration=20, arrival="constant", rate_rps=40, events=events))
    assert steady(counts[:9], 500) and steady(counts[11:], 40)


def test_a_profile_at_zero_sends_nothing_until_it_rises():
    counts = arrivals_per_window(fed([[0, 0], [10, 0], [10, 100]], duration=20, arrival="constant"))
    assert steady(counts[:10], 0) and steady(counts[11:], 100)


def test_the_same_profile_and_seed_give_the_same_results():
    doc = fed([[0, 10], [5, 800], [9, 20]], duration=10, seed=9)
    first, second = run(doc), run(doc)
    first.pop("wall_s"), second.pop("wall_s")
    assert first == second


# -- the request cap uses the area -----------------------------------------------------


def test_the_request_cap_counts_the_area_under_the_profile():
    # 1,000,000 rps for a whole day would be far over; the same peak for 10 s is fine
    short = fed([[0, 0], [100, 0], [100, 1_000_000], [110, 1_000_000], [110, 0]], duration=86_400)
    assert validate(short) == []
    long = fed([[0, 0], [100, 1_000_000]], duration=86_400)
    problems = [str(p) for p in validate(long)]
    assert len(problems) == 1 and "rate_profile" in problems[0] and "duration_s" in problems[0]


def test_the_request_cap_follows_set_events_that_change_the_shape():
    events = [{"at_s": 100, "action": "set", "target": "users", "params": {"rate_rps": 1_000_000}}]
    assert validate(fed([[0, 10]], duration=1000, events=events))  # 9e8 requests after the set
    events = [{"at_s": 100, "action": "set", "target": "users", "params": {"rate_profile": [[0, 10]]}}]
    assert validate(fed([[0, 10]], duration=1000, rate_rps=1_000_000, events=events)) == []


# -- bad input -------------------------------------------------------------------------

BAD_PROFILES = {
    "out of order": ([[0, 10], [20, 100], [10, 50]], "in time order"),
    "a negative rate": ([[0, 10], [5, -1]], "rps must be at least 0"),
    "a time before the run": ([[-1, 10]], "t_s must be from 0 to 86,400"),
    "a time after a day": ([[0, 10], [90_000, 10]], "t_s must be from 0 to 86,400"),
    "a rate over the limit": ([[0, 2_000_000]], "at most 1,000,000"),
    "three numbers": ([[0, 1, 2]], "two numbers"),
    "one number": ([[0]], "two numbers"),
    "a string": ([[0, "10"]], "two numbers"),
    "a boolean": ([[0, True]], "two numbers"),
    "a bare number": ([5], "two numbers"),
    "no point": ([], "at least one"),
    "not a list": ("ramp", "must be a list of [t_s, rps] points"),
    "too many points": ([[i, 10] for i in range(201)], "the limit is 200"),
}


@pytest.mark.parametrize("case", list(BAD_PROFILES))
def test_a_bad_profile_gets_a_message_naming_the_node_and_the_field(case):
    profile, words = BAD_PROFILES[case]
    problems = validate(fed(profile))
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.node == "users" and problem.field == "params.rate_profile"
    assert words in problem.message
    assert str(problem).startswith("node 'users': params.rate_profile: ")


def test_a_bad_profile_in_a_set_event_is_refused_too():
    events = [{"at_s": 5, "action": "set", "target": "users", "params": {"rate_profile": [[3, 1], [1, 1]]}}]
    problems = [str(p) for p in validate(fed([[0, 10]], events=events))]
    assert len(problems) == 1 and "in time order" in problems[0] and "rate_profile" in problems[0]


def test_python_m_simulation_validate_names_a_profile_out_of_order(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(__import__("json").dumps(fed([[0, 10], [20, 100], [10, 50]])))
    status, out, err = call(capsys, "validate", str(path))
    assert status == 2
    assert "node 'users': params.rate_profile: points must be in time order" in out + err


def test_a_profile_is_normalized_to_floats_and_parses_to_itself():
    normalized = parse(fed([[0, 1], [10, 20]]))
    assert normalized["nodes"][0]["params"]["rate_profile"] == [[0.0, 1.0], [10.0, 20.0]]
    assert parse(normalized) == normalized
    assert parse(fed(None))["nodes"][0]["params"]["rate_profile"] is None


# -- the schema ------------------------------------------------------------------------


def test_the_schema_describes_a_profile_as_an_array_of_pairs():
    prop = json_schema()["$defs"]["client"]["properties"]["params"]["properties"]["rate_profile"]
    assert prop["type"] == ["array", "null"] and prop["default"] is None
    assert prop["maxItems"] == 200 == json_schema()["x-limits"]["max_profile_points"]
    assert prop["items"] == {"type": "array", "items": {"type": "number", "minimum": 0}, "maxItems": 2}
    assert "rate_rps" in prop["description"]
    assert KINDS["client"].params["rate_profile"].type == "array"


def test_a_list_parameter_of_any_model_gets_its_items_and_bounds_in_the_schema():
    from typing import Annotated, Literal

    from annotated_types import Ge, Le

    class Example(Params):
        sizes: list[Annotated[Int, Ge(1), Le(9)]] = param([1], "Sizes.", max_length=4)
        modes: list[Literal["a", "b"]] | None = param(None, "Modes.")

    specs = specs_of(Example)
    assert specs["sizes"].json_schema() == {
        "type": "array",
        "items": {"type": "integer", "minimum": 1, "maximum": 9},
        "maxItems": 4,
        "default": [1],
        "description": "Sizes.",
    }
    assert specs["modes"].json_schema()["items"] == {"type": "string", "enum": ["a", "b"]}
    assert specs["modes"].json_schema()["type"] == ["array", "null"]

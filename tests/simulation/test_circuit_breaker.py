"""Circuit breakers on a call edge: closed, open, half-open, closed again.

Requests come at a constant 100 per second over wires without latency, and every
service time is constant, so each call ends at a known time and the breaker's
moves follow from arithmetic: with a window of W seconds full of successes, a
dependency that starts failing at t0 makes the failed share of the window reach
the ratio r at t0 + r W (each second adds 100 failures and drops 100 successes);
in a window with no success it opens with the ``breaker_min_requests``-th
failure. The tests step the kernel and look at the edge itself, then check the
results and windows a run reports.
"""

import json
import subprocess
import sys

import pytest

from simulation import run
from simulation.engine import Model
from simulation.format import json_schema, parse, validate
from simulation.kernel import Kernel
from simulation.network import CLOSED, HALF_OPEN, OPEN
from simulation.presets import preset_by_id
from tests.simulation.helpers import document, edge, node

RATE = 100.0
GAP = 1 / RATE  # constant arrivals: one call every 10 ms
BREAKER = {"breaker": True, "breaker_failure_ratio": 0.5, "breaker_min_requests": 20}
BREAKER |= {"breaker_window_s": 10, "breaker_open_s": 5}


def shop(*, events=(), rate: float = RATE, db_ms: float = 1, duration: float = 60, **edge_params) -> dict:
    """Users (constant) -> app (1 ms) -> db (``db_ms``), constant times, no latency; a breaker on app -> db."""
    return document(
        [
            node("users", "client", rate_rps=rate, arrival="constant"),
            node("app", "app_server", workers=1000, service_ms=1, service_dist="constant"),
            node("db", "database", workers=1000, read_ms=db_ms, write_ms=db_ms, service_dist="constant"),
        ],
        [edge("users", "app", latency_ms=0), edge("app", "db", latency_ms=0, **(BREAKER | edge_params))],
        duration=duration,
        events=list(events),
    )


def at(t: float, action: str, target: str = "db", **params) -> dict:
    return {"at_s": t, "action": action, "target": target, "params": params}


class Stepper:
    """A model of ``doc`` whose kernel the test advances by hand."""

    def __init__(self, doc: dict) -> None:
        self.kernel = Kernel()
        self.model = Model(parse(doc), self.kernel)
        self.edge = self.model.edges["app->db"]

    def until(self, t: float):
        self.kernel.run_until(t)
        return self.edge

    def opened_at(self) -> float:
        return self.edge.reopen_at - self.edge.open_s


def test_a_breaker_opens_when_the_failed_share_of_its_window_reaches_the_ratio():
    # 10 s of successes, then the database fails at 20 s: half of a 10 s window fails at 25 s.
    run_ = Stepper(shop(events=[at(20, "fail")]))
    assert run_.until(24.9).state == CLOSED and run_.edge.n_failed > 0
    assert run_.until(25.1).state == OPEN
    assert abs(run_.opened_at() - 25) <= 2 * GAP
    assert run_.edge.n_opened == 1


def test_a_closed_breaker_remembers_only_its_window_of_calls():
    edge_ = Stepper(shop()).until(30)
    assert edge_.state == CLOSED and edge_.n_calls == pytest.approx(30 * RATE, abs=1)
    assert len(edge_.recent) == pytest.approx(10 * RATE, abs=1)  # the last 10 s, not all 3000


def test_with_no_success_in_its_window_a_breaker_opens_with_the_min_requests_th_failure():
    run_ = Stepper(shop(events=[at(0, "fail")]))
    edge_ = run_.until(1)
    assert edge_.n_opened == 1 and edge_.n_failed == 20
    # the 20th call (sent after 1 ms at the app) is refused at once and opens it
    assert run_.opened_at() == pytest.approx(20 * GAP + 0.001)
    assert edge_.n_short == pytest.approx((1 - 20 * GAP) / GAP, abs=1)  # every later one short-circuited


def test_a_breaker_never_judges_fewer_calls_than_breaker_min_requests():
    # 1 call a second: a 10 s window never holds the 20 calls it needs to judge
    results = run(shop(rate=1, events=[at(0, "fail")]))
    assert results["edges"]["app->db"] == {
        "calls": 59,  # sent at 1.001 s, 2.001 s, ..., 59.001 s (the one at 60.001 s is after the end)
        "failed": 59,
        "short_circuited": 0,
        "breaker_opened": 0,
    }


def test_an_open_breaker_short_circuits_and_lets_one_trial_through_after_exactly_breaker_open_s():
    run_ = Stepper(shop(events=[at(20, "fail")]))
    run_.until(26)
    opened, calls = run_.opened_at(), run_.edge.n_calls
    edge_ = run_.until(opened + 5 - 1e-9)
    assert edge_.state == OPEN and edge_.n_calls == calls  # nothing sent while open...
    assert edge_.n_short == pytest.approx(5 / GAP, abs=1)  # ...every call short-circuited
    assert edge_.state_at(opened + 5) == "half_open"  # its time is up: the next call is the trial
    edge_ = run_.until(opened + 5 + GAP)
    # the trial (the first call at or after opened + 5) was refused by the dead database: open again
    assert edge_.n_calls == calls + 1 and edge_.n_opened == 2
    assert opened + 5 <= run_.opened_at() <= opened + 5 + GAP


def test_the_calls_sent_while_the_trial_is_out_are_short_circuited():
    # A slow database and a 50 ms timeout: the trial takes 50 ms to fail, and the 5 calls
    # sent meanwhile are short-circuited without being sent.
    run_ = Stepper(shop(events=[at(20, "set", read_ms=100, write_ms=100)], timeout_ms=50))
    run_.until(27)
    opened = run_.opened_at()
    edge_ = run_.until(opened + 5 + 0.02)
    assert edge_.state == HALF_OPEN and edge_.trial is not None
    short = edge_.n_short
    edge_ = run_.until(opened + 5 + 0.045)
    assert edge_.state == HALF_OPEN and edge_.n_short - short == pytest.approx(0.025 / GAP, abs=1)
    edge_ = run_.until(opened + 5 + 0.06)
    assert edge_.state == OPEN and edge_.n_opened == 2  # the trial timed out
    assert run_.opened_at() == pytest.approx(opened + 5 + 0.05, abs=GAP)


def test_a_successful_trial_closes_the_breaker_and_calls_flow_again():
    # open at 25 s; the trial at 30 s finds the database still down; it is back at 33 s,
    # so the trial at 35 s succeeds.
    doc = shop(events=[at(20, "fail"), at(33, "recover")])
    run_ = Stepper(doc)
    assert run_.until(34.9).state == OPEN and run_.edge.n_opened == 2
    edge_ = run_.until(35.1)
    assert edge_.state == CLOSED and edge_.n_opened == 2
    results = run(doc)
    figures = results["edges"]["app->db"]
    assert figures["breaker_opened"] == 2
    # short-circuited from 25 s to 35 s but for the two trials
    assert figures["short_circuited"] == pytest.approx(10 / GAP - 2, abs=3)
    assert results["requests"]["failed"] == figures["failed"] + figures["short_circuited"]


def test_timeouts_count_as_failures_and_open_the_breaker():
    results = run(shop(events=[at(20, "set", read_ms=100, write_ms=100)], timeout_ms=50, duration=40))
    figures = results["edges"]["app->db"]
    assert figures["breaker_opened"] >= 1 and figures["short_circuited"] > 0
    assert results["nodes"]["db"]["failures"]["timed_out"] == figures["failed"]


def test_edge_counts_add_up_with_the_requests_and_the_nodes():
    results = run(shop(events=[at(20, "fail"), at(40, "recover")]))
    figures = results["edges"]["app->db"]
    requests = results["requests"]
    db = results["nodes"]["db"]
    # every request makes one database call: sent (and ended) or short-circuited
    answered = results["nodes"]["app"]["completed"]
    assert figures["calls"] + figures["short_circuited"] == requests["total"] == answered
    assert figures["calls"] == db["arrivals"] + db["failures"]["refused"]
    assert figures["failed"] == db["failures"]["refused"]
    assert requests["failed"] == figures["failed"] + figures["short_circuited"]
    assert requests["ok"] == figures["calls"] - figures["failed"]


def test_windows_carry_the_breakers_state_and_its_short_circuits():
    windows: list[dict] = []
    run(shop(events=[at(20, "fail")], duration=32), on_window=windows.append)
    states = {w["t_s"]: w["window"]["edges"]["app->db"] for w in windows}
    assert all(states[t]["state"] == "closed" for t in range(1, 26))
    assert states[27]["state"] == "open" and states[27]["short_circuited_rps"] == RATE
    assert states[27]["calls_rps"] == 0
    assert states[31]["state"] == "open"  # the trial just after 30 s failed at once: open again
    assert states[31]["calls_rps"] == 1 and states[31]["failed_rps"] == 1
    assert states[31]["short_circuited_rps"] == RATE - 1


# -- bad input -----------------------------------------------------------------------------


def problems_of(doc: dict) -> list[str]:
    return [str(p) for p in validate(doc)]


def test_a_timeout_or_breaker_on_a_replication_edge_is_refused_naming_the_edge_and_field():
    doc = document(
        [
            node("users", "client"),
            node("app", "app_server"),
            node("db", "database"),
            node("replica", "database", role="replica"),
        ],
        [
            edge("users", "app"),
            edge("app", "db"),
            edge("db", "replica", replication="async", timeout_ms=100, breaker=True),
        ],
    )
    problems = problems_of(doc)
    assert len(problems) == 2
    reason = "a replication edge carries no calls"
    assert problems[0].startswith(f"edge 'db->replica': params.timeout_ms: {reason}")
    assert problems[1].startswith(f"edge 'db->replica': params.breaker: {reason}")


def test_a_breaker_on_a_queues_edge_to_its_worker_is_refused():
    doc = document(
        [node("users", "client"), node("app", "app_server"), node("jobs", "queue"), node("w", "worker")],
        [edge("users", "app"), edge("app", "jobs"), edge("jobs", "w", breaker=True)],
    )
    (problem,) = problems_of(doc)
    assert problem.startswith("edge 'jobs->w': params.breaker: no call travels this edge")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timeout_ms", 0, "must be greater than 0 (got 0)"),
        ("timeout_ms", 4_000_000, "must be at most 3,600,000"),
        ("timeout_ms", "100", "must be a number or null"),
        ("breaker", "yes", "must be a valid boolean"),
        ("breaker", 1, "must be a valid boolean"),
        ("breaker_failure_ratio", 0, "must be greater than 0"),
        ("breaker_failure_ratio", 1.5, "must be at most 1"),
        ("breaker_min_requests", 0, "must be at least 1"),
        ("breaker_min_requests", 2.5, "must be an integer"),
        ("breaker_window_s", 0, "must be greater than 0"),
        ("breaker_window_s", 7200, "must be at most 3600"),
        ("breaker_open_s", -1, "must be greater than 0"),
        ("breaker_open_s", 7200, "must be at most 3600"),
    ],
)
def test_every_new_edge_parameter_out_of_range_is_refused_naming_the_edge_and_field(field, value, message):
    doc = shop(**{field: value})
    (problem,) = problems_of(doc)
    assert problem.startswith(f"edge 'app->db': params.{field}: {message}")


def test_the_schema_describes_the_new_edge_parameters():
    params = json_schema()["$defs"]["edge"]["properties"]["params"]["properties"]
    assert params["timeout_ms"]["type"] == ["number", "null"] and params["timeout_ms"]["default"] is None
    assert params["breaker"]["type"] == "boolean" and params["breaker"]["default"] is False
    defaults = {name: params[name]["default"] for name in BREAKER if name != "breaker"}
    assert defaults == {
        "breaker_failure_ratio": 0.5,
        "breaker_min_requests": 20,
        "breaker_window_s": 10.0,
        "breaker_open_s": 5.0,
    }


def test_python_m_simulation_validate_exits_2_naming_the_edge_and_field(tmp_path):
    path = tmp_path / "broken.json"
    doc = shop(breaker_failure_ratio=2)
    doc["edges"].append({"source": "db", "target": "db2", "params": {"replication": "sync", "breaker": True}})
    doc["nodes"].append(node("db2", "database", role="replica"))
    path.write_text(json.dumps(doc))
    command = [sys.executable, "-m", "simulation", "validate", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "edge 'app->db': params.breaker_failure_ratio: must be at most 1" in done.stderr + done.stdout
    assert "edge 'db->db2': params.breaker:" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


# -- the preset ------------------------------------------------------------------------------


def test_the_preset_breaker_keeps_serving_what_needs_no_database_while_the_plain_app_drowns():
    windows: list[dict] = []
    results = run(preset_by_id("circuit-breaker-stops-a-cascade")["document"], on_window=windows.append)
    slow = [w["window"] for w in windows if 20 < w["t_s"] <= 40]  # the database is slow from 15 s to 40 s

    def mean(values) -> float:
        values = list(values)
        return sum(values) / len(values)

    # Half the requests (100 rps) never touch the database: the breaker side keeps serving them...
    breaker_ok = mean(w["clients"]["users-breaker"]["throughput_rps"] for w in slow)
    plain_ok = mean(w["clients"]["users-plain"]["throughput_rps"] for w in slow)
    assert breaker_ok > 90
    # ...while the plain side's workers all wait on the database and it serves a third of that
    assert plain_ok < breaker_ok / 2
    assert mean(w["nodes"]["app-plain"]["utilization"] for w in slow) > 0.95
    assert mean(w["nodes"]["app-breaker"]["utilization"] for w in slow) < 0.3
    assert all(w["edges"]["app-breaker->db-breaker"]["state"] != "closed" for w in slow[:10])
    # The breaker opened within two seconds of the slowdown, and the summary shows the difference.
    states = {w["t_s"]: w["window"]["edges"]["app-breaker->db-breaker"]["state"] for w in windows}
    assert states[15] == "closed" and states[17] != "closed"
    edges = results["edges"]
    plain = edges["app-plain->db-plain"]
    assert plain["short_circuited"] == plain["breaker_opened"] == 0 and plain["failed"] > 0
    assert edges["app-breaker->db-breaker"]["short_circuited"] > 1000
    clients = results["clients"]
    assert clients["users-breaker"]["availability"] > clients["users-plain"]["availability"] + 0.1
    # after the database is back (40 s) both sides serve everything again
    assert all(not w["window"]["clients"][c]["errors_rps"] for w in windows if w["t_s"] > 45 for c in clients)

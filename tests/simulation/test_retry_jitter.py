"""Retry delays under each ``retry_jitter`` mode, measured on a server that rejects every attempt.

The server has one worker, busy for the whole run with the first request, and
no waiting room, so every later attempt is rejected at once; with zero-latency
wires an attempt fails at the instant it is sent. The time between two sends of
one request is therefore exactly the client's retry delay, which the test
records by wrapping ``Client.retry``. The n-th retry waits
``retry_backoff_ms * 2 ** (n - 1)`` times a factor: 1 (``none``), uniform in
[0, 1) (``full``) or uniform in [0.5, 1.5) (``equal``), the uniforms being the
client's retry stream, in the order the failures happen.
"""

import json

import pytest

from simulation import run, validate
from simulation.components.client import Client
from simulation.kernel import stream
from tests.simulation.helpers import document, edge, node
from tests.simulation.test_cli import call

BACKOFF_MS = 40
RETRIES = 4


def rejecting(jitter: str | None, *, backoff_ms=BACKOFF_MS, duration=10, seed=1) -> dict:
    client = {"rate_rps": 20, "arrival": "constant", "max_retries": RETRIES, "retry_backoff_ms": backoff_ms}
    if jitter is not None:
        client["retry_jitter"] = jitter
    return document(
        [
            node("users", "client", **client),
            node(
                "app", "app_server", workers=1, queue_limit=0, service_ms=3_600_000, service_dist="constant"
            ),
        ],
        [edge("users", "app", latency_ms=0)],
        duration=duration,
        seed=seed,
    )


@pytest.fixture
def sends(monkeypatch):
    """Runs a document and returns, per request (by first send), its send times in order."""

    def record(doc: dict) -> tuple[dict, dict[float, list[float]]]:
        times: dict[object, list[float]] = {}  # by the request itself (its id could be reused)
        original = Client.retry

        def retry(self, t, req):
            times.setdefault(req, [req.t_first]).append(t)
            original(self, t, req)

        monkeypatch.setattr(Client, "retry", retry)
        results = run(doc)
        monkeypatch.undo()
        return results, {ts[0]: ts for ts in times.values()}

    return record


def delays(by_request: dict[float, list[float]]) -> list[list[float]]:
    """Per request, in order of first send, the delays before its retries 1, 2, ..."""
    return [[b - a for a, b in zip(ts, ts[1:], strict=False)] for _, ts in sorted(by_request.items())]


def factors(by_request, before: float = 9.0) -> list[tuple[int, float]]:
    """(retry number, delay / (backoff * 2^(n-1))) for every retry made after a failure before
    ``before``, in the order of those failures (the order of the draws). The cut leaves out the
    last second, whose retries may still be pending when the run ends: a draw made, no retry seen."""
    out = []
    for ts in by_request.values():
        for n, (a, b) in enumerate(zip(ts, ts[1:], strict=False), start=1):
            out.append((a, n, (b - a) / (BACKOFF_MS / 1000 * 2 ** (n - 1))))
    return [(n, f) for a, n, f in sorted(out) if a < before]


def test_without_jitter_the_nth_retry_waits_exactly_the_doubled_backoff(sends):
    results, by_request = sends(rejecting("none"))
    expected = [BACKOFF_MS / 1000 * 2 ** (n - 1) for n in range(1, RETRIES + 1)]
    every = delays(by_request)
    assert len(every) > 150  # (all but the first request, which holds the worker)
    for d in every:
        if len(d) == RETRIES:
            assert d == pytest.approx(expected, abs=1e-9)
    # (the results also count the retries still pending when the run ended)
    assert 0 <= results["requests"]["retries"] - sum(len(d) for d in every) <= 4 * 20 * 0.6


def test_without_jitter_or_backoff_every_retry_is_immediate(sends):
    results, by_request = sends(rejecting("none", backoff_ms=0))
    assert all(d == [0.0] * RETRIES for d in delays(by_request))
    # the storm: each request costs the server 1 + max_retries attempts, all at one instant
    requests = results["requests"]
    assert requests["rejected"] == (1 + RETRIES) * requests["failed"]


@pytest.mark.parametrize(("mode", "low", "high"), [("full", 0.0, 1.0), ("equal", 0.5, 1.5)])
def test_a_jittered_delay_is_the_backoff_times_the_retry_streams_next_uniform(sends, mode, low, high):
    _, by_request = sends(rejecting(mode, seed=5))
    measured = factors(by_request)
    draws = stream(5, "users\x00retries").random
    for n, factor in measured:
        u = draws()
        assert factor == pytest.approx(low + u, rel=1e-9, abs=1e-9), n
        assert low <= factor < high
    # and, as uniforms, their mean is the middle of the range
    mean = sum(f for _, f in measured) / len(measured)
    assert abs(mean - (low + high) / 2) < 4 / (12 * len(measured)) ** 0.5


def test_equal_jitter_is_the_default_and_means_what_documents_without_the_parameter_meant(sends):
    implicit, by_implicit = sends(rejecting(None))
    explicit, by_explicit = sends(rejecting("equal"))
    implicit.pop("wall_s"), explicit.pop("wall_s")
    assert implicit == explicit and by_implicit.keys() == by_explicit.keys()


def test_full_jitter_spreads_retries_over_twice_the_range_of_equal_jitter(sends):
    _, full = sends(rejecting("full"))
    _, equal = sends(rejecting("equal"))
    spread_full = max(f for _, f in factors(full)) - min(f for _, f in factors(full))
    spread_equal = max(f for _, f in factors(equal)) - min(f for _, f in factors(equal))
    assert 0.95 < spread_full <= 1 and 0.95 < spread_equal <= 1
    assert min(f for _, f in factors(full)) < 0.05 and min(f for _, f in factors(equal)) >= 0.5


# -- bad input -------------------------------------------------------------------------


def test_an_unknown_jitter_gets_a_message_naming_the_node_the_field_and_the_choices():
    problems = validate(rejecting("half"))
    assert len(problems) == 1
    problem = problems[0]
    assert problem.node == "users" and problem.field == "params.retry_jitter"
    assert "must be one of 'equal', 'none', 'full'" in problem.message


def test_python_m_simulation_validate_names_a_bad_jitter(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(rejecting(3)))
    status, out, err = call(capsys, "validate", str(path))
    assert status == 2 and "node 'users': params.retry_jitter: must be one of" in out + err

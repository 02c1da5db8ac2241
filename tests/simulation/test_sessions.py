"""Sessions: sticky (ip_hash) balancing with local or shared session stores.

With a local store a session lives on the server that served it; when that
server dies its sessions are lost. The count is exact: with every server healthy,
ip_hash sends session s to server ip_hash_index(s, n), and at 2 requests per
session per second every session has been seen long before the failure (the
chance that one has not is e^-20 per session).
"""

from simulation import run
from simulation.components.load_balancer import ip_hash_index
from tests.simulation.helpers import document, edge, node

SESSIONS = 200


def sticky_farm(store: str, algorithm: str = "ip_hash", events=None, duration: float = 20) -> dict:
    apps = ["app1", "app2", "app3"]
    return document(
        [
            node("users", "client", rate_rps=400, session_count=SESSIONS),
            node("lb", "load_balancer", algorithm=algorithm),
            *(node(a, "app_server", workers=32, service_ms=2, session_store=store) for a in apps),
        ],
        [edge("users", "lb"), *(edge("lb", a) for a in apps)],
        duration=duration,
        events=events if events is not None else [{"at_s": 10, "action": "fail", "target": "app1"}],
    )


def test_a_server_with_local_sessions_loses_every_session_it_held_when_it_dies():
    results = run(sticky_farm("local"))
    on_app1 = sum(1 for s in range(SESSIONS) if ip_hash_index(s, 3) == 0)
    assert 40 < on_app1 < 100  # about a third: the hash spreads sessions
    assert results["sessions_lost"] == on_app1
    assert results["nodes"]["app1"]["sessions_lost"] == on_app1
    assert results["nodes"]["app2"]["sessions_lost"] == 0


def test_with_a_shared_session_store_no_session_is_lost():
    results = run(sticky_farm("shared"))
    assert results["sessions_lost"] == 0
    assert all(results["nodes"][a]["sessions_lost"] == 0 for a in ("app1", "app2", "app3"))


def test_sticky_sessions_stay_on_their_server_while_it_lives():
    results = run(sticky_farm("local", events=[]))
    assert results["sessions_lost"] == 0
    assert sum(results["nodes"][a]["session_misses"] for a in ("app1", "app2", "app3")) == 0
    held = [results["nodes"][a]["sessions"] for a in ("app1", "app2", "app3")]
    assert held == [sum(1 for s in range(SESSIONS) if ip_hash_index(s, 3) == k) for k in range(3)]


def test_the_other_servers_sessions_stay_put_when_one_dies():
    # The dead server's sessions move (they were lost: a new one is created, no miss);
    # nobody else's moves, so there is no session miss at all.
    results = run(sticky_farm("local"))
    assert sum(results["nodes"][a]["session_misses"] for a in ("app1", "app2", "app3")) == 0


def test_without_sticky_balancing_local_sessions_keep_missing():
    # Two farms side by side (sessions are modelled because one balancer sticks them).
    # Round robin over 3 servers: a session's next request lands on the server that holds
    # it about one time in three; the other two thirds are misses (the user starts over).
    doc = sticky_farm("local", events=[])
    doc["nodes"] += [
        node("others", "client", rate_rps=400, session_count=SESSIONS),
        node("rr", "load_balancer", algorithm="round_robin"),
        *(node(f"rr{i}", "app_server", workers=32, service_ms=2) for i in (1, 2, 3)),
    ]
    doc["edges"] += [edge("others", "rr"), *(edge("rr", f"rr{i}") for i in (1, 2, 3))]
    results = run(doc)
    misses = sum(results["nodes"][f"rr{i}"]["session_misses"] for i in (1, 2, 3))
    requests = results["nodes"]["others"]["sent"] - SESSIONS  # a session's first request cannot miss
    share = misses / requests
    assert abs(share - 2 / 3) <= 3.3 * (2 / 9 / requests) ** 0.5, share
    assert sum(results["nodes"][a]["session_misses"] for a in ("app1", "app2", "app3")) == 0


def test_a_shared_store_costs_each_request_a_round_trip_to_it():
    local = run(sticky_farm("local", events=[]))
    shared = run(sticky_farm("shared", events=[]))
    # Same seed, same requests: each one's service takes 0.5 ms longer with the shared store.
    difference = shared["latency_ms"]["mean"] - local["latency_ms"]["mean"]
    assert abs(difference - 0.5) < 0.05, difference


def test_without_sticky_balancing_or_shared_stores_sessions_are_not_modelled():
    results = run(sticky_farm("local", algorithm="round_robin"))
    assert results["sessions_lost"] == 0
    assert "sessions" not in results["nodes"]["app1"]

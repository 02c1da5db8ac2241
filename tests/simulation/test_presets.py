"""Presets: one per concept of the lecture; each validates, runs, and shows what it says it shows.

Each preset's test asserts the effect its description tells the user to watch,
with the figure the mechanism gives where there is one (an exact start-up time, a
Poisson count of requests during an outage, an expected conflict rate).
"""

import json
import re
from functools import cache
from math import sqrt

import pytest

from simulation import run
from simulation.analysis import analyze
from simulation.components.load_balancer import ip_hash_index
from simulation.format import parse
from simulation.presets import PRESETS_DIR, load_presets, preset_by_id
from tests.simulation.test_cli import call

# The presets the issue asks for, by the concept they show.
REQUIRED = {
    "vertical vs horizontal scaling": "vertical-vs-horizontal-scaling",
    "round robin vs least connections on uneven servers": "round-robin-vs-least-connections",
    "sticky sessions lost on failure": "sticky-sessions-lost-on-failure",
    "cache-aside vs write-through": "cache-aside-vs-write-through",
    "cold cache after a cache restart": "cold-cache-after-restart",
    "master-slave read scaling": "master-slave-read-scaling",
    "replication lag and stale reads": "replication-lag-and-stale-reads",
    "active-passive hot vs cold": "active-passive-hot-vs-cold",
    "active-active": "active-active-behind-a-load-balancer",
    "DNS TTL during a region failure": "dns-ttl-during-a-region-failure",
    "CDN push vs pull": "cdn-push-vs-pull",
    "queue back pressure with retries": "queue-back-pressure-with-retries",
    "a hot shard": "hot-shard",
}
IDS = [p["id"] for p in load_presets()]


def within_poisson(count: int, mean: float) -> bool:
    return abs(count - mean) <= 3.3 * sqrt(mean)


@cache
def _results(preset_id: str) -> tuple[str, str]:
    windows: list[dict] = []
    results = run(preset_by_id(preset_id)["document"], on_window=windows.append)
    return json.dumps(results), json.dumps(windows)


def results_of(preset_id: str) -> dict:
    return json.loads(_results(preset_id)[0])


def windows_of(preset_id: str) -> list[dict]:
    return json.loads(_results(preset_id)[1])


def node_windows(preset_id: str, node_id: str, key: str) -> dict[int, float]:
    return {w["t_s"]: w["window"]["nodes"][node_id][key] for w in windows_of(preset_id)}


# -- every preset ------------------------------------------------------------------------


def test_every_concept_the_issue_lists_has_its_preset():
    assert set(REQUIRED.values()) <= set(IDS)


def test_the_loader_lists_presets_by_id_with_title_description_and_document():
    presets = load_presets()
    assert [p["id"] for p in presets] == sorted(IDS) and len(presets) >= 13
    for preset in presets:
        assert set(preset) == {"id", "title", "description", "document"}
        assert preset["title"] == preset["document"]["name"]
        assert preset["description"] == preset["document"]["description"]
    assert preset_by_id("hot-shard")["title"] == "A hot shard"
    assert preset_by_id("no-such-preset") is None


def test_the_loader_hands_out_copies_callers_may_change():
    preset_by_id("hot-shard")["document"]["nodes"].clear()
    assert preset_by_id("hot-shard")["document"]["nodes"]


@pytest.mark.parametrize("preset_id", IDS)
def test_a_preset_is_a_valid_document_with_a_title_and_a_two_sentence_description(preset_id):
    document = json.loads((PRESETS_DIR / f"{preset_id}.json").read_text())
    normalized = parse(document)
    assert normalized["name"] and normalized["name"] != "Untitled"
    sentences = re.findall(r"[.!?](?:\s|$)", document["description"])
    assert len(sentences) == 2 and len(document["description"]) <= 2000
    assert normalized["scenario"]["duration_s"] <= 60
    assert analyze(document)["unreachable"] == []


@pytest.mark.parametrize("preset_id", IDS)
def test_a_preset_is_laid_out_for_the_canvas_left_to_right(preset_id):
    document = json.loads((PRESETS_DIR / f"{preset_id}.json").read_text())
    positions = [(n["x"], n["y"]) for n in document["nodes"]]
    assert all(isinstance(x, (int, float)) and isinstance(y, (int, float)) for x, y in positions)
    assert len(set(positions)) == len(positions)  # no two nodes on top of each other
    assert all(n.get("label") for n in document["nodes"])
    x = {n["id"]: n["x"] for n in document["nodes"]}
    for e in document["edges"]:
        replication = (e.get("params") or {}).get("replication")
        if not replication:
            assert x[e["source"]] < x[e["target"]], e  # requests flow to the right


@pytest.mark.parametrize("preset_id", IDS)
def test_a_preset_runs_with_consistent_results(preset_id):
    results = results_of(preset_id)
    requests = results["requests"]
    assert requests["total"] > 1000 and requests["ok"] + requests["failed"] == requests["total"]
    assert len(windows_of(preset_id)) == results["duration_s"]


def test_python_m_simulation_presets_lists_them(capsys):
    status, out, _ = call(capsys, "presets")
    assert status == 0
    for preset in load_presets():
        assert f"{preset['id']}: {preset['title']}" in out
        assert preset["description"] in out


def test_python_m_simulation_presets_json_is_machine_readable(capsys):
    status, out, _ = call(capsys, "presets", "--json")
    assert status == 0 and json.loads(out) == load_presets()


def test_python_m_simulation_runs_a_preset_file(capsys):
    path = str(PRESETS_DIR / "latency-vs-throughput.json")
    status, out, _ = call(capsys, "run", path, "--duration", "5")
    assert status == 0 and json.loads(out)["requests"]["total"] > 0


# -- each preset shows its effect ------------------------------------------------------------


def test_vertical_scaling_answers_faster_but_stops_when_its_one_server_dies():
    results = results_of("vertical-vs-horizontal-scaling")
    nodes = results["nodes"]
    assert nodes["big"]["latency_ms"]["mean"] < nodes["small2"]["latency_ms"]["mean"] / 3
    assert within_poisson(nodes["users-v"]["failed"], 600 * 30)  # everything after 30 s
    horizontal = nodes["users-h"]
    assert horizontal["failed"] < 0.05 * horizontal["sent"]  # only until the health checks notice


def test_round_robin_overloads_the_slow_server_and_least_connections_does_not():
    nodes = results_of("round-robin-vs-least-connections")["nodes"]
    assert nodes["rr-slow"]["utilization"] > 0.99  # 200 rps offered, 133 rps of capacity
    assert nodes["lc-slow"]["utilization"] < 0.9
    assert nodes["rr-slow"]["latency_ms"]["p99"] > 10 * nodes["lc-slow"]["latency_ms"]["p99"]


def test_sticky_local_sessions_are_lost_with_their_server_and_shared_ones_are_not():
    nodes = results_of("sticky-sessions-lost-on-failure")["nodes"]
    on_first = sum(1 for s in range(300) if ip_hash_index(s, 3) == 0)  # users-local: sessions 0..299
    assert nodes["local-app1"]["sessions_lost"] == on_first
    assert 60 < on_first < 140  # about a third
    assert nodes["shared-app1"]["sessions_lost"] == 0


def test_cache_aside_serves_stale_reads_and_write_through_none():
    nodes = results_of("cache-aside-vs-write-through")["nodes"]
    assert nodes["cache-aside"]["stale_reads"] > 0
    assert nodes["cache-through"]["stale_reads"] == 0


def test_a_restarted_cache_comes_back_cold_and_warms_up_again():
    hit_ratio = node_windows("cold-cache-after-restart", "cache", "hit_ratio")
    db_load = node_windows("cold-cache-after-restart", "db", "arrivals_rps")
    latency = {w["t_s"]: w["window"]["latency_mean_ms"] for w in windows_of("cold-cache-after-restart")}
    assert hit_ratio[20] > 0.5 and hit_ratio[21] == 0.0  # down from 20 s: every read to the database
    assert db_load[21] > 2 * db_load[20] and latency[21] > 1.5 * latency[20]
    assert hit_ratio[22] < hit_ratio[20] / 2  # back at 21 s, empty...
    assert hit_ratio[22] < hit_ratio[25] < hit_ratio[40]  # ...and warming up again
    assert db_load[22] > db_load[40]


def test_read_replicas_keep_the_replicated_shop_fast_while_the_lone_database_saturates():
    nodes = results_of("master-slave-read-scaling")["nodes"]
    assert nodes["db-1"]["utilization"] > 0.99
    assert nodes["app-1"]["latency_ms"]["mean"] > 100 * nodes["app-2"]["latency_ms"]["mean"]
    assert all(nodes[f"replica-{i}"]["utilization"] < 0.6 for i in (1, 2, 3))


def test_the_replica_further_behind_serves_more_stale_reads():
    nodes = results_of("replication-lag-and-stale-reads")["nodes"]
    writes = nodes["db"]["completed"]  # the primary serves only writes (reads go to the replicas)
    for replica, lag_ms in (("near", 50), ("far", 1000)):
        assert abs(nodes[replica]["replication_lag_ms"]["mean"] - lag_ms) <= 3.3 * lag_ms / sqrt(writes)
    assert nodes["far"]["stale_reads"] > 5 * nodes["near"]["stale_reads"] > 0


def test_the_cold_standbys_outage_is_longer_by_its_start_up_time():
    results = results_of("active-passive-hot-vs-cold")
    hot, cold = sorted(results["failovers"], key=lambda f: f["failed"] != "db-hot")
    assert hot["rto_s"] == 1.5 and cold["rto_s"] == 1.5 + 15
    nodes = results["nodes"]
    assert nodes["db-cold"]["downtime_s"] - nodes["db-hot"]["downtime_s"] == 15
    # every request reaches the primary (read_from primary): the extra failures are 15 s of traffic
    extra = nodes["users-cold"]["failed"] - nodes["users-hot"]["failed"]
    assert abs(extra - 200 * 15) <= 3.3 * sqrt(200 * 16.5 + 200 * 1.5)


def test_active_active_loses_a_third_of_the_traffic_until_the_health_checks_catch_the_dead_server():
    results = results_of("active-active-behind-a-load-balancer")
    assert results["failovers"] == []
    # round robin: a third of 600 rps for the 2 s until the third failed check (20, 21, 22 s)
    assert abs(results["requests"]["failed"] - 600 * 2 / 3) <= 3.3 * sqrt(600 * 2) / 3 + 1
    assert results["nodes"]["app1"]["downtime_s"] == 20


def test_a_lone_balancer_takes_its_site_down_and_a_standby_balancer_takes_over():
    results = results_of("single-point-of-failure-load-balancer")
    nodes = results["nodes"]
    assert within_poisson(nodes["users-1"]["failed"], 300 * 40)
    assert within_poisson(nodes["users-2"]["failed"], 300 * 1.5)
    analysis = analyze(preset_by_id("single-point-of-failure-load-balancer")["document"])
    assert "lb-1" in analysis["single_points_of_failure"]
    assert "lb-2" not in analysis["single_points_of_failure"]
    assert "lb-2" in analysis["single_points_of_failure_without_standbys"]


def test_a_long_dns_ttl_keeps_clients_on_the_dead_region_much_longer():
    nodes = results_of("dns-ttl-during-a-region-failure")["nodes"]
    short, long = nodes["users-short"]["failed"], nodes["users-long"]["failed"]
    assert short < 200 * 5  # a few seconds' worth: about 2.5 s for a session whose answer named east
    assert long > 5 * short and long > 200 * 20


def test_a_push_cdn_never_misses_but_stores_everything_a_pull_cdn_loads_the_origin():
    nodes = results_of("cdn-push-vs-pull")["nodes"]
    push, pull = nodes["cdn-push"], nodes["cdn-pull"]
    assert push["misses"] == 0 and push["hit_ratio"] == 1.0 and push["stale_served"] == 0
    assert push["objects_stored"] == 5000 > pull["objects_stored"]
    assert pull["misses"] > 0 and pull["stale_served"] > 0
    assert nodes["origin-pull"]["arrivals"] > 1.5 * nodes["origin-push"]["arrivals"]


def test_a_full_queue_pushes_back_clients_retry_and_more_workers_drain_it():
    results = results_of("queue-back-pressure-with-retries")
    jobs = results["nodes"]["jobs"]
    assert jobs["queue_max"] == 200 and jobs["rejected"] > 0
    assert results["requests"]["retries"] > 0 and results["requests"]["rejected"] > 0
    length = node_windows("queue-back-pressure-with-retries", "jobs", "queue_len")
    assert length[29] > 150 and sum(length[t] for t in range(45, 61)) / 16 < 20


def test_zipf_keys_make_one_shard_hot():
    nodes = results_of("hot-shard")["nodes"]
    arrivals = [nodes[f"shard{i}"]["arrivals"] for i in (1, 2, 3, 4)]
    utilization = [nodes[f"shard{i}"]["utilization"] for i in (1, 2, 3, 4)]
    assert max(arrivals) / sum(arrivals) > 0.3
    assert max(utilization) > 2 * min(utilization)


def test_sync_replication_serves_no_stale_read_at_the_cost_of_slower_writes():
    nodes = results_of("strong-vs-eventual-consistency")["nodes"]
    assert nodes["replica-sync"]["stale_reads"] == 0 and nodes["replica-async"]["stale_reads"] > 0
    assert nodes["db-sync"]["latency_ms"]["mean"] > 3 * nodes["db-async"]["latency_ms"]["mean"]


def test_master_master_conflicts_come_at_the_rate_the_lag_predicts():
    results = results_of("master-master-conflicts")
    # see test_master_master: P(conflict) = 1/2 mu L / (1 + mu L), mu = 300 writes/s over 500 keys
    mu_l = 300 / 500 * 0.2
    expected = (results["nodes"]["east"]["completed"] + results["nodes"]["west"]["completed"]) / 2
    expected *= 0.5 * mu_l / (1 + mu_l)  # about half of the completed queries are writes
    assert abs(results["conflicts"] - expected) <= 3.3 * sqrt(expected) + 0.05 * expected
    assert results["nodes"]["east"]["conflicts"] > 0 and results["nodes"]["west"]["conflicts"] > 0
    assert results["stale_reads"] > 0


def test_latency_climbs_steeply_as_the_load_nears_capacity():
    windows = windows_of("latency-vs-throughput")
    phases = [
        [w["window"]["latency_mean_ms"] for w in windows if lo < w["t_s"] <= lo + 12]
        for lo in range(0, 60, 12)
    ]
    means = [sum(p) / len(p) for p in phases]
    assert means == sorted(means)
    assert means[-1] > 5 * means[0]


def _figure(entry: dict, path: str):
    for part in path.split("."):
        entry = entry[part]
    return entry


@pytest.mark.parametrize("preset_id", IDS)
def test_each_preset_names_two_to_five_figures_to_watch_that_its_results_hold(preset_id):
    document = preset_by_id(preset_id)["document"]
    watch = document["watch"]
    assert 2 <= len(watch) <= 5
    results = results_of(preset_id)
    for item in watch:
        where, node_id = ("clients", item["client"]) if "client" in item else ("nodes", item["node"])
        value = _figure(results[where][node_id], item["metric"])
        assert isinstance(value, (int, float)), f"{preset_id}: {item} is not a figure of its results"

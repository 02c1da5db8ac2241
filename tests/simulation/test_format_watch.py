"""The figures to watch: a document may name, as data, the few metrics its reader should follow."""

import pytest

from simulation.format import json_schema, parse, validate


def shop(watch) -> dict:
    return {
        "format": 1,
        "watch": watch,
        "nodes": [
            {"id": "users", "kind": "client"},
            {"id": "app", "kind": "app_server"},
            {"id": "cache", "kind": "cache"},
            {"id": "db", "kind": "database"},
        ],
        "edges": [
            {"source": "users", "target": "app"},
            {"source": "app", "target": "cache"},
            {"source": "app", "target": "db"},
        ],
    }


def test_a_watch_list_of_declared_metrics_is_kept_as_given():
    watch = [{"node": "cache", "metric": "hit_ratio"}, {"client": "users", "metric": "latency_ms.p99"}]
    assert parse(shop(watch))["watch"] == watch


def test_a_document_without_a_watch_list_stays_without_one():
    document = shop([])
    del document["watch"]
    assert "watch" not in parse(document)


@pytest.mark.parametrize(
    ("item", "field", "words"),
    [
        ({"node": "nowhere", "metric": "hit_ratio"}, "watch[0].node", "is not a node"),
        (
            {"node": "cache", "metric": "utilisation"},
            "watch[0].metric",
            "a cache reports no metric 'utilisation'",
        ),
        ({"node": "users", "metric": "availability"}, "watch[0].node", "name it with 'client'"),
        ({"client": "app", "metric": "utilization"}, "watch[0].client", "name it with 'node'"),
        ({"metric": "hit_ratio"}, "watch[0]", 'one of "node" or "client"'),
        (
            {"node": "cache", "client": "users", "metric": "hit_ratio"},
            "watch[0]",
            'one of "node" or "client"',
        ),
        ("cache.hit_ratio", "watch[0]", "must be an object"),
    ],
)
def test_a_bad_watched_figure_is_a_problem_naming_the_entry_and_field(item, field, words):
    (problem,) = validate(shop([item]))
    assert problem.field == field
    assert words in problem.message


def test_too_many_watched_figures_are_refused_with_the_limit():
    limit = json_schema()["x-limits"]["max_watched"]
    (problem,) = validate(shop([{"node": "cache", "metric": "hit_ratio"}] * (limit + 1)))
    assert problem.field == "watch" and str(limit) in problem.message

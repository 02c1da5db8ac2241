"""A document may carry a `description`: prose saying what it shows (the presets' two sentences)."""

from simulation import limits
from simulation.format import json_schema, parse

from .test_format_schema import errors


def test_a_description_is_kept_in_the_normalized_document():
    doc = parse({"format": 1, "name": "Hot shard", "description": "Watch db-1.", "nodes": []})
    assert doc["description"] == "Watch db-1."
    assert list(doc)[:3] == ["format", "name", "description"]


def test_a_document_without_a_description_normalizes_without_one():
    assert "description" not in parse({"format": 1, "nodes": []})


def test_parse_is_idempotent_with_a_description():
    once = parse({"format": 1, "description": "Two sentences. Here.", "nodes": []})
    assert parse(once) == once


def test_a_description_that_is_not_a_string_is_refused(problem_at):
    problem = problem_at({"format": 1, "description": ["a"], "nodes": []}, "document", "description")
    assert problem.message == 'must be a string (got ["a"])'


def test_a_description_longer_than_the_limit_is_refused(problem_at):
    too_long = "x" * (limits.MAX_DESCRIPTION_LENGTH + 1)
    problem = problem_at({"format": 1, "description": too_long, "nodes": []}, "document", "description")
    assert problem.message == "must be at most 2,000 characters long (got 2,001)"


def test_a_description_at_the_limit_is_accepted():
    parse({"format": 1, "description": "x" * limits.MAX_DESCRIPTION_LENGTH, "nodes": []})


def test_the_schema_describes_the_description_and_agrees_with_parse():
    schema = json_schema()
    assert schema["properties"]["description"]["maxLength"] == limits.MAX_DESCRIPTION_LENGTH
    assert errors({"format": 1, "description": "ok", "nodes": []}, schema) == []
    assert errors({"format": 1, "description": 3, "nodes": []}, schema) != []

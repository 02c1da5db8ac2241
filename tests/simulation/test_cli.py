"""The command line: exit statuses, where each message goes, and never a traceback.

Most tests call ``cli.main`` in-process; a few start ``python -m simulation`` for
real. Tests of ``run``'s plumbing replace the engine's ``run`` with a recorder,
so they check what the command line hands the engine and prints, not the engine.
"""

import io
import json
import subprocess
import sys

import pytest

import simulation
from simulation import cli
from simulation.format import json_schema, parse, validate


def call(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        status = cli.main(list(argv))
    except SystemExit as exit:  # argparse's usage errors and --help
        status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def engine(monkeypatch):
    """A stand-in for simulation.run that records its calls and returns fixed results."""
    calls = []

    def run(document, *, on_window=None, should_stop=None, speed=None, timeseries=False):
        calls.append({"document": document, "timeseries": timeseries})
        return {
            "format": 1,
            "seed": document["scenario"]["seed"],
            "duration_s": document["scenario"]["duration_s"],
        }

    monkeypatch.setattr(simulation, "run", run, raising=False)
    return calls


def test_validate_says_valid_with_the_counts_and_exits_0(capsys, examples_dir):
    path = str(examples_dir / "one-server.json")
    assert call(capsys, "validate", path) == (0, f"{path}: valid (2 nodes, 1 edge)\n", "")


def test_validate_prints_one_line_per_problem_on_stderr_and_exits_2(capsys, examples_dir, example):
    status, out, err = call(capsys, "validate", str(examples_dir / "broken.json"))
    assert (status, out) == (2, "")
    assert err.splitlines() == [str(p) for p in validate(example("broken.json"))]
    for word in ("rate_rps", "teleporter", "ghost", "duplicate node id 'u'"):
        assert word in err


def test_a_missing_file_exits_2_with_one_line(capsys, tmp_path):
    path = str(tmp_path / "nope.json")
    for command in ("validate", "run"):
        assert call(capsys, command, path) == (2, "", f"{path}: no such file\n")


def test_invalid_json_exits_2_saying_where(capsys, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": 1,\n "nodes": [}\n')
    for command in ("validate", "run"):
        status, out, err = call(capsys, command, str(path))
        assert (status, out) == (2, "")
        assert err.startswith(f"{path}: not valid JSON: ") and "line 2 column" in err
        assert len(err.splitlines()) == 1


def test_a_directory_or_a_binary_file_exits_2(capsys, tmp_path):
    binary = tmp_path / "image.json"
    binary.write_bytes(b"\xff\xfe\x00binary")
    assert call(capsys, "validate", str(tmp_path)) == (
        2,
        "",
        f"{tmp_path}: is a directory, not a JSON file\n",
    )
    assert call(capsys, "validate", str(binary))[0] == 2


def test_validate_reads_standard_input_for_a_dash(capsys, monkeypatch, example):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(example("read-heavy-shop.json"))))
    assert call(capsys, "validate", "-") == (0, "-: valid (7 nodes, 8 edges)\n", "")


def test_schema_prints_the_json_schema(capsys):
    status, out, err = call(capsys, "schema")
    assert (status, err) == (0, "")
    assert json.loads(out) == json_schema()
    assert out.startswith('{\n  "$schema"')  # indented by 2


def test_run_refuses_a_broken_document_with_the_same_lines_as_validate(capsys, examples_dir, engine):
    path = str(examples_dir / "broken.json")
    validated = call(capsys, "validate", path)
    assert call(capsys, "run", path) == validated
    assert engine == []


def test_run_hands_the_engine_the_normalized_document_and_prints_its_results(
    capsys, examples_dir, example, engine
):
    status, out, err = call(capsys, "run", str(examples_dir / "one-server.json"))
    assert (status, err) == (0, "")
    assert engine == [{"document": parse(example("one-server.json")), "timeseries": False}]
    assert json.loads(out) == {"format": 1, "seed": 0, "duration_s": 30.0}
    assert out.startswith('{\n  "format"')


def test_run_applies_seed_and_duration_overrides(capsys, examples_dir, engine):
    status, out, _ = call(
        capsys, "run", str(examples_dir / "one-server.json"), "--seed", "3", "--duration", "5"
    )
    assert status == 0
    scenario = engine[0]["document"]["scenario"]
    assert (scenario["seed"], scenario["duration_s"]) == (3, 5)
    assert json.loads(out) == {"format": 1, "seed": 3, "duration_s": 5}


def test_a_shorter_duration_drops_the_events_after_it(capsys, tmp_path, example, engine):
    document = example("read-heavy-shop.json")
    document["scenario"]["warmup_s"] = 0
    path = tmp_path / "shop.json"
    path.write_text(json.dumps(document))
    assert call(capsys, "run", str(path), "--duration", "50")[0] == 0
    events = engine[0]["document"]["scenario"]["events"]
    assert [(e["at_s"], e["action"]) for e in events] == [(40, "fail")]


def test_a_duration_shorter_than_the_warm_up_is_a_problem(capsys, examples_dir, engine):
    status, _, err = call(capsys, "run", str(examples_dir / "read-heavy-shop.json"), "--duration", "5")
    assert (status, err) == (2, "scenario: warmup_s: must be less than duration_s (5) (got 10)\n")
    assert engine == []


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--seed", "-1", "argument --seed: must be at least 0 (got -1)"),
        ("--seed", "1.5", "argument --seed: must be an integer (got '1.5')"),
        ("--duration", "0", "argument --duration: must be greater than 0 (got 0)"),
        ("--duration", "nan", "argument --duration: must be greater than 0 (got nan)"),
        (
            "--duration",
            "90000",
            "argument --duration: must be at most 86400 s, the longest run allowed (got 90000)",
        ),
        ("--duration", "soon", "argument --duration: must be a number of seconds (got 'soon')"),
    ],
)
def test_bad_overrides_exit_2_naming_the_option(capsys, examples_dir, engine, option, value, message):
    status, out, err = call(capsys, "run", str(examples_dir / "one-server.json"), f"{option}={value}")
    assert (status, out) == (2, "")
    assert err.rstrip().endswith(message)
    assert engine == []


def test_timeseries_is_passed_to_the_engine(capsys, examples_dir, engine):
    assert call(capsys, "run", str(examples_dir / "one-server.json"), "--timeseries")[0] == 0
    assert engine[0]["timeseries"] is True


def test_out_writes_the_results_to_a_file_and_nothing_to_stdout(capsys, examples_dir, tmp_path, engine):
    results = tmp_path / "results.json"
    assert call(capsys, "run", str(examples_dir / "one-server.json"), "--out", str(results)) == (0, "", "")
    assert json.loads(results.read_text()) == {"format": 1, "seed": 0, "duration_s": 30.0}
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]  # no temporary file left


def test_an_out_file_that_cannot_be_written_exits_2_before_running(capsys, examples_dir, tmp_path, engine):
    results = tmp_path / "missing" / "results.json"
    status, out, err = call(capsys, "run", str(examples_dir / "one-server.json"), "--out", str(results))
    assert (status, out) == (2, "")
    assert err == f"{results}: cannot write it: no directory {results.parent}\n"
    assert engine == []


def test_ctrl_c_exits_130_quietly(capsys, examples_dir, monkeypatch):
    def interrupted(document, **options):
        raise KeyboardInterrupt

    monkeypatch.setattr(simulation, "run", interrupted, raising=False)
    assert call(capsys, "run", str(examples_dir / "one-server.json")) == (130, "", "")


def test_no_command_is_a_usage_error(capsys):
    status, out, err = call(capsys)
    assert (status, out) == (2, "")
    assert "usage: python -m simulation" in err and "COMMAND" in err


def test_help_lists_every_command_and_the_exit_statuses(capsys):
    status, out, _ = call(capsys, "--help")
    assert status == 0
    for command in cli.COMMANDS:
        assert command.name in out
    assert "2 for bad input" in out and "130" in out


def test_run_help_describes_every_option(capsys):
    status, out, _ = call(capsys, "run", "--help")
    assert status == 0
    for option in ("FILE", "--seed N", "--duration S", "--timeseries", "--out RESULTS.json"):
        assert option in out


def python_m_simulation(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulation", *argv], capture_output=True, text=True, timeout=120, check=False
    )


def test_python_m_simulation_refuses_bad_input_without_a_traceback(examples_dir, tmp_path):
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{")
    for argv in (
        ("validate", str(examples_dir / "broken.json")),
        ("run", str(examples_dir / "broken.json")),
        ("run", str(tmp_path / "missing.json")),
        ("validate", str(bad_json)),
        ("run", str(examples_dir / "one-server.json"), "--seed", "x"),
    ):
        process = python_m_simulation(*argv)
        assert process.returncode == 2, argv
        assert process.stderr and "Traceback" not in process.stdout + process.stderr, argv


def test_python_m_simulation_validates_a_good_document(examples_dir):
    process = python_m_simulation("validate", str(examples_dir / "read-heavy-shop.json"))
    assert (process.returncode, process.stderr) == (0, "")
    assert process.stdout.endswith("read-heavy-shop.json: valid (7 nodes, 8 edges)\n")


def test_python_m_simulation_runs_a_document_with_the_overrides_applied(examples_dir, tmp_path):
    process = python_m_simulation(
        "run", str(examples_dir / "one-server.json"), "--seed", "3", "--duration", "5"
    )
    assert (process.returncode, process.stderr) == (0, "")
    results = json.loads(process.stdout)
    assert (results["seed"], results["duration_s"]) == (3, 5)
    assert results["requests"]["total"] > 0
    assert results["requests"]["ok"] + results["requests"]["failed"] == results["requests"]["total"]


def test_python_m_simulation_writes_results_with_timeseries_to_out(examples_dir, tmp_path):
    out = tmp_path / "results.json"
    process = python_m_simulation(
        "run", str(examples_dir / "one-server.json"), "--duration", "3", "--timeseries", "--out", str(out)
    )
    assert (process.returncode, process.stdout, process.stderr) == (0, "", "")
    results = json.loads(out.read_text())
    assert len(results["timeseries"]["t_s"]) == 3

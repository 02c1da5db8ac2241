"""The command line: ``python -m simulation run|validate|analyze|schema|presets``.

Each subcommand is a pair of small functions, one that declares its arguments
and one that does the work and returns the exit status; :data:`COMMANDS` lists
them, so a new subcommand is one more entry.

Exit status: 0 on success; 2 for bad input (a missing or unreadable file,
invalid JSON, a document with problems, a bad option), each reason on one line
of standard error and never a traceback; 130 when interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from simulation import limits
from simulation.format import InvalidDocument, json_schema, parse

__all__ = ["COMMANDS", "main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports it


class BadInput(Exception):
    """Something the user gave us that we cannot use; the message is one line for stderr."""


# ---------------------------------------------------------------- reading documents


def load_document(path: str) -> object:
    """The JSON value in ``path`` ("-" for standard input), or BadInput saying why not."""
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as file:
                text = file.read()
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a directory, not a JSON file") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not a text file (expected UTF-8 JSON)") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read it: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise BadInput(f"{path}: not valid JSON: nested too deeply") from None


def print_problems(problems: Sequence[object], stream: TextIO) -> None:
    for problem in problems:
        print(problem, file=stream)


# ---------------------------------------------------------------- option types


def seed_option(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer (got {text!r})") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0 (got {value})")
    return value


def duration_option(text: str) -> int | float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds (got {text!r})") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0 (got {text})")
    if value > limits.MAX_DURATION_S:
        raise argparse.ArgumentTypeError(
            f"must be at most {limits.MAX_DURATION_S} s, the longest run allowed (got {text})"
        )
    return int(value) if value.is_integer() else value


def with_overrides(document: object, *, seed: int | None, duration: float | None) -> object:
    """A copy of ``document`` with the scenario's seed and duration replaced.

    Events after a shortened duration are dropped: they would happen after the
    run ends. Anything malformed is left alone for ``parse`` to report.
    """
    if not isinstance(document, dict) or (seed is None and duration is None):
        return document
    scenario = document.get("scenario")
    if scenario is None:
        scenario = {}
    if isinstance(scenario, dict):
        scenario = dict(scenario)
        if seed is not None:
            scenario["seed"] = seed
        if duration is not None:
            scenario["duration_s"] = duration
            events = scenario.get("events")
            if isinstance(events, list):
                scenario["events"] = [e for e in events if not _after(e, duration)]
    return {**document, "scenario": scenario}


def _after(event: object, duration: float) -> bool:
    at_s = event.get("at_s") if isinstance(event, dict) else None
    return isinstance(at_s, (int, float)) and not isinstance(at_s, bool) and at_s > duration


def write_json_atomically(path: str, value: Any) -> None:
    # A reader never sees half a results file, and an old one is replaced whole.
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".results-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(value, file, indent=2)
            file.write("\n")
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def check_writable(path: str) -> None:
    """Fail before a long run rather than after it, when the results could not be written."""
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise BadInput(f"{path}: is a directory; --out needs a file name")
    if not os.path.isdir(directory):
        raise BadInput(f"{path}: cannot write it: no directory {directory}")
    if not os.access(directory, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise BadInput(f"{path}: cannot write it: permission denied")


# ---------------------------------------------------------------- commands


def configure_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help='the topology document (JSON); "-" reads standard input')
    parser.add_argument(
        "--seed", type=seed_option, metavar="N", help="use seed N (an integer >= 0) instead of the scenario's"
    )
    parser.add_argument(
        "--duration",
        type=duration_option,
        metavar="S",
        help="simulate S seconds (0 < S <= 86400) instead of the scenario's duration_s; "
        "scenario events after S are dropped",
    )
    parser.add_argument(
        "--timeseries",
        action="store_true",
        help="add one-second time series (throughput, p99, errors) to the results",
    )
    parser.add_argument(
        "--out", metavar="RESULTS.json", help="write the results to this file instead of standard output"
    )


def command_run(args: argparse.Namespace) -> int:
    document = with_overrides(load_document(args.file), seed=args.seed, duration=args.duration)
    try:
        normalized = parse(document)
    except InvalidDocument as exc:
        print_problems(exc.problems, sys.stderr)
        return EXIT_BAD_INPUT
    if args.out:
        check_writable(args.out)

    from simulation import run  # imported here so validate and schema work without the engine

    try:
        results = run(normalized, timeseries=args.timeseries)
    except InvalidDocument as exc:
        print_problems(exc.problems, sys.stderr)
        return EXIT_BAD_INPUT
    if args.out:
        try:
            write_json_atomically(args.out, results)
        except OSError as exc:
            raise BadInput(f"{args.out}: cannot write it: {exc.strerror or exc}") from None
    else:
        json.dump(results, sys.stdout, indent=2)
        sys.stdout.write("\n")
    return EXIT_OK


def configure_validate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help='the topology document (JSON); "-" reads standard input')


def command_validate(args: argparse.Namespace) -> int:
    try:
        normalized = parse(load_document(args.file))
    except InvalidDocument as exc:
        print_problems(exc.problems, sys.stderr)
        return EXIT_BAD_INPUT
    nodes, edges = len(normalized["nodes"]), len(normalized["edges"])
    print(f"{args.file}: valid ({nodes} node{'s' * (nodes != 1)}, {edges} edge{'s' * (edges != 1)})")
    return EXIT_OK


def configure_analyze(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help='the topology document (JSON); "-" reads standard input')


def command_analyze(args: argparse.Namespace) -> int:
    from simulation.analysis import analyze  # networkx only when asked for

    try:
        analysis = analyze(load_document(args.file))
    except InvalidDocument as exc:
        print_problems(exc.problems, sys.stderr)
        return EXIT_BAD_INPUT
    json.dump(analysis, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return EXIT_OK


def configure_presets(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print the presets as JSON (id, title, description, document)"
    )


def command_presets(args: argparse.Namespace) -> int:
    from simulation.presets import load_presets

    presets = load_presets()
    if args.json:
        json.dump(presets, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for preset in presets:
        print(f"{preset['id']}: {preset['title']}")
        print(f"    {preset['description']}")
    return EXIT_OK


def configure_schema(parser: argparse.ArgumentParser) -> None:
    pass


def command_schema(args: argparse.Namespace) -> int:
    json.dump(json_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return EXIT_OK


@dataclass(frozen=True)
class Command:
    name: str
    summary: str
    description: str
    configure: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int]


COMMANDS: list[Command] = [
    Command(
        "run",
        "simulate a topology document and print its results",
        "Simulate the topology document in FILE and print the results document (JSON, "
        "see topology-format.md) on standard output, or write it to --out. A document with "
        "problems is not run: each problem is printed on one line of standard error and the "
        "exit status is 2.",
        configure_run,
        command_run,
    ),
    Command(
        "validate",
        "check a topology document",
        'Check the topology document in FILE. Prints "FILE: valid (N nodes, M edges)" and exits 0, '
        "or prints each problem on one line of standard error (naming the node or edge and the "
        "field) and exits 2.",
        configure_validate,
        command_validate,
    ),
    Command(
        "analyze",
        "find unreachable nodes, loops of calls and single points of failure",
        "Analyze the graph of the topology document in FILE without running it and print, as JSON: "
        "unreachable (nodes no client reaches), loops (cycles of calls), ends (where requests end), "
        "single_points_of_failure (nodes whose loss cuts every client off from every end, standbys "
        "taking over) and single_points_of_failure_without_standbys. A document with problems other "
        "than loops makes it exit 2, printing them as validate does.",
        configure_analyze,
        command_analyze,
    ),
    Command(
        "schema",
        "print the JSON Schema of the topology format",
        "Print the JSON Schema (draft 2020-12) of topology documents: every kind and parameter with "
        "its default, range, unit and help text, and the limits under x-limits.",
        configure_schema,
        command_schema,
    ),
    Command(
        "presets",
        "list the ready-made topologies, one per lecture concept",
        "List the presets: for each, its id and title, then its description (what to watch). "
        "With --json, print them as a JSON list of {id, title, description, document}; a preset "
        "runs as `python -m simulation run simulation/presets/ID.json`.",
        configure_presets,
        command_presets,
    ),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m simulation",
        description="Simulate, check and describe archplay topology documents (format 1).",
        epilog="Exit status: 0 on success, 2 for bad input (unreadable file, invalid JSON, "
        "a document with problems, a bad option), 130 when interrupted.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        sub = subparsers.add_parser(command.name, help=command.summary, description=command.description)
        command.configure(sub)
        sub.set_defaults(handler=command.handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: sys.argv[1:]); return the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except BadInput as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`... | head`): nothing left to say, and Python
        # must not complain about it while flushing at exit either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE

"""archplay's simulation engine: a system drawn as a graph, run as a discrete-event simulation.

Pure Python, no web framework: usable alone (``python -m simulation run
file.json``), from a test, or from a Celery task. A document in the format of
``spec/topology-format.md`` describes components, wires and a scenario of
faults; :func:`run` simulates it and answers with a results document.

    >>> from simulation import run
    >>> results = run({"format": 1,
    ...                "nodes": [{"id": "u", "kind": "client"}, {"id": "s", "kind": "app_server"}],
    ...                "edges": [{"source": "u", "target": "s"}],
    ...                "scenario": {"duration_s": 5}})
    >>> results["requests"]["ok"] == results["requests"]["total"]
    True

The pieces, from the bottom up: ``kernel`` (the event calendar), ``network``
(requests, calls, edges), ``components`` (one small class per kind),
``metrics`` (histograms and counters), ``failover`` (standbys taking over),
``engine`` (building and running a model), ``format`` (the document: parsing,
validation, JSON Schema). Beside the engine: ``analysis`` (what the graph
alone says: unreachable nodes, loops, single points of failure) and
``presets`` (one ready-made document per concept of the lecture).
"""

from .engine import run
from .format import InvalidDocument, Problem, json_schema, parse, validate

__version__ = "0.1.0"

__all__ = ["InvalidDocument", "Problem", "__version__", "json_schema", "parse", "run", "validate"]

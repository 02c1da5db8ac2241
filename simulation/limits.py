"""Limits that protect the service from documents that would run for ever.

A simulation's cost grows with the number of components, the simulated time and
the number of requests pushed through it. These caps keep one run within what a
worker can finish in reasonable wall time and memory. They are checked when a
document is parsed (each breach is a problem with a clear message) and are
published in the JSON Schema under ``x-limits`` so the editor can show them
before anyone presses Run.
"""

MAX_NODES = 500
MAX_EDGES = 2_000
MAX_EVENTS = 1_000
MAX_DURATION_S = 86_400  # 24 hours of simulated time
MAX_RATE_RPS = 1_000_000  # per client
MAX_EXPECTED_REQUESTS = 50_000_000  # sum over clients of rate x time, per run
MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 2_000
MAX_ID_LENGTH = 100
MAX_WATCHED = 12  # figures a document names as the ones to watch
MAX_PROFILE_POINTS = 200  # [t_s, rps] points of one client's rate_profile


def as_dict() -> dict[str, int]:
    """The limits by name, as published in the schema's ``x-limits``."""
    return {
        "max_nodes": MAX_NODES,
        "max_edges": MAX_EDGES,
        "max_events": MAX_EVENTS,
        "max_duration_s": MAX_DURATION_S,
        "max_rate_rps": MAX_RATE_RPS,
        "max_expected_requests": MAX_EXPECTED_REQUESTS,
        "max_name_length": MAX_NAME_LENGTH,
        "max_description_length": MAX_DESCRIPTION_LENGTH,
        "max_id_length": MAX_ID_LENGTH,
        "max_watched": MAX_WATCHED,
        "max_profile_points": MAX_PROFILE_POINTS,
    }

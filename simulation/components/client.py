"""The client: where requests come from, and where their outcome is judged.

Arrivals are a Poisson process (exponential gaps with mean ``1 / rate_rps``:
many independent users) or ``constant`` (one every ``1 / rate_rps`` seconds).
There is always exactly one pending arrival event per client; a ``set`` of
``rate_rps`` abandons it and draws the next gap at the new rate.

A ``rate_profile`` (``[t_s, rps]`` points: the rate goes linearly from point to
point, and holds the first value before the first point and the last after the
last) makes the rate vary with time. Arrivals then follow it exactly by
inverting the integrated rate Lambda(t): the next arrival after t is the time s
at which Lambda(s) - Lambda(t) reaches a draw E, with E exponential of mean 1 for
``poisson`` (a non-homogeneous Poisson process, with no rejected candidates as
thinning would have) and E = 1 for ``constant`` (one request per unit of area:
spacing 1 / rate when the rate is flat). Within a linear piece the integral is
quadratic in s, solved in closed form (:func:`profile_advance`). A ``set`` of
``rate_rps`` removes the profile from then on; a ``set`` of ``rate_profile``
replaces it (its times are times of the run, not of the event).

Each request is a write with probability ``1 - read_ratio``, else a read, of one
key: uniform over ``key_count`` keys, or Zipf with exponent ``zipf_s`` (key 0 is
the most popular; P(key k) is proportional to 1 / (k + 1) ** s, drawn by
bisecting a table of the cumulative distribution built once per run). It belongs
to one of ``session_count`` sessions (uniform; session ids are unique across
clients: client number i numbers its sessions from i * 1,000,000, the most a
client may have) and is for a static asset with probability ``static_ratio``.

An attempt that is refused, rejected or not answered within ``timeout_ms`` fails;
a late answer is ignored, but the work downstream still happens (wasted capacity
is realistic). A failed attempt is retried up to ``max_retries`` times, the n-th
retry waiting ``retry_backoff_ms * 2 ** (n - 1)`` times a jitter factor set by
``retry_jitter``: ``equal`` (the default), uniform in [0.5, 1.5), spreads retries
without ever retrying at once; ``full`` (AWS's "full jitter"), uniform in [0, 1),
spreads them most; ``none`` retries in lockstep, which with no backoff is how a
retry storm happens. A throttled attempt (429 from a rate limit) is retried like
a rejected one.
A request is ``ok`` if some attempt succeeds; its latency runs from the first
send to the final answer, and it counts towards goodput when within ``slo_ms``.

Random streams: arrivals, mixes, keys and sessions come from the client's own
stream; retry jitter from a second one, so that failures downstream never
shift the arrival process.
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect, bisect_right
from heapq import heappush
from itertools import accumulate
from math import frexp, inf, isfinite, log, sqrt
from typing import Annotated, Literal

from annotated_types import Ge, MaxLen
from pydantic import BeforeValidator, Strict
from pydantic_core import PydanticCustomError

from .. import limits
from ..format.fields import Int, Kind, Metric, Number, param
from ..kernel import stream
from ..metrics import LAST, MIN_VALUE, OFFSET, SCALE, SUB_BUCKETS, Tally
from ..network import OK, REJECTED, THROTTLED, TIMED_OUT, Call, Request, lost
from .base import Node

__all__ = ["Client", "ClientParams", "profile_advance", "profile_area"]

_ZIPF_TABLES: dict[tuple[int, float], list[float] | array] = {}


def zipf_table(n: int, s: float) -> list[float] | array:
    """Cumulative (unnormalised) Zipf weights of ranks 1..n, cached across clients and runs."""
    table = _ZIPF_TABLES.get((n, s))
    if table is None:
        weights = accumulate(k**-s for k in range(1, n + 1))
        # A list bisects faster (no float boxing per probe); an array keeps a million keys small.
        table = list(weights) if n <= 200_000 else array("d", weights)
        if len(_ZIPF_TABLES) > 8:  # bounded: a long-lived worker sees many documents
            _ZIPF_TABLES.clear()
        _ZIPF_TABLES[(n, s)] = table
    return table


# -- traffic shape ------------------------------------------------------------


def profile_advance(times: list[float], rates: list[float], t: float, area: float) -> float:
    """The time s >= t at which the area under the profile from t reaches ``area`` (inf: never).

    ``times`` and ``rates`` are the profile's points (times in order). Piece j of
    the rate is constant before the first point (j = 0), linear from point j - 1
    to point j, and constant after the last point (j = len(times)).
    """
    if area <= 0.0:
        return t
    n = len(times)
    j = bisect_right(times, t)  # t < times[j]: t lies in piece j
    while j < n:
        end = times[j]
        if end > t:  # (two points at one time are a step: a piece of no length)
            if j == 0:
                rate = rates[0]
                remaining = rate * (end - t)
                if area <= remaining:
                    return t + area / rate
            else:
                start = times[j - 1]
                slope = (rates[j] - rates[j - 1]) / (end - start)
                rate = rates[j - 1] + slope * (t - start)
                remaining = 0.5 * (rate + rates[j]) * (end - t)
                if area <= remaining:
                    # rate * x + slope * x^2 / 2 = area, in the form that is stable for either sign of slope
                    root = sqrt(max(0.0, rate * rate + 2.0 * slope * area))
                    return min(end, t + 2.0 * area / (rate + root))
            area -= remaining
            t = end
        j += 1
    rate = rates[-1]
    return t + area / rate if rate > 0.0 else inf


def profile_area(points: list[list[float]], start: float, end: float) -> float:
    """The area under a rate profile (``[t_s, rps]`` points) from ``start`` to ``end``: requests expected."""
    if end <= start:
        return 0.0
    times = [p[0] for p in points]
    rates = [p[1] for p in points]
    total = 0.0
    a = start
    for j in range(len(times) + 1):
        lo = -inf if j == 0 else times[j - 1]
        hi = inf if j == len(times) else times[j]
        b = min(end, hi)
        if b > a and hi > lo:
            if j == 0 or j == len(times):
                total += rates[0 if j == 0 else -1] * (b - a)
            else:
                slope = (rates[j] - rates[j - 1]) / (hi - lo)
                ra = rates[j - 1] + slope * (a - lo)
                rb = rates[j - 1] + slope * (b - lo)
                total += 0.5 * (ra + rb) * (b - a)
        a = max(a, b)
        if a >= end:
            break
    return total


def _point_text(point: object) -> str:
    return json.dumps(point) if isinstance(point, (list, int, float)) else repr(point)


def _checked_profile(value: object) -> object:
    """Refuse a rate profile that is not [t_s, rps] points in time order, within range."""
    if not isinstance(value, list):
        raise PydanticCustomError("rate_profile", "must be a list of [t_s, rps] points, or null")
    if not value:
        raise PydanticCustomError("rate_profile", "must hold at least one [t_s, rps] point, or be null")
    if len(value) > limits.MAX_PROFILE_POINTS:
        raise PydanticCustomError(
            "rate_profile",
            f"has {len(value)} points; the limit is {limits.MAX_PROFILE_POINTS} per client",
        )
    points = []
    for i, point in enumerate(value):
        if (
            not isinstance(point, list)
            or len(point) != 2
            or any(isinstance(x, bool) or not isinstance(x, (int, float)) or not isfinite(x) for x in point)
        ):
            raise PydanticCustomError(
                "rate_profile",
                f"points[{i}] is {_point_text(point)}: each point must be [t_s, rps], two numbers",
            )
        t_s, rps = point
        if not 0 <= t_s <= limits.MAX_DURATION_S:
            raise PydanticCustomError(
                "rate_profile",
                f"points[{i}] is {_point_text(point)}: t_s must be from 0 to "
                f"{limits.MAX_DURATION_S:,} s (24 hours, the longest run)",
            )
        if rps < 0:
            raise PydanticCustomError(
                "rate_profile", f"points[{i}] is {_point_text(point)}: rps must be at least 0"
            )
        if rps > limits.MAX_RATE_RPS:
            raise PydanticCustomError(
                "rate_profile",
                f"points[{i}] is {_point_text(point)}: rps must be at most {limits.MAX_RATE_RPS:,}, "
                "the most one client may send",
            )
        if points and t_s < points[-1][0]:
            raise PydanticCustomError(
                "rate_profile",
                f"points must be in time order: points[{i}] ({_point_text(point)}) comes after "
                f"points[{i - 1}] ({_point_text(value[i - 1])})",
            )
        points.append([float(t_s), float(rps)])
    return points


_NonNegative = Annotated[float, Strict(), Ge(0)]
RateProfile = Annotated[list[Annotated[list[_NonNegative], MaxLen(2)]], BeforeValidator(_checked_profile)]


class ClientParams(Kind):
    TITLE = "Client"
    SUMMARY = "Users sending requests (reads and writes of keys) at a given rate to one target."

    rate_rps: Number = param(
        100,
        "Mean requests per second this client sends (a set event can change it during the run).",
        unit="rps",
        gt=0,
        le=limits.MAX_RATE_RPS,
    )
    arrival: Literal["poisson", "constant"] = param(
        "poisson",
        "Spacing of requests: poisson (random, exponential gaps, like many independent users) "
        "or constant (evenly spaced).",
    )
    rate_profile: RateProfile | None = param(
        None,
        "A traffic shape: [t_s, rps] points in time order; the rate goes linearly from point to "
        "point and holds the first value before the first point and the last after the last. "
        "When given it replaces rate_rps (a set event on rate_rps removes it from then on). Poisson "
        "arrivals follow it exactly; constant ones come one per unit of area under it (spacing "
        "1 / rate). null = a steady rate_rps.",
        max_length=limits.MAX_PROFILE_POINTS,
    )
    read_ratio: Number = param(
        0.9, "Share of requests that are reads (the rest are writes), from 0 to 1.", ge=0, le=1
    )
    key_count: Int = param(
        10_000, "Number of distinct keys the requests read and write.", unit="keys", ge=1, le=1_000_000
    )
    key_distribution: Literal["uniform", "zipf"] = param(
        "uniform",
        "How keys are drawn: uniform (every key equally popular) or zipf (a few hot keys, skewed by zipf_s).",
    )
    zipf_s: Number = param(
        1.0,
        "Zipf exponent: the popularity of the k-th key is proportional to 1 / k^zipf_s; "
        "larger = more skewed.",
        gt=0,
        le=10,
    )
    static_ratio: Number = param(
        0,
        "Share of requests for static assets (served by a cdn when there is one), from 0 to 1.",
        ge=0,
        le=1,
    )
    session_count: Int = param(
        1_000,
        "Number of user sessions; each request belongs to one, drawn uniformly "
        "(ip_hash load balancing and local session stores use it).",
        unit="sessions",
        ge=1,
        le=1_000_000,
    )
    timeout_ms: Number | None = param(
        None,
        "How long the client waits for an answer before giving up on an attempt, in ms; "
        "null = wait for ever.",
        unit="ms",
        gt=0,
        le=3_600_000,
    )
    max_retries: Int = param(
        0,
        "How many times a rejected, refused or timed-out request is retried.",
        unit="retries",
        ge=0,
        le=20,
    )
    retry_backoff_ms: Number = param(
        100,
        "Wait before the first retry, in ms; doubled at each further retry, with random jitter "
        "(exponential backoff).",
        unit="ms",
        ge=0,
        le=600_000,
    )
    retry_jitter: Literal["equal", "none", "full"] = param(
        "equal",
        "How the backoff is randomised: equal (the default, and what documents without this "
        "parameter mean: the wait times a factor uniform in [0.5, 1.5)), none (exactly "
        "retry_backoff_ms x 2^(n-1): clients retry in lockstep) or full (AWS's full jitter: "
        "uniform from 0 to that wait).",
    )
    slo_ms: Number | None = param(
        None,
        "Latency objective in ms: goodput counts the successes answered within it; "
        "null = no objective (goodput equals throughput).",
        unit="ms",
        gt=0,
        le=3_600_000,
    )


class Client(Node):
    kind = "client"
    Params = ClientParams
    TRAITS = frozenset({"source"})
    # A client's figures are per client (``results.clients[id]``, ``window.clients[id]``):
    # its own requests, judged end to end. They replace the node metrics of the base class.
    METRICS_IN = "clients"
    CLIENT_SUMMARY_METRICS = (
        Metric("requests.total", "Requests", "requests", "Requests sent after the warm-up that have an outcome (retries are not new requests)."),
        Metric("requests.ok", "Succeeded", "requests", "Requests that some attempt answered successfully.", "higher"),
        Metric("requests.failed", "Failed", "requests", "Requests whose every attempt failed.", "lower"),
        Metric("requests.rejected", "Rejected attempts", "requests", "Attempts turned away by a full queue (503).", "lower"),
        Metric("requests.timed_out", "Timed-out attempts", "requests", "Attempts not answered within timeout_ms.", "lower"),
        Metric("requests.throttled", "Throttled attempts", "requests", "Attempts refused by a rate limit (429).", "lower"),
        Metric("requests.retries", "Retries", "requests", "Attempts after the first.", "lower"),
        Metric("availability", "Availability", "ratio", "Succeeded over all requests.", "higher"),
        Metric("throughput_rps", "Throughput", "rps", "Successful requests per second.", "higher"),
        Metric("goodput_rps", "Goodput", "rps", "Successful requests per second answered within slo_ms.", "higher"),
        Metric("latency_ms.mean", "Latency mean", "ms", "Mean time the user waited for a successful request, retries included.", "lower"),
        Metric("latency_ms.p50", "Latency p50", "ms", "Median end-to-end latency of successful requests.", "lower"),
        Metric("latency_ms.p95", "Latency p95", "ms", "95th percentile of the end-to-end latency.", "lower"),
        Metric("latency_ms.p99", "Latency p99", "ms", "99th percentile of the end-to-end latency.", "lower"),
        Metric("latency_ms.max", "Latency max", "ms", "Slowest successful request.", "lower"),
        Metric("stale_reads", "Stale reads", "reads", "Reads of this client answered with an outdated value.", "lower"),
    )  # fmt: skip
    CLIENT_WINDOW_METRICS = (
        Metric("throughput_rps", "Throughput", "rps", "Successful requests per second.", "higher"),
        Metric("errors_rps", "Errors", "rps", "Requests failing per second.", "lower"),
        Metric("latency_p50_ms", "Latency p50", "ms", "Median end-to-end latency in the window.", "lower"),
        Metric("latency_p99_ms", "Latency p99", "ms", "99th percentile of the end-to-end latency in the window.", "lower"),
    )  # fmt: skip

    @classmethod
    def summary_metrics(cls) -> list[Metric]:
        return list(cls.CLIENT_SUMMARY_METRICS)

    @classmethod
    def window_metrics(cls) -> list[Metric]:
        return list(cls.CLIENT_WINDOW_METRICS)

    FOLDABLE = True
    COUNTERS = Node.COUNTERS + ("sent", "failed", "slow", "stale_reads")

    def __init__(self, spec: dict, model) -> None:
        self.tally = Tally()  # this client's outcomes: results per client
        self.window_counts = self.tally.window_latency.counts  # reset in place by the engine
        self.warmup = model.warmup
        self.edge = None
        self.token = 0  # identifies the one pending arrival event
        self.session_base = 0  # set by the model: sessions of different clients are different
        self.n_sent_all = 0
        self.n_ok = 0  # counted requests (first sent after the warm-up)...
        self.n_failed = 0
        self.n_failed_all = 0  # ...and all of them, for the windows
        super().__init__(spec, model)
        self.jitter = stream(model.seed, self.id + "\x00retries").random
        self._timeout = self.timeout_expired
        self._retry = self.retry

    def configure(self, params: dict) -> None:
        self.random = self.rng.random
        self.rate = params["rate_rps"]
        self.period = 1.0 / self.rate  # mean gap between arrivals
        self.constant = params["arrival"] == "constant"
        profile = params.get("rate_profile")
        if profile:
            # Chosen once: a steady rate keeps the plain arrival, with no test of a profile in it.
            self.profile_times = [p[0] for p in profile]
            self.profile_rates = [p[1] for p in profile]
            self._arrival = self.arrival_shaped
        else:
            self.profile_times = self.profile_rates = None
            self._arrival = self.arrival
        self.read_ratio = params["read_ratio"]
        self.key_count = params["key_count"]
        self.static_ratio = params["static_ratio"]
        self.session_count = params["session_count"]
        self.timeout = None if params["timeout_ms"] is None else params["timeout_ms"] / 1000.0
        self.max_retries = params["max_retries"]
        self.backoff = params["retry_backoff_ms"] / 1000.0
        self.retry_jitter = params.get("retry_jitter", "equal")
        self.slo = None if params.get("slo_ms") is None else params["slo_ms"] / 1000.0
        self.plain = False  # until start() knows better
        self.zipf = None
        if params["key_distribution"] == "zipf":
            self.zipf = zipf_table(self.key_count, float(params["zipf_s"]))
            self.zipf_total = self.zipf[-1]

    def wire(self) -> None:
        self.edge = self.out[0] if self.out else None

    def start(self, t: float) -> None:
        """Plan what to draw and schedule the first arrival."""
        self.plan()
        if self.edge is not None:
            self.schedule_arrival(t)

    def plan(self) -> None:
        """Draw only what the nodes this client can reach look at (again after any ``set``)."""
        seen, stack, uses = {self.id}, [e.target for e in self.out], set()
        while stack:
            node = stack.pop()
            if node.id in seen:
                continue
            seen.add(node.id)
            uses |= node.uses()
            stack.extend(e.target for e in node.out)
        self.draw_op = "op" in uses
        self.draw_key = "key" in uses
        self.draw_session = "session" in uses
        self.plain = not uses and self.static_ratio == 0.0  # nothing to draw but the arrival

    def schedule_arrival(self, t: float) -> None:
        if self.profile_times is not None:
            area = 1.0 if self.constant else -log(1.0 - self.rng.random())
            ta = profile_advance(self.profile_times, self.profile_rates, t, area)
            if ta != inf:  # (else the profile ends at 0 rps: no more arrivals)
                heappush(self.heap, (ta, next(self.seq), self._arrival, self.token))
            return
        gap = self.period if self.constant else -log(1.0 - self.rng.random()) * self.period
        heappush(self.heap, (t + gap, next(self.seq), self._arrival, self.token))

    def set_params(self, t: float, params: dict) -> None:
        if "rate_rps" in params and "rate_profile" not in params:
            params = {**params, "rate_profile": None}  # a steady rate replaces the shape from now on
        rate, shaped = self.rate, self.profile_times is not None
        super().set_params(t, params)
        reshaped = "rate_profile" in params and (shaped or self.profile_times is not None)
        if self.edge is not None and (self.rate != rate or "arrival" in params or reshaped):
            self.token += 1  # the pending arrival is abandoned: draw the next gap at the new rate
            self.schedule_arrival(t)

    # -- the hot path: one event per arrival, inlined ------------------------------
    # (``issue`` is the same request creation, readable; a steady rate keeps this copy.)
    def arrival(self, t: float, token: int) -> None:
        if token != self.token:
            return  # superseded by a rate change
        random = self.random
        gap = self.period if self.constant else -log(1.0 - random()) * self.period
        heappush(self.heap, (t + gap, next(self.seq), self._arrival, token))
        if not self.up:
            return
        if self.plain:
            write = static = False
            key = session = 0
        else:
            write = self.draw_op and random() >= self.read_ratio
            key = 0
            if self.draw_key:
                if self.zipf is None:
                    key = int(random() * self.key_count)
                else:
                    key = bisect(self.zipf, random() * self.zipf_total)
                    if key >= self.key_count:
                        key = self.key_count - 1
            session = int(random() * self.session_count) + self.session_base if self.draw_session else 0
            static = self.static_ratio > 0.0 and random() < self.static_ratio
        counted = t >= self.warmup
        req = Request(self, key, write, static, session, t, counted)
        self.n_sent_all += 1
        if self.timeout is not None:
            req.deadline = t + self.timeout
            heappush(self.heap, (req.deadline, next(self.seq), self._timeout, req))
        # edge.send(t, req, now=True), inlined: the request is the call of its first attempt
        call = req
        edge = self.edge
        call.edge = edge
        if edge.cut:
            lost(t, call)
            return
        ta = t + edge.latency
        if ta == t or edge.fold:
            edge.arrive(ta, call)
        else:
            heappush(self.heap, (ta, next(self.seq), edge.arrive, call))

    def arrival_shaped(self, t: float, token: int) -> None:
        """An arrival under a ``rate_profile``: the next one is where the profile's area reaches a draw."""
        if token != self.token:
            return  # superseded by a set
        area = 1.0 if self.constant else -log(1.0 - self.random())
        ta = profile_advance(self.profile_times, self.profile_rates, t, area)
        if ta != inf:
            heappush(self.heap, (ta, next(self.seq), self._arrival, token))
        if self.up:
            self.issue(t)

    def issue(self, t: float) -> None:
        """Create a request at ``t`` and send its first attempt (``arrival`` holds an inlined copy)."""
        random = self.random
        write = self.draw_op and random() >= self.read_ratio
        key = 0
        if self.draw_key:
            if self.zipf is None:
                key = int(random() * self.key_count)
            else:
                key = min(bisect(self.zipf, random() * self.zipf_total), self.key_count - 1)
        session = int(random() * self.session_count) + self.session_base if self.draw_session else 0
        static = self.static_ratio > 0.0 and random() < self.static_ratio
        req = Request(self, key, write, static, session, t, t >= self.warmup)
        self.n_sent_all += 1
        if self.timeout is not None:
            req.deadline = t + self.timeout
            heappush(self.heap, (req.deadline, next(self.seq), self._timeout, req))
        self.edge.send(t, req, True)

    def send(self, t: float, req: Request) -> None:
        """Send another attempt of ``req`` (a retry)."""
        req.attempts += 1
        n = req.attempts
        req.inflight = n
        call = Call(req, req.op, None, self)
        call.attempt = n
        if self.timeout is not None:
            req.deadline = t + self.timeout
            heappush(self.heap, (req.deadline, next(self.seq), self._timeout, call))
        self.edge.send(t, call, True)

    def on_reply(self, t: float, call: Call) -> None:
        req = call if call.__class__ is Request else call.req  # (a first attempt is its request)
        if call.attempt != req.inflight:
            return  # an answer to an attempt already given up on
        if self.timeout is not None and req.deadline is not None and t > req.deadline:
            return  # too late: the timeout event settles it
        if call.status != OK:
            self.attempt_failed(t, req, call.status)
            return
        req.inflight = 0
        latency = t - req.t_first
        if latency < MIN_VALUE:
            b = 0
        else:
            m, e = frexp(latency)
            b = int(m * SCALE) + e * SUB_BUCKETS + OFFSET
            if b > LAST:
                b = LAST
        self.window_counts[b] += 1
        tally = self.tally
        tally.window_latency.total += latency
        if self.slo is not None and latency > self.slo:
            tally.c_slow += 1  # ok, but too slow to count towards goodput
            if req.counted:
                tally.slow += 1
        if req.counted:
            self.n_ok += 1
            h = tally.latency
            h.counts[b] += 1
            h.total += latency
            if latency > h.max:
                h.max = latency

    # -- failures and retries ------------------------------------------------
    def timeout_expired(self, t: float, call: Call) -> None:
        req = call.req
        if call.attempt != req.inflight:
            return
        if self.edge is not None:
            self.edge.target.n_timed_out += 1
        self.attempt_failed(t, req, TIMED_OUT)

    def attempt_failed(self, t: float, req: Request, status: int) -> None:
        req.inflight = 0
        tally = self.tally
        if req.counted:
            if status == REJECTED:
                tally.rejected += 1
            elif status == TIMED_OUT:
                tally.timed_out += 1
            elif status == THROTTLED:
                tally.throttled += 1
        if req.attempts <= self.max_retries:
            if req.counted:
                tally.retries += 1
            jitter = self.retry_jitter
            if jitter == "equal":
                delay = self.backoff * 2 ** (req.attempts - 1) * (0.5 + self.jitter())
            elif jitter == "full":
                delay = self.backoff * 2 ** (req.attempts - 1) * self.jitter()
            else:
                delay = self.backoff * 2 ** (req.attempts - 1)
            heappush(self.heap, (t + delay, next(self.seq), self._retry, req))
            return
        self.n_failed_all += 1
        if req.counted:
            self.n_failed += 1

    def retry(self, t: float, req: Request) -> None:
        if self.edge is None:
            return
        self.send(t, req)

    # -- measurement ---------------------------------------------------------
    def counters(self, t: float) -> tuple:
        tally = self.tally
        return super().counters(t) + (self.n_sent_all, self.n_failed_all, tally.c_slow, tally.stale_reads)

    def window(self, d: dict, length: float) -> dict:
        view = super().window(d, length)
        view["arrivals_rps"] = d["sent"] / length
        return view

    def summary(self, d: dict, measured: float) -> dict:
        out = super().summary(d, measured)
        # Requests are counted when first sent at or after the warm-up, which is when
        # the baseline snapshot was taken: counted sends are the difference.
        out.update({"sent": d["sent"], "ok": self.n_ok, "failed": self.n_failed})
        return out

    def window_of_client(self, d: dict, length: float) -> dict:
        """This client's part of a window message (``window.clients[id]``)."""
        ok, (p50, p99) = self.tally.window_latency.count_and_percentiles((0.5, 0.99))
        return {
            "throughput_rps": ok / length,
            "errors_rps": d["failed"] / length,
            "latency_p50_ms": p50 * 1000,
            "latency_p99_ms": p99 * 1000,
        }

    def results_of_client(self, d: dict, measured: float) -> dict:
        """This client's entry in ``results.clients``: its requests judged end to end."""
        tally = self.tally
        ok, failed = self.n_ok, self.n_failed
        total = ok + failed
        latency = tally.latency
        p50, p95, p99 = latency.percentiles((0.5, 0.95, 0.99))
        return {
            "requests": {
                "total": total,
                "ok": ok,
                "failed": failed,
                "rejected": tally.rejected,
                "timed_out": tally.timed_out,
                "throttled": tally.throttled,
                "retries": tally.retries,
            },
            "availability": ok / total if total else 0.0,
            "throughput_rps": ok / measured if measured > 0 else 0.0,
            "goodput_rps": (ok - tally.slow) / measured if measured > 0 else 0.0,
            "latency_ms": {
                "mean": latency.mean() * 1000,
                "p50": p50 * 1000,
                "p95": p95 * 1000,
                "p99": p99 * 1000,
                "max": latency.max * 1000,
            },
            "stale_reads": d["stale_reads"],
        }

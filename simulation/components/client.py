"""The client: where requests come from, and where their outcome is judged.

Arrivals are a Poisson process (exponential gaps with mean ``1 / rate_rps``:
many independent users) or ``constant`` (one every ``1 / rate_rps`` seconds).
There is always exactly one pending arrival event per client; a ``set`` of
``rate_rps`` abandons it and draws the next gap at the new rate.

Each request is a write with probability ``1 - read_ratio``, else a read, of one
key: uniform over ``key_count`` keys, or Zipf with exponent ``zipf_s`` (key 0 is
the most popular; P(key k) is proportional to 1 / (k + 1) ** s, drawn by
bisecting a table of the cumulative distribution built once per run). It belongs
to one of ``session_count`` sessions (uniform) and is for a static asset with
probability ``static_ratio``.

An attempt that is refused, rejected or not answered within ``timeout_ms`` fails;
a late answer is ignored, but the work downstream still happens (wasted capacity
is realistic). A failed attempt is retried up to ``max_retries`` times, the n-th
retry waiting ``retry_backoff_ms * 2 ** (n - 1)`` times a jitter factor uniform
in [0.5, 1.5) ("equal jitter": spreads retries without ever retrying at once).
A request is ``ok`` if some attempt succeeds; its latency runs from the first
send to the final answer, and it counts towards goodput when within ``slo_ms``.

Random streams: arrivals, mixes, keys and sessions come from the client's own
stream; retry jitter from a second one, so that failures downstream never
shift the arrival process.
"""

from __future__ import annotations

from array import array
from bisect import bisect
from heapq import heappush
from itertools import accumulate
from math import log

from ..kernel import stream
from ..metrics import bucket_of
from ..network import OK, READ, REJECTED, TIMED_OUT, WRITE, Call, Request
from .base import Node

__all__ = ["Client"]

_ZIPF_TABLES: dict[tuple[int, float], array] = {}


def zipf_table(n: int, s: float) -> array:
    """Cumulative (unnormalised) Zipf weights of ranks 1..n, cached across clients and runs."""
    table = _ZIPF_TABLES.get((n, s))
    if table is None:
        table = array("d", accumulate(k**-s for k in range(1, n + 1)))
        if len(_ZIPF_TABLES) > 8:  # bounded: a long-lived worker sees many documents
            _ZIPF_TABLES.clear()
        _ZIPF_TABLES[(n, s)] = table
    return table


class Client(Node):
    kind = "client"
    FOLDABLE = True
    COUNTERS = Node.COUNTERS + ("sent",)

    def __init__(self, spec: dict, model) -> None:
        self.tally = model.tally
        self.warmup = model.warmup
        self.edge = None
        self.token = 0  # identifies the one pending arrival event
        self.n_sent = 0  # counted requests
        self.n_sent_all = 0
        self.n_ok = 0
        self.n_failed = 0
        super().__init__(spec, model)
        self.jitter = stream(model.seed, self.id + "\x00retries").random
        self._arrival = self.arrival
        self._timeout = self.timeout_expired
        self._retry = self.retry

    def configure(self, params: dict) -> None:
        self.rate = params["rate_rps"]
        self.constant = params["arrival"] == "constant"
        self.read_ratio = params["read_ratio"]
        self.key_count = params["key_count"]
        self.static_ratio = params["static_ratio"]
        self.session_count = params["session_count"]
        self.timeout = None if params["timeout_ms"] is None else params["timeout_ms"] / 1000.0
        self.max_retries = params["max_retries"]
        self.backoff = params["retry_backoff_ms"] / 1000.0
        self.slo = None if params.get("slo_ms") is None else params["slo_ms"] / 1000.0
        self.zipf = None
        if params["key_distribution"] == "zipf":
            self.zipf = zipf_table(self.key_count, float(params["zipf_s"]))

    def wire(self) -> None:
        self.edge = self.out[0] if self.out else None

    def start(self, t: float) -> None:
        heappush(self.heap, (t + self.gap(), next(self.seq), self._arrival, self.token))

    def set_params(self, t: float, params: dict) -> None:
        rate = self.rate
        super().set_params(t, params)
        if self.rate != rate or "arrival" in params:
            self.token += 1
            self.start(t)

    def gap(self) -> float:
        if self.constant:
            return 1.0 / self.rate
        return -log(1.0 - self.rng.random()) / self.rate

    # -- the hot path --------------------------------------------------------
    def arrival(self, t: float, token: int) -> None:
        if token != self.token:
            return  # superseded by a rate change
        random = self.rng.random
        gap = 1.0 / self.rate if self.constant else -log(1.0 - random()) / self.rate
        heappush(self.heap, (t + gap, next(self.seq), self._arrival, token))
        if not self.up or self.edge is None:
            return
        write = random() >= self.read_ratio
        if self.zipf is None:
            key = int(random() * self.key_count)
        else:
            table = self.zipf
            key = bisect(table, random() * table[-1])
            if key >= self.key_count:
                key = self.key_count - 1
        static = self.static_ratio > 0.0 and random() < self.static_ratio
        session = int(random() * self.session_count)
        counted = t >= self.warmup
        req = Request(self, key, write, static, session, t, counted)
        self.n_sent_all += 1
        self.tally.c_sent += 1
        if counted:
            self.n_sent += 1
        self.send(t, req)

    def send(self, t: float, req: Request) -> None:
        req.attempt += 1
        n = req.attempt
        req.inflight = n
        call = Call(req, WRITE if req.write else READ, None, self)
        call.attempt = n
        if self.timeout is not None:
            req.deadline = t + self.timeout
            heappush(self.heap, (req.deadline, next(self.seq), self._timeout, call))
        self.edge.send(t, call, True)

    def on_reply(self, t: float, call: Call) -> None:
        req = call.req
        if call.attempt != req.inflight:
            return  # an answer to an attempt already given up on
        if req.deadline is not None and t > req.deadline:
            return  # too late: the timeout event settles it
        if call.status != OK:
            self.attempt_failed(t, req, call.status)
            return
        req.inflight = 0
        latency = t - req.t_first
        tally = self.tally
        b = bucket_of(latency)
        wl = tally.window_latency
        wl.counts[b] += 1
        wl.n += 1
        wl.total += latency
        if latency > wl.max:
            wl.max = latency
        tally.c_ok += 1
        good = self.slo is None or latency <= self.slo
        if good:
            tally.c_good += 1
        if req.counted:
            self.n_ok += 1
            tally.ok += 1
            if good:
                tally.good += 1
            h = tally.latency
            h.counts[b] += 1
            h.n += 1
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
        if req.attempt <= self.max_retries:
            if req.counted:
                tally.retries += 1
            delay = self.backoff * 2 ** (req.attempt - 1) * (0.5 + self.jitter())
            heappush(self.heap, (t + delay, next(self.seq), self._retry, req))
            return
        tally.c_failed += 1
        if req.counted:
            self.n_failed += 1
            tally.failed += 1

    def retry(self, t: float, req: Request) -> None:
        if self.edge is None:
            return
        self.send(t, req)

    # -- measurement ---------------------------------------------------------
    def counters(self, t: float) -> tuple:
        return super().counters(t) + (self.n_sent_all,)

    def window(self, d: dict, length: float) -> dict:
        view = super().window(d, length)
        view["arrivals_rps"] = d["sent"] / length
        return view

    def summary(self, d: dict, measured: float) -> dict:
        out = super().summary(d, measured)
        out.update({"sent": self.n_sent, "ok": self.n_ok, "failed": self.n_failed})
        return out

"""Measuring a run in constant memory: log-linear histograms and cumulative counters.

A simulation of ten million requests cannot keep ten million latencies. Instead
every latency lands in a *bucket* of a log-linear histogram (the idea of
HdrHistogram): each power of two is split into ``SUB_BUCKETS`` = 64 equal
slices, so a bucket is at most 1/64 of its value wide wherever it sits between
half a microsecond and an hour. Reporting the middle of the bucket that holds the
wanted rank keeps every percentile within 0.8 % of the exact order statistic
(half a bucket), with a fixed list of about 2,100 integers per histogram. The mean (from an exact sum)
and the maximum (kept exactly) need no buckets at all.

Counters are *cumulative*: a component only ever adds to them (one integer add
per event). The engine takes a snapshot at every one-second window boundary and
at the end of the warm-up; the value of a window, or of the measured part of the
run, is the difference between two snapshots. Time-weighted quantities (busy
workers, queue length, downtime) are integrated the same way: the area under
the curve grows at every change of state, and an average over an interval is the
area gained divided by the interval's length.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from math import frexp, isfinite, ldexp

__all__ = [
    "LAST",
    "MIN_VALUE",
    "N_BUCKETS",
    "OFFSET",
    "SCALE",
    "Histogram",
    "RunTally",
    "Tally",
    "SUB_BUCKETS",
    "bucket_of",
    "bucket_value",
    "merged",
    "round_sig",
    "rounded",
]

SUB_BUCKETS = 64  # slices per power of two: relative bucket width <= 1/64
_MIN_EXP = -20  # frexp exponent of the smallest bucketed value (2**-21 s, about 0.5 us)
_MAX_EXP = 12  # 2**12 s is over an hour; anything slower shares the last bucket
MIN_VALUE = ldexp(0.5, _MIN_EXP)
N_BUCKETS = (_MAX_EXP - _MIN_EXP + 1) * SUB_BUCKETS
# frexp gives x = m * 2**e with 0.5 <= m < 1, so int(m * 2 * SUB) is in [SUB, 2 * SUB):
# the bucket is int(m * SCALE) + e * SUB_BUCKETS + OFFSET (hot code inlines this).
OFFSET = -(_MIN_EXP + 1) * SUB_BUCKETS
SCALE = 2 * SUB_BUCKETS
LAST = N_BUCKETS - 1
_ZEROS = [0] * N_BUCKETS


def bucket_of(x: float) -> int:
    """Index of the bucket that holds ``x`` seconds (values below 0.5 us share bucket 0)."""
    if x < MIN_VALUE:
        return 0
    m, e = frexp(x)
    i = int(m * SCALE) + e * SUB_BUCKETS + OFFSET
    return i if i < LAST else LAST


def bucket_value(i: int) -> float:
    """The middle of bucket ``i``, in seconds (0.0 for the bottom bucket)."""
    if i == 0:
        return 0.0
    octave, sub = divmod(i, SUB_BUCKETS)
    e = octave + _MIN_EXP
    return ldexp((SUB_BUCKETS + sub + 0.5) / SCALE, e)


class Histogram:
    """Counts of values (seconds) in log-linear buckets, with an exact sum and maximum.

    ``add`` is the convenience path; hot code inlines it (see ``bucket_of``) and
    keeps only ``counts``, ``total`` and ``max`` up to date: the number of values
    is the sum of the counts, computed when it is asked for. A histogram whose
    ``max`` is not kept (None) reports bucket middles unclamped.
    """

    __slots__ = ("counts", "total", "max")

    def __init__(self, keep_max: bool = True) -> None:
        self.counts = [0] * N_BUCKETS
        self.total = 0.0
        self.max = 0.0 if keep_max else None

    def add(self, x: float) -> None:
        self.counts[bucket_of(x)] += 1
        self.total += x
        if self.max is not None and x > self.max:
            self.max = x

    def reset(self) -> None:
        """Empty the histogram in place (hot code holds on to ``counts``)."""
        self.counts[:] = _ZEROS
        self.total = 0.0
        if self.max is not None:
            self.max = 0.0

    @property
    def n(self) -> int:
        return sum(self.counts)

    def mean(self) -> float:
        n = self.n
        return self.total / n if n else 0.0

    def percentiles(self, qs: tuple[float, ...]) -> list[float]:
        """Nearest-rank percentiles (q in (0, 1]) from the buckets, never above the exact max."""
        return self.count_and_percentiles(qs)[1]

    def count_and_percentiles(self, qs: tuple[float, ...]) -> tuple[int, list[float]]:
        """The number of values, and ``percentiles(qs)``, in one pass over the buckets."""
        cumulative = list(accumulate(self.counts))
        n = cumulative[-1]
        if not n:
            return 0, [0.0 for _ in qs]
        top = self.max
        out = []
        for q in qs:
            rank = max(1, -int(-q * n // 1))  # ceil(q * n), at least 1
            v = bucket_value(bisect_left(cumulative, rank))
            if top is not None and (rank >= n or v > top):
                v = top  # the largest value is known exactly
            out.append(v)
        return n, out


def round_sig(x: float, digits: int = 6) -> float:
    """``x`` rounded to ``digits`` significant digits (keeps results compact and stable)."""
    if x == 0 or not isfinite(x):
        return 0.0 if x == 0 else x
    return float(f"{x:.{digits}g}")


def rounded(value):
    """A copy of a JSON-like value with every float rounded to 6 significant digits."""
    if isinstance(value, float):
        return round_sig(value)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


class Tally:
    """Outcomes of one client's requests (each client keeps its own: results per client).

    Totals cover *counted* requests (first sent at or after the warm-up). The
    client keeps its ok and failed counts; the tally keeps the rest: the latency
    histogram of counted successes, failed attempts by reason, retries,
    successes slower than the client's SLO (goodput = ok - slow), and cumulative
    counts by time for the windows (``c_slow``; ``stale_reads`` are counted when
    they happen, by the cache or database that answered). ``window_latency`` is
    emptied at every window boundary: the window's successes are the sum of its
    counts. The run's totals are the sums over the clients (:func:`merged`).
    """

    def __init__(self) -> None:
        self.rejected = 0
        self.timed_out = 0
        self.throttled = 0
        self.retries = 0
        self.slow = 0
        self.latency = Histogram()
        self.c_slow = 0
        self.stale_reads = 0
        self.window_latency = Histogram(keep_max=False)  # reset in place at every window


class RunTally:
    """What happens to the system rather than to one client's requests, counted when it happens.

    ``lost_writes`` (acknowledged writes that will never be applied), ``conflicts``
    (master-master writes of one key made without seeing each other) and
    ``sessions_lost`` (sessions held only by an app server that failed).
    """

    def __init__(self) -> None:
        self.lost_writes = 0
        self.conflicts = 0
        self.sessions_lost = 0

    def counters(self) -> tuple:
        return (self.lost_writes, self.conflicts, self.sessions_lost)


def merged(histograms: list[Histogram]) -> Histogram:
    """One histogram holding the values of all of ``histograms`` (the first itself when alone)."""
    if len(histograms) == 1:
        return histograms[0]
    out = Histogram(keep_max=bool(histograms) and histograms[0].max is not None)
    if histograms:
        out.counts = [sum(column) for column in zip(*(h.counts for h in histograms), strict=True)]
    for histogram in histograms:
        out.total += histogram.total
        if out.max is not None and histogram.max is not None and histogram.max > out.max:
            out.max = histogram.max
    return out

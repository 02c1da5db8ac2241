"""Measuring a run in constant memory: log-linear histograms and cumulative counters.

A simulation of ten million requests cannot keep ten million latencies. Instead
every latency lands in a *bucket* of a log-linear histogram (the idea of
HdrHistogram): each power of two is split into ``SUB_BUCKETS`` equal slices, so a
bucket is at most 1/128 of its value wide wherever it sits between a microsecond
and an hour. Reporting the middle of the bucket that holds the wanted rank keeps
every percentile within 0.4 % of the exact order statistic (half a bucket), with a
fixed list of about 4,200 integers per histogram. The mean (from an exact sum)
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
    "Histogram",
    "SUB_BUCKETS",
    "bucket_of",
    "bucket_value",
    "round_sig",
    "rounded",
]

SUB_BUCKETS = 128  # slices per power of two: relative bucket width <= 1/128
_MIN_EXP = -20  # frexp exponent of the smallest bucketed value (2**-21 s, about 0.5 us)
_MAX_EXP = 12  # 2**12 s is over an hour; anything slower shares the last bucket
_MIN_VALUE = ldexp(0.5, _MIN_EXP)
N_BUCKETS = (_MAX_EXP - _MIN_EXP + 1) * SUB_BUCKETS
# frexp gives x = m * 2**e with 0.5 <= m < 1, so int(m * 2 * SUB) is in [SUB, 2 * SUB).
_OFFSET = -(_MIN_EXP + 1) * SUB_BUCKETS
_SCALE = 2 * SUB_BUCKETS
_LAST = N_BUCKETS - 1


def bucket_of(x: float) -> int:
    """Index of the bucket that holds ``x`` seconds (values below 0.5 us share bucket 0)."""
    if x < _MIN_VALUE:
        return 0
    m, e = frexp(x)
    i = int(m * _SCALE) + e * SUB_BUCKETS + _OFFSET
    return i if i < _LAST else _LAST


def bucket_value(i: int) -> float:
    """The middle of bucket ``i``, in seconds (0.0 for the bottom bucket)."""
    if i == 0:
        return 0.0
    octave, sub = divmod(i, SUB_BUCKETS)
    e = octave + _MIN_EXP
    return ldexp((SUB_BUCKETS + sub + 0.5) / _SCALE, e)


class Histogram:
    """Counts of values (seconds) in log-linear buckets, with an exact sum and maximum.

    ``add`` is the slow convenience path; hot code computes ``bucket_of`` once and
    increments ``counts`` of several histograms itself.
    """

    __slots__ = ("counts", "n", "total", "max")

    def __init__(self) -> None:
        self.counts = [0] * N_BUCKETS
        self.n = 0
        self.total = 0.0
        self.max = 0.0

    def add(self, x: float) -> None:
        self.counts[bucket_of(x)] += 1
        self.n += 1
        self.total += x
        if x > self.max:
            self.max = x

    def mean(self) -> float:
        return self.total / self.n if self.n else 0.0

    def percentiles(self, qs: tuple[float, ...]) -> list[float]:
        """Nearest-rank percentiles (q in (0, 1]) from the buckets, never above the exact max."""
        if not self.n:
            return [0.0 for _ in qs]
        cumulative = list(accumulate(self.counts))
        out = []
        for q in qs:
            rank = max(1, -int(-q * self.n // 1))  # ceil(q * n), at least 1
            i = bisect_left(cumulative, rank)
            v = bucket_value(i)
            out.append(v if v < self.max else self.max)
        return out


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
    """Outcomes of user requests, shared by every client of a run.

    Run totals cover *counted* requests (first sent at or after the warm-up);
    the ``c_`` counters are cumulative over the whole run by the time they
    happened, for the engine to difference into windows. ``window_latency`` is
    replaced at every window boundary.
    """

    def __init__(self) -> None:
        self.ok = 0
        self.failed = 0
        self.rejected = 0
        self.timed_out = 0
        self.retries = 0
        self.good = 0
        self.latency = Histogram()
        self.c_sent = 0
        self.c_ok = 0
        self.c_failed = 0
        self.c_good = 0
        self.stale_reads = 0
        self.lost_writes = 0
        self.window_latency = Histogram()

    def counters(self) -> tuple:
        return (self.c_sent, self.c_ok, self.c_failed, self.c_good, self.stale_reads, self.lost_writes)

"""The measuring instruments: the log-linear histogram, rounding, and the event calendar."""

import random

from simulation.kernel import Kernel, PacedKernel, stream
from simulation.metrics import N_BUCKETS, Histogram, bucket_of, bucket_value, round_sig


def test_every_bucket_is_at_most_one_64th_of_its_value_wide():
    for i in range(1, N_BUCKETS - 1):
        low, high = bucket_value(i), bucket_value(i + 1)
        assert (high - low) / low <= 1 / 64 + 1e-12


def test_a_value_lands_in_the_bucket_whose_middle_is_within_0_8_percent():
    rng = random.Random(1)
    for _ in range(10000):
        x = 10 ** rng.uniform(-6, 3)  # a microsecond to 1000 s
        assert abs(bucket_value(bucket_of(x)) - x) / x <= 0.008


def test_percentiles_are_within_the_bucket_error_of_the_exact_order_statistics():
    rng = random.Random(2)
    values = [rng.lognormvariate(-4, 1.5) for _ in range(50000)]
    hist = Histogram()
    for v in values:
        hist.add(v)
    values.sort()
    qs = (0.5, 0.9, 0.99, 0.999)
    for q, estimate in zip(qs, hist.percentiles(qs), strict=True):
        exact = values[-int(-q * len(values) // 1) - 1]  # nearest rank
        assert abs(estimate - exact) / exact <= 0.008
    assert hist.percentiles((1.0,)) == [values[-1]]  # clamped to the exact maximum
    assert hist.n == len(values) and abs(hist.mean() - sum(values) / len(values)) < 1e-12


def test_an_empty_histogram_reports_zeros():
    assert Histogram().percentiles((0.5, 0.99)) == [0.0, 0.0]
    assert Histogram().mean() == 0.0


def test_reset_empties_a_histogram_in_place():
    hist = Histogram()
    counts = hist.counts
    hist.add(0.5)
    hist.reset()
    assert hist.counts is counts and hist.n == 0 and hist.max == 0.0


def test_rounding_keeps_six_significant_digits():
    assert round_sig(123.456789) == 123.457
    assert round_sig(0.000123456789) == 0.000123457
    assert round_sig(0.0) == 0.0


def test_the_calendar_runs_events_in_time_order_and_ties_in_scheduling_order():
    kernel = Kernel()
    seen = []
    for t, name in [(2.0, "c"), (1.0, "a"), (2.0, "d"), (1.0, "b"), (5.0, "late")]:
        kernel.schedule(t, lambda when, n: seen.append((when, n)), name)
    kernel.run_until(3.0)
    assert seen == [(1.0, "a"), (1.0, "b"), (2.0, "c"), (2.0, "d")]
    assert kernel.now == 3.0 and kernel.events_processed == 4
    kernel.run_until(10.0)
    assert seen[-1] == (5.0, "late")


def test_the_paced_calendar_waits_for_the_wall_clock():
    import time

    kernel = PacedKernel(speed=50)
    start = time.perf_counter()
    kernel.run_until(1.0)  # one simulated second at 50x: at least 0.02 s of wall time
    assert time.perf_counter() - start >= 0.018


def test_random_streams_depend_only_on_the_seed_and_the_name():
    assert stream(1, "app").random() == stream(1, "app").random()
    assert stream(1, "app").random() != stream(1, "app2").random()
    assert stream(1, "app").random() != stream(2, "app").random()

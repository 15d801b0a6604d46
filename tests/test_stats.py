"""The statistics behind the figures, against values computed independently (SciPy 1.17:
`scipy.stats.fisher_exact` and `binomtest(k, n).proportion_ci(method="wilson")`)."""

from __future__ import annotations

import pytest

from generator import stats


@pytest.mark.parametrize(
    ("table", "p"),
    [
        ((1, 9, 11, 3), 0.0027594561852200836),
        ((6, 4, 2, 9), 0.08049535603715172),
        ((3, 0, 4, 1), 1.0),
        ((0, 5, 5, 0), 0.007936507936507938),
        ((2, 3, 3, 2), 1.0),
    ],
)
def test_fisher_exact_matches_scipy(table, p):
    assert stats.fisher_exact(*table) == pytest.approx(p, rel=1e-9)


@pytest.mark.parametrize(
    ("part", "whole", "low", "high"),
    [
        (4, 5, 0.3755346297625253, 0.9637758913675698),
        (0, 3, 0.0, 0.5614970317550454),
        (10, 10, 0.7224672001371109, 1.0),
        (6, 10, 0.3126737697336583, 0.8318196702937639),
    ],
)
def test_wilson_interval_matches_scipy(part, whole, low, high):
    assert stats.wilson(part, whole) == (pytest.approx(low, abs=1e-12), pytest.approx(high, abs=1e-12))


def test_a_rate_says_its_counts():
    assert str(stats.Rate(4, 5)) == "4 of 5 (80%)"
    assert str(stats.Rate(0, 0)) == "none" and stats.Rate(0, 0).value is None
    assert not stats.Rate(3, 4).enough and stats.Rate(3, 5).enough

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
        ((0, 0, 0, 0), 1.0),
        ((0, 0, 3, 4), 1.0),
        ((300, 200, 280, 220), 0.22345136165946655),
        ((40, 2460, 80, 2420), 0.00027968212647240363),
        ((1, 2499, 9, 2491), 0.021361451334387358),
        # The halves of a long partnership: exact binomials took 3.7 s for the first, 277 s for the second.
        ((1200, 1300, 1100, 1400), 0.0049621965233298555),
        ((6000, 5500, 5800, 5900), 7.709993615815714e-05),
        ((17000, 1000, 16600, 1400), 2.951458775777929e-17),
    ],
)
def test_fisher_exact_matches_scipy(table, p):
    assert stats.fisher_exact(*table) == pytest.approx(p, rel=1e-9)


def test_fisher_exact_of_a_split_too_uneven_for_a_float_is_zero():
    assert stats.fisher_exact(2500, 0, 0, 2500) == 0.0  # SciPy: 0.0 (2 / C(5000, 2500) underflows)


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

"""Wilson score intervals (analysis/stats.py) against values computed by hand."""

from __future__ import annotations

import math

import pytest

from mtjspice.analysis.stats import wilson_interval
from mtjspice.errors import ParameterError


def test_wilson_interval_matches_the_hand_computed_formula():
    # k = 8 of n = 10 at 95 %: z = 1.959964; centre (0.8 + z^2/20) / (1 + z^2/10) = 0.7094, half-width
    # z sqrt(0.016 + z^2/400) / (1 + z^2/10) = 0.2078 -> (0.4902, 0.9433) (Wilson 1927; Newcombe 1998, table I).
    lo, hi = wilson_interval(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)


def test_wilson_interval_at_the_ends_stays_inside_zero_one():
    lo, hi = wilson_interval(0, 20)
    assert lo == 0.0 and hi == pytest.approx(1.959964**2 / (20 + 1.959964**2), rel=1e-6)  # k = 0: z^2 / (n + z^2)
    lo, hi = wilson_interval(20, 20)
    assert hi == 1.0 and lo == pytest.approx(20 / (20 + 1.959964**2), rel=1e-6)


def test_wilson_interval_narrows_with_n_and_widens_with_confidence():
    w = [math.fsum((-a, b)) for a, b in (wilson_interval(50, 100), wilson_interval(500, 1000))]
    assert w[1] < w[0] / 3
    assert wilson_interval(50, 100, 0.99)[0] < wilson_interval(50, 100, 0.95)[0]


@pytest.mark.parametrize(("k", "n", "conf", "name"), [(-1, 10, 0.95, "k"), (11, 10, 0.95, "k"), (1, 0, 0.95, "n"),
                                                      (1.5, 10, 0.95, "k"), (1, 10, 1.0, "confidence")])
def test_bad_input_is_refused_by_name(k, n, conf, name):
    with pytest.raises(ParameterError, match=name):
        wilson_interval(k, n, conf)

"""Variation specs: parsing, validation, and reproducible sampling with the stated marginals."""

from __future__ import annotations

import math

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.errors import ParameterError
from mtjspice.variation import Spread, VariationSpec

N = 20000


@pytest.fixture(scope="module")
def dev() -> ms.Device:
    return ms.load_device("orthogonal")


def test_zero_sigma_gives_the_nominal_device(dev: ms.Device) -> None:
    spec = VariationSpec.parse("L=0,W=0n,Ms=0%")
    assert all(d == dev for d in spec.devices(dev, 3, range(5)))


def test_marginals_match_the_spec(dev: ms.Device) -> None:
    """Means within 4 standard errors (sigma / sqrt(N)); standard deviations within 4 of theirs
    (sigma / sqrt(2 N)): a false alarm once in about 16 000 runs per check."""
    spec = VariationSpec.from_dict({"L": "1n", "Ms": "3%", "alpha": {"sigma": "10%", "distribution": "uniform"}})
    x = spec.sample(dev, 7, range(N))
    for key, nominal, sigma in (("geometry.L", 45e-9, 1e-9), ("material.Ms", 1e6, 3e4), ("material.alpha", 0.01, 1e-3)):
        assert abs(x[key].mean() - nominal) < 4 * sigma / math.sqrt(N)
        assert abs(x[key].std(ddof=1) - sigma) < 4 * sigma / math.sqrt(2 * N) * (1.2 if key == "material.alpha" else 1)
    a = x["material.alpha"]
    half = math.sqrt(3) * 1e-3
    assert a.min() >= 0.01 - half and a.max() <= 0.01 + half  # uniform: bounded at +-sqrt(3) sigma
    assert abs(np.mean(a < 0.01) - 0.5) < 0.02


def test_correlation_is_what_was_asked(dev: ms.Device) -> None:
    spec = VariationSpec.from_dict({"W": "1n", "L": "1n", "correlation": [["W", "L", 0.8]]})
    x = spec.sample(dev, 1, range(N))
    rho = np.corrcoef(x["geometry.W"], x["geometry.L"])[0, 1]
    assert abs(rho - 0.8) < 4 * (1 - 0.8**2) / math.sqrt(N)


def test_a_sample_depends_only_on_seed_and_index(dev: ms.Device) -> None:
    spec = VariationSpec.parse("L=1n,W=1n,T=0.5n,Ms=3%,RA=5%")
    whole = spec.sample(dev, 11, range(100))
    pieces = [spec.sample(dev, 11, range(a, min(a + 13, 100))) for a in range(0, 100, 13)]
    shuffled = spec.sample(dev, 11, [99, 0, 50])
    for key, v in whole.items():
        assert np.array_equal(v, np.concatenate([p[key] for p in pieces]))
        assert np.array_equal(shuffled[key], v[[99, 0, 50]])
    other = spec.sample(dev, 12, range(100))
    assert not np.array_equal(other["geometry.L"], whole["geometry.L"])


@pytest.mark.parametrize(("text", "fragment"), [
    ("Q=1n", "a parameter among"),
    ("L=-1n", "standard deviation >= 0"),
    ("L=lots", "variation.L"),
    ("L", "NAME=SIGMA"),
    ("L=1n,L=2n", "each parameter once"),
])
def test_bad_specs_are_refused_by_name(text: str, fragment: str) -> None:
    with pytest.raises(ParameterError, match=fragment):
        VariationSpec.parse(text)


def test_spreads_that_reach_zero_are_refused(dev: ms.Device) -> None:
    with pytest.raises(ParameterError, match=r"variation\.W.*at most 1\.8e-09"):
        VariationSpec.parse("W=3n").sample(dev, 0, range(2))
    with pytest.raises(ParameterError, match=r"variation\.Ms"):
        VariationSpec.parse("Ms=30%").sample(dev, 0, range(2))
    with pytest.raises(ParameterError, match="positive definite"):
        VariationSpec.from_dict({"W": "1n", "L": "1n", "T": "1n",
                                 "correlation": [["W", "L", 0.99], ["L", "T", 0.99], ["W", "T", -0.99]]})
    with pytest.raises(ParameterError, match="'normal' or 'uniform'"):
        Spread("L", 1e-9, distribution="lognormal")

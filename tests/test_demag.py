"""Demagnetizing factors against analytic limits and published values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mtjspice import ParameterError, demag_factors, ellipsoid_factors, elliptic_cylinder_factors


def test_sphere() -> None:
    assert ellipsoid_factors(1.0, 1.0, 1.0) == pytest.approx((1 / 3, 1 / 3, 1 / 3), abs=1e-14)


def test_prolate_spheroid_closed_form() -> None:
    # Osborn (1945): for a prolate spheroid with aspect m = c/a > 1,
    # Nz = (1/(m^2-1)) [ m/sqrt(m^2-1) ln(m + sqrt(m^2-1)) - 1 ].
    for m in (1.5, 3.0, 10.0):
        s = math.sqrt(m * m - 1)
        nz = (m / s * math.log(m + s) - 1) / (m * m - 1)
        nx, _ny, nz_num = ellipsoid_factors(1.0, 1.0, m)
        assert nz_num == pytest.approx(nz, rel=1e-12)
        assert nx == pytest.approx((1 - nz) / 2, rel=1e-12)


def test_limits_long_cylinder_and_thin_film() -> None:
    # Infinitely long elliptic cylinder: Na = b/(a+b), Nb = a/(a+b), Nc = 0.
    nx, ny, nz = ellipsoid_factors(2.0, 1.0, 1e5)
    assert (nx, ny, nz) == pytest.approx((1 / 3, 2 / 3, 0.0), abs=1e-4)
    nx, ny, nz = elliptic_cylinder_factors(2.0, 1.0, 1e5)
    assert (nx, ny, nz) == pytest.approx((1 / 3, 2 / 3, 0.0), abs=1e-4)
    # Thin film: Nz -> 1.
    assert ellipsoid_factors(1.0, 1.0, 1e-5)[2] == pytest.approx(1.0, abs=1e-4)
    assert elliptic_cylinder_factors(1.0, 1.0, 1e-5)[2] == pytest.approx(1.0, abs=1e-4)


def test_sums_to_one() -> None:
    rng = np.random.default_rng(1)
    a, b, c = rng.uniform(0.1, 10.0, (3, 50))
    for f in (ellipsoid_factors, elliptic_cylinder_factors):
        nx, ny, nz = f(a, b, c)
        assert np.allclose(nx + ny + nz, 1.0, atol=1e-12)
        assert np.all((nx > 0) & (ny > 0) & (nz > 0))


def test_published_values() -> None:
    # Circular cylinder with length = diameter: magnetometric N = 0.3116
    # (Chen, Brug & Goldfarb, IEEE Trans. Magn. 27, 3601 (1991), Table).
    nz = elliptic_cylinder_factors(1.0, 1.0, 2.0)[2]
    assert nz == pytest.approx(0.3116, abs=1e-4)
    # Circular cylinder, length/diameter = 0.5: N_m = 0.4745 (same table).
    assert elliptic_cylinder_factors(1.0, 1.0, 1.0)[2] == pytest.approx(0.4745, abs=2e-4)
    # The paper's 10 x 45 x 50 nm ellipsoid (values measured at planning, FINDINGS.md).
    assert demag_factors(45e-9, 10e-9, 50e-9, "ellipsoid") == pytest.approx(
        (0.139741, 0.739569, 0.120690), abs=1e-6
    )


def test_vectorized_equals_scalar() -> None:
    L = np.array([30e-9, 45e-9, 80e-9])
    vec = demag_factors(L, 10e-9, 50e-9, "elliptic_cylinder")
    for i, li in enumerate(L):
        one = demag_factors(float(li), 10e-9, 50e-9, "elliptic_cylinder")
        assert [v[i] for v in vec] == pytest.approx(one, abs=1e-13)


def test_bad_input() -> None:
    with pytest.raises(ParameterError, match="semi-axis a"):
        ellipsoid_factors(-1.0, 1.0, 1.0)
    with pytest.raises(ParameterError, match="geometry.shape"):
        demag_factors(1.0, 1.0, 1.0, "cube")

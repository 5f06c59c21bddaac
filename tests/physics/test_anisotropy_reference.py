"""Interface anisotropy folded into the demagnetizing factors (`physics.llgs.anisotropy_factors`)
against the definition, written here with mu0 written here and never with the code under test:
an interface anisotropy Ki (J/m^2) on a layer of thickness T (m) is a uniaxial energy density Ki / T
along z, whose field 2 Ki / (mu0 Ms T) m_z equals the demagnetizing field -Ms dNz m_z with
dNz = -2 Ki / (mu0 Ms^2 T). The refusal of a Ki that leaves no rest direction is checked on
constructed factors, each side of its relative 1e-9 edge."""

from __future__ import annotations

import numpy as np
import pytest

from mtjspice.errors import ParameterError
from mtjspice.physics.llgs import anisotropy_factors

# mu0 (H/m), CODATA 2018 as the package states it (mtjspice/constants.py). scipy 1.15 carries CODATA
# 2022 (1.25663706127e-6), 6.8e-10 relative away: more than the 1e-9 edges tested below can absorb.
mu_0 = 1.25663706212e-6


def _ki_for_gap(N: np.ndarray, Ms: float, T: float, gap: float) -> float:
    """The Ki (J/m^2) that puts Nz' = min(Nx, Ny) + gap, solved from Nz' = Nz - 2 Ki / (mu0 Ms^2 T)."""
    return float((N[2] - (min(N[0], N[1]) + gap)) * mu_0 * Ms**2 * T / 2.0)


def test_folded_factor_is_the_field_of_Ki_over_T_per_device() -> None:
    # three devices: each its own Ms (A/m), thickness (m) and Ki (J/m^2), one of them with Ki = 0
    N = np.array([[0.14, 0.30, 0.25], [0.74, 0.30, 0.45], [0.12, 0.40, 0.30]])
    N_before = N.copy()
    Ms = np.array([1.0e6, 8.0e5, 1.2e6])
    T = np.array([50e-9, 2e-9, 10e-9])
    Ki = np.array([1.3e-3, 0.0, -0.4e-3])
    out = anisotropy_factors(N, Ms, T, Ki)
    for j in range(3):
        # field of the interface term, from its energy density Ki / T: H_z = 2 (Ki / T) m_z / (mu0 Ms)
        h_per_mz = 2.0 * (Ki[j] / T[j]) / (mu_0 * Ms[j])
        # the same field as a demagnetizing factor: -Ms dNz m_z = H_z
        expect = N[2, j] - h_per_mz / Ms[j]
        # both sides are a few float operations on numbers of order 1: 1e-14 is many rounding units
        assert out[2, j] == pytest.approx(expect, rel=1e-14, abs=1e-15)
    assert np.array_equal(out[:2], N[:2])  # x and y untouched
    assert np.array_equal(N, N_before)  # the input is not written
    assert out[2, 0] < N[2, 0] - 0.04  # the effect is large (dNz = -0.041 for device 0), not a rounding


def test_no_interface_anisotropy_returns_the_same_array() -> None:
    N = np.array([[0.14], [0.74], [0.12]])
    assert anisotropy_factors(N, 1e6, 50e-9, 0.0) is N
    assert anisotropy_factors(N, 1e6, 50e-9, np.zeros(1)) is N


def test_thin_film_given_as_integer_factors() -> None:
    """The infinite film (0, 0, 1), written as integers: K_eff = Ki / T - mu0 Ms^2 / 2, so the folded
    Nz' = 1 - 2 Ki / (mu0 Ms^2 T) is 0.2 at Ki = 0.4 mu0 Ms^2 T, a number an integer array would lose."""
    N = np.array([[0], [0], [1]])
    Ms, T = 1.0e6, 1.5e-9
    ki = 0.4 * mu_0 * Ms**2 * T
    out = anisotropy_factors(N, Ms, T, ki)
    assert out[2, 0] == pytest.approx(0.2, rel=1e-12)
    assert out[0, 0] == 0.0 and out[1, 0] == 0.0


def test_compensated_film_is_refused_with_the_first_bad_devices_value() -> None:
    """Nz' = min(Nx, Ny) leaves no rest direction. Device 0 is a sphere with Ki = 0 (Nz = Nx, but no
    interface term: it is not this check's business); device 1 is fine; device 2 is compensated."""
    N = np.array([[1 / 3, 0.14, 0.30], [1 / 3, 0.74, 0.20], [1 / 3, 0.12, 0.50]])
    Ms = np.array([1e6, 1e6, 8e5])
    T = np.array([50e-9, 50e-9, 3e-9])
    ki2 = _ki_for_gap(N[:, 2], 8e5, 3e-9, 0.0)  # Nz' = Ny = 0.20 (the smaller in-plane factor)
    Ki = np.array([0.0, 1e-4, ki2])
    with pytest.raises(ParameterError) as err:
        anisotropy_factors(N, Ms, T, Ki)
    assert err.value.name == "material.Ki_bottom"
    assert err.value.value == ki2
    assert "an interface anisotropy (Ki_bottom + Ki_top) that does not make z exactly as easy as an in-plane axis " \
           "(Nz - 2 Ki / (mu0 Ms^2 T) = min(Nx, Ny): no defined rest direction)" in str(err.value)
    # the same set without the compensated device passes, the sphere included
    out = anisotropy_factors(N[:, :2], Ms[:2], T[:2], Ki[:2])
    assert out[2, 0] == N[2, 0]


def test_one_device_as_a_vector_is_refused_by_name_too() -> None:
    """One device's factors as a (3,) vector with scalar Ms, T, Ki (as the baked MTJ calls it): the
    refusal names the parameter and its value (it raised IndexError on the 0-d verdict)."""
    N = np.array([0.14, 0.74, 0.12])
    ki = _ki_for_gap(N, 1e6, 50e-9, 0.0)
    with pytest.raises(ParameterError) as err:
        anisotropy_factors(N, 1e6, 50e-9, ki)
    assert err.value.name == "material.Ki_bottom" and err.value.value == ki
    ok = anisotropy_factors(N, 1e6, 50e-9, 1e-4)
    # a few ulps of a factor of order 1 (the mu0 written here and the package's are the same number)
    assert ok.shape == (3,) and abs(ok[2] - (N[2] - 2.0 * 1e-4 / (mu_0 * 1e12 * 50e-9))) <= 1e-15


@pytest.mark.parametrize("smaller", ["x", "y"])
def test_refusal_compares_with_the_easier_in_plane_axis(smaller: str) -> None:
    N = np.array([0.20, 0.35, 0.45]) if smaller == "x" else np.array([0.35, 0.20, 0.45])
    Ms, T = 1e6, 5e-9
    with pytest.raises(ParameterError):
        anisotropy_factors(N[:, None], Ms, T, _ki_for_gap(N, Ms, T, 0.0))
    # Nz' equal to the harder in-plane axis is a defined state (z between the two): accepted
    harder = float(max(N[0], N[1]) - min(N[0], N[1]))
    out = anisotropy_factors(N[:, None], Ms, T, _ki_for_gap(N, Ms, T, harder))
    assert out[2, 0] == pytest.approx(0.35, abs=1e-15)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_refusal_edge_is_1e_9_of_the_devices_largest_factor(sign: float) -> None:
    """The check refuses |Nz' - min(Nx, Ny)| <= 1e-9 max|N| of that device. Gaps of 0.5e-9 and 1.5e-9
    times max|N| sit either side; float error in building them is about 1e-16, far inside the margin."""
    N = np.array([0.14, 0.74, 0.12])
    big = 0.74
    Ms, T = 1e6, 50e-9
    with pytest.raises(ParameterError):
        anisotropy_factors(N[:, None], Ms, T, _ki_for_gap(N, Ms, T, sign * 0.5e-9 * big))
    out = anisotropy_factors(N[:, None], Ms, T, _ki_for_gap(N, Ms, T, sign * 1.5e-9 * big))
    assert out[2, 0] - 0.14 == pytest.approx(sign * 1.5e-9 * big, rel=1e-5)


def test_refusal_edge_is_per_device() -> None:
    """A near-cubic device (largest factor 0.34) next to a thin film (0.98): 1.5e-9 of its own largest
    factor is accepted although it is below 1e-9 of the film's."""
    N = np.array([[0.33, 0.01], [0.33, 0.01], [0.34, 0.98]])
    Ms = np.array([1e6, 1e6])
    T = np.array([30e-9, 2e-9])
    Ki = np.array([_ki_for_gap(N[:, 0], 1e6, 30e-9, 1.5e-9 * 0.34), 1e-5])
    out = anisotropy_factors(N, Ms, T, Ki)
    assert out[2, 0] - 0.33 == pytest.approx(1.5e-9 * 0.34, rel=1e-5)

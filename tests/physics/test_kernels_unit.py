"""The small LLGS-module kernels against their definitions: conductance, bias-dependent TMR, junction
resistance, the effective field's parts one at a time, and the magnetic energy density.

Values are computed by hand in each test; tolerances are rounding (1e-12 relative), or 1e-9 where
mu0 enters (the package uses CODATA 2018, scipy 2022: 7e-10 apart).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import constants as sc

import mtjspice as ms
from mtjspice.physics.llgs import conductance, effective_field, energy_density, junction_resistance, tmr_at_bias


def test_conductance_interpolates_between_parallel_and_antiparallel() -> None:
    G_P, G_AP = 2e-3, 1e-3  # S
    # m.p = +1: G_P; -1: G_AP; 0: the mean; linear in between
    assert conductance(1.0, G_P, G_AP) == pytest.approx(G_P, rel=1e-15)
    assert conductance(-1.0, G_P, G_AP) == pytest.approx(G_AP, rel=1e-15)
    assert conductance(0.0, G_P, G_AP) == pytest.approx(1.5e-3, rel=1e-15)
    assert conductance(np.array([0.5, -0.5]), G_P, G_AP) == pytest.approx([1.75e-3, 1.25e-3], rel=1e-15)


def test_tmr_halves_at_v_half() -> None:
    # TMR(V) = TMR0 / (1 + (V / V_half)^2): half at V = V_half, a fifth at 2 V_half, symmetric in V
    assert tmr_at_bias(1.2, 0.5, 0.5) == pytest.approx(0.6, rel=1e-15)
    assert tmr_at_bias(1.2, -1.0, 0.5) == pytest.approx(0.24, rel=1e-15)
    assert tmr_at_bias(1.2, 0.0, 0.5) == pytest.approx(1.2, rel=1e-15)
    # V_half = 0 means no bias dependence at any voltage
    assert np.asarray(tmr_at_bias(1.2, np.array([0.0, 0.3, 3.0]), 0.0)) == pytest.approx([1.2] * 3, rel=1e-15)
    # per-device arrays broadcast: one with, one without bias dependence
    got = tmr_at_bias(np.array([1.0, 1.0]), np.array([0.2, 0.2]), np.array([0.2, 0.0]))
    assert got == pytest.approx([0.5, 1.0], rel=1e-15)


def test_junction_resistance_of_the_shipped_device(ortho_path) -> None:
    # R_P = RA / (pi W L / 4) = 0.4e-12 / (pi 10e-9 45e-9 / 4) = 1131.8 Ohm; R_AP = 1.57 R_P
    dev = ms.load_device(ortho_path)
    r_p = 0.4e-12 / (math.pi * 10e-9 * 45e-9 / 4)
    assert junction_resistance(dev, 1.0) == pytest.approx(r_p, rel=1e-12)
    assert junction_resistance(dev, -1.0) == pytest.approx(r_p * 1.57, rel=1e-12)
    # at m.p = 0 the conductances average: 1 / R = (1/R_P + 1/R_AP) / 2
    assert junction_resistance(dev, 0.0) == pytest.approx(2.0 / (1 / r_p + 1 / (1.57 * r_p)), rel=1e-12)


def test_effective_field_parts() -> None:
    Ms = 8e5  # A/m
    N = np.array([[0.2], [0.3], [0.5]])
    m = np.array([[0.6], [0.0], [0.8]])
    # demag alone: -Ms N m, component by component
    assert effective_field(m, Ms, N)[:, 0] == pytest.approx([-0.2 * 0.6 * Ms, 0.0, -0.5 * 0.8 * Ms], rel=1e-15)
    # plus an applied field
    H_app = np.array([[1e3], [2e3], [-3e3]])
    got = effective_field(m, Ms, N, H_app)[:, 0]
    assert got == pytest.approx([-0.2 * 0.6 * Ms + 1e3, 2e3, -0.5 * 0.8 * Ms - 3e3], rel=1e-15)
    # uniaxial anisotropy Ku along u: 2 Ku / (mu0 Ms) (m.u) u; here u = z, m.u = 0.8
    Ku = 2e4
    u = np.array([[0.0], [0.0], [1.0]])
    h_k = 2 * Ku / (sc.mu_0 * Ms) * 0.8
    got = effective_field(m, Ms, N, None, Ku, u)[:, 0]
    assert got == pytest.approx([-0.2 * 0.6 * Ms, 0.0, -0.5 * 0.8 * Ms + h_k], rel=1e-9)  # mu0 CODATA 2018 vs 2022
    # an axis needs both Ku and u: either alone adds nothing
    assert effective_field(m, Ms, N, None, Ku, None)[:, 0] == pytest.approx(effective_field(m, Ms, N)[:, 0], rel=0)
    # a tilted axis: the anisotropy field is along u with the projection m.u
    u2 = np.array([[0.6], [0.8], [0.0]])
    got = effective_field(m, Ms, N, None, Ku, u2)[:, 0] - effective_field(m, Ms, N)[:, 0]
    assert got == pytest.approx(2 * Ku / (sc.mu_0 * Ms) * 0.36 * u2[:, 0], rel=1e-9)


def test_energy_density_parts() -> None:
    # demag mu0 Ms^2 (N . m^2) / 2, Zeeman -mu0 Ms m.H, anisotropy -Ku (m.u)^2 (J/m^3)
    Ms = 1e6
    N = np.array([[0.1], [0.7], [0.2]])
    m = np.array([[0.0], [0.6], [0.8]])
    demag = 0.5 * sc.mu_0 * Ms**2 * (0.7 * 0.36 + 0.2 * 0.64)
    assert float(energy_density(m, Ms, N)[0]) == pytest.approx(demag, rel=1e-9)
    H = np.array([[5e3], [1e4], [0.0]])
    assert float(energy_density(m, Ms, N, H)[0]) == pytest.approx(demag - sc.mu_0 * Ms * 6e3, rel=1e-9)
    u = np.array([[0.0], [0.0], [1.0]])
    got = float(energy_density(m, Ms, N, None, 3e4, u)[0])
    assert got == pytest.approx(demag - 3e4 * 0.64, rel=1e-9)
    # either of Ku and u alone adds nothing
    assert float(energy_density(m, Ms, N, None, 3e4, None)[0]) == pytest.approx(demag, rel=1e-9)
    # per device: two devices, each its own state, field and axis projection
    m2 = np.array([[0.0, 1.0], [0.6, 0.0], [0.8, 0.0]])
    H2 = np.array([[5e3, 2e3], [1e4, 0.0], [0.0, 0.0]])
    u2 = np.array([[0.0], [0.0], [1.0]])
    got2 = energy_density(m2, Ms, N, H2, 3e4, u2)
    assert got2[0] == pytest.approx(demag - sc.mu_0 * Ms * 6e3 - 3e4 * 0.64, rel=1e-9)
    assert got2[1] == pytest.approx(0.5 * sc.mu_0 * Ms**2 * 0.1 - sc.mu_0 * Ms * 2e3, rel=1e-9)
    # the field is minus the gradient of the energy over mu0 Ms: check by central differences
    # (step 1e-6: truncation error of order 1e-12 relative)
    m0 = np.array([[0.3], [0.4], [0.866]])
    Hd = effective_field(m0, Ms, N, H, 3e4, u)[:, 0]
    for i in range(3):
        dm = np.zeros((3, 1))
        dm[i] = 1e-6
        grad = (energy_density(m0 + dm, Ms, N, H, 3e4, u) - energy_density(m0 - dm, Ms, N, H, 3e4, u))[0] / 2e-6
        assert -grad / (sc.mu_0 * Ms) == pytest.approx(Hd[i], rel=1e-7, abs=1e-4)

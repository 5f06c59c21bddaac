"""The rest state (minimum of the anisotropy energy) and the initial magnetization built from it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.constants import MU0
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.llgs import effective_field, energy_density
from mtjspice.physics.rest import device_rest, initial_magnetization, rest_direction, tilt

MS = 1e6


def sphere(n: int = 200_000) -> np.ndarray:
    """A Fibonacci grid of n unit vectors, shape (3, n); neighbours about 3.5 / sqrt(n) rad apart."""
    k = np.arange(n) + 0.5
    z = 1 - 2 * k / n
    phi = math.pi * (1 + math.sqrt(5)) * k
    s = np.sqrt(1 - z * z)
    return np.stack([s * np.cos(phi), s * np.sin(phi), z])


def test_diagonal_tensor_rest_is_the_axis_of_smallest_N_exactly() -> None:
    rng = np.random.default_rng(1)
    N = rng.dirichlet([1, 1, 1], size=200).T  # (3, 200), each column sums to 1
    r = rest_direction(N, MS)
    expected = np.zeros_like(N)
    expected[np.argmin(N, axis=0), np.arange(N.shape[1])] = 1.0
    assert np.array_equal(r, expected)


def test_ties_prefer_z_then_x_then_y() -> None:
    third = 1 / 3
    N = np.array([[third, 0.2, 0.2, 0.4], [third, 0.6, 0.2, 0.4], [third, 0.2, 0.6, 0.2]])
    r = rest_direction(N, MS)
    assert np.array_equal(r[:, 0], [0, 0, 1])  # sphere: +z
    assert np.array_equal(r[:, 1], [0, 0, 1])  # Nx = Nz < Ny: +z
    assert np.array_equal(r[:, 2], [1, 0, 0])  # Nx = Ny < Nz (easy plane xy): +x
    assert np.array_equal(r[:, 3], [0, 0, 1])


def test_hard_axis_field_tilts_as_stoner_wohlfarth() -> None:
    # z easy, field H along x: m_x = H / (Ms (Nx - Nz)) below the anisotropy field, +x above it.
    N = np.array([[0.3], [0.5], [0.2]])
    hk = MS * (0.3 - 0.2)
    for frac in (0.0, 0.25, 0.7, 1.5):
        r = rest_direction(N, MS, H=np.array([frac * hk, 0.0, 0.0]))
        mx = min(frac, 1.0)
        # the secular root is bisected to rounding; m depends on it like a square root near the
        # anisotropy field, so 1e-9 rather than 1e-15
        assert r[:, 0] == pytest.approx([mx, 0.0, math.sqrt(1 - mx * mx)], abs=1e-9)


def test_field_against_the_easy_axis_reverses_the_global_minimum() -> None:
    N = np.array([[0.3], [0.5], [0.2]])
    r = rest_direction(N, MS, H=np.array([0.0, 0.0, -1e3]))
    assert r[:, 0] == pytest.approx([0.0, 0.0, -1.0], abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_minimum_against_brute_force_over_the_sphere(seed: int) -> None:
    rng = np.random.default_rng(seed)
    N = rng.dirichlet([1, 1, 1])[:, None]
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    Ku = rng.uniform(-3e5, 3e5)
    H = rng.normal(size=3) * rng.choice([0.0, 2e4, 2e5])
    r = rest_direction(N, MS, H=H, Ku=Ku, u=axis)
    grid = sphere()
    e = energy_density(grid, MS, N, H[:, None], Ku, axis[:, None])
    e_r = float(energy_density(r, MS, N, H[:, None], Ku, axis[:, None])[0])
    scale = 0.5 * MU0 * MS**2
    assert e_r <= float(e.min()) + 1e-12 * scale  # no grid point lies lower
    # and the minimum is stationary: no torque, m parallel to its effective field
    Heff = effective_field(r, MS, N, H[:, None], Ku, axis[:, None])
    assert np.linalg.norm(np.cross(r[:, 0], Heff[:, 0])) < 1e-9 * np.linalg.norm(Heff[:, 0])
    # the grid's own minimum is next to it (up to the grid spacing), unless two minima tie
    best = grid[:, int(np.argmin(e))]
    second = e[np.sum(grid * best[:, None], axis=0) < 0.9]
    if second.size == 0 or second.min() - e.min() > 1e-4 * scale:
        assert np.linalg.norm(best - r[:, 0]) < 0.02


def test_tilt_is_exact_for_plus_z_and_keeps_the_angle() -> None:
    z = np.array([[0.0], [0.0], [1.0]])
    for t in (0.0, 0.05, -0.3, 2.0, 4.0):
        m = tilt(z, t)[:, 0]
        assert tuple(m) == (math.sin(t), 0.0, math.cos(t))
    rng = np.random.default_rng(3)
    r = rng.normal(size=(3, 50))
    r /= np.linalg.norm(r, axis=0)
    th = rng.uniform(0, math.pi, 50)
    m = tilt(r, th)
    assert np.allclose(np.linalg.norm(m, axis=0), 1.0, atol=1e-15)
    # arccos near 0 and pi loses half the digits: an angle from a dot product is good to sqrt(1e-16) ~ 1e-8
    assert np.allclose(np.arccos(np.clip(np.sum(m * r, axis=0), -1, 1)), th, atol=1e-7)
    assert np.array_equal(tilt(np.array([[1.0], [0.0], [0.0]]), 0.1)[:, 0], [math.cos(0.1), 0.0, math.sin(0.1)])


def test_shipped_devices_start_exactly_where_they_did(ortho_path, parallel_path) -> None:
    for path in (ortho_path, parallel_path):
        dev = ms.load_device(path)
        t = dev.initial.theta0
        old = (math.sin(t), 0.0, math.cos(t))
        assert device_rest(dev) == (0.0, 0.0, 1.0)
        assert initial_magnetization(dev) == old
        assert np.array_equal(DeviceBatch.from_device(dev, n=3).m0, np.tile(np.array(old)[:, None], (1, 3)))
        assert np.array_equal(DeviceBatch.from_devices([dev, dev]).m0[:, 1], old)


def test_each_geometry_of_a_batch_starts_at_its_own_rest(ortho_path) -> None:
    dev = ms.load_device(ortho_path)
    T = np.array([50e-9, 20e-9])  # Nz < Nx, then Nz > Nx: the rest state leaves z for x
    b = DeviceBatch.from_device(dev, T=T)
    assert b.N[2, 1] > b.N[0, 1]
    assert np.array_equal(b.m0, [[0.0, 1.0], [0.0, 0.0], [1.0, 0.0]])
    traj = ms.simulate(b, 0.0, 2e-9, 0.1e-9, rtol=1e-10)  # a rest state does not move
    assert np.max(np.abs(traj.m - b.m0.T[None])) < 1e-12
    # theta0 tilts from each device's own rest direction
    tilted = DeviceBatch.from_device(dev, T=T, theta0=0.2)
    assert np.allclose(np.sum(tilted.m0 * b.m0, axis=0), math.cos(0.2), atol=1e-15)
    with pytest.raises(ms.ParameterError, match="theta0"):
        DeviceBatch.from_device(dev, theta0=0.1, m0=[1, 0, 0])


@dataclass(frozen=True)
class _InitialWithM0:
    """What ``params.Initial`` looks like once it has an optional explicit ``m0`` field."""

    theta0: float = 0.0
    m0: tuple[float, float, float] | None = None


def test_explicit_initial_m0_wins(ortho_path) -> None:
    dev = ms.load_device(ortho_path)
    given = dev.replace(initial=_InitialWithM0(theta0=0.3, m0=(1.0, 1.0, 0.0)))
    s = math.sqrt(0.5)
    assert initial_magnetization(given) == pytest.approx((s, s, 0.0), abs=1e-15)
    assert DeviceBatch.from_devices(given).m0[:, 0] == pytest.approx([s, s, 0.0], abs=1e-15)
    assert DeviceBatch.from_device(given, n=2, T=[50e-9, 20e-9]).m0[:, 1] == pytest.approx([s, s, 0.0], abs=1e-15)
    # without m0 the same class gives the rest construction
    plain = dev.replace(initial=_InitialWithM0(theta0=0.3))
    assert initial_magnetization(plain) == (math.sin(0.3), 0.0, math.cos(0.3))
    # an explicit theta0 override replaces the explicit m0 by the rest construction
    assert DeviceBatch.from_device(given, theta0=0.0).m0[:, 0] == pytest.approx([0.0, 0.0, 1.0])

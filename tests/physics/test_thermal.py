"""Thermal mode: equilibrium statistics against equipartition and the exact Boltzmann average."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import boltzmann_averages, energy_kt

import mtjspice as ms
from mtjspice.constants import KB, MU0
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.devicedemag import device_demag


def run_ensemble(dev: ms.Device, temperature: float, seed: int = 7):
    n = 1500
    batch = DeviceBatch.from_device(dev, n=n, temperature=temperature)
    traj = ms.simulate_thermal(batch, 0.0, 12e-9, 0.5e-9, dt=0.5e-12, seed=seed)
    keep = traj.t >= 4e-9  # several relaxation times (about 1.5 ns) to equilibrate
    return traj, keep


# Tolerance of the ensemble averages below: 1500 devices, 17 samples each over 8 ns whose correlation
# time is about the 1.5 ns relaxation time, so about 4 independent samples per device; a mean square
# of a near-Gaussian component then has a relative standard error sqrt(2 / 6000) ~ 1.8 %, and the
# stochastic Heun step (0.5 ps against rates of about 1e11 1/s) biases it by well under 1 %: 5 %.


@pytest.mark.slow
def test_equipartition_small_angle(ortho_path) -> None:
    # At 30 K the fluctuations are small, so the quadratic (equipartition) result holds.
    dev = ms.load_device(ortho_path)
    T = 30.0
    traj, keep = run_ensemble(dev, T)
    nx, ny, nz = device_demag(dev)
    Ms, V = dev.material.Ms, dev.geometry.volume
    mx2 = KB * T / (MU0 * Ms**2 * V * (nx - nz))
    my2 = KB * T / (MU0 * Ms**2 * V * (ny - nz))
    assert np.mean(traj.mx[keep] ** 2) == pytest.approx(mx2, rel=0.05)
    assert np.mean(traj.my[keep] ** 2) == pytest.approx(my2, rel=0.05)
    energy = energy_kt(dev, traj.m[keep], T) * KB * T
    assert np.mean(energy) == pytest.approx(KB * T, rel=0.05)  # two quadratic modes: kT


@pytest.mark.slow
def test_room_temperature_matches_boltzmann(ortho_path) -> None:
    # At 300 K the low-barrier pillar's x fluctuations are not small (rms about 0.2): compare with
    # the exact Boltzmann distribution instead.
    dev = ms.load_device(ortho_path)
    T = 300.0
    traj, keep = run_ensemble(dev, T, seed=11)
    mx2, my2, _, e_kt = boltzmann_averages(dev, T)
    e_mean = e_kt * KB * T
    assert np.mean(traj.mx[keep] ** 2) == pytest.approx(mx2, rel=0.05)
    assert np.mean(traj.my[keep] ** 2) == pytest.approx(my2, rel=0.05)
    energy = energy_kt(dev, traj.m[keep], T) * KB * T
    assert np.mean(energy) == pytest.approx(e_mean, rel=0.05)


def test_seed_reproducible_and_zero_temperature(ortho_path) -> None:
    dev = ms.load_device(ortho_path)
    a = ms.simulate_thermal(dev, 0.3e-3, 0.2e-9, 10e-12, seed=3)
    b = ms.simulate_thermal(dev, 0.3e-3, 0.2e-9, 10e-12, seed=3)
    c = ms.simulate_thermal(dev, 0.3e-3, 0.2e-9, 10e-12, seed=4)
    assert np.array_equal(a.m, b.m)
    assert not np.array_equal(a.m, c.m)
    # At 0 K the Heun scheme is a deterministic 2nd-order method: it follows simulate() closely.
    cold = ms.simulate_thermal(dev, 0.3e-3, 0.4e-9, 10e-12, dt=2e-14, temperature=0.0)
    det = ms.simulate(dev, 0.3e-3, 0.4e-9, 10e-12, rtol=1e-10)
    assert np.max(np.abs(cold.m - det.m)) < 1e-5


def test_thermal_cost_guards(ortho_path, monkeypatch) -> None:
    """How soon the timeout stops the run is measured by benchmarks/bench_guards.py, not asserted here."""
    from mtjspice import budget
    from mtjspice.errors import CostError, CostWarning, RunTimeoutError

    dev = ms.load_device(ortho_path)
    # 1 ms at the default 0.1 ps step is 1e10 steps: refused before it starts, naming dt
    with pytest.raises(CostError, match=r"^dt: got 1e-13; allowed: at most 5e\+07 thermal steps"):
        ms.simulate_thermal(dev, 0.0, 1e-3, 1e-9)
    # a step that cannot follow the spin torque is refused, naming the current
    with pytest.raises(ms.ParameterError, match=r"^current: got 1e\+300"):
        ms.simulate_thermal(dev, 1e300, 1e-9, 1e-11)
    with pytest.raises(ms.ParameterError, match=r"^dt: got 1e-11"):
        ms.simulate_thermal(dev, 0.0, 1e-9, 1e-10, dt=1e-11)  # 1e-11 s x 1.6e11 1/s > 1
    with pytest.raises(RunTimeoutError, match="simulate_thermal: stopped after timeout = 0.2 s"), \
            pytest.warns(CostWarning, match=r"1e\+07 steps x 1 devices\) is estimated to take about [0-9.]+ min"):
        ms.simulate_thermal(dev, 0.0, 1e-6, 1e-10, timeout=0.2)
    # the run-time estimate warns above budget.SLOW_SECONDS (lowered here to see it)
    monkeypatch.setattr(budget, "SLOW_SECONDS", 1e-6)
    with pytest.warns(CostWarning, match=r"simulate_thermal \(100 steps x 1 devices\) is estimated"):
        ms.simulate_thermal(dev, 0.0, 1e-11, 1e-11)

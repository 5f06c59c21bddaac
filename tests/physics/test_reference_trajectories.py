"""The macrospin integrators against trajectories stored before the solver's inner loop was rewritten
(issue #29): the same devices, drives and settings must give the same m, voltage and resistance.

The reference files in tests/data/traj_*.csv were written by the solver as it was on main at commit
56a709f (``python tests/physics/test_reference_trajectories.py --write``); rewriting them with a changed
solver would defeat the test. Each file has one row per output time: t (s), then per device
m_x, m_y, m_z (-), voltage (V), resistance (Ohm).

Tolerances: the fixed-step and thermal runs take the same steps, so they agree to rounding (1e-9
relative on m, amplified over thousands of steps); the adaptive runs may take a step or two
differently where the error test sits on its threshold, so they agree within the solver's own
accuracy at that rtol (about 1e4 rtol on m, see :mod:`mtjspice.physics.solver`).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.drive import CurrentDrive, DividerDrive
from mtjspice.physics.solver import Trajectory, simulate, simulate_thermal
from mtjspice.stimulus import DC, PWL, Pulse, square_pulse

DATA = Path(__file__).resolve().parents[1] / "data"


def _orth4() -> DeviceBatch:
    return DeviceBatch.from_device(ms.load_device("orthogonal"), n=4)


def _mixed() -> DeviceBatch:
    """Three varied devices: bias-dependent TMR, an applied field and an extra anisotropy."""
    return DeviceBatch.from_device(ms.load_device("orthogonal"), n=3, L=np.array([44e-9, 45e-9, 45.5e-9]),
                                   V_half=np.array([0.0, 0.5, 0.8]), Ku=np.array([0.0, 1e3, 2e3]),
                                   H=np.array([[0.0, 0.0, 0.0], [1e3, 0.0, 0.0], [0.0, 0.0, -2e3]]).T)


def case_adaptive_pulse() -> Trajectory:
    wave = square_pulse(np.array([-0.9e-3, 0.3e-3, 0.7e-3, 1.5e-3]), 5e-9, edge=1e-12)
    return simulate(_orth4(), wave, 10e-9, 50e-12, rtol=1e-8, breakdown="ignore")


def case_adaptive_divider() -> Trajectory:
    drive = DividerDrive(Pulse(0.0, np.array([0.4, 0.6, -0.5]), delay=0.5e-9, rise=50e-12, fall=50e-12, width=3e-9),
                         r_ref=np.array([300.0, 500.0, 800.0]))
    return simulate(_mixed(), drive, 6e-9, 20e-12, rtol=1e-9, breakdown="ignore")


def case_adaptive_parallel() -> Trajectory:
    dev = ms.load_device("parallel")
    wave = PWL(np.array([0.0, 1e-9, 1.05e-9, 4e-9, 4.05e-9]),
               np.array([[0.0, 0.0], [0.0, 0.0], [2e-3, -2e-3], [2e-3, -2e-3], [0.0, 0.0]]))
    return simulate(DeviceBatch.from_device(dev, n=2), CurrentDrive(wave), 8e-9, 40e-12, rtol=1e-8,
                    breakdown="ignore")


def case_fixed_pwl() -> Trajectory:
    times = np.arange(0, 4.001e-9, 10e-12)
    vals = 0.62e-3 * np.sin(2e9 * times)[:, None] * np.array([1.0, 0.5, -1.2, 0.9])[None, :]
    return simulate(_orth4(), PWL(times, vals), 4e-9, 10e-12, fixed_step=5e-12, breakdown="ignore")


def case_fixed_mixed_dc() -> Trajectory:
    return simulate(_mixed(), DC(np.array([0.7e-3, -0.5e-3, 0.9e-3])), 3e-9, 10e-12, fixed_step=4e-12,
                    breakdown="ignore")


def case_thermal() -> Trajectory:
    wave = square_pulse(np.array([0.0, 0.5e-3, 0.7e-3, -0.7e-3]), 1e-9, edge=20e-12, delay=0.2e-9)
    return simulate_thermal(_orth4(), wave, 2e-9, 10e-12, dt=2e-12, seed=7, temperature=300.0,
                            breakdown="ignore")


def case_thermal_divider() -> Trajectory:
    drive = DividerDrive(DC(np.array([0.5, -0.4, 0.6])), r_ref=400.0)
    return simulate_thermal(_mixed(), drive, 1e-9, 20e-12, dt=1e-12, seed=3, breakdown="ignore")


#: name -> (run, relative tolerance on m, on voltage and resistance)
CASES: dict[str, tuple[Callable[[], Trajectory], float]] = {
    "adaptive_pulse": (case_adaptive_pulse, 1e4 * 1e-8),
    "adaptive_divider": (case_adaptive_divider, 1e4 * 1e-9),
    "adaptive_parallel": (case_adaptive_parallel, 1e4 * 1e-8),
    "fixed_pwl": (case_fixed_pwl, 1e-9),
    "fixed_mixed_dc": (case_fixed_mixed_dc, 1e-9),
    "thermal": (case_thermal, 1e-9),
    "thermal_divider": (case_thermal_divider, 1e-9),
}


def _table(tr: Trajectory) -> np.ndarray:
    cols = [tr.t[:, None]]
    for j in range(tr.n):
        cols += [tr.m[:, j, :], tr.voltage[:, j:j + 1], tr.resistance[:, j:j + 1]]
    return np.hstack(cols)


def _write() -> None:
    for name, (run, _) in CASES.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ms.BreakdownWarning)
            tr = run()
        header = "t_s," + ",".join(f"mx{j},my{j},mz{j},V{j}_V,R{j}_Ohm" for j in range(tr.n))
        np.savetxt(DATA / f"traj_{name}.csv", _table(tr), delimiter=",", fmt="%.17g", header=header)
        print(name, tr.t.size, "samples", tr.n, "devices", tr.steps, "steps")


@pytest.mark.parametrize("name", list(CASES))
def test_trajectories_match_the_stored_ones(name: str) -> None:
    run, tol = CASES[name]
    ref = np.loadtxt(DATA / f"traj_{name}.csv", delimiter=",")
    got = _table(run())
    assert got.shape == ref.shape
    assert np.array_equal(got[:, 0], ref[:, 0])
    n = (ref.shape[1] - 1) // 5
    per = got[:, 1:].reshape(-1, n, 5), ref[:, 1:].reshape(-1, n, 5)
    # m: absolute (unit vectors); voltage and resistance: relative to their scale
    np.testing.assert_allclose(per[0][..., :3], per[1][..., :3], rtol=0, atol=tol)
    for q in (3, 4):
        scale = np.max(np.abs(per[1][..., q]))
        np.testing.assert_allclose(per[0][..., q], per[1][..., q], rtol=0, atol=tol * scale)


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        _write()

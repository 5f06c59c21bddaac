"""The solver's step objects: fixed-step results independent of the batch, bit for bit; GridStepper
segment by segment as the solver calls it replaces; the torque's drive paths against the field
kernels of mtjspice.physics.llgs."""

from __future__ import annotations

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.drive import CurrentDrive, DividerDrive
from mtjspice.physics.llgs import effective_field, llgs_rhs
from mtjspice.physics.solver import simulate, simulate_thermal
from mtjspice.physics.stepper import GridStepper
from mtjspice.physics.trajectory import System
from mtjspice.stimulus import DC, PWL, Pulse


def _varied(n: int) -> DeviceBatch:
    dev = ms.load_device("orthogonal")
    rng = np.random.default_rng(4)
    return DeviceBatch.from_device(dev, n=n, L=45e-9 + rng.uniform(-1e-9, 1e-9, n), Ms=1e6 * rng.uniform(0.97, 1.03, n))


def test_fixed_step_results_do_not_depend_on_the_batch() -> None:
    batch = _varied(7)
    cur = np.linspace(-0.9e-3, 0.9e-3, 7)
    wave = PWL(np.array([0.0, 0.3e-9, 0.32e-9, 1.5e-9]), np.outer([0.0, 0.0, 1.0, 0.4], cur))
    whole = simulate(batch, wave, 1.5e-9, 10e-12, fixed_step=4e-12, breakdown="ignore")
    for part in (np.arange(3), np.arange(3, 7), np.array([5])):
        sub = PWL(wave.times, wave.values[:, part])
        got = simulate(batch.subset(part), sub, 1.5e-9, 10e-12, fixed_step=4e-12, breakdown="ignore")
        assert np.array_equal(got.m, whole.m[:, part])
        assert np.array_equal(got.voltage, whole.voltage[:, part])


@pytest.mark.parametrize("temperature", [0.0, 300.0])
def test_grid_stepper_integrates_each_segment_as_a_solver_call_would(temperature: float) -> None:
    batch = _varied(4)
    dt, per = 10e-12, 50
    rng = np.random.default_rng(3)
    segments = [np.outer(np.linspace(0.2, 1.0, per + 1), rng.uniform(-1e-3, 1e-3, 4)) for _ in range(3)]
    stepper = GridStepper(batch, batch.m0, step=5e-12, temperature=temperature, thermal_step=2e-12,
                          rng=np.random.default_rng(11))
    gen = np.random.default_rng(11)
    m = batch.m0.copy()
    for cur in segments:
        mp = stepper.advance(cur, dt)
        wave = PWL(dt * np.arange(per + 1), cur)
        if temperature > 0:
            tr = simulate_thermal(batch, wave, per * dt, dt, dt=2e-12, seed=gen, temperature=temperature, m0=m,
                                  breakdown="ignore")
        else:
            tr = simulate(batch, wave, per * dt, dt, m0=m, fixed_step=5e-12, breakdown="ignore")
        m = tr.m[-1].T.copy()
        # the solver normalizes m0 again at each call: the two differ by rounding only
        np.testing.assert_allclose(mp, np.einsum("knc,cn->kn", tr.m, batch.p), rtol=0, atol=1e-12)
        np.testing.assert_allclose(stepper.m, m, rtol=0, atol=1e-12)


@pytest.mark.parametrize("drive", [
    CurrentDrive(DC(np.array([0.5e-3, -0.7e-3, 1e-3]))),
    CurrentDrive(Pulse(0.1e-3, np.array([0.5e-3, -0.7e-3, 1e-3]), delay=1e-10, rise=1e-10, fall=1e-10, width=2e-10)),
    CurrentDrive(PWL(np.array([0.0, 1e-10, 3e-10]), np.array([0.0, 0.8e-3, -0.4e-3]))),
    DividerDrive(DC(0.5), r_ref=np.array([100.0, 300.0, 600.0])),
])
def test_the_lean_right_hand_side_is_the_kernels(drive: CurrentDrive | DividerDrive) -> None:
    """System.rhs (pre-scaled constants, skipped products, a drive read per segment) against
    effective_field + llgs_rhs at times inside and at the ends of the drive's segments."""
    dev = ms.load_device("orthogonal")
    batch = DeviceBatch.from_device(dev, n=3, Ku=np.array([0.0, 2e3, 1e3]), V_half=np.array([0.0, 0.0, 0.5]),
                                    H=np.array([[0.0, 0.0, 0.0], [5e2, 0.0, 0.0], [0.0, 1e3, 0.0]]).T,
                                    p=np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.6, 0.8]]).T)
    sys = System(batch, drive)
    rng = np.random.default_rng(0)
    for t in (0.0, 0.5e-10, 1e-10, 1.7e-10, 3e-10, 4e-10):
        m = rng.normal(size=(3, 3))
        m /= np.linalg.norm(m, axis=0)
        mp = np.sum(m * batch.p, axis=0)
        current = drive.operating_point(batch, t, mp)[0]
        H = effective_field(m, batch.Ms, batch.N, batch.H, batch.Ku, batch.u)
        want = llgs_rhs(m, H, batch.aj_per_amp * current, batch.p, batch.alpha, batch.gamma_prime)
        np.testing.assert_allclose(sys(t, m), want, rtol=1e-12, atol=1e-12 * np.max(np.abs(want)))


def test_a_tabulated_pwl_drive_gives_the_per_segment_torques_bit_for_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    """System tabulates a small PWL's torque coefficients when the drive is set; a large one is
    scaled segment by segment. Both give the same right-hand side, bit for bit."""
    import mtjspice.physics.trajectory as trajectory

    dev = ms.load_device("orthogonal")
    batch = DeviceBatch.from_device(dev, n=5, xi=np.array([0.0, 0.3, -0.2, 0.1, 0.0]))  # a1 = alpha_b a2
    rng = np.random.default_rng(7)
    times = 1e-11 * np.arange(6)
    drives = [CurrentDrive(PWL(times, rng.uniform(-1e-3, 1e-3, (6, 5)))), CurrentDrive(PWL(times, rng.uniform(-1e-3, 1e-3, 6)))]
    m = rng.normal(size=(3, 5))
    m /= np.linalg.norm(m, axis=0)
    for drive in drives:
        tabulated = System(batch, drive)
        monkeypatch.setattr(trajectory, "_TABLE_SIZE", 0)
        lazy = System(batch, drive)
        monkeypatch.undo()
        assert tabulated._table is not None and lazy._table is None
        for t in (-1e-12, 0.0, 0.3e-11, 1e-11, 2.7e-11, 5e-11, 6e-11):
            assert np.array_equal(tabulated(t, m), lazy(t, m))

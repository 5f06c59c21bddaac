"""Joule heating in the one stepper (issue #26): the network's GridStepper carries the junction
temperature as the solvers do (the same DormandPrince / Heun objects over the heated state), the
RC node's step response through it, and a batch without heating stepped as before."""

from __future__ import annotations

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.heated import HeatedSystem, make_system
from mtjspice.physics.heating import heating_step
from mtjspice.physics.stepper import GridStepper
from mtjspice.physics.trajectory import System

R_TH, TAU, TC = 2e5, 0.5e-9, 1100.0  # K/W, s, K


def _heated(**extra: float) -> ms.Device:
    return ms.load_device("orthogonal").replace(**{"junction.thermal_resistance": R_TH,
                                                   "junction.thermal_time_constant": TAU,
                                                   "material.curie_temperature": TC, **extra})


def test_only_a_heating_batch_gets_the_heated_system() -> None:
    cold = DeviceBatch.from_devices(ms.load_device("orthogonal"))
    hot = DeviceBatch.from_devices(_heated())
    assert type(make_system(cold, ms.physics.drive.as_drive(1e-4))) is System
    assert isinstance(make_system(hot, ms.physics.drive.as_drive(1e-4)), HeatedSystem)
    st = GridStepper(cold, cold.m0.copy(), step=5e-12)
    st.advance(np.full((11, 1), 0.5e-3), 10e-12)
    assert st.junction_temperature is None and st.sample_temperature is None


@pytest.mark.slow
def test_heated_grid_stepper_is_the_heated_fixed_step_solver_bit_for_bit() -> None:
    """One segment of the network's stepper is simulate(fixed_step) of a heated device, bit for bit (the
    same Dormand-Prince object over the same heated right-hand side), V_half on; and heating moves m."""
    dev = _heated(**{"junction.V_half": 0.5})
    step, dt, k = 5e-12, 10e-12, 301
    current = np.full((k, 1), 0.6e-3)
    batch = DeviceBatch.from_devices(dev)
    st = GridStepper(batch, batch.m0.copy(), step=step)
    got = st.advance(current, dt)
    ref = ms.simulate(dev, ms.PWL(dt * np.arange(k), current[:, 0]), dt * (k - 1), dt, fixed_step=step)
    assert ref.temperature is not None and st.sample_temperature is not None
    assert np.array_equal(got[:, 0], ref.my[:, 0])
    assert np.array_equal(st.sample_temperature[:, 0], ref.temperature[:, 0])
    assert st.junction_temperature is not None and st.junction_temperature[0] == ref.temperature[-1, 0]
    assert ref.temperature[-1, 0] - 300.0 > 50.0  # a real warming (85 K in 3 ns here)
    plain = DeviceBatch.from_devices(ms.load_device("orthogonal").replace(**{"junction.V_half": 0.5}))
    cold = GridStepper(plain, plain.m0.copy(), step=step).advance(current, dt)
    assert np.abs(cold - got).max() > 1e-2  # Ms(T) and a_J / s move m.p by far more than rounding


def test_heated_grid_stepper_carries_the_temperature_across_segments() -> None:
    """Three segments of one drive against one solver run over the whole drive: the temperature (and m)
    go on from where the last segment left them. The only difference is where t restarts (the PWL
    sampled at t - t0 instead of t): rounding (measured 7e-13 K and 2e-13 in m.p), so 1e-10 K and 1e-11."""
    dev = _heated()
    batch = DeviceBatch.from_device(dev, n=2)
    dt, per = 10e-12, 80
    knots = np.array([[0.5e-3, -0.4e-3], [0.2e-3, 0.6e-3], [-0.6e-3, 0.0], [0.3e-3, 0.1e-3]])
    grid = np.arange(3 * per + 1) / per  # in segments
    cur = np.column_stack([np.interp(grid, np.arange(4), knots[:, j]) for j in range(2)])
    st = GridStepper(batch, batch.m0.copy(), step=5e-12)
    mps, temps = [np.sum(batch.m0 * batch.p, axis=0)], [np.full(2, 300.0)]
    for i in range(3):
        mp = st.advance(cur[i * per:(i + 1) * per + 1], dt)
        assert st.sample_temperature is not None
        mps.extend(mp[1:])
        temps.extend(st.sample_temperature[1:])
    ref = ms.simulate(batch, ms.PWL(dt * np.arange(cur.shape[0]), cur), dt * per * 3, dt, fixed_step=5e-12,
                      breakdown="ignore")
    assert ref.temperature is not None
    np.testing.assert_allclose(np.array(temps), ref.temperature, rtol=0, atol=1e-10)
    np.testing.assert_allclose(np.array(mps), np.einsum("knc,cn->kn", ref.m, batch.p), rtol=0, atol=1e-11)
    assert np.ptp(ref.temperature[:, 0]) > 20.0


def test_the_network_stepper_follows_the_rc_step_response() -> None:
    """TMR = 0, so the power I^2 R_P is constant: the junction temperature through GridStepper's segments
    is T_amb + R_th P (1 - exp(-t / tau)). Dormand-Prince at tau / 100 errs by about (h / tau)^5 = 1e-10
    of the rise at most (measured 8e-14): 1e-10 relative."""
    dev = _heated(**{"junction.TMR": 0.0})
    batch = DeviceBatch.from_devices(dev)
    i, dt, per = 0.4e-3, 10e-12, 100
    st = GridStepper(batch, batch.m0.copy(), step=5e-12)
    got = [np.array([300.0])]
    for _ in range(4):
        st.advance(np.full((per + 1, 1), i), dt)
        assert st.sample_temperature is not None
        got.append(st.sample_temperature[1:, 0])
    temp = np.concatenate(got)
    t = dt * np.arange(temp.size)
    power = i * i / float(batch.G_P[0])
    want = 300.0 + heating_step(t, power, R_TH, TAU)
    np.testing.assert_allclose(temp, want, rtol=1e-10, atol=0)
    assert want[-1] - 300.0 > 0.99 * R_TH * power  # four tau: settled within 2 %
    assert R_TH * power > 20.0


def test_heated_grid_stepper_at_300K_is_the_heated_thermal_solver() -> None:
    """With Brown's field: one segment of the stepper against simulate_thermal on the same noise stream
    (the same Heun object over the heated state, at the same times): bit for bit."""
    dev = _heated()
    batch = DeviceBatch.from_device(dev, n=3)
    dt, k = 10e-12, 101
    current = np.tile(np.array([0.5e-3, -0.5e-3, 0.2e-3]), (k, 1))
    st = GridStepper(batch, batch.m0.copy(), step=5e-12, temperature=300.0, thermal_step=2e-12,
                     rng=np.random.default_rng(7))
    got = st.advance(current, dt)
    ref = ms.simulate_thermal(batch, ms.PWL(dt * np.arange(k), current), dt * (k - 1), dt, dt=2e-12,
                              seed=np.random.default_rng(7), temperature=300.0)
    assert ref.temperature is not None and st.sample_temperature is not None
    assert np.array_equal(got, np.einsum("knc,cn->kn", ref.m, batch.p))
    assert np.array_equal(st.sample_temperature, ref.temperature)
    assert np.ptp(ref.temperature) > 1.0
    # the noise is on: the three devices' m differ from the noiseless run
    quiet = GridStepper(batch, batch.m0.copy(), step=5e-12).advance(current, dt)
    assert np.abs(quiet - got).max() > 1e-3


@pytest.mark.parametrize("temperature", [0.0, 300.0])
def test_a_batch_without_heating_keeps_its_five_row_state(temperature: float) -> None:
    """Heating off: the stepper's state is m alone, (5, n), as before the heated rows existed."""
    batch = DeviceBatch.from_device(ms.load_device("orthogonal"), n=2)
    st = GridStepper(batch, batch.m0.copy(), step=5e-12, temperature=temperature)
    assert st.m5.shape == (5, 2) and st.m is not None and np.shares_memory(st.m, st.m5)
    hot = DeviceBatch.from_device(_heated(), n=2)
    sh = GridStepper(hot, hot.m0.copy(), step=5e-12, temperature=temperature)
    assert sh.m5.shape == (6, 2) and np.array_equal(sh.m, hot.m0) and np.all(sh.m5[0] == 0.0)

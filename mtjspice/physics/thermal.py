"""The stochastic macrospin integrator: Brown's thermal field, stochastic Heun (Stratonovich) with
a fixed step, reproducible from a seed. The field has, per component and step, variance
2 alpha kB T / (gamma mu0^2 Ms V dt) (A/m)^2. Checked against equipartition and the exact
Boltzmann averages (tests/physics/test_thermal.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ..budget import check_steps, warn_time
from ..errors import ParameterError
from ..params import Device
from ..stimulus import Waveform
from .batch import DeviceBatch
from .cost import CHECK_EVERY, MAX_STEPS, StepGuard, check_timeout, rates
from .drive import Drive, as_drive
from .heated import make_system
from .stepper import Heun, brown_density
from .trajectory import Trajectory, as_batch, check_breakdown, finish, initial_state, output_times

__all__ = ["simulate_thermal", "brown_density"]


def simulate_thermal(
    devices: Device | Sequence[Device] | DeviceBatch,
    drive: Drive | Waveform | ArrayLike,
    t_stop: float,
    dt_out: float,
    *,
    dt: float = 1e-13,
    seed: int | np.random.Generator | None = 0,
    temperature: ArrayLike | None = None,
    m0: ArrayLike | None = None,
    max_steps: int = MAX_STEPS,
    timeout: float | None = None,
    breakdown: Literal["warn", "ignore"] = "warn",
) -> Trajectory:
    """Integrate the stochastic LLGS equation (Brown's thermal field, stochastic Heun).

    Parameters
    ----------
    devices, drive, t_stop, dt_out, m0, timeout, breakdown
        As in :func:`simulate`.
    dt : float
        Integration step (s); shortened so that it divides ``dt_out``. It must resolve the
        fastest rate of the run (step x rate <= 1).
    seed : int or numpy Generator
        Seed of the thermal noise; the same seed gives the same trajectory.
    temperature : float or (n,) array, optional
        Temperature (K); default each device's ``material.temperature``.
    max_steps : int
        Largest number of steps (t_stop / dt); a longer run is refused before it starts
        (:class:`~mtjspice.errors.CostError` naming ``dt``). A run estimated to take more than a
        minute warns (:class:`~mtjspice.errors.CostWarning`).
    """
    if not (math.isfinite(dt) and dt > 0):
        raise ParameterError("dt", dt, "a time step > 0 (s)")
    check_breakdown(breakdown)
    deadline = check_timeout(timeout)
    batch = as_batch(devices)
    drv = as_drive(drive)
    sys = make_system(batch, drv)  # with Joule heating the state gains the temperature row (physics/heated.py)
    t_out = output_times(t_stop, dt_out, batch.n)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    temp = batch.temperature if temperature is None else np.broadcast_to(np.asarray(temperature, float), (batch.n,))
    if not np.all(np.isfinite(temp) & (temp >= 0)):
        raise ParameterError("temperature", temperature, "finite numbers >= 0 (K)")
    sub = max(1, int(math.ceil(dt_out / dt - 1e-9)))
    h = dt_out / sub
    total = float(t_out.size - 1) * sub
    rate = rates(batch, drv, t_stop)
    guard = StepGuard("simulate_thermal", t_stop, max_steps, deadline, timeout, rate)
    check_steps(total, max_steps, "dt", dt, "thermal steps (max_steps)",
                f"t_stop / dt = {t_stop:.3g} s / {h:.3g} s; raise dt (or dt_out) or shorten t_stop")
    fastest = max(rate.torque, rate.field)
    if not fastest * h <= _THERMAL_STEP_RATE:
        name, value = ("current", rate.peak_current) if not rate.torque <= rate.field else ("dt", dt)
        raise ParameterError(name, value, f"a step that resolves the fastest rate (step x rate <= {_THERMAL_STEP_RATE}): "
                             f"the step is {h:.3g} s and {rate.describe()}")
    warn_time(total * (_THERMAL_STEP_S + _THERMAL_DEVICE_STEP_S * batch.n), f"simulate_thermal ({total:.3g} steps x "
              f"{batch.n} devices)", "raise dt or shorten t_stop")
    sigma = np.sqrt(brown_density(batch.alpha, batch.gamma, batch.Ms, batch.volume, temp) / h)
    m5 = sys.start(initial_state(batch, m0))  # m as rows x, y, z, x, y (System.rhs), after the rise if heated
    m = m5[sys.offset:sys.offset + 3]
    heun = Heun(sys, sigma, rng, h)  # work arrays allocated once
    out = np.empty((t_out.size, 3, batch.n))
    out[0] = m
    rise = sys.rise(m5)
    rise_out = None if rise is None else np.empty((t_out.size, batch.n))
    if rise_out is not None:
        rise_out[0] = rise
    t = 0.0
    steps = 0
    for i in range(1, t_out.size):
        for j in range(sub):
            heun.step(t, h, m5)
            steps += 1
            t = t_out[i - 1] + (j + 1) * h
            if deadline is not None and not steps & (CHECK_EVERY - 1):
                guard.check(t, steps)
        t = float(t_out[i])
        out[i] = m
        if rise_out is not None:
            rise_out[i] = m5[0]
    return finish(sys, t_out, out, steps, 0, breakdown == "warn", rise_out)


#: Largest step x rate of the thermal solver's fixed step.
_THERMAL_STEP_RATE = 1.0
#: Measured cost of one thermal step (s): per step, plus per device and step (the 2-core machine).
_THERMAL_STEP_S = 55e-6
_THERMAL_DEVICE_STEP_S = 0.13e-6

"""Batched macrospin integrators.

* :func:`simulate` -- deterministic: Dormand-Prince 5(4) with one adaptive step shared by the
  whole batch (error measured by the worst device), landing exactly on output times and on the
  drive's breakpoints, and projecting m back to the unit sphere after each accepted step.
  Accuracy, measured against scipy's DOP853 at rtol 1e-12 (tests/physics/test_llgs.py), as the largest
  error in any component of m over an 8 ns pulse-and-relax run of the default device: about
  1e4 * rtol in the precessing (leaky-integrating) regime, where phase errors accumulate, and about
  50 * rtol below threshold; it falls linearly with rtol (rtol 1e-8: 7e-5; 1e-10: 7e-7;
  1e-11: 6e-8). rtol = 1e-11 is the reference used to check ngspice.
* :func:`simulate_thermal` -- stochastic: Brown's thermal field, stochastic Heun (Stratonovich)
  with a fixed step, reproducible from a seed. The field has, per component and step,
  variance 2 alpha kB T / (gamma mu0^2 Ms V dt) (A/m)^2.

Both accept one device, a list of devices or a :class:`DeviceBatch`, and any drive. Their steps
are the objects of :mod:`mtjspice.physics.stepper` (work arrays allocated once per run, the
right-hand side of :class:`~mtjspice.physics.trajectory.System`); with a fixed step every
operation is elementwise over devices, so each device's result is independent of its batch, bit
for bit. Speed: benchmarks/bench_macrospin.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ..budget import check_steps
from ..errors import ParameterError
from ..params import Device
from ..stimulus import Waveform
from .batch import DeviceBatch
from .cost import CHECK_EVERY, MAX_STEPS, StepGuard, check_timeout, check_tolerances, rates
from .drive import Drive, as_drive
from .heated import make_system
from .stepper import DormandPrince
from .thermal import simulate_thermal
from .trajectory import Trajectory, as_batch, check_breakdown, finish, initial_state, output_times

__all__ = ["Trajectory", "simulate", "simulate_thermal", "as_batch"]

def simulate(
    devices: Device | Sequence[Device] | DeviceBatch,
    drive: Drive | Waveform | ArrayLike,
    t_stop: float,
    dt_out: float,
    *,
    rtol: float = 1e-8,
    atol: float | None = None,
    m0: ArrayLike | None = None,
    max_step: float | None = None,
    max_steps: int = MAX_STEPS,
    timeout: float | None = None,
    breakdown: Literal["warn", "ignore"] = "warn",
    fixed_step: float | None = None,
) -> Trajectory:
    """Integrate the deterministic macrospin LLGS equation for a batch of devices.

    Parameters
    ----------
    devices : Device, list of Device, or DeviceBatch
        The devices (n of them).
    drive : CurrentDrive, DividerDrive, waveform or number
        The input; a waveform or number is an ideal current (A), one value or one per device.
    t_stop : float
        End time (s).
    dt_out : float
        Output interval (s); outputs at 0, dt_out, 2 dt_out, ... <= t_stop.
    rtol, atol : float
        Local error tolerances on m (dimensionless; atol defaults to rtol), each >= 1e-13
        (:data:`mtjspice.physics.cost.RTOL_MIN`).
    m0 : array, optional
        Initial magnetization, shape (3,) or (n, 3); default each device's own (its rest
        direction tilted by ``theta0``, see :mod:`mtjspice.physics.rest`).
    max_step : float, optional
        Largest step (s).
    max_steps : int
        Largest number of attempted steps. A run whose spin torque alone needs more is refused
        before it starts, and a run that passes it (or clearly projects beyond it) stops, with a
        :class:`~mtjspice.errors.CostError` naming what sets the step (``current`` or ``t_stop``).
    timeout : float, optional
        Wall-time limit (s); past it the run stops with :class:`~mtjspice.errors.RunTimeoutError`.
    breakdown : {"warn", "ignore"}
        Whether a junction voltage above the breakdown voltage warns (:class:`BreakdownWarning`);
        "ignore" is for analyses that report it themselves from ``Trajectory.voltage``.
    fixed_step : float, optional
        Take every step with this length (s; shortened only to land on output times and the
        drive's breakpoints) and skip the error control (``rtol`` is then unused). Each device's
        result then depends on that device alone, bit for bit, whatever else shares its batch:
        what Monte Carlo runs need, whose results must not depend on how samples are chunked.
        With an ideal current and numba installed the steps run in the compiled kernel
        (:mod:`mtjspice.physics.kernels`), with the numpy steps' numbers bit for bit.

    Returns
    -------
    Trajectory

    Raises
    ------
    CostError
        Output larger than the memory allows (``t_stop``), or more than ``max_steps`` steps.
    """
    atol = check_tolerances(rtol, atol)
    check_breakdown(breakdown)
    deadline = check_timeout(timeout)
    batch = as_batch(devices)
    drv = as_drive(drive)
    sys = make_system(batch, drv)  # with Joule heating the state gains the temperature row (physics/heated.py)
    t_out = output_times(t_stop, dt_out, batch.n)
    guard = StepGuard("simulate", t_stop, max_steps, deadline, timeout, rates(batch, drv, t_stop), rtol)
    guard.refuse_up_front()
    stops = np.union1d(t_out, drv.breakpoints(t_stop))
    stops = stops[stops > 0]
    h_max = t_stop if max_step is None else max_step
    if fixed_step is not None:
        if isinstance(fixed_step, bool) or not isinstance(fixed_step, (int, float)) or not 0 < fixed_step <= t_stop:
            raise ParameterError("fixed_step", fixed_step, f"a step in (0, t_stop = {t_stop!r}] s")
        check_steps(math.ceil(t_stop / fixed_step) + stops.size, max_steps, "fixed_step", fixed_step,
                    "solver steps (max_steps)", "raise fixed_step or max_steps")

    m5 = sys.start(initial_state(batch, m0))  # m as rows x, y, z, x, y (System.rhs), after the rise if heated
    m = m5[sys.offset:sys.offset + 3]
    out = np.empty((t_out.size, 3, batch.n))
    out[0] = m
    rise = sys.rise(m5)
    rise_out = None if rise is None else np.empty((t_out.size, batch.n))
    if rise_out is not None:
        rise_out[0] = rise
    i_out = 1
    t = 0.0
    dp = DormandPrince(sys, shared=fixed_step is None)  # the stages and work arrays, allocated once
    k1 = dp.first(t, m5)
    scale0 = float(np.max(np.abs(k1))) or 1.0 / t_stop
    if not math.isfinite(scale0):
        guard.fail(0.0, 0, math.inf, "dm/dt is not finite at t = 0; ")
    h = min(h_max, 0.1 * rtol**0.2 / scale0, t_stop / 10) if fixed_step is None else float(fixed_step)
    adaptive = fixed_step is None
    tol = rtol if adaptive else None
    steps = rejected = 0
    for stop in stops:
        while t < stop:
            if not (steps + rejected) & (CHECK_EVERY - 1):
                guard.check(t, steps + rejected)
            landing = t + h >= stop - 1e-12 * max(stop, 1e-30)
            hh = stop - t if landing else h
            if not t + hh > t:
                guard.fail(t, steps + rejected, math.inf, f"the step fell to {hh:.3g} s; ")
            if not adaptive:  # a fixed step: always taken, fused into the compiled kernel where there is one
                with np.errstate(over="ignore", invalid="ignore"):
                    dp.step(t, hh, m5)
                t = stop if landing else t + hh
                steps += 1
                continue
            # A trial step far too long can overflow; the error test then rejects it.
            with np.errstate(over="ignore", invalid="ignore"):
                err = dp.trial(t, hh, m5, tol, atol)
            if not math.isfinite(err):
                err = 1e10
            if err <= 1.0:
                t = stop if landing else t + hh
                dp.accept(m5)
                steps += 1
                factor = 5.0 if err == 0 else min(5.0, max(0.2, 0.9 * err**-0.2))
                if adaptive and (not landing or hh >= h):
                    h = min(h_max, hh * factor)
            else:
                rejected += 1
                h = hh * max(0.2, 0.9 * err**-0.25)
        if i_out < t_out.size and stop == t_out[i_out]:
            out[i_out] = m
            if rise_out is not None:
                rise_out[i_out] = m5[0]
            i_out += 1
    return finish(sys, t_out, out, steps, rejected, breakdown == "warn", rise_out)

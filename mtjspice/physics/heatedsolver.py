"""The integrators of batches with Joule heating (:mod:`mtjspice.physics.heated`): the generic
Dormand-Prince 5(4) and stochastic Heun loops over the state with the temperature row, for
:func:`~mtjspice.physics.solver.simulate` and :func:`~mtjspice.physics.thermal.simulate_thermal` to hand a
heated batch to."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ..budget import check_steps, warn_time
from ..errors import ParameterError
from .batch import DeviceBatch
from .cost import CHECK_EVERY, StepGuard, check_timeout, check_tolerances, rates
from .drive import Drive
from .heated import HeatedSystem, finish_heated
from .stepper import brown_density
from .trajectory import Trajectory, check_breakdown, initial_state, output_times

__all__ = ["simulate_heated", "simulate_thermal_heated"]

# Dormand-Prince 5(4) tableau.
_C = (0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0)
_A = (
    (),
    (1 / 5,),
    (3 / 40, 9 / 40),
    (44 / 45, -56 / 15, 32 / 9),
    (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
    (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
    (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84),
)
_B = _A[6] + (0.0,)
_B4 = (5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40)
_E = tuple(b - b4 for b, b4 in zip(_B, _B4, strict=True))


def simulate_heated(batch: DeviceBatch, drv: Drive, t_stop: float, dt_out: float, *, rtol: float, atol: float | None,
                    m0: ArrayLike | None, max_step: float | None, max_steps: int, timeout: float | None,
                    breakdown: Literal["warn", "ignore"], fixed_step: float | None) -> Trajectory:
    """:func:`mtjspice.physics.solver.simulate` of a batch with Joule heating (same arguments, same
    Dormand-Prince 5(4) with one shared adaptive step); the temperature rise is a state row."""
    atol = check_tolerances(rtol, atol)
    check_breakdown(breakdown)
    deadline = check_timeout(timeout)
    sys = HeatedSystem(batch, drv)
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

    m = sys.start(initial_state(batch, m0))
    out = np.empty((t_out.size, m.shape[0], batch.n))
    out[0] = m
    i_out = 1
    t = 0.0
    k1 = sys(t, m)
    scale0 = float(np.max(np.abs(k1))) or 1.0 / t_stop
    if not math.isfinite(scale0):
        guard.fail(0.0, 0, math.inf, "dm/dt is not finite at t = 0; ")
    h = min(h_max, 0.1 * rtol**0.2 / scale0, t_stop / 10) if fixed_step is None else float(fixed_step)
    steps = rejected = 0
    ks: list[np.ndarray] = [k1] + [np.empty_like(m)] * 6
    for stop in stops:
        while t < stop:
            if not (steps + rejected) & (CHECK_EVERY - 1):
                guard.check(t, steps + rejected)
            landing = t + h >= stop - 1e-12 * max(stop, 1e-30)
            hh = stop - t if landing else h
            if not t + hh > t:
                guard.fail(t, steps + rejected, math.inf, f"the step fell to {hh:.3g} s; ")
            # A trial step far too long can overflow; the error test then rejects it.
            with np.errstate(over="ignore", invalid="ignore"):
                for s in range(1, 7):
                    y = m + hh * sum(a * ks[j] for j, a in enumerate(_A[s]) if a != 0.0)
                    ks[s] = sys(t + _C[s] * hh, y)
                m_new = y  # stage 7 is evaluated at the 5th-order solution (FSAL)
                err_vec = hh * sum(e * ks[j] for j, e in enumerate(_E) if e != 0.0)
                scale = atol + rtol * np.maximum(np.abs(m), np.abs(m_new))
                err = float(np.max(np.abs(err_vec) / scale)) if fixed_step is None else 0.0
            if not math.isfinite(err):
                err = 1e10
            if err <= 1.0:
                t = stop if landing else t + hh
                m = sys.project(m_new)
                ks[0] = ks[6]
                steps += 1
                factor = 5.0 if err == 0 else min(5.0, max(0.2, 0.9 * err**-0.2))
                if fixed_step is None and (not landing or hh >= h):
                    h = min(h_max, hh * factor)
            else:
                rejected += 1
                h = hh * max(0.2, 0.9 * err**-0.25)
        if i_out < t_out.size and stop == t_out[i_out]:
            out[i_out] = m
            i_out += 1
    return finish_heated(sys, t_out, out, steps, rejected, breakdown == "warn")


def simulate_thermal_heated(batch: DeviceBatch, drv: Drive, t_stop: float, dt_out: float, *, dt: float,
                            seed: int | np.random.Generator | None, temperature: ArrayLike | None,
                            m0: ArrayLike | None, max_steps: int, timeout: float | None,
                            breakdown: Literal["warn", "ignore"]) -> Trajectory:
    """:func:`mtjspice.physics.thermal.simulate_thermal` of a batch with Joule heating (same arguments,
    stochastic Heun with a fixed step); the thermal field follows the junction's temperature."""
    if not (math.isfinite(dt) and dt > 0):
        raise ParameterError("dt", dt, "a time step > 0 (s)")
    check_breakdown(breakdown)
    deadline = check_timeout(timeout)
    sys = HeatedSystem(batch, drv)
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
    m = sys.start(initial_state(batch, m0))
    out = np.empty((t_out.size, m.shape[0], batch.n))
    out[0] = m
    t = 0.0
    steps = 0
    for i in range(1, t_out.size):
        for j in range(sub):
            h_th = sigma * rng.standard_normal((3, batch.n))
            f0 = sys(t, m, h_th)
            pred = m + h * f0
            f1 = sys(t + h, pred, h_th)
            m = m + 0.5 * h * (f0 + f1)
            m = sys.project(m)
            steps += 1
            t = t_out[i - 1] + (j + 1) * h
            if deadline is not None and not steps & (CHECK_EVERY - 1):
                guard.check(t, steps)
        t = float(t_out[i])
        out[i] = m
    return finish_heated(sys, t_out, out, steps, 0, breakdown == "warn")


#: Largest step x rate of the thermal solver's fixed step.
_THERMAL_STEP_RATE = 1.0
#: Measured cost of one thermal step (s): per step, plus per device and step (the 2-core machine).
_THERMAL_STEP_S = 55e-6
_THERMAL_DEVICE_STEP_S = 0.13e-6

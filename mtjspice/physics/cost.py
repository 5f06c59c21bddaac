"""Cost guards of the macrospin solvers: tolerances, output memory, step counts and wall time.

A run is refused before it starts when it cannot fit (:func:`mtjspice.budget.check_memory` on the
stored trajectory) or needs more steps than allowed; a running integration checks, every
:data:`CHECK_EVERY` attempted steps, its step count (and where it projects) and its wall clock.

The up-front step estimate of the adaptive solver is a lower bound from the spin-torque term: a
current I gives the damping-like rate rho = gamma' a_J(I) (1/s), the decay rate of m toward +-p,
and an explicit Runge-Kutta step must stay below about 3.3 / rho to be stable, so the run needs at
least int rho dt / 3.3 steps (measured on the default device at 1 A and 10 A: 1.2 to 1.3 times
that). The guard counts int rho dt / 8, a margin of more than 2, so it does not refuse a run that
would fit. An absurd current (1e300 A) or a vanishing pillar (a_J grows as 1 / (T area)) is
refused at once, naming the current.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..budget import check_memory, check_steps
from ..constants import MU0
from ..errors import CostError, ParameterError, RunTimeoutError

if TYPE_CHECKING:
    from .batch import DeviceBatch
    from .drive import Drive

__all__ = ["RTOL_MIN", "MAX_STEPS", "CHECK_EVERY", "VALUES_PER_SAMPLE", "StepGuard", "check_tolerances",
           "check_timeout", "check_output_memory", "Rates", "rates"]

#: Smallest relative (and absolute) tolerance: below it the error estimate is round-off.
RTOL_MIN = 1e-13
#: Default limit on attempted steps per run.
MAX_STEPS = 50_000_000
#: The running checks (clock, step count) happen every this many attempted steps (a power of 2).
CHECK_EVERY = 32
#: float64 values stored per output sample and device (m twice, current, voltage, resistance, m.p).
VALUES_PER_SAMPLE = 10
#: Attempted steps after which a run whose projected total exceeds PROJECTION_FACTOR * max_steps stops early.
PROJECTION_AFTER = 100_000
PROJECTION_FACTOR = 10.0
#: Sample points of the drive used for the current integral (plus its breakpoints, up to this many).
_DRIVE_SAMPLES = 65
_MAX_DRIVE_POINTS = 4097


def check_tolerances(rtol: float, atol: float | None) -> float:
    """Validate ``rtol`` and ``atol`` (dimensionless) and return atol (default rtol)."""
    if not (isinstance(rtol, (int, float)) and math.isfinite(rtol) and RTOL_MIN <= rtol < 1):
        raise ParameterError("rtol", rtol, f"a number in [{RTOL_MIN:g}, 1): below {RTOL_MIN:g} the error estimate "
                             "is round-off and the step would shrink without end")
    atol = rtol if atol is None else atol
    if not (isinstance(atol, (int, float)) and math.isfinite(atol) and atol >= RTOL_MIN):
        raise ParameterError("atol", atol, f"a number >= {RTOL_MIN:g}")
    return float(atol)


def check_timeout(timeout: float | None) -> float | None:
    """Validate a wall-time limit (s, None = none) and return the deadline on :func:`time.monotonic`'s clock."""
    if timeout is None:
        return None
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise ParameterError("timeout", timeout, "a wall time > 0 (s), or None for no limit")
    return time.monotonic() + float(timeout)


def check_output_memory(samples: int, n: int, t_stop: float, dt_out: float) -> None:
    """Refuse (:class:`CostError` naming ``t_stop``) a trajectory that would not fit in memory."""
    nbytes = float(samples) * n * VALUES_PER_SAMPLE * 8.0
    check_memory(nbytes, "t_stop", t_stop, f"{samples:.3g} output samples x {n} devices x {VALUES_PER_SAMPLE} values",
                 f"shorten t_stop or raise dt_out (now {dt_out:.3g} s)")


@dataclass(frozen=True)
class Rates:
    """The fastest rates of a run (1/s) and the drive that sets them.

    Attributes
    ----------
    torque : float
        Largest spin-torque rate gamma' a_J at the drive's peak current, over devices.
    torque_integral : float
        Largest int gamma' a_J(t) dt over the run (dimensionless), over devices.
    field : float
        Largest field rate gamma' (Ms max(N) + |H| + |2 Ku / (mu0 Ms)|), over devices.
    peak_current : float
        Largest |I| of the drive (A), at m.p = 0.
    device : int
        The device with the largest torque rate.
    """

    torque: float
    torque_integral: float
    field: float
    peak_current: float
    device: int

    def culprit(self, t_stop: float) -> tuple[str, float]:
        """The parameter that sets the step: ``current`` when the torque is the fastest rate, else ``t_stop``."""
        if self.torque > self.field or not math.isfinite(self.torque):
            return "current", self.peak_current
        return "t_stop", t_stop

    def describe(self) -> str:
        return (f"peak |I| = {self.peak_current:.3g} A gives a spin-torque rate gamma' a_J = {self.torque:.3g} 1/s "
                f"(device {self.device}); the fields' rate is {self.field:.3g} 1/s")


def rates(batch: DeviceBatch, drive: Drive, t_stop: float) -> Rates:
    """The run's fastest rates, from the drive sampled at its breakpoints and on a uniform grid."""
    bp = np.asarray(drive.breakpoints(t_stop), dtype=float)
    bp = bp[(bp > 0) & (bp < t_stop)]
    if bp.size > _MAX_DRIVE_POINTS:
        bp = bp[np.linspace(0, bp.size - 1, _MAX_DRIVE_POINTS).astype(int)]
    ts = np.union1d(np.linspace(0.0, t_stop, _DRIVE_SAMPLES), bp)
    mp = np.zeros(batch.n)
    with np.errstate(over="ignore", invalid="ignore"):
        cur = np.abs(np.array([np.broadcast_to(np.asarray(drive.current(batch, float(t), mp), dtype=float),
                                               (batch.n,)) for t in ts]))
        k = batch.gamma_prime * batch.aj_per_amp
        rho = k * cur  # (len(ts), n)
        integral = np.trapezoid(rho, ts, axis=0) if ts.size > 1 else rho[0] * t_stop
        peak = np.max(rho, axis=0)
        field = batch.gamma_prime * (batch.Ms * np.max(batch.N, axis=0) + np.linalg.norm(batch.H, axis=0)
                                     + np.abs(2.0 * batch.Ku / (MU0 * batch.Ms)))
    bad = ~np.isfinite(peak)
    i = int(np.argmax(bad)) if bad.any() else int(np.argmax(peak))
    return Rates(torque=float(peak[i]), torque_integral=float(np.max(np.where(np.isfinite(integral), integral, np.inf))),
                 field=float(np.max(field)), peak_current=float(np.max(cur)), device=i)


class StepGuard:
    """The running checks of one integration: wall clock, step count and its projection.

    Parameters
    ----------
    what : str
        The function's name, for messages.
    t_stop : float
        End time (s).
    max_steps : int
        Largest number of attempted steps.
    deadline : float or None
        :func:`time.monotonic` time after which the run stops (:class:`RunTimeoutError`).
    timeout : float or None
        The wall-time limit (s) the deadline came from, for messages.
    rate : Rates
        What sets the step, for messages.
    rtol : float or None
        The tolerance (adaptive solver), for messages.
    """

    def __init__(self, what: str, t_stop: float, max_steps: int, deadline: float | None, timeout: float | None,
                 rate: Rates, rtol: float | None = None) -> None:
        if not (isinstance(max_steps, int) and max_steps >= 1):
            raise ParameterError("max_steps", max_steps, "an integer >= 1")
        self.what, self.t_stop, self.max_steps = what, t_stop, max_steps
        self.deadline, self.timeout, self.rate, self.rtol = deadline, timeout, rate, rtol

    def refuse_up_front(self) -> None:
        """Refuse a run whose spin torque alone needs more than ``max_steps`` steps (or is not finite)."""
        need = self.rate.torque_integral / 8.0
        if not (math.isfinite(self.rate.torque) and math.isfinite(need)):
            raise CostError("current", self.rate.peak_current,
                            f"a current whose spin torque is a finite rate: {self.rate.describe()}; lower the "
                            "current (or check the junction's dimensions: a_J grows as 1 / (T area))")
        name, value = self.rate.culprit(self.t_stop)
        check_steps(need, self.max_steps, name, value, "solver steps (max_steps)",
                    f"{self.rate.describe()}; lower the current, shorten t_stop = {self.t_stop:.3g} s or raise max_steps")

    def check(self, t: float, attempts: int) -> None:
        """Stop the run if past its deadline, its step limit, or clearly projected beyond it."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise RunTimeoutError(f"{self.what}: stopped after timeout = {self.timeout:g} s (wall) at t = {t:.4g} s "
                                  f"of t_stop = {self.t_stop:.4g} s, after {attempts} steps; raise timeout, shorten "
                                  "t_stop" + (" or raise rtol" if self.rtol is not None else " or raise dt"))
        projected = attempts * self.t_stop / t if t > 0 else math.inf
        if attempts > self.max_steps or (attempts >= PROJECTION_AFTER and projected > PROJECTION_FACTOR * self.max_steps):
            self.fail(t, attempts, projected)

    def fail(self, t: float, attempts: int, projected: float, why: str = "") -> None:
        """Raise the :class:`CostError` of a run that cannot finish within its steps."""
        name, value = self.rate.culprit(self.t_stop)
        tol = f", rtol = {self.rtol:g}" if self.rtol is not None else ""
        raise CostError(name, value, f"a run within max_steps = {self.max_steps:.3g} solver steps; {why}by t = {t:.4g} s "
                        f"of t_stop = {self.t_stop:.4g} s it took {attempts} steps (projected total {projected:.3g}){tol}; "
                        f"{self.rate.describe()}; lower the current, shorten t_stop, raise rtol or raise max_steps")

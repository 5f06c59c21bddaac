"""The device as a neuron with an ideal reset circuit: its own spike trains (see
:func:`device_spikes`), to compare with the fitted LIF's."""

from __future__ import annotations

import math

import numpy as np

from ..analysis.lif import Spikes
from ..errors import ParameterError
from ..limits import warn_over_breakdown
from ..params import Device
from ..physics.batch import DeviceBatch
from ..physics.rest import initial_magnetization
from ..physics.solver import simulate
from ..stimulus import PWL

__all__ = ["device_spikes"]


class _OffsetPWL:
    """Device j sees ``base`` at time t + offset[j]: one batch, each device on its own clock."""

    def __init__(self, base: PWL, offset: np.ndarray, horizon: float) -> None:
        self.times = base.times
        self.values = base.values if base.values.ndim == 2 else base.values[:, None]
        self.offset = offset
        self.cols = np.arange(offset.size)
        shifted = (self.times[:, None] - offset[None, :]).ravel()
        self._bp = np.unique(shifted[(shifted > 0) & (shifted < horizon)])

    def __call__(self, t: float) -> np.ndarray:
        tt = np.clip(t + self.offset, self.times[0], self.times[-1])
        i = np.clip(np.searchsorted(self.times, tt, side="right") - 1, 0, self.times.size - 2)
        t0, t1 = self.times[i], self.times[i + 1]
        w = (tt - t0) / (t1 - t0)
        v0, v1 = self.values[i, self.cols], self.values[i + 1, self.cols]
        return v0 + (v1 - v0) * w

    def breakpoints(self, t_stop: float) -> np.ndarray:
        return self._bp[self._bp <= t_stop]


def device_spikes(device: Device, drive: PWL, t_stop: float, u_th: float, *, t_ref: float = 0.0,
                  horizon: float = 4e-9, dt: float = 10e-12, rtol: float = 1e-7) -> list[Spikes]:
    """Spike trains of ``device`` driven by each column of ``drive`` (A), with an ideal reset.

    A spike (sign of u) is recorded at the first sample where |u| >= ``u_th``; the device is then
    put back to its initial magnetization (its rest state tilted by ``theta0``,
    :func:`~mtjspice.physics.rest.initial_magnetization`) and restarts ``t_ref`` s later. Between spikes it runs
    freely, so its own leak and threshold act exactly as in the circuit.

    Parameters
    ----------
    device : Device
    drive : PWL
        Input currents (A), values (k,) or (k, n) for n trials.
    t_stop : float
        End time (s).
    u_th : float
        Firing threshold on |u| (dimensionless).
    t_ref : float
        Refractory time (s).
    horizon : float
        Length of each integration segment (s); does not change the result, only the cost.
    dt : float
        Sampling interval (s): the spike-time resolution.
    """
    if not (0 < u_th <= 1):
        raise ParameterError("u_th", u_th, "a threshold in (0, 1]")
    if not (math.isfinite(t_stop) and t_stop > 0):
        raise ParameterError("t_stop", t_stop, "a time > 0 (s)")
    n = 1 if drive.values.ndim == 1 else drive.values.shape[1]
    clock = np.zeros(n)
    rest = np.asarray(initial_magnetization(device), float)
    m = np.tile(rest[:, None], (1, n))
    v_max = 0.0
    p = np.asarray(device.p, float)
    times: list[list[float]] = [[] for _ in range(n)]
    signs: list[list[int]] = [[] for _ in range(n)]
    while True:
        live = np.nonzero(clock < t_stop - 0.5 * dt)[0]
        if live.size == 0:
            break
        h = min(horizon, float(np.max(t_stop - clock[live])))
        h = dt * max(1, round(h / dt))
        sub = PWL(drive.times, drive.values if drive.values.ndim == 1 else drive.values[:, live])
        wave = _OffsetPWL(sub, clock[live], h)
        batch = DeviceBatch.from_device(device, n=live.size)
        traj = simulate(batch, wave, h, dt, rtol=rtol, m0=m[:, live], breakdown="ignore")
        v_max = max(v_max, float(np.max(np.abs(traj.voltage))))
        u = traj.m @ p  # (k, n_live)
        for jj, j in enumerate(live):
            remaining = t_stop - clock[j]
            valid = traj.t <= remaining + 1e-15
            hit = np.nonzero(valid & (np.abs(u[:, jj]) >= u_th) & (traj.t > 0))[0]
            if hit.size:
                k = int(hit[0])
                times[j].append(float(clock[j] + traj.t[k]))
                signs[j].append(1 if u[k, jj] > 0 else -1)
                clock[j] += traj.t[k] + t_ref
                m[:, j] = rest
            else:
                clock[j] += h
                m[:, j] = traj.m[-1, jj]
    v_bd = device.junction.breakdown_voltage
    warn_over_breakdown(v_max, v_bd, lambda _: f"device_spikes: the junction voltage reached {v_max:.3g} V, above "
                        f"its breakdown voltage {v_bd:.3g} V")
    return [Spikes(np.array(a, float), np.array(s, int)) for a, s in zip(times, signs, strict=True)]


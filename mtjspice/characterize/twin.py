"""The numpy neuron twin: how a batch of devices responds to a neuron circuit's clocked read drive
(the read windows and strobes of :class:`~mtjspice.netlist.timing.NeuronTiming`): the batched
solver runs, and what is read from them (:func:`respond`), for the firing threshold
(:mod:`.firing`) and the device-level Monte Carlo (:mod:`mtjspice.montecarlo.device`).

Everything here keeps a sample's numbers independent of the other samples in its batch: the
solver runs with a fixed step, u = m.p is written out (einsum may sum in a size-dependent order)
and column sums add rows one by one (numpy's reductions pick pairwise or sequential order by
shape)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..netlist.timing import NeuronTiming
from ..physics.batch import DeviceBatch
from ..physics.solver import simulate
from ..stimulus import PWL, square_pulse
from .readtest import DeviceMC, ReadCircuit

__all__ = ["respond", "decay_time", "read_u", "read_clock_current"]


def _u(traj: object, p: np.ndarray) -> np.ndarray:
    # u = m.p written out: einsum's summation order may depend on the batch size
    m = traj.m  # type: ignore[attr-defined]
    return m[:, :, 0] * p[0] + m[:, :, 1] * p[1] + m[:, :, 2] * p[2]


def respond(batch: DeviceBatch, mc: DeviceMC, circuit: ReadCircuit, current: np.ndarray,
             thresholds: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, Any]:
    """The response to the nominal drive of ``current`` (A per device): times and u of the +drive
    run, its plateau and mean junction current over the pulse's last 2 ns, the largest |u| after
    t_on + t_relax, and for each pair of u thresholds (upper, lower) in ``thresholds`` (under
    "by"): the peak junction voltage of both signs until the first spike, whether the sample fires
    each sign and whether it fires a wrong-sign spike (:class:`DeviceMC`'s ``read``)."""
    n = batch.n
    if mc.read == "dc":
        traj = simulate(batch, square_pulse(current, mc.t_on, edge=10e-12), mc.t_stop, mc.dt, fixed_step=mc.step,
                        breakdown="ignore")
        u = _u(traj, batch.p)
        t = traj.t
        late = (t > mc.t_on - 2e-9 - 1e-15) & (t <= mc.t_on + 1e-15)
        plateau = _colsum(u[late]) / np.count_nonzero(late)
        after = np.max(np.abs(u[t >= mc.t_on + mc.t_relax - 1e-15]), axis=0)
        v_neg = np.max(_mirror_voltage(batch, -u, np.abs(traj.current)), axis=0)
        v_max = np.maximum(np.max(np.abs(traj.voltage), axis=0), v_neg)
        out = {"t": t, "u": u, "plateau": plateau, "after": after, "i_mean": current}
        out["by"] = [{"v_max": v_max, "fires_pos": plateau >= hi, "fires_neg": plateau >= -lo,
                      "wrong_sign": np.zeros(n, bool)} for hi, lo in thresholds]
        return out
    both = batch.subset(np.tile(np.arange(n), 2))
    sign = np.repeat([1.0, -1.0], n)
    traj = simulate(both, _clocked_drive(both, mc, circuit, sign * np.tile(current, 2)), mc.t_stop, mc.dt,
                    fixed_step=mc.step, breakdown="ignore")
    u = _u(traj, both.p)
    t = traj.t
    strobes = circuit.strobes(mc.t_stop)
    j = np.clip(np.searchsorted(t, strobes), 1, t.size - 1)  # u at the strobes, linear between samples
    w = ((strobes - t[j - 1]) / (t[j] - t[j - 1]))[:, None]
    held = (1.0 - w) * u[j - 1] + w * u[j]
    during = strobes <= mc.t_on + 1e-15
    pos, neg = held[:, :n], held[:, n:]
    late = (t > mc.t_on - 2e-9 - 1e-15) & (t <= mc.t_on + 1e-15)
    plateau = _colsum(u[late, :n]) / np.count_nonzero(late)
    i_mean = _colsum(traj.current[late, :n]) / np.count_nonzero(late)
    after_mask = t >= mc.t_on + mc.t_relax - 1e-15
    after = np.maximum(np.max(np.abs(u[after_mask, :n]), axis=0), np.max(np.abs(u[after_mask, n:]), axis=0))
    volts = np.abs(traj.voltage)
    by = []
    for hi, lo in thresholds:
        # the circuit resets a neuron at its first spike (input off for the refractory time), so the
        # junction's peak voltage is the one reached until then; a neuron that never fires sees it all
        fired = np.concatenate([pos >= hi, neg <= lo], axis=1) & during[:, None]
        first = strobes[np.argmax(fired, axis=0)] if strobes.size else np.zeros(2 * n)
        t_first = np.where(fired.any(axis=0), first, np.inf)
        vv = np.max(np.where(t[:, None] <= t_first[None, :] + 1e-15, volts, 0.0), axis=0)
        by.append({"v_max": np.maximum(vv[:n], vv[n:]), "fires_pos": np.any(pos[during] >= hi, axis=0),
                   "fires_neg": np.any(neg[during] <= lo, axis=0),
                   "wrong_sign": np.any(pos <= lo, axis=0) | np.any(neg >= hi, axis=0)})
    return {"t": t, "u": u[:, :n], "plateau": plateau, "after": after, "i_mean": i_mean, "by": by}


def read_u(G_P: np.ndarray, G_AP: np.ndarray, r_ref: float, v_read: float, v: float | np.ndarray) -> np.ndarray:
    """u at which a sample's zero-bias resistance puts the divider's read-out at ``v`` (V)."""
    R = v_read * r_ref / v - r_ref
    with np.errstate(divide="ignore", invalid="ignore"):
        return (2.0 / R - G_P - G_AP) / (G_P - G_AP)


def _clocked_drive(batch: DeviceBatch, mc: DeviceMC, c: ReadCircuit, current: np.ndarray) -> PWL:
    """The current through each junction in the nominal circuit (:func:`read_clock_current`), the
    input on until t_on."""
    i_read = c.v_read / (c.r_ref + 1.0 / batch.conductance(np.zeros(batch.n)) + c.r_on)
    return read_clock_current(c.timing, c.i_trim, current, i_read, mc.t_stop, mc.t_on)


def read_clock_current(timing: NeuronTiming, i_trim: float, current: np.ndarray, i_read: np.ndarray, t_stop: float,
                       t_on: float | None = None) -> PWL:
    """The current (A) a neuron circuit's read clock passes through each junction, one PWL column per
    device: the input ``current`` (A, signed, until ``t_on`` s, then 0 after a 10 ps edge; None: the
    whole run) minus the read trim ``i_trim`` outside the read windows; ``i_read`` (A) inside them
    (the read windows of ``timing``, :meth:`~mtjspice.netlist.timing.NeuronTiming.read_windows`, which
    the clock of :func:`mtjspice.netlist.neuron.clock_sources` makes)."""
    current, i_read = np.asarray(current, float), np.asarray(i_read, float)
    windows = timing.read_windows(t_stop)
    on = (0.0, t_on, t_on + 10e-12) if t_on is not None else (0.0,)
    times = np.unique(np.clip([*on, *(k for w in windows for k in w)], 0.0, None))
    inp = np.interp(times, on, (1.0, 1.0, 0.0)) if t_on is not None else np.ones_like(times)
    read = np.zeros_like(times)
    for w in windows:
        read = np.maximum(read, np.interp(times, w, (0.0, 1.0, 1.0, 0.0), left=0.0, right=0.0))
    values = (1.0 - read)[:, None] * (inp[:, None] * current[None, :] - i_trim) + read[:, None] * i_read[None, :]
    return PWL(times, values)


def _mirror_voltage(batch: DeviceBatch, u: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Junction voltage (V) of ``current`` (A) through each state u (k, n), bias-dependent TMR
    solved by fixed-point iteration (it converges: the TMR's bias dependence is weak at the drive)."""
    v = current / batch.conductance(u, 0.0)
    for _ in range(20):
        v = current / batch.conductance(u, v)
    return np.abs(v)


def _colsum(a: np.ndarray) -> np.ndarray:
    """Column sums of a (k, n) array added row by row: numpy's own reduction picks pairwise or
    sequential order by the array's shape, which would make a sample's sum depend on its batch."""
    acc = np.zeros(a.shape[1])
    for row in a:
        acc += row
    return acc


def decay_time(t: np.ndarray, u: np.ndarray, t_on: float) -> np.ndarray:
    """Decay time (s) of u after the pulse: a least-squares line through log u against t over the
    samples where u is between 20 % and 80 % of its value at the pulse's end (nan where fewer than
    three samples qualify or u does not decay monotonically enough to have them)."""
    after = t >= t_on - 1e-15
    ta = t[after] - t_on
    ua = u[after]
    u0 = ua[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = ua / u0
        use = (r < 0.8) & (r > 0.2) & (u0 > 0.02)
        logr = np.log(np.where(use, r, 1.0))
        k = use.sum(axis=0)
        sx = _colsum(ta[:, None] * use)
        sy = _colsum(logr * use)
        sxx = _colsum((ta**2)[:, None] * use)
        sxy = _colsum(ta[:, None] * logr * use)
        slope = (k * sxy - sx * sy) / (k * sxx - sx**2)
        tau = -1.0 / slope
    return np.where((k >= 3) & (tau > 0), tau, np.nan)

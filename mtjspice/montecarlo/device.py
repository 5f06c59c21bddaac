"""Device-level Monte Carlo: what each sampled device does under the nominal neuron's drive.

One chunk of samples (:func:`device_chunk`) is one batch of the macrospin solver plus closed-form
quantities. Per sample (SI units; the columns of :data:`COLUMNS`):

* the sampled parameters (short names: ``W``, ``L``, ``Ms``, ...), and ``valid`` (False where a
  sample fell outside the device limits or W > L; such rows carry nan and never count as usable);
* ``q`` and the onset ``i_th`` (A) from the onset table (:mod:`mtjspice.montecarlo.onsettable`: an
  exact reduction of the macrospin model checked against direct scans); ``i_static`` (A), the fold of
  the static tilted state (why the onset follows K_mid - K_easy: the small difference Nx - Nz of the
  default pillar); ``easy`` (0 x, 1 y, 2 z: the rest axis; the design wants z);
* ``tau_relax`` (s): the linear relaxation time at rest; ``delta``: the thermal stability factor;
* from one simulated pulse (``DeviceMC``: +drive for ``t_on`` from rest, then nothing until
  ``t_stop``; the batched solver with a fixed step, so a sample's numbers do not depend on which
  other samples share its chunk): ``u_plateau`` (mean u over the pulse's last 2 ns), ``u_after``
  (largest |u| from ``t_on + t_relax`` on), ``tau_m`` (s, the decay time of u after the pulse,
  from a log-linear fit between 80 % and 20 % of its value at the pulse's end: the LIF's tau_m
  read the way the fit reads it), ``a2`` (1/V, u_plateau / (R_m I) with a1 = 1, the LIF's gain at
  the drive), ``v_max`` (V, the larger junction voltage of +drive and its mirror -drive);
* the regime at the drive (0 under, 1 lif, 2 over, as the window's standard test:
  u_plateau >= u_th and |u| < u_relax after the pulse, or not relaxed), and the read-out seen by
  the nominal neuron circuit: ``u_fire_pos`` and ``u_fire_neg`` (the u at which the sample's own
  resistance crosses the nominal thresholds v_hi and v_lo), ``read_safe`` (the nominal read
  current is below the sample's onset, so reads alone do not drive it) and ``breakdown``;
* ``usable``: fires both signs at the nominal drive through the nominal thresholds
  (u_plateau >= u_fire_pos and >= -u_fire_neg), relaxes, is read-safe and stays below breakdown.

By the y -> -y symmetry of the pillar a current -I gives the mirror response (u -> -u), so one
run answers both signs; the junction voltage, which depends on the sign through R(u), is taken
from both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..device import LIMITS
from ..errors import ParameterError
from ..params import Device
from ..physics.batch import DeviceBatch
from ..physics.llgs import conductance
from ..physics.solver import simulate
from ..stimulus import PWL, square_pulse
from ..variation import SHORT_NAMES, VariationSpec
from .onsettable import OnsetTable, reduce

__all__ = ["DeviceMC", "NominalCircuit", "device_chunk", "COLUMNS", "TRIM_COLUMNS", "REGIMES", "batch_overrides"]

REGIMES = ("under", "lif", "over")
#: Columns every chunk returns, besides the varied parameters' short names.
COLUMNS = ("index", "valid", "q", "easy", "i_th", "i_static", "tau_relax", "delta", "u_plateau", "u_after",
           "tau_m", "a2", "v_max", "regime", "u_fire_pos", "u_fire_neg", "fires_pos", "fires_neg", "wrong_sign",
           "read_safe", "breakdown", "usable")
#: Columns added when the test trims (DeviceMC.trim).
TRIM_COLUMNS = ("usable_ref", "k_trim", "u_plateau_trim", "v_max_trim", "breakdown_trim", "usable_trim")

# device-file key -> DeviceBatch override
_BATCH_KEY = {"geometry.W": "W", "geometry.L": "L", "geometry.T": "T", "material.Ms": "Ms",
              "material.alpha": "alpha", "material.P": "P", "junction.RA": "RA", "junction.TMR": "TMR",
              "junction.V_half": "V_half", "field.Ku": "Ku"}


def _positive(name: str, value: object, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ParameterError(name, value, f"a finite number > 0 ({unit})")
    return float(value)


@dataclass(frozen=True)
class DeviceMC:
    """The device-level test (SI units).

    Attributes
    ----------
    drive : float
        Nominal input current (A), the neuron's drive; default 0.6 mA, the middle of the default
        neuron's working range (about 0.57 to 0.65 mA).
    t_on : float
        Pulse length (s).
    t_relax : float
        Time after the pulse (s) from which |u| must stay below ``u_relax``.
    t_stop : float
        End of the run (s).
    u_th : float
        Threshold on u (dimensionless): the nominal circuit's (NeuronSettings.u_th).
    u_relax : float
        Relaxation bound on |u| (dimensionless).
    step : float
        The solver's fixed step (s); 5 ps keeps u_plateau within 1e-3 of a tight adaptive run.
    dt : float
        Sampling interval of u (s).
    trim : bool
        Also run every sample trimmed (:mod:`mtjspice.montecarlo.trim`): its input scaled by
        k = i_th(sample) / i_th(nominal) (the onset in input terms is then the nominal one), its read
        current by the same ratio, its thresholds
        re-derived from its own resistance; adds the ``*_trim`` columns (and doubles the cost).
    k_range : (float, float)
        The trim's range of k (dimensionless): a sample needing more is trimmed to the end of
        the range (its ``k_trim`` column shows the clipped value).
    read : {"clocked", "dc"}
        "clocked" (default): the junction sees what the nominal circuit passes through it, the
        input gated off and the read current on during each read window, the read trim
        subtracted, for +drive and -drive (two runs), and fires where u passes the sample's own
        u thresholds (with the comparators' hysteresis) at a strobe time: the prediction that
        agrees with ngspice. "dc": a plain pulse of +drive, the -drive response taken as its
        mirror and u_plateau compared with the thresholds (one run, half the cost; it
        overstates the drive, since the circuit gates the input off a fifth of the time).
    """

    drive: float = 0.6e-3
    t_on: float = 5e-9
    t_relax: float = 3e-9
    t_stop: float = 9e-9
    u_th: float = 0.3
    u_relax: float = 0.1
    step: float = 5e-12
    dt: float = 50e-12
    trim: bool = True
    k_range: tuple[float, float] = (0.25, 4.0)
    read: str = "clocked"

    def __post_init__(self) -> None:
        for name, unit in (("drive", "A"), ("t_on", "s"), ("t_relax", "s"), ("t_stop", "s"), ("step", "s"),
                           ("dt", "s")):
            _positive(name, getattr(self, name), unit)
        for name in ("u_th", "u_relax"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < 1:
                raise ParameterError(name, v, "a number in (0, 1)")
        if self.t_on < 2.5e-9:
            raise ParameterError("t_on", self.t_on, "a pulse of at least 2.5 ns (u_plateau averages its last 2 ns)")
        if self.t_on + self.t_relax >= self.t_stop:
            raise ParameterError("t_stop", self.t_stop, f"a time > t_on + t_relax = {self.t_on + self.t_relax!r} s")
        if self.step > self.dt:
            raise ParameterError("step", self.step, f"a step <= dt = {self.dt!r} s")
        if self.read not in ("clocked", "dc"):
            raise ParameterError("read", self.read, "'clocked' or 'dc'")
        lo, hi = self.k_range
        if not (0 < lo <= 1 <= hi < math.inf):
            raise ParameterError("k_range", self.k_range, "a trim range (min, max) with 0 < min <= 1 <= max")


@dataclass(frozen=True)
class NominalCircuit:
    """What the nominal neuron circuit fixes for every sample (SI units): the reference resistor
    r_ref (Ohm), the read bias v_read (V), the thresholds v_hi and v_lo on the read-out (V), the
    read current i_read (A), from :func:`mtjspice.circuits.settings.resolve` on the nominal device;
    and the nominal onset i_th (A) by the samples' own method (the onset table), the trim's reference.
    The read clock (period, window and edges in s, switch resistance r_on in Ohm, the read trim
    i_trim in A, the first strobe in s) and the comparators' hysteresis (V) serve the clocked test."""

    r_ref: float
    v_read: float
    v_hi: float
    v_lo: float
    i_read: float
    i_th: float
    clock_period: float = 1e-9
    read_width: float = 0.2e-9
    edge: float = 10e-12
    r_on: float = 1.0
    i_trim: float = 0.0
    strobe_first: float = 0.0
    hysteresis: float = 0.0

    @staticmethod
    def of(device: Device, table: OnsetTable, u_th: float = 0.3) -> NominalCircuit:
        """The nominal circuit of ``device`` (its i_th from ``table``, the same reduction as the samples')."""
        from ..circuits.settings import NeuronSettings, resolve

        s = NeuronSettings(u_th=u_th)
        c = resolve(device, s)
        r0 = 1.0 / float(conductance(0.0, 1 / device.R_P, 1 / device.R_AP))
        i_th = float(table.onset(DeviceBatch.from_device(device, theta0=0.0))[0][0])
        return NominalCircuit(r_ref=c.r_ref, v_read=c.v_read, v_hi=c.v_hi, v_lo=c.v_lo,
                              i_read=c.v_read / (c.r_ref + r0), i_th=i_th, clock_period=c.clock_period,
                              read_width=c.read_width, edge=c.edge, r_on=c.r_on, i_trim=c.i_trim,
                              strobe_first=c.strobe_delay + c.edge / 2 + s.behavioral.sample_delay,
                              hysteresis=s.behavioral.hysteresis)

    def strobes(self, t_stop: float) -> np.ndarray:
        """When the comparators hold the read-out (s), once per read clock, before ``t_stop``."""
        return self.strobe_first + self.clock_period * np.arange(max(0, math.ceil((t_stop - self.strobe_first)
                                                                                    / self.clock_period)))


def batch_overrides(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Sampled values keyed as :meth:`DeviceBatch.from_device` takes them (P becomes eta = P / 2)."""
    out = {}
    for key, v in values.items():
        name = _BATCH_KEY[key]
        if name == "P":
            out["eta"] = v / 2.0
        else:
            out[name] = v
    return out


def _valid(device: Device, values: dict[str, np.ndarray], n: int) -> np.ndarray:
    ok = np.ones(n, bool)
    for key, v in values.items():
        lo, hi = LIMITS.get(key, (-math.inf, math.inf))[:2]
        ok &= np.isfinite(v) & (v >= lo) & (v <= hi)
        if key in ("junction.RA", "junction.TMR", "material.alpha", "material.P", "material.Ms"):
            ok &= v > 0
    W = values.get("geometry.W", np.full(n, device.geometry.W))
    L = values.get("geometry.L", np.full(n, device.geometry.L))
    return ok & (W <= L)


def _read_u(G_P: np.ndarray, G_AP: np.ndarray, r_ref: float, v_read: float, v: float) -> np.ndarray:
    """u at which a sample's zero-bias resistance puts the divider's read-out at ``v`` (V)."""
    R = v_read * r_ref / v - r_ref
    with np.errstate(divide="ignore", invalid="ignore"):
        return (2.0 / R - G_P - G_AP) / (G_P - G_AP)


def device_chunk(device: Device, spec: VariationSpec, seed: int, indices: np.ndarray, mc: DeviceMC,
                 table: OnsetTable, circuit: NominalCircuit) -> dict[str, np.ndarray]:
    """The columns (module docstring) of samples ``indices`` of ``spec`` around ``device``."""
    idx = np.asarray(indices, dtype=np.int64)
    n = idx.size
    values = spec.sample(device, seed, idx)
    ok = _valid(device, values, n)
    cols: dict[str, np.ndarray] = {"index": idx, "valid": ok}
    for key, v in values.items():
        cols[_short(key)] = v
    nan = np.full(n, np.nan)
    for c in COLUMNS[2:] + (TRIM_COLUMNS if mc.trim else ()):
        cols[c] = nan.copy()
    cols["easy"] = np.full(n, -1, np.int64)
    cols["regime"] = np.full(n, -1, np.int64)
    for c in ("fires_pos", "fires_neg", "wrong_sign", "read_safe", "breakdown", "usable") + (
            ("usable_ref", "breakdown_trim", "usable_trim") if mc.trim else ()):
        cols[c] = np.zeros(n, bool)
    if not ok.any():
        return cols
    sel = np.flatnonzero(ok)
    over = {k: v[sel] for k, v in batch_overrides(values).items()}
    batch = DeviceBatch.from_device(device, n=sel.size, theta0=0.0, **over)  # each at its own rest
    red = reduce(batch)
    i_th, _inside = table.onset(batch, red)
    temperature = batch.temperature
    put = {"q": red.q, "easy": red.easy, "i_th": i_th, "i_static": red.static_onset(batch),
           "tau_relax": red.relaxation_time(batch), "delta": red.stability(batch, temperature)}

    G_P = batch.G_P
    G_AP = batch.G_P / (1.0 + batch.TMR)
    h = circuit.hysteresis / 2.0  # the comparators trip half their hysteresis beyond a threshold
    u_pos = _read_u(G_P, G_AP, circuit.r_ref, circuit.v_read, circuit.v_hi + h)
    u_neg = _read_u(G_P, G_AP, circuit.r_ref, circuit.v_read, circuit.v_lo - h)
    R_hi = 1.0 / batch.conductance(np.full(batch.n, mc.u_th))
    R_lo = 1.0 / batch.conductance(np.full(batch.n, -mc.u_th))
    # the reference trim: thresholds at the sample's own read-out of u = +-u_th
    ref_pos = _read_u(G_P, G_AP, circuit.r_ref, circuit.v_read, circuit.v_read * circuit.r_ref / (circuit.r_ref + R_hi) + h)
    ref_neg = _read_u(G_P, G_AP, circuit.r_ref, circuit.v_read, circuit.v_read * circuit.r_ref / (circuit.r_ref + R_lo) - h)
    r = _respond(batch, mc, circuit, np.full(batch.n, mc.drive), [(u_pos, u_neg), (ref_pos, ref_neg)])
    relaxed = r["after"] < mc.u_relax
    regime = np.where(~relaxed, 2, np.where(r["plateau"] >= mc.u_th, 1, 0))
    R_m = 1.0 / batch.conductance(np.zeros(batch.n))
    read_safe = circuit.i_read < np.nan_to_num(i_th, nan=np.inf)

    def verdict(b: dict[str, np.ndarray], relaxed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        bd = b["v_max"] > batch.breakdown_voltage
        ok = b["fires_pos"] & b["fires_neg"] & ~b["wrong_sign"] & relaxed & ~bd
        return (ok & read_safe if mc.read == "dc" else ok), bd  # "dc" does not simulate the reads

    nominal = r["by"][0]
    usable, breakdown = verdict(nominal, relaxed)
    put.update({"u_plateau": r["plateau"], "u_after": r["after"], "tau_m": _decay_time(r["t"], r["u"], mc.t_on),
                "a2": r["plateau"] / (R_m * r["i_mean"]), "v_max": nominal["v_max"], "regime": regime,
                "u_fire_pos": u_pos, "u_fire_neg": u_neg, "fires_pos": nominal["fires_pos"],
                "fires_neg": nominal["fires_neg"], "wrong_sign": nominal["wrong_sign"], "read_safe": read_safe,
                "breakdown": breakdown, "usable": usable})
    if mc.trim:
        put["usable_ref"] = verdict(r["by"][1], relaxed)[0]
        # gain + reference: the input scaled by k as well
        k = np.clip(i_th / circuit.i_th, *mc.k_range)  # input x k: the onset in input terms is i_th / k
        k = np.where(np.isfinite(k), k, mc.k_range[1])
        rt = _respond(batch, mc, circuit, k * mc.drive, [(ref_pos, ref_neg)])
        usable_t, breakdown_t = verdict(rt["by"][0], rt["after"] < mc.u_relax)
        put.update({"k_trim": k, "u_plateau_trim": rt["plateau"], "v_max_trim": rt["by"][0]["v_max"],
                    "breakdown_trim": breakdown_t, "usable_trim": usable_t})
    for key, v in put.items():
        cols[key][sel] = v
    return cols


def _u(traj: object, p: np.ndarray) -> np.ndarray:
    # u = m.p written out: einsum's summation order may depend on the batch size
    m = traj.m  # type: ignore[attr-defined]
    return m[:, :, 0] * p[0] + m[:, :, 1] * p[1] + m[:, :, 2] * p[2]


def _respond(batch: DeviceBatch, mc: DeviceMC, circuit: NominalCircuit, current: np.ndarray,
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


def _clocked_drive(batch: DeviceBatch, mc: DeviceMC, c: NominalCircuit, current: np.ndarray) -> PWL:
    """The current through each junction in the nominal circuit (A, a PWL with a column per device):
    the input ``current`` until t_on (then 0) minus the read trim, outside the read windows; the
    read current v_read / (r_ref + R(0) + r_on) inside them."""
    e = c.edge
    i_read = c.v_read / (c.r_ref + 1.0 / batch.conductance(np.zeros(batch.n)) + c.r_on)
    knots = [0.0, mc.t_on, mc.t_on + 10e-12]
    start = c.clock_period - c.read_width - e  # the read clock's first rising edge
    while start < mc.t_stop:
        knots += [start, start + e, start + e + c.read_width, start + 2 * e + c.read_width]
        start += c.clock_period
    times = np.unique(np.clip(knots, 0.0, None))
    inp = np.interp(times, [0.0, mc.t_on, mc.t_on + 10e-12], [1.0, 1.0, 0.0])  # input on, then off
    read = np.zeros_like(times)
    start = c.clock_period - c.read_width - e
    while start < mc.t_stop:
        read = np.maximum(read, np.interp(times, [start, start + e, start + e + c.read_width,
                                                  start + 2 * e + c.read_width], [0.0, 1.0, 1.0, 0.0],
                                          left=0.0, right=0.0))
        start += c.clock_period
    values = (1.0 - read)[:, None] * (inp[:, None] * current[None, :] - c.i_trim) + read[:, None] * i_read[None, :]
    return PWL(times, values)


def _short(key: str) -> str:
    return next(s for s, k in SHORT_NAMES.items() if k == key)


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


def _decay_time(t: np.ndarray, u: np.ndarray, t_on: float) -> np.ndarray:
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

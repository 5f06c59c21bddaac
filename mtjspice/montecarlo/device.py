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

import numpy as np

from ..characterize.firing import batch_thresholds
from ..characterize.twin import decay_time, read_u, respond
from ..device import LIMITS
from ..errors import ParameterError
from ..params import Device
from ..physics.batch import DeviceBatch
from ..variation import SHORT_NAMES, VariationSpec
from .circuit import comparator_offsets
from .onsettable import OnsetTable, Reduced, reduce
from .testspec import DeviceMC, NominalCircuit
from .verdict import device_verdict

__all__ = ["DeviceMC", "NominalCircuit", "device_chunk", "COLUMNS", "TRIM_COLUMNS", "REGIMES", "batch_overrides",
           "onset_reason", "valid_samples", "nominal_firing", "u_thresholds",
           "NOMINAL_ROUNDS"]

REGIMES = ("under", "lif", "over")
#: Columns every chunk returns, besides the varied parameters' short names.
COLUMNS = ("index", "valid", "q", "easy", "i_th", "i_th_reason", "i_static", "tau_relax", "delta", "u_plateau", "u_after",
           "tau_m", "a2", "v_max", "regime", "u_fire_pos", "u_fire_neg", "fires_pos", "fires_neg", "wrong_sign",
           "read_safe", "breakdown", "usable")
#: Columns added when the test trims (DeviceMC.trim).
TRIM_COLUMNS = ("usable_ref", "i_fire", "k_trim", "u_plateau_trim", "v_max_trim", "breakdown_trim", "usable_trim")

# device-file key -> DeviceBatch override
_BATCH_KEY = {"geometry.W": "W", "geometry.L": "L", "geometry.T": "T", "material.Ms": "Ms",
              "material.alpha": "alpha", "material.P": "P", "junction.RA": "RA", "junction.TMR": "TMR",
              "junction.V_half": "V_half", "field.Ku": "Ku",
              "geometry.taper": "taper"}


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


def valid_samples(device: Device, values: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Which of n sampled parameter sets (device-file key -> (n,) values) are devices: inside the device
    limits, a pillar whose top stays open under its taper, and W <= L."""
    ok = np.ones(n, bool)
    for key, v in values.items():
        lo, hi = LIMITS.get(key, (-math.inf, math.inf))[:2]
        ok &= np.isfinite(v) & (v >= lo) & (v <= hi)
        if key in ("junction.RA", "junction.TMR", "material.alpha", "material.P", "material.Ms"):
            ok &= v > 0
    W = values.get("geometry.W", np.full(n, device.geometry.W))
    L = values.get("geometry.L", np.full(n, device.geometry.L))
    T = values.get("geometry.T", np.full(n, device.geometry.T))
    taper = values.get("geometry.taper", np.full(n, device.geometry.taper))
    ok &= (taper >= 0) & (W / 2 - T / 2 * np.tan(np.clip(taper, 0, 1.5)) > 0)  # the pillar's top stays open
    return ok & (W <= L)


def onset_reason(table: OnsetTable, batch: DeviceBatch, red: Reduced) -> np.ndarray:
    """Why each device of ``batch`` has no onset in ``table`` (int codes: 0 it has one; 2 q below the
    table; 3 q above it; 4 p not along the hard axis; 5 alpha outside the table's grid; 1, not a
    device, is set by :func:`device_chunk`). Words: :data:`mtjspice.montecarlo.columns.ONSET_REASONS`."""
    a = batch.alpha
    if table.alpha.size > 1:
        alpha_in = (a >= table.alpha[0] - 1e-9) & (a <= table.alpha[-1] + 1e-9)
    else:
        alpha_in = np.abs(a - table.alpha[0]) <= 1e-9 * max(float(table.alpha[0]), 1e-30)
    q = np.asarray(red.q, float)
    code = np.where(alpha_in, 0, 5)
    with np.errstate(invalid="ignore"):
        code = np.where(q > table.q[-1], 3, code)
        code = np.where((q < table.q[0]) | ~np.isfinite(q), 2, code)
    return np.where(red.p_on_hard, code, 4).astype(np.int64)


def device_chunk(device: Device, spec: VariationSpec, seed: int, indices: np.ndarray, mc: DeviceMC,
                 table: OnsetTable, circuit: NominalCircuit, also_nominal: bool = False,
                 draws: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """The columns (module docstring) of samples ``indices`` of ``spec`` around ``device``.

    ``also_nominal``: one more row at the end, ``device`` itself (index -1, no comparator offsets),
    run in the same batch: its numbers are those of a chunk of its own (a sample's numbers do not
    depend on its batch), for one solver run less per design (:mod:`mtjspice.design.neuron`).
    ``draws``: the samples' standard normals ``spec.normals(seed, indices)`` and comparator offsets
    ``comparator_offsets(seed, indices, mc.offset_sigma)`` (V, (n, 2)) drawn before, the same for
    every device around which they are sampled (the design search draws them once per process)."""
    idx = np.asarray(indices, dtype=np.int64)
    if draws is not None and (np.shape(draws[0])[:1] != idx.shape or np.shape(draws[1]) != (idx.size, 2)):
        raise ParameterError("draws", tuple(np.shape(d) for d in draws),
                             f"normals with one row per sample ({idx.size}) and ({idx.size}, 2) comparator offsets")
    values = spec.sample(device, seed, idx, normals=None if draws is None else draws[0])
    if also_nominal:
        values = {k: np.append(v, float(getattr(getattr(device, k.split(".")[0]), k.split(".")[1])))
                  for k, v in values.items()}
        idx = np.append(idx, -1)
    n = idx.size
    ok = valid_samples(device, values, n)
    cols: dict[str, np.ndarray] = {"index": idx, "valid": ok}
    for key, v in values.items():
        cols[_short(key)] = v
    nan = np.full(n, np.nan)
    for c in COLUMNS[2:] + (TRIM_COLUMNS if mc.trim else ()):
        cols[c] = nan.copy()
    cols["easy"] = np.full(n, -1, np.int64)
    cols["i_th_reason"] = np.full(n, 1, np.int64)  # not a device, until computed
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
    put = {"q": red.q, "easy": red.easy, "i_th": i_th, "i_th_reason": onset_reason(table, batch, red),
           "i_static": red.static_onset(batch),
           "tau_relax": red.relaxation_time(batch), "delta": red.stability(batch, temperature)}

    off_hi: float | np.ndarray = 0.0
    off_lo: float | np.ndarray = 0.0
    if mc.offset_sigma > 0:  # the comparators' offsets, as the circuit level draws them
        offs = np.zeros((sel.size, 2))
        drawn = idx[sel] >= 0  # the nominal row (also_nominal) has none
        if draws is None:
            offs[drawn] = comparator_offsets(seed, idx[sel][drawn], mc.offset_sigma)
        else:  # the offsets of indices, in their order: the rows of the valid samples
            offs[drawn] = np.asarray(draws[1], float)[sel[drawn]]
        off_hi, off_lo = offs[:, 0], offs[:, 1]
    u_pos, u_neg, ref_pos, ref_neg = u_thresholds(batch, circuit, mc, off_hi, off_lo)
    r = respond(batch, mc, circuit, np.full(batch.n, mc.drive), [(u_pos, u_neg), (ref_pos, ref_neg)])
    relaxed = r["after"] < mc.u_relax
    regime = np.where(~relaxed, 2, np.where(r["plateau"] >= mc.u_th, 1, 0))
    R_m = 1.0 / batch.conductance(np.zeros(batch.n))
    # read safety is about the reads alone, a small DC current from rest: the onset from rest is the
    # right comparison here, not the firing threshold (which needs the input's gating edges)
    read_safe = circuit.i_read < np.nan_to_num(i_th, nan=np.inf)

    def verdict(b: dict[str, np.ndarray], relaxed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return device_verdict(b["fires_pos"], b["fires_neg"], b["wrong_sign"], relaxed, b["v_max"],
                              batch.breakdown_voltage, read_safe if mc.read == "dc" else None)  # "dc" does not simulate the reads

    nominal = r["by"][0]
    usable, breakdown = verdict(nominal, relaxed)
    usable &= u_pos > u_neg  # offsets that invert the thresholds leave no working comparator pair
    put.update({"u_plateau": r["plateau"], "u_after": r["after"], "tau_m": decay_time(r["t"], r["u"], mc.t_on),
                "a2": r["plateau"] / (R_m * r["i_mean"]), "v_max": nominal["v_max"], "regime": regime,
                "u_fire_pos": u_pos, "u_fire_neg": u_neg, "fires_pos": nominal["fires_pos"],
                "fires_neg": nominal["fires_neg"], "wrong_sign": nominal["wrong_sign"], "read_safe": read_safe,
                "breakdown": breakdown, "usable": usable})
    if mc.trim:  # a DAC that rounds both trimmed thresholds to one level leaves no comparator pair either
        put["usable_ref"] = verdict(r["by"][1], relaxed)[0] & (ref_pos > ref_neg)
    if mc.trim and mc.gain_trim:
        # gain + reference: the input scaled by k as well
        if mc.gain_reference == "firing":  # the circuit's threshold: input x k fires from i_fire / k = the nominal's
            i_nom = circuit.i_fire if math.isfinite(circuit.i_fire) else nominal_firing(device, circuit, mc)
            fp, fn = batch_thresholds(batch, circuit, mc, ref_pos, ref_neg, mc.k_range[0] * i_nom,
                                      mc.k_range[1] * i_nom)
            put["i_fire"] = 0.5 * (fp + fn)
            k = np.clip(put["i_fire"] / i_nom, *mc.k_range)  # inf (no firing up to the top) -> the range's top
        else:  # the onset from rest: input x k starts the device from i_th / k = the nominal onset
            k = np.clip(i_th / circuit.i_th, *mc.k_range)
            k = np.where(np.isfinite(k), k, mc.k_range[1])
        rt = respond(batch, mc, circuit, k * mc.drive, [(ref_pos, ref_neg)])
        usable_t, breakdown_t = verdict(rt["by"][0], rt["after"] < mc.u_relax)
        put.update({"k_trim": k, "u_plateau_trim": rt["plateau"], "v_max_trim": rt["by"][0]["v_max"],
                    "breakdown_trim": breakdown_t, "usable_trim": usable_t})
    for key, v in put.items():
        cols[key][sel] = v
    return cols


def u_thresholds(batch: DeviceBatch, circuit: NominalCircuit, mc: DeviceMC, off_hi: float | np.ndarray = 0.0,
                  off_lo: float | np.ndarray = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(u_pos, u_neg, ref_pos, ref_neg): the u at which each device fires through the nominal thresholds
    (with comparator offsets ``off_hi``, ``off_lo`` in V) and through its reference-trimmed ones."""
    G_P = batch.G_P
    G_AP = batch.G_P / (1.0 + batch.TMR)
    h = circuit.hysteresis / 2.0  # the comparators trip half their hysteresis beyond a threshold
    u_pos = read_u(G_P, G_AP, circuit.r_ref, circuit.v_read, circuit.v_hi + off_hi + h)
    u_neg = read_u(G_P, G_AP, circuit.r_ref, circuit.v_read, circuit.v_lo + off_lo - h)
    R_hi = 1.0 / batch.conductance(np.full(batch.n, mc.u_th))
    R_lo = 1.0 / batch.conductance(np.full(batch.n, -mc.u_th))
    # the reference trim: thresholds at the sample's own read-out of u = +-u_th
    # (with a reference DAC of step mc.ref_step, each threshold is the DAC's nearest level)
    ref_pos = read_u(G_P, G_AP, circuit.r_ref, circuit.v_read,
                     mc.dac_level(circuit.v_read * circuit.r_ref / (circuit.r_ref + R_hi)) + h)
    ref_neg = read_u(G_P, G_AP, circuit.r_ref, circuit.v_read,
                     mc.dac_level(circuit.v_read * circuit.r_ref / (circuit.r_ref + R_lo)) - h)
    return u_pos, u_neg, ref_pos, ref_neg


#: Bisection rounds of the nominal device's firing threshold, the gain trim's reference: 16^(2^-12) - 1,
#: 0.07 % relative resolution, so the samples' 1.1 % (BATCH_ROUNDS) sets the trim's error.
NOMINAL_ROUNDS = 12


def nominal_firing(device: Device, circuit: NominalCircuit, mc: DeviceMC) -> float:
    """The nominal ``device``'s firing threshold in ``circuit`` (A, mean of both signs), the gain trim's
    reference: the samples' method (:func:`~mtjspice.characterize.firing.batch_thresholds`, its
    reference-trimmed thresholds, which for the nominal device are the circuit's own up to the reference
    DAC's step) between circuit.i_th / 4 and 4 circuit.i_th, :data:`NOMINAL_ROUNDS` rounds. inf when it
    does not fire below 4 i_th."""
    batch = DeviceBatch.from_device(device, theta0=0.0)
    ref_pos, ref_neg = u_thresholds(batch, circuit, mc)[2:]
    fp, fn = batch_thresholds(batch, circuit, mc, ref_pos, ref_neg, circuit.i_th / 4.0, 4.0 * circuit.i_th,
                              rounds=NOMINAL_ROUNDS)
    return float(0.5 * (fp[0] + fn[0]))


def _short(key: str) -> str:
    return next(s for s, k in SHORT_NAMES.items() if k == key)

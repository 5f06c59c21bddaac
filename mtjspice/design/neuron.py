"""One neuron design judged at a variation spec: the device-level Monte Carlo of its samples, its
constraints and its objectives (:func:`evaluate_design`).

A design is the base device with the device knobs set (:data:`~mtjspice.design.space.DEVICE_KNOBS`;
Ku along z) and the neuron circuit with the circuit knobs set, each current relative to the
design's own onset i_th (from the onset table, the samples' own method): the test input
``drive_ratio x i_th``, the read current ``read_ratio x i_th``, the input limiter's compliance
``clamp_ratio x i_th``. Its ``samples`` samples of the spec (sample i from (seed, i), the same draws
for every design, so designs differ by design and not by sampling noise) run through
:func:`mtjspice.montecarlo.device.device_chunk`, the Monte Carlo's own test: the clocked read,
both signs, the comparator offsets; the per-neuron threshold DAC where the design chooses it (the
reference trim, each threshold rounded to the DAC's step: :attr:`DeviceMC.ref_step`).

Objectives (SI units):

* ``yield``: the usable fraction (``usable``, or ``usable_ref`` with the threshold DAC);
* ``window``: the input range the limiter leaves over the nominal firing threshold, as a fraction
  (I_clamp / I_fire - 1; I_fire = u_th / (a2 R_m), the LIF's threshold input);
* ``levels``: distinguishable rates between I_fire and I_clamp with the interval at most
  ``1 / rate_min``: the interspike interval of a leaky integrator (tau_m, a2 from the nominal
  sample) is latency + refractory, counted in whole read clocks (the comparators decide once a
  clock), and each distinct count is one level;
* ``energy``: energy per spike at the test input (J): the input's I^2 R_m over the integration time,
  the reads' v_read i_read over each read window, the limiter's drop (``CLAMP_HEADROOM`` x
  the input) over the integration time, and the threshold DACs' static strings
  (:mod:`mtjspice.netlist.dac`) over the interval; the comparators' switching is not included;
* ``footprint``: the junction's area pi W L / 4 (m^2).

The limiter in the circuit is the driver's compliance clamp (:mod:`mtjspice.netlist.clamp`) at
``v_clamp = I_clamp R_AP`` (nominal): in the AP state, the design's highest resistance, it passes at
most I_clamp, and in any state the junction stays at or below v_clamp (plus the clamp's knee).

Hard constraints (<= 0 holds): the limiter's compliance through every sample's highest resistance
(R_AP at zero bias: the TMR's bias dependence only lowers it) stays below the breakdown voltage
(so no input the network sends can break a junction down); the test input is within the
compliance; the energy per spike is within ``energy_budget``; the design has at least
``levels_min`` rate levels (when it is set: issue #27 asks 8).

The device-level test is noiseless (the macrospin batch without a thermal field): the temperature
enters through the thermal stability factor (a column) and through the ngspice check of the chosen
design, not through the verdicts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..analysis.stats import wilson_interval
from ..circuits.settings import NeuronSettings
from ..errors import MtjspiceError, ParameterError
from ..montecarlo.circuit import comparator_offsets
from ..montecarlo.device import DeviceMC, NominalCircuit, device_chunk
from ..montecarlo.onsettable import OnsetTable
from ..netlist.dac import dac_power
from ..netlist.neuron import ONESHOT_FALL_DELAY
from ..params import Device
from ..physics.batch import DeviceBatch
from ..variation import VariationSpec
from .engine import NOT_A_DEVICE, Evaluation, Objective
from .space import DEVICE_KNOBS

__all__ = ["DesignSpec", "OBJECTIVES", "CONSTRAINTS", "EXTRA", "design_of", "settings_of", "evaluate_design",
           "CLAMP_HEADROOM"]

#: Unit resistor of the threshold DACs' strings (Ohm): 1 kOhm, a few squares of poly; with 8 bits a
#: 256 kOhm string draws 2.1 uA from a 0.55 V read bias (:func:`mtjspice.netlist.dac.dac_power`).
DAC_R_UNIT = 1e3

#: Voltage the input limiter needs across itself per ampere of input, as a fraction of the
#: junction's own drop at the onset: 0.2 (a saturated transistor's headroom of about 0.1-0.2 V).
CLAMP_HEADROOM = 0.2

OBJECTIVES: tuple[Objective, ...] = (
    Objective("yield", "maximize", "1", "usable fraction of the sampled neurons (after the design's trim)"),
    Objective("window", "maximize", "1", "input range the limiter leaves above the firing threshold, "
              "I_clamp / I_fire - 1"),
    Objective("levels", "maximize", "1", "distinguishable firing rates between the firing threshold and the "
              "limiter's compliance (whole read clocks per interval)"),
    Objective("energy", "minimize", "J", "energy per spike at the test input (input, reads, limiter)"),
    Objective("footprint", "minimize", "m^2", "junction area pi W L / 4"),
)
#: The hard constraints, in order, each feasible at <= 0.
CONSTRAINTS: tuple[tuple[str, str], ...] = (
    ("breakdown", "largest sample's I_clamp R_AP over the breakdown voltage, minus 1 (over breakdown_samples "
     "samples when more than the design's)"),
    ("drive_in_clamp", "test input over the limiter's compliance, minus 1"),
    ("energy_budget", "energy per spike over the budget, minus 1"),
    ("levels_min", "rate levels short of the least required (levels_min - levels) over levels_min "
     "(-1 when none is required)"),
)
#: Further columns of every evaluation (name, unit, description).
EXTRA: tuple[tuple[str, str, str], ...] = (
    ("yield_lo", "1", "lower end of the yield's Wilson 95 % interval"),
    ("yield_hi", "1", "upper end of the yield's Wilson 95 % interval"),
    ("i_th", "A", "the design's onset current (nominal device, onset table)"),
    ("i_fire", "A", "input at which the nominal LIF reaches u_th: u_th / (a2 R_m)"),
    ("drive", "A", "the test input"),
    ("i_clamp", "A", "the input limiter's compliance"),
    ("read_margin", "V", "nominal read-out from u = 0 to the nearer threshold (u = +-u_th)"),
    ("dac_step", "V", "the threshold DAC's step (0: no DAC)"),
    ("dac_energy", "J", "the two threshold DACs' static energy per spike (resistor strings of DAC_R_UNIT "
     "units over the read bias; 0: no DAC), included in energy"),
    ("dac_cells", "1", "unit resistors of the two threshold DACs (2 x 2^bits; 0: no DAC)"),
    ("v_clamp", "V", "the input driver's compliance (netlist.clamp): I_clamp x the design's nominal R_AP"),
    ("v_clamp_worst", "V", "largest junction voltage at the compliance over the samples (R_AP, zero bias)"),
    ("breakdown_voltage", "V", "the junction's breakdown voltage"),
    ("tau_m", "s", "nominal sample's membrane time constant"),
    ("rate_at_drive", "Hz", "nominal firing rate at the test input (whole read clocks)"),
    ("delta", "1", "nominal thermal stability factor at the device temperature"),
    ("onset_p5", "A", "5th percentile of the samples' onsets"),
    ("onset_p95", "A", "95th percentile of the samples' onsets"),
    *((f"fail_{r}", "1", f"fraction of samples failing by {r.replace('_', ' ')} (the Monte Carlo's fails, untrimmed thresholds)")
      for r in ("under_threshold", "not_relaxed", "breakdown", "misses_a_sign", "wrong_sign", "read_drives_it",
                "easy_axis_not_z", "invalid_sample")),
)


@dataclass(frozen=True)
class DesignSpec:
    """What every design is judged at (SI units).

    Attributes
    ----------
    device : Device
        The base device (knobs not searched keep its values).
    spec : VariationSpec
        The process variation.
    samples, seed : int
        Samples per design; sample i is drawn from (seed, i).
    offset_sigma : float
        Comparator offset sigma per threshold (V).
    temperature : float
        Device temperature (K).
    energy_budget : float
        Largest energy per spike (J).
    rate_min : float
        Slowest rate that counts as a level (Hz).
    levels_min : int
        Fewest rate levels a feasible design has (0: no such constraint).
    breakdown_samples : int
        Samples over which the breakdown constraint takes the highest R_AP (only their W, L, RA,
        TMR are drawn, no solver run; sample i from (seed, i) as the others); at most ``samples``
        means those samples only. A design judged on 200 samples may otherwise sit at the
        breakdown with a junction that 1 in 10^4 samples takes past it.
    table : OnsetTable
        The onset table every design's onset is read from.
    fixed : mapping
        Values of knobs the search leaves out (knob name -> value, SI units), for example a known
        design's (``mtjspice design --start``); a design's own values take precedence.
    """

    device: Device
    spec: VariationSpec
    samples: int
    seed: int
    table: OnsetTable
    offset_sigma: float = 5e-3
    temperature: float = 300.0
    energy_budget: float = 1e-12
    rate_min: float = 10e6
    levels_min: int = 0
    breakdown_samples: int = 0
    fixed: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.samples, bool) or not isinstance(self.samples, int) or self.samples < 1:
            raise ParameterError("samples", self.samples, "an integer >= 1")
        for name in ("energy_budget", "rate_min"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ParameterError(name, v, "a finite number > 0 (SI units)")
        for name in ("levels_min", "breakdown_samples"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ParameterError(name, v, "a whole number >= 0")

    def identity(self) -> dict[str, Any]:
        """What the evaluation is (for the study's store): device, spread, seed, samples, conditions."""
        return {"device": repr(self.device), "variation": self.spec.describe(), "samples": self.samples,
                "seed": self.seed, "offset_sigma": self.offset_sigma, "temperature": self.temperature,
                "energy_budget": self.energy_budget, "rate_min": self.rate_min,
                "levels_min": self.levels_min, "breakdown_samples": self.breakdown_samples,
                **({"fixed": dict(self.fixed)} if self.fixed else {})}

    def full(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """A design's every knob: the fixed values, then its own."""
        return {**dict(self.fixed), **dict(params)}


def design_of(base: Device, params: dict[str, Any], temperature: float | None = None) -> Device:
    """The device of a design: ``base`` with its device knobs (by device-file key) set."""
    changes: dict[str, Any] = {k.key: float(params[k.name]) for k in DEVICE_KNOBS if k.name in params}
    if "field.Ku" in changes:
        changes["field.axis"] = (0.0, 0.0, 1.0)
    if temperature is not None:
        changes["material.temperature"] = float(temperature)
    return base.replace(**changes)


def settings_of(params: dict[str, Any], i_th: float, base: Any = None) -> Any:
    """The :class:`~mtjspice.circuits.settings.NeuronSettings` of a design with onset ``i_th`` (A)."""
    s = NeuronSettings() if base is None else base
    kw: dict[str, Any] = {"i_th": i_th}
    for name in ("u_th", "v_mid", "clock_period", "read_width", "t_refractory"):
        if name in params:
            kw[name] = float(params[name])
    if "read_ratio" in params:
        kw["i_read"] = float(params["read_ratio"]) * i_th
    return replace(s, **kw)


def _infeasible(why: str, extra: dict[str, float] | None = None) -> Evaluation:
    nan = math.nan
    return Evaluation(values=(0.0, nan, 0.0, nan, nan), constraints=(1.0,) * len(CONSTRAINTS), why=why,
                      extra={**{n: nan for n, _, _ in EXTRA}, **(extra or {})})


def evaluate_design(ds: DesignSpec, number: int, params: dict[str, Any]) -> Evaluation:
    """The evaluation of one design (module docstring); a design that is not a device, or has no
    onset in the table's range, is infeasible with the reason in words."""
    params = ds.full(params)
    try:
        dev = design_of(ds.device, params, ds.temperature)
        ds.spec.check(dev)
    except MtjspiceError as exc:
        return _infeasible(f"{NOT_A_DEVICE}{exc}")
    i_th = float(ds.table.onset(DeviceBatch.from_device(dev, theta0=0.0))[0][0])
    if not math.isfinite(i_th):
        return _infeasible("no onset within the onset table's range")
    g = _get(params, "drive_ratio", 1.6)
    clamp = _get(params, "clamp_ratio", 3.0) * i_th
    drive = g * i_th
    try:
        settings = settings_of(params, i_th)
        circuit = NominalCircuit.resolved(dev, settings, i_th)
        trim = params.get("trim", "none") in ("dac", "reference")
        # the threshold DAC spans 0 to the read bias in 2^bits steps ("reference": an exact trim)
        step = circuit.v_read / 2 ** int(params.get("dac_bits", 8)) if params.get("trim") == "dac" else 0.0
        mc = DeviceMC(drive=drive, u_th=settings.u_th, trim=trim, gain_trim=False, offset_sigma=ds.offset_sigma,
                      ref_step=step)
    except MtjspiceError as exc:
        return _infeasible(f"not a circuit: {exc}", {"i_th": i_th})
    # the nominal device runs as one more row of the samples' batch (one solver run less per design)
    both = device_chunk(dev, ds.spec, ds.seed, np.arange(ds.samples), mc, ds.table, circuit, also_nominal=True,
                        draws=_draws(ds))
    cols = {k: v[:-1] for k, v in both.items()}
    nominal = {k: v[-1:] for k, v in both.items()}
    usable = np.asarray(cols["usable_ref" if trim else "usable"], bool)
    k = int(usable.sum())
    lo, hi = wilson_interval(k, ds.samples)
    # breakdown at the compliance: each sample's highest resistance, R_AP at zero bias
    r_worst = float(np.nanmax(_r_ap(dev, cols)))
    if ds.breakdown_samples > ds.samples:
        r_worst = max(r_worst, worst_r_ap(dev, ds.spec, ds.seed, ds.breakdown_samples))
    v_worst = clamp * r_worst
    bd = dev.junction.breakdown_voltage
    # the nominal LIF: gain a2 (1/V) and tau_m (s) at the test input, R_m the resistance at u = 0
    a2, tau = float(nominal["a2"][0]), float(nominal["tau_m"][0])
    r_m = 2.0 / (1.0 / dev.R_P + 1.0 / dev.R_AP)
    i_fire = settings.u_th / (a2 * r_m) if a2 > 0 else math.nan
    t_ref = circuit_refractory(settings)
    isi = _isi(np.array([drive]), a2, r_m, tau, settings.u_th, t_ref, settings.clock_period)[0]
    levels = _levels(i_fire, clamp, a2, r_m, tau, settings.u_th, t_ref, settings.clock_period, ds.rate_min)
    window = clamp / i_fire - 1.0 if math.isfinite(i_fire) else math.nan
    i_read = circuit.i_read
    t_int = isi - t_ref if math.isfinite(isi) else math.nan
    clocks = isi / settings.clock_period if math.isfinite(isi) else math.nan
    bits = int(params.get("dac_bits", 8)) if step > 0 else 0
    e_dac = 2 * dac_power(circuit.v_read, bits, DAC_R_UNIT) * isi if bits else 0.0
    energy = (drive**2 * r_m * t_int + CLAMP_HEADROOM * i_th * r_m * drive * t_int
              + clocks * circuit.v_read * i_read * settings.read_width + e_dac)
    footprint = dev.geometry.area
    # energy per spike is not defined where the nominal design does not fire at its test input:
    # that design's yield says so; the budget is not what it breaks
    cons = (v_worst / bd - 1.0, drive / clamp - 1.0,
            energy / ds.energy_budget - 1.0 if math.isfinite(energy) else 0.0,
            (ds.levels_min - levels) / ds.levels_min if ds.levels_min else -1.0)
    why = "; ".join(f"{name} {c:+.3g}" for (name, _), c in zip(CONSTRAINTS, cons, strict=True) if c > 0)
    i_on = np.asarray(cols["i_th"], float)
    fin = i_on[np.isfinite(i_on)]
    p5, p95 = (np.percentile(fin, [5, 95]) if fin.size else (math.nan, math.nan))
    extra = {"yield_lo": lo, "yield_hi": hi, "i_th": i_th, "i_fire": i_fire, "drive": drive, "i_clamp": clamp,
             "read_margin": _margin(circuit), "dac_step": step, "dac_energy": e_dac,
             "dac_cells": float(2 * 2**bits if bits else 0), "v_clamp": clamp * dev.R_AP,
             "v_clamp_worst": v_worst, "breakdown_voltage": bd, "tau_m": tau,
             "rate_at_drive": 1.0 / isi if math.isfinite(isi) and isi > 0 else 0.0,
             "delta": float(nominal["delta"][0]), "onset_p5": float(p5), "onset_p95": float(p95),
             **{f"fail_{k}": v for k, v in _fails(cols, trim).items()}}
    return Evaluation(values=(k / ds.samples, window, float(levels), energy, footprint), constraints=cons,
                      why=why, extra=extra)


def _margin(c: NominalCircuit) -> float:
    """The read-out's distance (V) from u = 0 to the nearer threshold, nominal device."""
    r0 = c.v_read / c.i_read - c.r_ref  # R(u = 0) from the read current i_read = v_read / (r_ref + R0)
    v0 = c.v_read * c.r_ref / (c.r_ref + r0)
    return float(min(c.v_hi - v0, v0 - c.v_lo))


def _fails(cols: dict[str, np.ndarray], trim: bool) -> dict[str, float]:
    """Fractions of samples failing by each reason (as :func:`mtjspice.montecarlo.run.summarize`)."""
    v = np.asarray(cols["valid"], bool)
    reg = np.asarray(cols["regime"])

    def b(name: str) -> np.ndarray:
        return np.asarray(cols[name], bool)

    return {"under_threshold": float(np.mean(v & (reg == 0))), "not_relaxed": float(np.mean(v & (reg == 2))),
            "breakdown": float(np.mean(v & b("breakdown"))),
            "misses_a_sign": float(np.mean(v & ~(b("fires_pos") & b("fires_neg")))),
            "wrong_sign": float(np.mean(v & b("wrong_sign"))), "read_drives_it": float(np.mean(v & ~b("read_safe"))),
            "easy_axis_not_z": float(np.mean(v & (np.asarray(cols["easy"]) != 2))), "invalid_sample": float(np.mean(~v))}


def circuit_refractory(settings: Any) -> float:
    """The circuit's refractory time (s): the setting (leak reset default 1.5 ns) plus the one-shot's fall."""
    t = settings.t_refractory if settings.t_refractory is not None else (
        0.5e-9 if settings.reset == "active" else 1.5e-9)
    return float(t) + ONESHOT_FALL_DELAY


def _get(params: dict[str, Any], name: str, default: float) -> float:
    return float(params[name]) if name in params else default


_NORMALS: dict[tuple[str, int, int], np.ndarray] = {}
_DRAWS: dict[tuple[str, int, int, float], tuple[np.ndarray, np.ndarray]] = {}


def _draws(ds: DesignSpec) -> tuple[np.ndarray, np.ndarray]:
    """The samples' standard normals and comparator offsets (V), the same for every design of ``ds``:
    drawn once per (spec, seed, samples, offset sigma) in a process and reused (as device_chunk
    would draw them, sample i from (seed, i))."""
    key = (repr(ds.spec), int(ds.seed), int(ds.samples), float(ds.offset_sigma))
    if key not in _DRAWS:
        _DRAWS.clear()  # one spec at a time
        idx = np.arange(ds.samples)
        _DRAWS[key] = (ds.spec.normals(ds.seed, idx), comparator_offsets(ds.seed, idx, ds.offset_sigma))
    return _DRAWS[key]


def worst_r_ap(dev: Device, spec: VariationSpec, seed: int, n: int) -> float:
    """The highest zero-bias R_AP (Ohm) among samples 0 .. n-1 of ``spec`` around ``dev`` (their W,
    L, RA, TMR only); the normals are drawn once per (spec, seed, n) in a process and reused."""
    key = (repr(spec), int(seed), int(n))
    if key not in _NORMALS:
        _NORMALS.clear()  # one spec at a time: 10^5 x 5 normals are 4 MB
        _NORMALS[key] = spec.normals(seed, range(n))
    x = spec.sample(dev, seed, range(n), normals=_NORMALS[key])
    g, j = dev.geometry, dev.junction
    w, length = x.get("geometry.W", g.W), x.get("geometry.L", g.L)
    ra, tmr = x.get("junction.RA", j.RA), x.get("junction.TMR", j.TMR)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.asarray(ra / (math.pi * w * length / 4.0) * (1.0 + tmr), float)
    ok = np.broadcast_to((np.asarray(w) > 0) & (np.asarray(length) > 0) & (np.asarray(ra) > 0), r.shape)
    return float(np.max(r[ok])) if ok.any() else math.nan


def _r_ap(dev: Device, cols: dict[str, np.ndarray]) -> np.ndarray:
    """Each valid sample's R_AP at zero bias (Ohm), from its sampled (or the design's) W, L, RA, TMR."""
    n = cols["index"].size
    valid = np.asarray(cols["valid"], bool)

    def col(short: str, value: float) -> np.ndarray:
        return np.asarray(cols[short], float) if short in cols else np.full(n, value)

    g, j = dev.geometry, dev.junction
    area = math.pi * col("W", g.W) * col("L", g.L) / 4.0
    r = col("RA", j.RA) / area * (1.0 + col("TMR", j.TMR))
    return np.where(valid, r, np.nan)


def _isi(current: np.ndarray, a2: float, r_m: float, tau: float, u_th: float, t_ref: float,
         period: float) -> np.ndarray:
    """Interspike interval (s) of the leaky integrator at each input (A): the time from 0 to u_th
    under u_inf = a2 R_m I (capped at 1), plus the refractory time, rounded up to whole read clocks
    (inf below the firing threshold)."""
    if not (math.isfinite(a2) and math.isfinite(tau) and a2 > 0 and tau > 0):
        return np.full(current.shape, math.inf)
    u_inf = np.minimum(a2 * r_m * np.abs(current), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        lat = np.where(u_inf > u_th, tau * np.log(u_inf / (u_inf - u_th)), np.inf)
    return np.ceil((lat + t_ref) / period - 1e-9) * period


def _levels(i_fire: float, i_max: float, a2: float, r_m: float, tau: float, u_th: float, t_ref: float,
            period: float, rate_min: float) -> int:
    """Distinct interspike intervals (whole clocks, at most 1 / rate_min) between i_fire and i_max."""
    if not (math.isfinite(i_fire) and i_max > i_fire):
        return 0
    isi = _isi(np.linspace(i_fire, i_max, 2000)[1:], a2, r_m, tau, u_th, t_ref, period)
    isi = isi[np.isfinite(isi) & (isi <= 1.0 / rate_min)]
    return int(np.unique(np.round(isi / period)).size)

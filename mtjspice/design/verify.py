"""Verification of one chosen design (``mtjspice verify``): the device-level Monte Carlo at full
size, the circuit level in ngspice on sampled neurons, and the networks (:mod:`.verifynet`).

A design is what ``mtjspice design`` writes in ``best/``: the device (``device.toml``), the neuron
circuit (``settings.toml``: its onset ``i_th``, read, thresholds, clock, refractory, the input
clamp ``v_clamp`` and the threshold DACs' ``dac_bits``), and how it was judged (``design.toml``:
the test input, the variation spec, the comparator offsets, the trim). :class:`VerifySpec` holds
those and the sizes of each part.

* **Device level** (:func:`device_level`): ``device_samples`` samples of the spec (sample i from
  (seed, i)) through :func:`mtjspice.montecarlo.device.device_chunk`, the design search's own
  test (noiseless, clocked read, both signs, the comparators' offsets; with ``trim = "dac"`` each
  neuron's thresholds are its DACs' levels nearest to its own read-out at u = +-u_th, a DAC of
  ``dac_bits`` over the read bias). Yield with its Wilson 95 % interval.
* **Circuit level** (:func:`circuit_level`): samples 0 .. ``circuit_samples`` - 1 (the same
  devices and the same comparator offsets as the device level's first rows) as neuron decks in
  ngspice at ``temperature`` (:func:`mtjspice.montecarlo.circuit.circuit_chunk`; with the DAC trim
  the two threshold DACs are resistor strings in each deck, codes from the neuron's own
  resistance): yield (Wilson 95 %), rate, latency, energy per spike (the DACs' and the clamp's
  included), the junction's peak voltage; and the agreement of the two verdicts on those samples.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..analysis.stats import wilson_interval
from ..circuits.neuronobject import Neuron
from ..circuits.settings import NeuronSettings
from ..errors import ParameterError
from ..limits import SLACK
from ..montecarlo.circuit import CircuitMC, circuit_chunk
from ..montecarlo.device import DeviceMC, NominalCircuit, device_chunk
from ..montecarlo.onsettable import OnsetTable
from ..network.tasks import SPLITS, TASKS, Saccades
from ..network.train import TrainSettings
from ..params import Device
from ..variation import VariationSpec

__all__ = ["VerifySpec", "Part", "device_level", "circuit_level", "objectives", "design_params", "nominal_circuit",
           "TRIM_SCHEMES", "device_test"]

#: The trims a verification applies: none (nominal thresholds plus offsets) or the per-neuron
#: threshold DACs (the design's trim "dac").
TRIM_SCHEMES: tuple[str, ...] = ("none", "dac")

#: The networks' inference window is a whole number of this (s): the 50 ps corner spacing of a filtered
#: row and the event task's 8 equal segments of 10 ps grid steps both divide it.
WINDOW_STEP = 0.4e-9


def _saccades_end() -> float:
    """The shortest inference window (s) the event task fits in: its saccades' end, rounded up to a
    whole number of :data:`WINDOW_STEP`."""
    return math.ceil(Saccades().end() / WINDOW_STEP - 1e-9) * WINDOW_STEP


@dataclass(frozen=True)
class VerifySpec:
    """What a verification runs (SI units).

    Attributes
    ----------
    spec : VariationSpec
        The process variation.
    drive : float
        The test input (A), both signs.
    seed : int
        Sample i is drawn from (seed, i), its offsets from (seed, i, 1), its noise from (seed, i, 2).
    trim : {"none", "dac"}
        The per-neuron calibration.
    dac_bits : int
        Bits of each threshold DAC (trim "dac").
    offset_sigma : float
        Comparator offset sigma per threshold (V).
    temperature : float
        Temperature of the circuit level and the networks (K).
    device_samples, circuit_samples : int
        Samples of the device level and of the circuit level (0 skips the circuit level).
    t_stop : float
        Length of each ngspice run (s).
    images : int
        Test images per network (0 skips the networks).
    tasks : tuple of str
        The network tasks ("digits", "events").
    workers : int
        ngspice processes at once, and the device level's chunks at once.
    chunk : int
        Device-level samples per task.
    hidden, epochs : int
        The networks' hidden neurons and training epochs.
    per_class : int
        Output neurons per class of each network (1 to 16), each a sampled device; the class's
        score is the sum of their signed spike counts. The default, 3, was chosen on the
        validation split (docs/guide/design.md): one device per class carries its spread into
        the decision whole, three average it.
    split : {"test", "validation"}
        The networks' images: the test split (the verification), or the validation split held
        out of the training split (:func:`mtjspice.network.tasks.load_task`; for choosing
        settings without looking at the test images: the networks then train on the rest of
        the training split).
    chips : int
        Sampled chips the deployed weights run on (each its own ``hidden + 10 per_class`` devices, the
        samples after the previous chip's); the drop is chip 0's, the others give its spread.
    calibrate_readout : bool
        Also retrain each chip's output crossbar on its own hidden responses to the training
        images (digits only; :mod:`mtjspice.design.calibrate`) and report its accuracy beside
        the default's; the target is judged on the default.
    train_seed : int or None
        Seed of the networks' trainings (initial weights, minibatches, noise, the pool's draws);
        None: ``seed``. Another value retrains on the same split, devices and pool.
    gain_trim : bool
        In the networks, scale each sampled neuron's input by its own onset over the nominal one
        (a per-neuron gain DAC, :func:`mtjspice.design.verifynet.neuron_gains`) before the clamp.
    pool : int
        Devices of the variation-aware training's pool (:func:`mtjspice.design.verifynet.curve_pool`;
        sampled from the spec at indices from :data:`~mtjspice.design.verifynet.POOL_OFFSET` on,
        never the network's own); 0 trains with the ideal LIF's curve only, as before.
    window : float
        The networks' inference window per image (s): every neuron starts from rest, and the
        output neurons' signed spike counts over the window decide (the ideal networks use the
        same window). A whole number of :data:`WINDOW_STEP` from 10 ns to 1 us, and with the event
        task at least its saccades' end (37.2 ns). The default, 60 ns,
        was chosen on the validation split (docs/guide/design.md): a longer window averages more
        whole spikes per decision, at the cost of latency and of the neurons' energy per inference.
    input_limit : float
        The training's limit on mean inputs as a fraction of the safe current v_clamp / R_AP
        (penalty 10); 0: no limit, the clamp alone bounds the junctions (the default: holding the
        inputs inside the window costs accuracy, docs/guide/design.md).
    """

    spec: VariationSpec
    drive: float
    seed: int = 11
    trim: str = "dac"
    dac_bits: int = 8
    offset_sigma: float = 5e-3
    temperature: float = 300.0
    device_samples: int = 100_000
    circuit_samples: int = 200
    t_stop: float = 40e-9
    images: int = 360
    tasks: tuple[str, ...] = ("digits", "events")
    workers: int = 2
    chunk: int = 2000
    hidden: int = 64
    epochs: int = 120
    per_class: int = 3
    gain_trim: bool = False
    pool: int = 64
    input_limit: float = 0.0
    split: str = "test"
    chips: int = 1
    train_seed: int | None = None
    calibrate_readout: bool = False
    window: float = 60e-9

    def __post_init__(self) -> None:
        if self.trim not in TRIM_SCHEMES:
            raise ParameterError("trim", self.trim, " or ".join(map(repr, TRIM_SCHEMES)))
        for name, low in (("device_samples", 1), ("circuit_samples", 0), ("images", 0), ("workers", 1),
                          ("chunk", 1), ("dac_bits", 1), ("hidden", 1), ("epochs", 1),
                          ("pool", 0), ("chips", 1), ("seed", 0)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < low:
                raise ParameterError(name, v, f"an integer >= {low}")
        TrainSettings(per_class=self.per_class)  # the networks' rule for it, checked before any work
        if self.dac_bits > 16:
            raise ParameterError("dac_bits", self.dac_bits, "a whole number of bits from 1 to 16")
        for name in ("drive", "t_stop"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (math.isfinite(v) and v > 0):
                raise ParameterError(name, v, "a finite number > 0 (A or s)")
        for name in ("offset_sigma", "temperature"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (math.isfinite(v) and v >= 0):
                raise ParameterError(name, v, "a finite number >= 0 (V or K)")
        v = self.window
        if (isinstance(v, bool) or not isinstance(v, (int, float))
                or not (math.isfinite(v) and 10e-9 * (1 - SLACK) <= v <= 1e-6 * (1 + SLACK))
                or abs(v / WINDOW_STEP - round(v / WINDOW_STEP)) > 1e-6):
            raise ParameterError("window", v, "an inference window from 10 ns to 1 us, a whole number of 0.4 ns "
                                 "(the 50 ps row step and the event task's 8 segments of 10 ps steps)")
        if "events" in self.tasks and self.images and self.window < _saccades_end():
            raise ParameterError("window", self.window, f"a window that holds the event task's saccades (>= "
                                 f"{_saccades_end():.4g} s, a whole number of 0.4 ns), or --tasks digits")
        v = self.input_limit
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not (math.isfinite(v) and v >= 0):
            raise ParameterError("input_limit", v, "a fraction of the safe current >= 0 (0: no limit)")
        t = self.train_seed
        if t is not None and (isinstance(t, bool) or not isinstance(t, int) or t < 0):
            raise ParameterError("train_seed", t, "an integer >= 0, or None for the seed")
        if self.split not in SPLITS:
            raise ParameterError("split", self.split, " or ".join(map(repr, SPLITS)))
        bad = [t for t in self.tasks if t not in TASKS]
        if bad or not self.tasks:
            raise ParameterError("tasks", ",".join(self.tasks), "digits, events or both")
        if self.calibrate_readout and "digits" not in self.tasks:
            raise ParameterError("tasks", ",".join(self.tasks), "a list with digits when the readout is "
                                 "calibrated (the calibration is for digits only)")


@dataclass(frozen=True)
class Part:
    """One part's results: named values (SI units, with their units), per-sample columns, and its
    wall time (s)."""

    name: str
    values: dict[str, float]
    units: dict[str, str]
    columns: dict[str, np.ndarray]
    seconds: float


def device_test(vs: VerifySpec, settings: NeuronSettings, circuit: NominalCircuit) -> DeviceMC:
    """The device-level test of a verification: the test input, the trim (the DAC as a step of v_read / 2^bits),
    the comparator offsets; the gain trim off."""
    step = circuit.v_read / 2**vs.dac_bits if vs.trim == "dac" else 0.0
    return DeviceMC(drive=vs.drive, u_th=settings.u_th, trim=vs.trim == "dac", gain_trim=False,
                    offset_sigma=vs.offset_sigma, ref_step=step)


def nominal_circuit(device: Device, settings: NeuronSettings) -> NominalCircuit:
    """The nominal circuit every sample is read through (the settings' ``i_th`` as its onset)."""
    if settings.i_th is None:
        raise ParameterError("i_th", None, "the design's onset current in the settings (A), as design writes it")
    return NominalCircuit.resolved(device, replace(settings, dac_bits=None), settings.i_th)


def device_task(device: Device, settings: NeuronSettings, vs: VerifySpec, table: OnsetTable,
                idx: np.ndarray) -> dict[str, np.ndarray]:
    """One chunk of the device level (a module-level function, so that Dask can ship it)."""
    circuit = nominal_circuit(device, settings)
    return device_chunk(device, vs.spec, vs.seed, idx, device_test(vs, settings, circuit), table, circuit)


def device_level(device: Device, settings: NeuronSettings, vs: VerifySpec, table: OnsetTable,
                 progress: Callable[[int], None] | None = None, scheduler: str | None = None) -> Part:
    """The device-level Monte Carlo (module docstring)."""
    import functools

    from ..montecarlo.scaleout import run_chunks

    t0 = time.perf_counter()
    n = vs.device_samples
    chunks = [np.arange(lo, min(lo + vs.chunk, n)) for lo in range(0, n, vs.chunk)]
    got: list[dict[str, np.ndarray]] = []
    run_chunks(functools.partial(device_task, device, settings, vs, table), chunks, got.append,
               workers=vs.workers, scheduler=scheduler, progress=progress)
    got.sort(key=lambda c: int(c["index"][0]))
    keep = ("index", "valid", "i_th", "v_max", "fires_pos", "fires_neg", "wrong_sign", "breakdown", "usable",
            *(("usable_ref",) if vs.trim == "dac" else ()))
    cols = {k: np.concatenate([c[k] for c in got]) for k in keep}
    ok = cols["usable_ref" if vs.trim == "dac" else "usable"].astype(bool)
    k = int(ok.sum())
    lo, hi = wilson_interval(k, n)
    v = np.asarray(cols["v_max"], float)
    values = {"yield": k / n, "yield_lo": lo, "yield_hi": hi, "samples": float(n),
              "breakdown_share": float(np.mean(np.asarray(cols["breakdown"], bool))),
              "v_junction_max": float(np.nanmax(v)) if np.isfinite(v).any() else math.nan,
              "invalid_share": float(np.mean(~np.asarray(cols["valid"], bool)))}
    units = {"yield": "1", "yield_lo": "1", "yield_hi": "1", "samples": "1", "breakdown_share": "1",
             "v_junction_max": "V", "invalid_share": "1"}
    cols["device_ok"] = ok
    return Part("device", values, units, cols, time.perf_counter() - t0)


def circuit_level(device: Device, settings: NeuronSettings, vs: VerifySpec, device_ok: np.ndarray | None = None) -> Part:
    """The circuit-level Monte Carlo in ngspice (module docstring); ``device_ok`` (the device
    level's verdicts of samples 0 .. circuit_samples - 1) adds their agreement."""
    t0 = time.perf_counter()
    n = vs.circuit_samples
    mc = CircuitMC(drive=vs.drive, t_stop=vs.t_stop, offset_sigma=vs.offset_sigma, temperature=vs.temperature,
                   trim=vs.trim, dac_bits=vs.dac_bits)
    neuron = Neuron.build(device, replace(settings, dac_bits=None))
    cols = circuit_chunk(neuron, vs.spec, vs.seed, np.arange(n), mc, workers=vs.workers)
    ok = np.asarray(cols["ok"], bool)
    k = int(ok.sum())
    lo, hi = wilson_interval(k, n)

    def mean(name: str, where: np.ndarray) -> float:
        x = np.asarray(cols[name], float)[where]
        x = x[np.isfinite(x)]
        return float(np.mean(x)) if x.size else math.nan

    rate = np.concatenate([np.asarray(cols["rate_pos"], float)[ok], np.asarray(cols["rate_neg"], float)[ok]])
    lat = np.concatenate([np.asarray(cols["latency_pos"], float)[ok], np.asarray(cols["latency_neg"], float)[ok]])
    vj = np.asarray(cols["v_junction_max"], float)
    values = {"yield": k / n if n else math.nan, "yield_lo": lo, "yield_hi": hi, "samples": float(n),
              "rate_mean": float(np.mean(rate)) if rate.size else math.nan,
              "rate_min": float(np.min(rate)) if rate.size else math.nan,
              "rate_max": float(np.max(rate)) if rate.size else math.nan,
              "latency_mean": float(np.nanmean(lat)) if np.isfinite(lat).any() else math.nan,
              "energy_per_spike": mean("energy_per_spike", ok),
              "v_junction_max": float(np.nanmax(vj)) if np.isfinite(vj).any() else math.nan,
              "breakdown_share": float(np.mean(np.asarray(cols["breakdown"], bool))),
              "sim_failed": float(np.sum(np.asarray(cols["sim_failed"], bool)))}
    units = {"yield": "1", "yield_lo": "1", "yield_hi": "1", "samples": "1", "rate_mean": "Hz", "rate_min": "Hz",
             "rate_max": "Hz", "latency_mean": "s", "energy_per_spike": "J", "v_junction_max": "V",
             "breakdown_share": "1", "sim_failed": "1"}
    if device_ok is not None and n:
        d = np.asarray(device_ok, bool)[:n]
        values.update({"agreement": float(np.mean(d == ok)), "device_yield_same": float(np.mean(d)),
                       "device_only": float(np.sum(d & ~ok)), "circuit_only": float(np.sum(~d & ok))})
        units.update({"agreement": "1", "device_yield_same": "1", "device_only": "1", "circuit_only": "1"})
        cols = {**cols, "device_ok": d}
    return Part("circuit", values, units, cols, time.perf_counter() - t0)


def design_params(device: Device, settings: NeuronSettings, vs: VerifySpec) -> dict[str, Any]:
    """The design's knobs (:mod:`mtjspice.design.space`) recovered from its device and settings, so
    that :func:`mtjspice.design.neuron.evaluate_design` judges it as the search did."""
    from ..physics.llgs import junction_resistance
    from .space import DEVICE_KNOBS

    i_th = float(settings.i_th) if settings.i_th is not None else math.nan
    p: dict[str, Any] = {}
    for k in DEVICE_KNOBS:
        section, leaf = k.key.split(".")
        p[k.name] = float(getattr(getattr(device, section), leaf))
    v_clamp = settings.v_clamp if settings.v_clamp else device.junction.breakdown_voltage
    p.update({"drive_ratio": vs.drive / i_th, "u_th": settings.u_th, "clock_period": settings.clock_period,
              "read_width": settings.read_width, "clamp_ratio": v_clamp / junction_resistance(device, -1.0) / i_th,
              "trim": vs.trim, "dac_bits": vs.dac_bits})
    if settings.i_read is not None:
        p["read_ratio"] = settings.i_read / i_th
    for name in ("v_mid", "t_refractory"):
        if getattr(settings, name) is not None:
            p[name] = float(getattr(settings, name))
    return p


def objectives(device: Device, settings: NeuronSettings, vs: VerifySpec, table: OnsetTable, samples: int = 200) -> Part:
    """The design's objectives and constraints as the design search computes them
    (:func:`mtjspice.design.neuron.evaluate_design`, ``samples`` samples): input window, rate
    levels, energy per spike, footprint, the worst junction at the compliance."""
    from .neuron import CONSTRAINTS, OBJECTIVES, DesignSpec, evaluate_design

    t0 = time.perf_counter()
    ds = DesignSpec(device, vs.spec, samples, vs.seed, table, offset_sigma=vs.offset_sigma, temperature=vs.temperature)
    e = evaluate_design(ds, -1, design_params(device, settings, vs))
    values = {o.name: float(v) for o, v in zip(OBJECTIVES, e.values, strict=True)}
    units = {o.name: o.unit for o in OBJECTIVES}
    values["yield_search"] = values.pop("yield")
    units["yield_search"] = units.pop("yield")
    for (name, _), c in zip(CONSTRAINTS, e.constraints, strict=True):
        values[f"c_{name}"], units[f"c_{name}"] = float(c), "1"
    for name, unit in (("i_fire", "A"), ("i_clamp", "A"), ("v_clamp_worst", "V"), ("read_margin", "V"),
                       ("dac_step", "V"), ("dac_energy", "J"), ("rate_at_drive", "Hz"), ("tau_m", "s")):
        values[name], units[name] = float(e.extra.get(name, math.nan)), unit
    values["samples"], units["samples"] = float(samples), "1"
    return Part("objectives", values, units, {}, time.perf_counter() - t0)

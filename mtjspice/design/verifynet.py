"""The networks of a design's verification (:func:`network_level`): digits and the event task with
every neuron a sampled device at the verification's temperature, against the ideal signed SNN.

Per task (SI units):

1. The ideal signed LIF of the design: the nominal device's membrane time constant ``tau_m`` (s)
   and gain ``a2`` (1/V) at the test input (the device-level test's own fit, one noiseless
   sample), R_m the junction at u = 0, the circuit's ``u_th`` and refractory time, no gate, behind
   the same clamp as the devices (its input limited to ``i_safe``: the clamp is part of the
   circuit). Its rate curve, flat beyond ``i_safe``, is the ideal network's activation.
2. Training (:func:`mtjspice.network.train.train`, the same settings for both networks: no L2;
   with ``input_limit`` > 0 a penalty (10) on mean inputs above ``input_limit`` x ``i_safe``,
   ``i_safe`` = v_clamp / R_AP, the clamp's compliance through the nominal highest resistance;
   without a clamp the junction's breakdown voltage over R_AP; by default none: the clamp bounds
   every junction, and its saturation is in the training curves), twice: the *ideal* network
   with the ideal LIF's curve; the *deployed* network variation-aware (``pool`` > 0,
   :mod:`mtjspice.network.pool`): every gradient step draws each neuron's activation from the
   measured rate curves of ``pool`` devices sampled from the same spec at indices from
   :data:`POOL_OFFSET` on (never the network's own), each with its own thresholds, behind its own
   clamp, at ``temperature`` (:func:`curve_pool`). The clamp's saturation is in every training
   curve (flat beyond the device's limit), so inputs the clamp limits are inputs the training saw
   limited. ``pool`` = 0: the deployed network is the ideal one.
3. Runs on the first ``images`` test images: the ideal LIF with the ideal network's weights and
   with the deployed weights, and the sampled network with the deployed weights (both trainings
   and all runs with ``per_class`` output neurons per class, their counts summed per class): hidden and
   output neuron j is the device of sample ``network_offset + j`` (seed, index; the samples
   after the circuit level's), at ``temperature`` with its thermal field, its thresholds the
   nominal ones plus its comparators' offsets (trim "none") or its DACs' levels nearest to its own
   read-out at u = +-u_th (trim "dac"), and its input limited by the clamp: |I| at most v_clamp
   over the neuron's own R_AP (so its junction, whatever its state, stays at or below v_clamp).
   The share of neuron-time with the junction above breakdown is measured by the device model
   (:class:`~mtjspice.network.neurons.DeviceRun`), as is the share of neuron-time the clamp limits.
   The network's device model steps on a 10 ps grid, so the read clock is rounded to it (1.2415 ns
   becomes 1.24 ns).

Accuracy with its Wilson 95 % interval. The drop (percentage points) is taken from the better of
the two ideal runs (``accuracy_ideal``: the deployed weights on ideal neurons; ``accuracy_ideal_own``:
the ideal network), so neither training can flatter it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..analysis.lif import LIFParams
from ..analysis.stats import wilson_interval
from ..circuits.settings import NeuronSettings, resolve
from ..errors import ParameterError
from ..montecarlo.circuit import comparator_offsets, sample_devices
from ..montecarlo.device import device_chunk
from ..montecarlo.onsettable import OnsetTable
from ..montecarlo.trim import GAIN_RESOLUTION, reference_thresholds
from ..network.infer import deploy, run_network
from ..network.neurons import DeviceNeuron, DeviceRun, LIFNeuron
from ..network.pool import CurveSet, measure_pool
from ..network.rates import RateCurve, measure_curve
from ..network.settings import Timing
from ..network.tasks import load_task
from ..network.train import TrainSettings, train
from ..params import Device
from ..physics.llgs import junction_resistance
from ..variation import VariationSpec
from .verify import Part, VerifySpec, device_test, nominal_circuit

__all__ = ["CHIP_SEED_STEP", "POOL_OFFSET", "ClampedNeuron", "ClampedLIF", "curve_pool", "measure_curves", "network_level",
           "ideal_lif", "safe_current", "neuron_gains"]

#: First sample index of the variation-aware training's pool: beyond the device level's (10^5 by
#: default), the circuit level's and the network's own samples, so no device under test is in it.
POOL_OFFSET = 1_000_000

#: Chip k's thermal noise is seeded with seed + CHIP_SEED_STEP x k (chip 0: the seed itself).
CHIP_SEED_STEP = 1000

#: DC currents of the pool's curves, as multiples of ``i_safe``: 57 points from 0 to 1.3 (every
#: sampled clamp of the b53s spec lies below 1.2 ``i_safe``; beyond the grid a curve stays flat).
POOL_GRID = np.linspace(0.0, 1.3, 57)


@dataclass(frozen=True)
class ClampedNeuron:
    """A device neuron behind the input clamp: each neuron's input current limited to ``limits``
    (A, per layer one value per neuron); ``clipped`` collects, per call, the share of the layer's
    neuron-time the limit was reached."""

    name: str
    inner: DeviceNeuron
    limits: dict[str, np.ndarray]
    clipped: list[float] = field(default_factory=list)
    gains: dict[str, np.ndarray] = field(default_factory=dict)

    def simulate(self, layer: str, current: np.ndarray, timing: Timing, chunk: int = 0) -> DeviceRun:
        g = self.gains.get(layer)
        if g is not None:  # the per-neuron gain trim scales the input before the clamp
            current = current * g[None, None, :]
        lim = self.limits.get(layer)
        if lim is not None:
            self.clipped.append(float(np.mean(np.abs(current) > lim[None, None, :])))
            current = np.clip(current, -lim[None, None, :], lim[None, None, :])
        return self.inner.simulate(layer, current, timing, chunk)

    def run(self, layer: str, current: np.ndarray, timing: Timing, chunk: int = 0) -> np.ndarray:
        return self.simulate(layer, current, timing, chunk).spikes


@dataclass(frozen=True)
class ClampedLIF:
    """The ideal LIF behind the same clamp: its input limited to ``limit`` (A)."""

    name: str
    inner: LIFNeuron
    limit: float

    def run(self, layer: str, current: np.ndarray, timing: Timing, chunk: int = 0) -> np.ndarray:
        return self.inner.run(layer, np.clip(current, -self.limit, self.limit), timing, chunk)


def safe_current(device: Device, settings: NeuronSettings) -> float:
    """The largest input (A) the design lets into a nominal junction in its highest-resistance
    state: v_clamp / R_AP, or (no clamp) the breakdown voltage / R_AP."""
    v = settings.v_clamp if settings.v_clamp else device.junction.breakdown_voltage
    return float(v / junction_resistance(device, -1.0))


def ideal_lif(device: Device, settings: NeuronSettings, vs: VerifySpec, table: OnsetTable) -> LIFParams:
    """The design's ideal signed LIF (module docstring, step 1)."""
    circuit = nominal_circuit(device, settings)
    nom = device_chunk(device, VariationSpec(), vs.seed, np.array([0]), replace(device_test(vs, settings, circuit),
                       offset_sigma=0.0), table, circuit)
    c = resolve(device, replace(settings, dac_bits=None))
    return LIFParams(tau_m=float(nom["tau_m"][0]), a2=float(nom["a2"][0]), R_m=junction_resistance(device, 0.0),
                     u_th=settings.u_th, t_ref=c.t_refractory, u_reset=0.0, i_th=0.0)


def neuron_gains(device: Device, settings: NeuronSettings, vs: VerifySpec, table: OnsetTable,
                 index: np.ndarray) -> np.ndarray:
    """Per-neuron input gains of the gain trim (dimensionless, one per sample index): k_j = the
    sample's onset over the nominal onset (:func:`mtjspice.montecarlo.trim.gain_trim`'s rule, each
    from the onset table), so that the trimmed neuron sees its onset where the nominal one does;
    rounded to the gain DAC's step (``GAIN_RESOLUTION``), limited to 0.25-4, 1 where a sample has
    no onset."""
    circuit = nominal_circuit(device, settings)
    test = replace(device_test(vs, settings, circuit), offset_sigma=0.0)
    nom = device_chunk(device, VariationSpec(), vs.seed, np.array([0]), test, table, circuit)
    cols = device_chunk(device, vs.spec, vs.seed, np.asarray(index), test, table, circuit)
    k = np.asarray(cols["i_th"], float) / float(nom["i_th"][0])
    k = np.round(k / GAIN_RESOLUTION) * GAIN_RESOLUTION
    return np.where(np.isfinite(k), np.clip(k, 0.25, 4.0), 1.0)


def _sampled(device: Device, spec: VariationSpec, seed: int, first: int, n: int) -> tuple[list[Device], list[int], int]:
    """n valid sampled devices from index ``first`` on, their indices, and how many were skipped."""
    devs: list[Device] = []
    idx: list[int] = []
    i = first
    while len(devs) < n:
        got = sample_devices(device, spec, seed, np.arange(i, i + n))
        for j, d in enumerate(got):
            if d is not None and len(devs) < n:
                devs.append(d)
                idx.append(i + j)
        i += n
    return devs, idx, idx[-1] + 1 - first - n if idx else 0


def _thresholds(devs: list[Device], idx: list[int], c: Any, settings: NeuronSettings, vs: VerifySpec) -> np.ndarray:
    """(n, 2) readout thresholds (V): the DAC levels nearest to each device's own read-out (trim
    "dac") or the nominal ones plus the comparators' offsets of its sample index."""
    if vs.trim == "dac":
        return np.array([replace(c, v_hi=hi, v_lo=lo, dac_bits=vs.dac_bits).dac_levels
                         for hi, lo in (reference_thresholds(d, c, settings.u_th) for d in devs)])
    return np.array([c.v_hi, c.v_lo])[None, :] + comparator_offsets(vs.seed, idx, vs.offset_sigma)


def _limits(device: Device, settings: NeuronSettings, devs: list[Device]) -> np.ndarray:
    """Each device's clamp (A): v_clamp (or the breakdown voltage) over its own R_AP."""
    v_lim = settings.v_clamp if settings.v_clamp else device.junction.breakdown_voltage
    return np.array([v_lim / junction_resistance(d, -1.0) for d in devs])


def curve_pool(device: Device, settings: NeuronSettings, vs: VerifySpec, circuit: Any, i_read: float,
               timing: Timing) -> CurveSet:
    """The variation-aware training's pool (module docstring, step 2): the rate curves (Hz against
    A) of ``vs.pool`` devices sampled from ``vs.spec`` at indices from :data:`POOL_OFFSET` on, each
    with its own thresholds and clamp, at ``vs.temperature`` (the thermal stream of layer "pool"),
    on DC inputs :data:`POOL_GRID` x ``i_safe`` from rest."""
    devs, idx, _ = _sampled(device, vs.spec, vs.seed, POOL_OFFSET, vs.pool)
    return measure_curves(device, settings, vs, circuit, i_read, timing, devs, idx)


def measure_curves(device: Device, settings: NeuronSettings, vs: VerifySpec, circuit: Any, i_read: float,
                   timing: Timing, devs: list[Device], idx: list[int]) -> CurveSet:
    """The rate curves (Hz against A) of the devices ``devs`` (sample indices ``idx``, for their
    thresholds), as :func:`curve_pool` measures its pool: each with its own thresholds and clamp,
    at ``vs.temperature`` (the thermal stream of layer "pool"), on DC inputs :data:`POOL_GRID` x
    ``i_safe`` from rest."""
    base = DeviceNeuron("pool", device, circuit, i_read, temperature=vs.temperature, seed=vs.seed,
                        devices={"pool": devs}, thresholds={"pool": _thresholds(devs, idx, circuit, settings, vs)})
    model = ClampedNeuron("pool", base, {"pool": _limits(device, settings, devs)})
    return measure_pool(model, "pool", len(devs), timing, POOL_GRID * safe_current(device, settings))


def network_level(device: Device, settings: NeuronSettings, vs: VerifySpec, table: OnsetTable,
                  network_offset: int | None = None) -> list[Part]:
    """One :class:`~mtjspice.design.verify.Part` per task (module docstring)."""
    tm = Timing(window=vs.window)
    lif = ideal_lif(device, settings, vs, table)
    c = resolve(device, replace(settings, dac_bits=None))
    # the network's device model steps on the grid: the read clock rounded to whole grid steps
    c = replace(c, clock_period=round(c.clock_period / tm.dt) * tm.dt)
    i_read = c.v_read / (junction_resistance(device, 0.0) + c.r_ref + c.r_on)
    i_safe = safe_current(device, settings)
    ideal = ClampedLIF("ideal", LIFNeuron("ideal", lif), i_safe)  # the clamp is part of the circuit
    curve = measure_curve(ideal, tm)  # flat beyond i_safe: the training gains nothing from larger inputs
    first = vs.circuit_samples if network_offset is None else network_offset
    h = vs.hidden
    n = h + 10 * vs.per_class
    devs, idx, skipped = _sampled(device, vs.spec, vs.seed, first, n * vs.chips)
    if idx[-1] >= POOL_OFFSET:
        raise ParameterError("circuit_samples", first, f"a network whose samples end below the pool's first, {POOL_OFFSET}")
    th = _thresholds(devs, idx, c, settings, vs)
    lim = _limits(device, settings, devs)
    gain = neuron_gains(device, settings, vs, table, np.asarray(idx)) if vs.gain_trim else np.ones(len(devs))
    chips = [_chip(device, c, i_read, vs, k, devs[k * n:(k + 1) * n], th[k * n:(k + 1) * n], lim[k * n:(k + 1) * n],
                   gain[k * n:(k + 1) * n]) for k in range(vs.chips)]
    t_pool = time.perf_counter()
    pool = curve_pool(device, settings, vs, c, i_read, tm) if vs.pool else None
    t_pool = time.perf_counter() - t_pool
    parts = []
    t_seed = vs.seed if vs.train_seed is None else vs.train_seed
    for task_name in vs.tasks:
        t0 = time.perf_counter() - t_pool  # the pool's measurement is charged to the first task
        t_pool = 0.0
        task = load_task(task_name, vs.seed, tm, split=vs.split)
        ts = TrainSettings(hidden=h, epochs=vs.epochs, per_class=vs.per_class, i_limit=(vs.input_limit or 1.0) * i_safe,
                           penalty=10.0 if vs.input_limit else 0.0)
        w_own = train(task, curve, tm, ts, seed=t_seed)
        index = np.arange(min(vs.images, task.y_test.size))
        r_own = run_network(task, deploy(w_own), ideal, tm, index)
        if pool is None:
            bars, r_ideal = deploy(w_own), r_own
        else:
            mean = RateCurve.from_rates(pool.currents, pool.raw.mean(axis=1))  # the initial scale
            bars = deploy(train(task, mean, tm, ts, seed=t_seed, pool=pool))
            r_ideal = run_network(task, bars, ideal, tm, index)
        runs = []
        for model in chips:
            model.clipped.clear()
            r = run_network(task, bars, model, tm, index)
            runs.append((r, float(np.mean(model.clipped)) if model.clipped else 0.0))
        r_dev, clamped = runs[0]
        m = index.size
        values: dict[str, Any] = {}
        for tag, r in (("ideal", r_ideal), ("ideal_own", r_own), ("sampled", r_dev)):
            k = int(round(r.accuracy * m))
            lo, hi = wilson_interval(k, m)
            values.update({f"accuracy_{tag}": r.accuracy, f"accuracy_{tag}_lo": lo, f"accuracy_{tag}_hi": hi})
        best = max(r_ideal.accuracy, r_own.accuracy)
        values.update({"drop_points": 100 * (best - r_dev.accuracy), "images": float(m), "pool": float(vs.pool),
                       "hidden": float(h), "per_class": float(vs.per_class),
                       "epochs": float(vs.epochs), "inference_window": tm.window, "train_seed": float(t_seed),
                       "validation_split": float(vs.split == "validation"),
                       "over_breakdown": max(r.over_breakdown for r, _ in runs),
                       "v_junction_max": max(r.v_max for r, _ in runs), "clamped_share": clamped,
                       "i_safe": i_safe, "skipped_samples": float(skipped),
                       "gain_spread": float(np.std(gain)) if vs.gain_trim else 0.0})
        if vs.chips > 1:  # the same weights on further chips: the spread of the drop across chips
            drops = np.array([100 * (best - r.accuracy) for r, _ in runs])
            values.update({"chips": float(vs.chips), "drop_points_mean": float(drops.mean()),
                           "drop_points_min": float(drops.min()), "drop_points_worst": float(drops.max())})
            values.update({f"accuracy_sampled_chip{k}": r.accuracy for k, (r, _) in enumerate(runs)})
        if vs.calibrate_readout and task_name == "digits":
            values.update(_calibrated(task, bars, chips, tm, index, i_safe, best, t_seed))
        units = {k: "1" for k in values}
        units.update({k: "%" for k in values if k.startswith("drop_points")})
        units.update({"v_junction_max": "V", "i_safe": "A", "calibration_seconds": "s", "inference_window": "s"})
        parts.append(Part(f"network_{task_name}", {k: float(v) for k, v in values.items()}, units,
                          {"index": np.asarray(idx)}, time.perf_counter() - t0))
    return parts


def _chip(device: Device, c: Any, i_read: float, vs: VerifySpec, k: int, devs: list[Device], th: np.ndarray,
          lim: np.ndarray, gain: np.ndarray) -> ClampedNeuron:
    """Sampled chip ``k``: hidden neuron j is ``devs[j]``, output neuron i ``devs[hidden + i]`` (10 x
    ``per_class`` of them), each
    with its thresholds ``th``, behind its clamp ``lim``, (``gain_trim``) its input scaled by
    ``gain``; its thermal noise from seed ``vs.seed + CHIP_SEED_STEP * k``."""
    h = vs.hidden
    base = DeviceNeuron("sampled", device, c, i_read, temperature=vs.temperature, seed=vs.seed + CHIP_SEED_STEP * k,
                        devices={"hidden": devs[:h], "output": devs[h:]},
                        thresholds={"hidden": th[:h], "output": th[h:]})
    return ClampedNeuron(f"sampled_{vs.temperature:g}K", base, {"hidden": lim[:h], "output": lim[h:]},
                         gains={"hidden": gain[:h], "output": gain[h:]} if vs.gain_trim else {})


def _calibrated(task: Any, bars: Any, chips: list[ClampedNeuron], tm: Timing, index: np.ndarray, i_safe: float,
                best: float, seed: int) -> dict[str, float]:
    """The per-chip readout calibration's results beside the default's (:mod:`.calibrate`): each
    chip's output crossbar retrained on its own hidden responses to the training images."""
    from .calibrate import calibrate_readout

    t0 = time.perf_counter()
    acc, over, vmax = [], [], []
    for model in chips:
        cal = calibrate_readout(task, bars, model, tm, POOL_GRID * i_safe, seed=seed)
        r = run_network(task, cal.bars, model, tm, index)
        acc.append(r.accuracy)
        over.append(r.over_breakdown)
        vmax.append(r.v_max)
    drops = [100 * (best - a) for a in acc]
    out = {"accuracy_calibrated": acc[0], "drop_points_calibrated": drops[0], "calibration_images": float(cal.images),
           "over_breakdown_calibrated": max(over), "v_junction_max_calibrated": max(vmax),
           "calibration_seconds": time.perf_counter() - t0}
    if len(chips) > 1:
        out.update({"drop_points_calibrated_mean": float(np.mean(drops)), "drop_points_calibrated_worst": max(drops)})
    return out

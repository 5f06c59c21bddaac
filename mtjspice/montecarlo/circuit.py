"""Circuit-level Monte Carlo: K neuron circuits in ngspice, each with its own sampled device and
comparator offsets, under the nominal input. One chunk of samples is one pure function call
(:func:`circuit_chunk`): sample i's result depends only on ``(seed, i)`` and the experiment
(:class:`CircuitMC`), never on which other samples share its chunk or how many workers run it.

Per sample, two runs of the **nominal** neuron's circuit (:class:`~mtjspice.circuits.neuronobject.Neuron`: read
current, r_ref, v_read, thresholds, reset and read trim all fixed by the nominal device) with the
sample's device as the MTJ: DC ``+drive`` and DC ``-drive`` from rest for ``t_stop``. The
comparators' offsets (:func:`comparator_offsets`) move the thresholds: v_hi + o_hi, v_lo + o_lo.
A trim (:mod:`mtjspice.montecarlo.trim`) may scale the input (gain) or recompute the thresholds
from the sample's resistance (reference; that calibration cancels the offsets too).

Columns (one row per index; :data:`COLUMNS`): ``index``; ``valid`` (the sample is a device the
model accepts and keeps W <= L, the design's short axis along p; else the row is not simulated and
counts as failed); ``inverted`` (the offsets put v_lo at or above v_hi: the comparators can no
longer tell the signs apart, the neuron is not simulated and fails); ``sim_failed`` (an ngspice
run of the sample failed, :class:`~mtjspice.errors.SimulationError`: the row fails, the chunk
goes on); ``fires_pos`` / ``fires_neg``
(at least one spike of the input's sign under +drive / -drive); ``wrong_sign`` (any spike of the
other sign in either run); ``breakdown`` (junction peak voltage above the device's
``breakdown_voltage`` in either run) and ``v_junction_max`` (V); ``rate_pos`` / ``rate_neg``
(Hz: right-sign spikes / t_stop); ``latency_pos`` / ``latency_neg`` (s: first right-sign spike,
nan if none); ``energy_per_spike`` (J: energy of both runs / right-sign spikes of both, nan if
none); ``ok`` (fires_pos & fires_neg & ~wrong_sign & ~breakdown); ``k_trim`` (the gain ratio,
1 without gain trim, nan where the sample does not fire both signs below 3 i_th and so runs
untrimmed; the sample's firing threshold over the nominal one, :mod:`mtjspice.montecarlo.firing`);
``v_hi`` / ``v_lo`` (V, the thresholds the sample's comparators actually used).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..characterize.twin import read_clock_current
from ..circuits.neuron import Thermal, run_neuron
from ..circuits.neuronobject import Neuron
from ..circuits.settings import NeuronSettings
from ..errors import ParameterError, SimulationError
from ..netlist.neuron import NeuronCircuit
from ..netlist.timing import NeuronTiming
from ..params import Device
from ..physics.llgs import junction_resistance
from ..results import NeuronRun
from ..sim import map_parallel
from ..stimulus import DC, PWL
from ..variation import VariationSpec
from .firing import firing_thresholds
from .trim import TRIMS, gain_trim, reference_thresholds
from .verdict import circuit_ok

__all__ = ["CircuitMC", "COLUMNS", "circuit_chunk", "comparator_offsets", "noise_seeds", "sample_devices",
           "junction_drive", "strobe_times", "OFFSET_STREAM", "NOISE_STREAM"]

#: Columns of :func:`circuit_chunk` (module docstring), in order.
COLUMNS: tuple[str, ...] = ("index", "valid", "inverted", "sim_failed", "fires_pos", "fires_neg", "wrong_sign", "breakdown",
                            "v_junction_max", "rate_pos", "rate_neg", "latency_pos", "latency_neg", "energy_per_spike",
                            "ok", "k_trim", "v_hi", "v_lo")
_BOOL = ("valid", "inverted", "sim_failed", "fires_pos", "fires_neg", "wrong_sign", "breakdown", "ok")
#: Seed-sequence streams: sample i draws its device from [seed, i] (:mod:`mtjspice.variation`), its
#: comparator offsets from [seed, i, OFFSET_STREAM] and its noise seeds from [seed, i, NOISE_STREAM].
OFFSET_STREAM = 1
NOISE_STREAM = 2


@dataclass(frozen=True)
class CircuitMC:
    """One circuit-level Monte Carlo experiment (what every chunk of it shares). SI units.

    Attributes
    ----------
    drive : float
        Magnitude of the nominal DC input (A); each sample runs +drive and -drive.
    t_stop : float
        Length of each run (s).
    offset_sigma : float
        Standard deviation of each comparator's input offset (V), drawn per threshold. 0 = ideal.
        Realistic: Pelgrom mismatch, sigma(dV_T) = A_VT / sqrt(W L) per transistor with A_VT about
        2.5 mV um at 45 nm (Pelgrom et al., IEEE JSSC 24, 1433 (1989); Kinget, JSSC 40, 1212 (2005)),
        gives 5 to 15 mV for a small StrongARM latch's input pair (sqrt(2) sigma(dV_T), W L of
        0.1 to 0.5 um^2). The default device's read-out moves only about 7 mV between u = 0 and
        u = +-u_th, so realistic offsets need the reference trim (which calibrates them away).
    temperature : float
        MTJ temperature (K); 0 = noiseless. At temperature each run draws its own seeded thermal
        field (:func:`noise_seeds`).
    trim : {"none", "gain", "reference", "gain+reference", "dac"}
        Per-neuron calibration (:mod:`mtjspice.montecarlo.trim`); "dac": the reference trim through
        two threshold DACs of ``dac_bits`` in the neuron's deck (:attr:`NeuronCircuit.dac_bits`).
    dac_bits : int
        Bits of the threshold DACs with trim "dac" (1 to 16).
    """

    drive: float = 0.6e-3
    t_stop: float = 40e-9
    offset_sigma: float = 0.0
    temperature: float = 0.0
    trim: str = "none"
    dac_bits: int = 8

    def __post_init__(self) -> None:
        for name, low in (("drive", 0.0), ("t_stop", 0.0)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= low:
                raise ParameterError(name, v, "a finite number > 0 (" + ("A" if name == "drive" else "s") + ")")
        for name, unit in (("offset_sigma", "V"), ("temperature", "K")):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise ParameterError(name, v, f"a finite number >= 0 ({unit})")
        if self.temperature >= 1500:
            raise ParameterError("temperature", self.temperature, "a temperature below 1500 K")
        if self.trim not in TRIMS:
            raise ParameterError("trim", self.trim, " or ".join(map(repr, TRIMS)))
        if isinstance(self.dac_bits, bool) or not isinstance(self.dac_bits, int) or not 1 <= self.dac_bits <= 16:
            raise ParameterError("dac_bits", self.dac_bits, "a whole number of bits from 1 to 16")

    @property
    def gain(self) -> bool:
        """Whether the input is gain-trimmed."""
        return self.trim in ("gain", "gain+reference")

    @property
    def reference(self) -> bool:
        """Whether the thresholds are reference-trimmed (offsets calibrated away)."""
        return self.trim in ("reference", "gain+reference", "dac")


def _indices(seed: object, indices: Sequence[int] | np.ndarray) -> tuple[int, np.ndarray]:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError("seed", seed, "an integer >= 0")
    idx = np.asarray(indices)
    if idx.ndim != 1 or (idx.size and (not np.issubdtype(idx.dtype, np.integer) or idx.min() < 0)):
        raise ParameterError("indices", indices, "a sequence of sample indices, integers >= 0")
    return int(seed), idx.astype(np.int64)


def comparator_offsets(seed: int, indices: Sequence[int] | np.ndarray, sigma: float) -> np.ndarray:
    """Offsets (V) of the upper and the lower threshold's comparator, shape (n, 2): row i from the
    seed sequence ``[seed, i, OFFSET_STREAM]`` only (independent of the device draws, ``[seed, i]``)."""
    s, idx = _indices(seed, indices)
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float)) or not math.isfinite(sigma) or sigma < 0:
        raise ParameterError("offset_sigma", sigma, "a finite number >= 0 (V)")
    z = np.array([np.random.default_rng([s, int(i), OFFSET_STREAM]).standard_normal(2) for i in idx])
    return sigma * z.reshape(idx.size, 2)


def noise_seeds(seed: int, indices: Sequence[int] | np.ndarray) -> np.ndarray:
    """Thermal-noise seeds of sample i's +drive and -drive runs, shape (n, 2), from
    ``[seed, i, NOISE_STREAM]`` only."""
    s, idx = _indices(seed, indices)
    z = [np.random.default_rng([s, int(i), NOISE_STREAM]).integers(0, 2**31 - 1, size=2) for i in idx]
    return np.array(z, dtype=np.int64).reshape(idx.size, 2)


def sample_devices(device: Device, spec: VariationSpec, seed: int,
                   indices: Sequence[int] | np.ndarray) -> list[Device | None]:
    """Sample i's device (as :meth:`VariationSpec.devices`), or None where it is no valid device
    (outside the device limits, or W > L)."""
    s, idx = _indices(seed, indices)
    values = spec.sample(device, s, idx)
    out: list[Device | None] = []
    for n in range(idx.size):
        try:
            d = device.replace(**{k: float(v[n]) for k, v in values.items()})
        except ParameterError:
            out.append(None)
            continue
        out.append(d if d.geometry.W <= d.geometry.L else None)
    return out


def _empty(idx: np.ndarray) -> dict[str, np.ndarray]:
    cols = {c: np.full(idx.size, np.nan) for c in COLUMNS}
    cols["index"] = idx.copy()
    for c in _BOOL:
        cols[c] = np.zeros(idx.size, bool)
    return cols


def _right_sign(run: NeuronRun, sign: int) -> tuple[int, int, float]:
    """(right-sign spikes, wrong-sign spikes, first right-sign spike time s or nan)."""
    pol = run.spikes.polarity
    right = pol == sign
    first = float(run.spikes.t[right][0]) if right.any() else math.nan
    return int(right.sum()), int(np.sum(pol == -sign)), first


def circuit_chunk(neuron: Neuron, spec: VariationSpec, seed: int, indices: Sequence[int] | np.ndarray, mc: CircuitMC,
                  onsets: Sequence[float] | np.ndarray | None = None, *, workers: int = 1) -> dict[str, np.ndarray]:
    """The columns (module docstring) of samples ``indices`` of ``spec`` around the nominal neuron's device.

    Parameters
    ----------
    neuron : Neuron
        The nominal neuron: its device is the one the samples vary, its circuit (resolved on it) the
        one every sample runs in.
    spec, seed, indices
        The variation and the samples (:meth:`VariationSpec.devices`).
    mc : CircuitMC
        The experiment.
    onsets : (n,) array, optional
        The samples' thresholds (A) for the gain trim, against the nominal onset (``settings.i_th`` or
        ``onset_current(device)``): pass values by that criterion. When None (default) the trim uses
        the circuit's threshold instead, each sample's firing threshold (the mean of both signs) over
        the nominal device's, both under the nominal circuit's clocked read
        (:func:`mtjspice.montecarlo.firing.firing_thresholds`, about 3 s per sample).
    workers : int
        ngspice processes at once (threads, each waiting on its own process). The results do not
        depend on it.
    """
    Neuron.given(neuron)
    s, idx = _indices(seed, indices)
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ParameterError("workers", workers, "an integer >= 1")
    if onsets is not None:
        onsets = np.asarray(onsets, float)
        if onsets.shape != idx.shape:
            raise ParameterError("onsets", onsets.shape, f"one onset current (A) per index: shape {idx.shape}")
    cols = _empty(idx)
    device, settings, nominal = neuron.device, neuron.settings, neuron.circuit
    devices = sample_devices(device, spec, s, idx)
    offsets = comparator_offsets(s, idx, mc.offset_sigma)
    seeds = noise_seeds(s, idx)
    k = np.ones(idx.size)
    if mc.gain:
        if onsets is None:  # the circuit's threshold: each device's firing threshold under the clocked read
            nominal_th, onsets = firing_thresholds(device, devices, settings, neuron.i_th,
                                                     character=neuron.character)
        else:
            nominal_th = neuron.i_th
        k = gain_trim(onsets, nominal_th)
    circuits: list[NeuronCircuit | None] = []
    for j, d in enumerate(devices):
        cols["valid"][j] = d is not None
        if d is None:
            circuits.append(None)
            continue
        if mc.reference:
            v_hi, v_lo = reference_thresholds(d, nominal, settings.u_th)
        else:
            v_hi, v_lo = nominal.v_hi + offsets[j, 0], nominal.v_lo + offsets[j, 1]
        bits = mc.dac_bits if mc.trim == "dac" else 0
        if bits:  # the DACs' levels nearest to the sample's own thresholds (codes set at calibration)
            v_hi, v_lo = replace(nominal, v_hi=max(v_hi, v_lo + 1e-9), v_lo=v_lo, dac_bits=bits).dac_levels
        cols["v_hi"][j], cols["v_lo"][j] = v_hi, v_lo
        cols["inverted"][j] = v_lo >= v_hi
        circuits.append(None if v_lo >= v_hi else replace(nominal, v_hi=v_hi, v_lo=v_lo, dac_bits=bits))
    cols["k_trim"] = k.copy()

    def one(job: tuple[int, int]) -> NeuronRun | None:
        j, sign = job
        d, c = devices[j], circuits[j]
        assert d is not None and c is not None
        thermal = Thermal.make(d, settings, mc.temperature, int(seeds[j, 0 if sign > 0 else 1]))
        gain = k[j] if math.isfinite(k[j]) else 1.0
        try:
            return run_neuron(d, DC(sign * gain * mc.drive), mc.t_stop, settings, c, warn=False, thermal=thermal,
                              keep_wave=False)
        except SimulationError:
            return None

    jobs = [(j, sign) for j in range(idx.size) if circuits[j] is not None for sign in (1, -1)]
    # Ctrl-C kills the running neurons' ngspice and starts no other
    runs = dict(zip(jobs, map_parallel(one, jobs, workers=min(int(workers), max(1, len(jobs)))), strict=True))
    for j in range(idx.size):
        if (j, 1) not in runs:
            continue
        pos, neg = runs[(j, 1)], runs[(j, -1)]
        if pos is None or neg is None:
            cols["sim_failed"][j] = True
            continue
        n_pos, wrong_pos, first_pos = _right_sign(pos, 1)
        n_neg, wrong_neg, first_neg = _right_sign(neg, -1)
        d = devices[j]
        assert d is not None
        vj = max(pos.v_junction_max, neg.v_junction_max)
        put = {"fires_pos": n_pos > 0, "fires_neg": n_neg > 0, "wrong_sign": wrong_pos + wrong_neg > 0,
               "breakdown": vj > d.junction.breakdown_voltage, "v_junction_max": vj, "rate_pos": n_pos / mc.t_stop,
               "rate_neg": n_neg / mc.t_stop, "latency_pos": first_pos, "latency_neg": first_neg,
               "energy_per_spike": (pos.energy.total + neg.energy.total) / (n_pos + n_neg) if n_pos + n_neg else math.nan}
        for c, v in put.items():
            cols[c][j] = v
    cols["ok"] = circuit_ok(cols["fires_pos"], cols["fires_neg"], cols["wrong_sign"], cols["breakdown"])
    return cols


def junction_drive(devices: Sequence[Device], circuit: NeuronCircuit, currents: Sequence[float] | np.ndarray,
                   t_stop: float) -> PWL:
    """The current (A) ``circuit`` passes through each device's junction until its first spike, as one
    PWL with a column per device, for the macrospin solver: the input ``currents[n]`` (A, signed)
    minus the read trim ``i_trim`` outside the read windows; the read current v_read / (r_ref + R(0)
    + r_on) inside them (the read clock of :func:`mtjspice.netlist.neuron.clock_sources`).

    The device-level picture of the circuit: a DC input overstates the drive (the input is gated
    off for a fifth of each clock) and misses what the gating edges do to a device just below its
    onset (they pump it; see :mod:`mtjspice.montecarlo.circuit`'s tests)."""
    cur = np.asarray(currents, float)
    if cur.shape != (len(devices),):
        raise ParameterError("currents", cur.shape, f"one input current (A) per device: shape ({len(devices)},)")
    i_read = np.array([circuit.v_read / (circuit.r_ref + junction_resistance(d, 0.0) + circuit.r_on) for d in devices])
    return read_clock_current(NeuronTiming.of(circuit), circuit.i_trim, cur, i_read, t_stop)


def strobe_times(circuit: NeuronCircuit, settings: NeuronSettings, t_stop: float) -> np.ndarray:
    """When the behavioral comparators hold the read-out (s, before ``t_stop``): the strobe's 50 %
    rise plus ``settings.behavioral.sample_delay``, once per read clock
    (:meth:`~mtjspice.netlist.timing.NeuronTiming.decisions`)."""
    return NeuronTiming.of(circuit, settings.behavioral).decisions(t_stop)

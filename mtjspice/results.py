"""Typed results: the waveforms a simulation writes, spike trains, energy by part and per source,
and whole neuron and array runs. Plain dataclasses of numpy arrays and floats."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import ParameterError
from .netlist.array import ArrayProbes
from .netlist.neuron import NeuronCircuit, NeuronProbes

__all__ = ["Waveforms", "EnergyBreakdown", "SpikeTrain", "Raster", "NeuronRun", "ArrayRun", "NEURON_PARTS",
           "ARRAY_PARTS"]


@dataclass(frozen=True, eq=False)
class Waveforms(Mapping[str, np.ndarray]):
    """Time (s) and signals (V or A), each a numpy array of the same length.

    Signals are keyed by their ngspice vector names in lower case: ``v(out)``, ``v(x1.my)``,
    ``i(vin)``. ``wf["v(out)"]`` returns one; iteration gives the names.

    Attributes
    ----------
    t : (k,) array
        Time points (s), strictly increasing.
    signals : dict of str to (k,) array
        Node voltages (V) and branch currents (A).
    engine : str
        ``"ngspice-batch"`` or ``"ngspice-shared"``.
    log : str
        ngspice's output for the run.
    stats : dict
        Run statistics: ``wall_s`` (s), ``points`` (time points), and for the batch engine
        ``peak_rss_bytes``, the ngspice process's peak resident memory (bytes).
    """

    t: np.ndarray
    signals: dict[str, np.ndarray]
    engine: str = ""
    log: str = field(default="", repr=False)
    stats: dict[str, float] = field(default_factory=dict, repr=False)

    def __getitem__(self, key: str) -> np.ndarray:
        k = key.lower()
        if k not in self.signals:
            raise ParameterError("signal", key, "one of " + ", ".join(sorted(self.signals)))
        return self.signals[k]

    def __iter__(self) -> Iterator[str]:
        return iter(self.signals)

    def __len__(self) -> int:
        return len(self.signals)

    def at(self, times: np.ndarray) -> dict[str, np.ndarray]:
        """Every signal linearly interpolated at ``times`` (s)."""
        return {k: np.interp(times, self.t, v) for k, v in self.signals.items()}


#: Dissipating parts of one neuron, in the order reports list them.
NEURON_PARTS: tuple[str, ...] = ("junction", "readout_divider", "comparators", "reset_circuit", "input_gating")
#: Dissipating parts of an array: the crossbar and the row drivers, then every neuron part summed.
ARRAY_PARTS: tuple[str, ...] = ("crossbar", "drivers", *NEURON_PARTS)


@dataclass(frozen=True)
class EnergyBreakdown:
    """Energy of a run (J): dissipated per part and delivered per source.

    Attributes
    ----------
    parts : dict of str to float
        Dissipated energy per part (J), keyed by :data:`NEURON_PARTS` or :data:`ARRAY_PARTS`.
    sources : dict of str to float
        Energy delivered by each source (J).
    """

    parts: dict[str, float]
    sources: dict[str, float]

    def __getitem__(self, part: str) -> float:
        if part not in self.parts:
            raise ParameterError("energy part", part, "one of " + ", ".join(self.parts))
        return self.parts[part]

    @property
    def total(self) -> float:
        """Energy delivered by every source (J)."""
        return float(sum(self.sources.values()))

    @property
    def parts_sum(self) -> float:
        """Sum of the parts (J); equals :attr:`total` up to the integration's rounding."""
        return float(sum(self.parts.values()))


@dataclass(frozen=True, eq=False)
class SpikeTrain:
    """Spikes of one neuron: times (s, rising 50 % crossing) and polarities (+1 / -1), time-ordered."""

    t: np.ndarray
    polarity: np.ndarray

    def __len__(self) -> int:
        return int(self.t.size)

    @property
    def n_positive(self) -> int:
        return int(np.sum(self.polarity > 0))

    @property
    def n_negative(self) -> int:
        return int(np.sum(self.polarity < 0))

    def rows(self) -> np.ndarray:
        """(k, 2) array of (time s, polarity)."""
        return np.column_stack([self.t, self.polarity]).astype(float).reshape(-1, 2)


@dataclass(frozen=True, eq=False)
class Raster:
    """Spikes of many neurons, ordered by time then neuron: neuron index, time (s), polarity (+1 / -1)."""

    neuron: np.ndarray
    t: np.ndarray
    polarity: np.ndarray

    def __len__(self) -> int:
        return int(self.t.size)

    def rows(self) -> np.ndarray:
        """(k, 3) array of (neuron, time s, polarity)."""
        return np.column_stack([self.neuron, self.t, self.polarity]).astype(float).reshape(-1, 3)

    def of(self, j: int) -> SpikeTrain:
        """Neuron ``j``'s spikes."""
        sel = self.neuron == j
        return SpikeTrain(self.t[sel], self.polarity[sel])


@dataclass(frozen=True, eq=False)
class NeuronRun:
    """One neuron simulation.

    Attributes
    ----------
    wave : Waveforms
        The written vectors (V, A) against time (s).
    circuit : NeuronCircuit
        The resolved circuit.
    probes : NeuronProbes
        Which vector is which.
    netlist : str
        The deck that ran (runs as it is with ``ngspice -b``).
    input : waveform or float
        The input current (A).
    spikes : SpikeTrain
    energy : EnergyBreakdown
    wall_ngspice, wall_python : float
        Seconds spent in ngspice and in Python (deck building and analysis).
    v_junction_max : float
        Largest junction voltage of the run (V).
    attachments : mapping of str to str
        Data files the netlist reads (its MTJ's thermal-noise samples), file name -> text.
    temperature : float
        Temperature of the MTJ's thermal field (K); 0 for a noiseless run.
    seed : int or None
        Seed of the thermal noise (None for a noiseless run).
    """

    wave: Waveforms
    circuit: NeuronCircuit
    probes: NeuronProbes
    netlist: str
    input: Any
    spikes: SpikeTrain
    energy: EnergyBreakdown
    wall_ngspice: float
    wall_python: float
    v_junction_max: float
    attachments: Mapping[str, str] = field(default_factory=dict)
    temperature: float = 0.0
    seed: int | None = None

    @property
    def t(self) -> np.ndarray:
        """Time points (s)."""
        return self.wave.t

    @property
    def u(self) -> np.ndarray:
        """Membrane potential m_y (dimensionless)."""
        return self.wave[self.probes.u.vector]


@dataclass(frozen=True, eq=False)
class ArrayRun:
    """One array simulation.

    Attributes
    ----------
    spikes : Raster
    energy : EnergyBreakdown
        Parts :data:`ARRAY_PARTS`, summed over the array.
    energy_neurons : (M, len(NEURON_PARTS)) array
        Per neuron, its :data:`NEURON_PARTS` (J).
    input_events : int
        Input events (pulses) driven into the rows.
    parts : list of list of int
        The neuron groups that ran as separate decks.
    netlists : list of str
        The decks that ran, one per part.
    wall : float
        Wall time of the whole run (s).
    part_stats : list of dict
        Per part: ngspice wall time (s), time points, peak memory (bytes).
    waves : dict of int to Waveforms
        Per neuron (with ``keep_waves``): the part's waveforms, read with ``probes.neurons[j]``.
    probes : dict of int to ArrayProbes
        Per neuron, the probes of the deck it ran in.
    t_stop : float
        Simulated time (s).
    temperature : float
        Temperature of the MTJs' thermal field (K); 0 for a noiseless run.
    seed : int or None
        Seed of the thermal noise (None for a noiseless run).
    drive : list of (int, NeuronDrive)
        Per neuron (index, :class:`~mtjspice.analysis.levels.NeuronDrive`): its input current's mean
        and peak (A), its columns' worst voltage (V).
    row_sag : list of RowSag
        Per input row (:class:`~mtjspice.analysis.levels.RowSag`): its source's peak, its far end's
        voltage at its worst (V) and the fraction lost.
    """

    spikes: Raster
    energy: EnergyBreakdown
    energy_neurons: np.ndarray
    input_events: int
    parts: list[list[int]]
    netlists: list[str]
    wall: float
    part_stats: list[dict[str, float]]
    waves: dict[int, Waveforms]
    probes: dict[int, ArrayProbes]
    t_stop: float
    temperature: float = 0.0
    seed: int | None = None
    drive: list[tuple[int, Any]] = field(default_factory=list)
    row_sag: list[Any] = field(default_factory=list)

    @property
    def energy_per_spike(self) -> float:
        """Total energy per output spike (J); nan without spikes."""
        n = len(self.spikes)
        return self.energy.total / n if n else math.nan

    @property
    def energy_per_input_event(self) -> float:
        """Total energy per input event (J); nan without input events."""
        return self.energy.total / self.input_events if self.input_events else math.nan

"""The neuron circuit's derived timing, in one place (:class:`NeuronTiming`): when the read windows
open and close, when the comparators decide, when a spike starts and how long the refractory
interval lasts, in seconds and as indices of a fixed-step grid.

The netlist's clock sources (:func:`mtjspice.netlist.neuron.clock_sources`) and one-shot
(:func:`mtjspice.netlist.neuron.oneshot_params`) make these instants in ngspice; every numpy
model of the same circuit (the device-level Monte Carlo's response, the circuit Monte Carlo's
junction drive, the firing threshold, the network's :class:`~mtjspice.network.neurons.DeviceNeuron`)
reads them from here, so the twin and the netlist cannot drift apart. All times in s, from t = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from .comparators import BehavioralComparator
from .neuroncircuit import NeuronCircuit

__all__ = ["NeuronTiming", "GridPhases"]


@dataclass(frozen=True)
class GridPhases:
    """The logic's instants within one read-clock period, as steps of a fixed grid ``dt`` counted
    from the period's start (what a fixed-step numpy model indexes with).

    Attributes
    ----------
    period : int
        Grid steps per read-clock period.
    read : int
        Step at which the read window's rising edge ends (the input is gated off, the read on).
    decide : int
        First step at or after the decision instant; the read-out is interpolated linearly
        between steps ``decide - 1`` and ``decide`` with weight ``decide_w`` / 1000 on the latter.
    decide_w : int
        That weight, per mille.
    spike : int
        Step of the spike (the comparator's output edge).
    ref_from, ref_to : int
        The refractory interval after a spike in that period, [ref_from, ref_to) in steps.
    """

    period: int
    read: int
    decide: int
    decide_w: int
    spike: int
    ref_from: int
    ref_to: int


def _grid(x: float, dt: float) -> int:
    return int(math.floor(x / dt + 0.5))


@dataclass(frozen=True)
class NeuronTiming:
    """The derived timing of a resolved neuron circuit with its comparators (SI units, s).

    Build it with :meth:`of`. The read clock of period ``clock_period`` has its read window (input
    gated off, divider on) from ``clock_period - read_width - edge`` (rising edge start) for
    ``read_width`` at full height, with ramps of ``edge``; the comparators' strobe rises
    ``settle`` into it; the comparators hold the read-out ``sample_delay`` after the strobe's 50 %
    point (the decision instant) and their output edge (the spike) follows ``output_delay``
    later; the reset one-shot rises ``read_width - settle`` after the spike and keeps the input
    and the comparators off for ``t_refractory``.

    Attributes
    ----------
    clock_period, read_width, settle, edge, t_refractory : float
        From the :class:`~mtjspice.netlist.neuroncircuit.NeuronCircuit` (s).
    sample_delay : float
        From the strobe's 50 % rise to the hold (s), the comparator's.
    output_delay : float
        From the hold to the comparator output's 50 % point (s), the comparator's.
    """

    clock_period: float
    read_width: float
    settle: float
    edge: float
    t_refractory: float
    sample_delay: float
    output_delay: float

    def __post_init__(self) -> None:
        for name in ("sample_delay", "output_delay"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (math.isfinite(v) and v >= 0):
                raise ParameterError(name, v, "a finite time >= 0 (s)")

    @staticmethod
    def of(circuit: NeuronCircuit, comparator: BehavioralComparator | None = None) -> NeuronTiming:
        """The timing of ``circuit`` with ``comparator``'s sampling and output delays (default: the
        behavioral comparator's defaults)."""
        cmp = BehavioralComparator() if comparator is None else comparator
        return NeuronTiming(clock_period=circuit.clock_period, read_width=circuit.read_width, settle=circuit.settle,
                            edge=circuit.edge, t_refractory=circuit.t_refractory, sample_delay=cmp.sample_delay,
                            output_delay=cmp.delay)

    @property
    def strobe_delay(self) -> float:
        """When the first strobe starts to rise (s), as :attr:`NeuronCircuit.strobe_delay`."""
        return self.clock_period - self.read_width - self.edge + self.settle

    @property
    def first_read(self) -> float:
        """When the first read window's rising edge starts (s)."""
        return self.clock_period - self.read_width - self.edge

    @property
    def first_decision(self) -> float:
        """When the comparators first hold the read-out (s): the strobe's 50 % rise plus ``sample_delay``."""
        return self.strobe_delay + self.edge / 2 + self.sample_delay

    @property
    def spike_delay(self) -> float:
        """From a decision to its spike (s): ``output_delay``."""
        return self.output_delay

    @property
    def oneshot_rise(self) -> float:
        """From a spike to the start of the one-shot's rise (s): ``read_width - settle``."""
        return self.read_width - self.settle

    def decisions(self, t_stop: float) -> np.ndarray:
        """The decision instants before ``t_stop`` (s): :attr:`first_decision` plus whole periods."""
        first, period = self.first_decision, self.clock_period
        return first + period * np.arange(max(0, math.ceil((t_stop - first) / period)))

    def read_windows(self, t_stop: float) -> list[tuple[float, float, float, float]]:
        """The read windows starting before ``t_stop``: (rise start, rise end, fall start, fall end) (s)."""
        windows = []
        start = self.first_read
        while start < t_stop:
            windows.append((start, start + self.edge, start + self.edge + self.read_width,
                            start + 2 * self.edge + self.read_width))
            start += self.clock_period
        return windows

    def refractory(self, t_spike: float) -> tuple[float, float]:
        """The refractory interval after a spike at ``t_spike`` (s), [start, end): from the start of
        the one-shot's rise (:attr:`oneshot_rise` after the spike) for ``t_refractory``. (The one-shot's
        output is above half height from half an edge later; a numpy model gates from the start.)"""
        start = t_spike + self.read_width - self.settle
        return start, start + self.t_refractory

    def grid(self, dt: float) -> GridPhases:
        """The instants of one period as steps of a fixed grid ``dt`` (s), for a fixed-step numpy
        model (:class:`GridPhases`); the period must be a whole number of steps."""
        per = self.clock_period / dt
        if abs(per - round(per)) > 1e-6:
            raise ParameterError("clock_period", self.clock_period, f"a whole number of grid steps dt = {dt!r} s")
        decide = self.first_decision
        spike = decide + self.spike_delay
        ref_from, ref_to = self.refractory(spike)
        # the hold instant lies between two grid samples: the read-out is interpolated linearly
        # between sample "decide" - 1 and "decide" with weight "decide_w" (per mille) on the latter
        lo = int(math.floor(decide / dt))
        frac = decide / dt - lo
        if frac > 1 - 1e-6:
            lo, frac = lo + 1, 0.0
        return GridPhases(period=int(round(per)), read=_grid(self.clock_period - self.read_width, dt), decide=lo + 1,
                          decide_w=int(round(1000 * frac)), spike=_grid(spike, dt), ref_from=_grid(ref_from, dt),
                          ref_to=_grid(ref_to, dt))

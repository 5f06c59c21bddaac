"""The numpy neuron twin's test protocol and circuit: how a device is driven and read
(:class:`DeviceMC`: drive, pulse, criteria, trim, how the read is modelled) and what a resolved
neuron circuit fixes for it (:class:`ReadCircuit`: divider, thresholds, read current, trim,
timing, hysteresis), built from a :class:`~mtjspice.netlist.neuroncircuit.NeuronCircuit` without
resolving any settings (that is :class:`mtjspice.montecarlo.testspec.NominalCircuit`'s job)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Self

import numpy as np

from ..errors import ParameterError
from ..netlist.comparators import BehavioralComparator
from ..netlist.neuroncircuit import NeuronCircuit
from ..netlist.timing import NeuronTiming
from ..params import Device
from ..physics.llgs import conductance
from ..units import check_nonnegative, check_positive

__all__ = ["DeviceMC", "ReadCircuit"]


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
    gain_trim : bool
        With ``trim``: also run the gain + reference trim (the second pulse); False keeps only the
        reference trim, which needs no second run.
    offset_sigma : float
        Comparator offset sigma per threshold (V): each sample's thresholds move by offsets drawn
        from (seed, i) as in the circuit-level Monte Carlo
        (:func:`mtjspice.montecarlo.circuit.comparator_offsets`); the reference trim calibrates them
        out.
    read : {"clocked", "dc"}
        "clocked" (default): the junction sees what the nominal circuit passes through it, the
        input gated off and the read current on during each read window, the read trim
        subtracted, for +drive and -drive (two runs), and fires where u passes the sample's own
        u thresholds (with the comparators' hysteresis) at a strobe time: the prediction that
        agrees with ngspice. "dc": a plain pulse of +drive, the -drive response taken as its
        mirror and u_plateau compared with the thresholds (one run, half the cost; it
        overstates the drive, since the circuit gates the input off a fifth of the time).
    ref_step : float
        Step of the reference trim's DAC (V): each trimmed threshold is the DAC level nearest to
        the sample's own read-out at u = +-u_th (a per-neuron threshold DAC whose code is set from
        the neuron's measured resistance); 0 (default): the exact threshold.
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
    gain_trim: bool = True
    offset_sigma: float = 0.0
    ref_step: float = 0.0

    def __post_init__(self) -> None:
        for name, unit in (("drive", "A"), ("t_on", "s"), ("t_relax", "s"), ("t_stop", "s"), ("step", "s"),
                           ("dt", "s")):
            check_positive(name, getattr(self, name), unit)
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
        check_nonnegative("offset_sigma", self.offset_sigma, "V")
        check_nonnegative("ref_step", self.ref_step, "V")
        if self.read not in ("clocked", "dc"):
            raise ParameterError("read", self.read, "'clocked' or 'dc'")
        lo, hi = self.k_range
        if not (0 < lo <= 1 <= hi < math.inf):
            raise ParameterError("k_range", self.k_range, "a trim range (min, max) with 0 < min <= 1 <= max")


    def dac_level(self, v: np.ndarray) -> np.ndarray:
        """The reference DAC's level nearest to ``v`` (V): ``v`` itself when ``ref_step`` is 0."""
        return np.round(np.asarray(v) / self.ref_step) * self.ref_step if self.ref_step > 0 else np.asarray(v)


@dataclass(frozen=True)
class ReadCircuit:
    """What a resolved neuron circuit fixes for the numpy twin (SI units): the reference resistor
    r_ref (Ohm), the read bias v_read (V), the thresholds v_hi and v_lo on the read-out (V), the
    read current i_read (A) of the device the circuit was resolved for, and an onset i_th (A),
    the trim's reference. The circuit's timing (:class:`~mtjspice.netlist.timing.NeuronTiming`:
    read clock, strobes), the switch resistance r_on (Ohm), the read trim i_trim (A) and the
    comparators' hysteresis (V) serve the clocked test."""

    r_ref: float
    v_read: float
    v_hi: float
    v_lo: float
    i_read: float
    i_th: float
    timing: NeuronTiming
    r_on: float = 1.0
    i_trim: float = 0.0
    hysteresis: float = 0.0

    @classmethod
    def from_circuit(cls, device: Device, circuit: NeuronCircuit, comparator: BehavioralComparator,
                     i_th: float) -> Self:
        """The twin's view of ``circuit`` resolved for ``device``, with ``comparator``'s timing and
        hysteresis and ``i_th`` (A) as the trim's reference onset."""
        c = circuit
        r0 = 1.0 / float(conductance(0.0, 1 / device.R_P, 1 / device.R_AP))
        return cls(r_ref=c.r_ref, v_read=c.v_read, v_hi=c.v_hi, v_lo=c.v_lo, i_read=c.v_read / (c.r_ref + r0), i_th=i_th,
                   timing=NeuronTiming.of(c, comparator), r_on=c.r_on, i_trim=c.i_trim,
                   hysteresis=comparator.hysteresis)

    def strobes(self, t_stop: float) -> np.ndarray:
        """When the comparators hold the read-out (s), once per read clock, before ``t_stop``."""
        return self.timing.decisions(t_stop)

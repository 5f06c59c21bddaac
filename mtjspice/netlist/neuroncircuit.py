"""The neuron circuit's resolved values (:class:`NeuronCircuit`), checked once; the netlist
(:mod:`mtjspice.netlist.neuron`) and every analysis read them."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Literal

from ..errors import ParameterError
from .dac import dac_code, dac_level

__all__ = ["NeuronCircuit", "ComparatorKind", "ResetMode", "COMPARATORS", "RESETS"]

ComparatorKind = Literal["behavioral", "cmos"]
ResetMode = Literal["leak", "active"]
#: The shipped comparator flavours (the registry, :mod:`mtjspice.circuits.comparators`, may hold more).
COMPARATORS: tuple[str, ...] = ("behavioral", "cmos")
RESETS: tuple[str, ...] = ("leak", "active")


@dataclass(frozen=True)
class NeuronCircuit:
    """Every electrical value of the neuron circuit, resolved: no defaults here (the one set of
    defaults, and how they derive from the device, is :class:`mtjspice.circuits.settings.NeuronSettings`).

    Attributes
    ----------
    comparator : str
        Comparator flavour: a registered comparator's name ("behavioral", "cmos", ...).
    reset : {"leak", "active"}
        Reset mode.
    r_ref : float
        Reference resistor of the divider (Ohm).
    v_read : float
        Read bias of the divider (V).
    v_hi, v_lo : float
        Upper and lower thresholds on the readout node t2 (V); v_lo < v_hi.
    clock_period : float
        Read-clock period (s).
    read_width : float
        Read window (input gated off, divider on) (s).
    settle : float
        Delay from the window's start to the comparators' strobe (s).
    t_refractory : float
        Refractory time after a spike (s): the reset one-shot's output is above half height for
        exactly this long, and meanwhile the input is off, the comparators are off (and the active
        reset is on); at least ``edge`` (the one-shot's ramps are part of it).
    i_reset : float
        Active-reset current magnitude (A, >= 0); 0 in leak mode.
    i_trim : float
        Read-disturbance compensation (A, >= 0): a constant current of -i_trim steered into the
        junction with the input, so that the reads' positive charge is cancelled over each clock.
    vdd : float
        Comparator supply and logic level (V).
    r_on, r_off : float
        Switch on and off resistances (Ohm).
    edge : float
        Rise and fall time of clock, strobe and one-shot edges (s).
    ref_offset : float
        (V, >= 0) The threshold rails sit at v_hi + ref_offset and v_lo - ref_offset; 0 for the
        behavioral flavour, the CMOS latches' trip-point correction for the CMOS one.
    kickback : bool
        The comparators draw from their inputs (a clocked latch kicks charge back when its strobe
        rises): each neuron senses its own references, behind matched resistors. True for the CMOS
        flavour (:attr:`mtjspice.circuits.comparators.Comparator.kickback`).
    v_clamp : float
        The input driver's compliance (V, >= 0; 0: no clamp, :mod:`mtjspice.netlist.clamp`).
    dac_bits : int
        0 (default): the thresholds are ideal sources (or the shared rails). 1 to 16: each
        threshold is the neuron's own resistor-string DAC (:mod:`mtjspice.netlist.dac`) of that
        many bits over the full scale ``v_read``, loaded with the code nearest to the rail's
        voltage (:attr:`dac_codes`): the thresholds the comparators see are :attr:`dac_levels`.
    dac_r_unit : float
        The DACs' unit resistor (Ohm).
    """

    comparator: str
    reset: ResetMode
    r_ref: float
    v_read: float
    v_hi: float
    v_lo: float
    clock_period: float
    read_width: float
    settle: float
    t_refractory: float
    i_reset: float
    i_trim: float
    vdd: float
    r_on: float
    r_off: float
    edge: float
    ref_offset: float
    kickback: bool = False
    v_clamp: float = 0.0
    dac_bits: int = 0
    dac_r_unit: float = 1e3

    def __post_init__(self) -> None:
        b = self.dac_bits
        if isinstance(b, bool) or not isinstance(b, int) or not 0 <= b <= 16:
            raise ParameterError("dac_bits", b, "a whole number of bits from 0 (no DAC) to 16")
        if not (isinstance(self.comparator, str) and self.comparator.isidentifier()):
            raise ParameterError("comparator", self.comparator, "a comparator's name (see mtjspice.circuits.comparators)")
        if not isinstance(self.kickback, bool):
            raise ParameterError("kickback", self.kickback, "True or False")
        if self.reset not in RESETS:
            raise ParameterError("reset", self.reset, "'leak' or 'active'")
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("comparator", "reset", "kickback", "dac_bits"):
                continue
            ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            if f.name in ("v_hi", "v_lo"):
                if not ok:
                    raise ParameterError(f.name, v, "a finite voltage (V)")
            elif f.name in ("i_reset", "i_trim", "ref_offset", "v_clamp"):
                if not (ok and v >= 0):
                    raise ParameterError(f.name, v, "a finite number >= 0 (A or V)")
            elif not (ok and v > 0):
                raise ParameterError(f.name, v, "a finite number > 0 (SI units)")
        if self.v_lo >= self.v_hi:
            raise ParameterError("v_lo", self.v_lo, f"a threshold below v_hi = {self.v_hi!r} V (they are inverted or equal)")
        if self.settle + 2 * self.edge >= self.read_width:
            raise ParameterError("settle", self.settle,
                                 f"a time < read_width = {self.read_width!r} s minus two edges of {self.edge!r} s")
        if self.t_refractory < self.edge:
            raise ParameterError("t_refractory", self.t_refractory,
                                 f"a time >= the edge {self.edge!r} s (the one-shot's ramps are part of it)")
        if self.read_width + 2 * self.edge >= self.clock_period:
            raise ParameterError("read_width", self.read_width,
                                 f"a time < clock_period = {self.clock_period!r} s minus two edges of {self.edge!r} s")

    @property
    def strobe_delay(self) -> float:
        """When the comparator strobe of the first read window starts to rise (s); one clock apart after."""
        return self.clock_period - self.read_width - self.edge + self.settle

    @property
    def v_thh_rail(self) -> float:
        """Voltage of the upper threshold rail (V): v_hi + ref_offset."""
        return self.v_hi + self.ref_offset

    @property
    def v_thl_rail(self) -> float:
        """Voltage of the lower threshold rail (V): v_lo - ref_offset."""
        return self.v_lo - self.ref_offset

    @property
    def dac_codes(self) -> tuple[int, int]:
        """The threshold DACs' codes (upper, lower): the level nearest to each rail's voltage,
        kept within 1 .. 2^bits - 1 (:func:`mtjspice.netlist.dac.dac_code`); (0, 0) without DACs."""
        if not self.dac_bits:
            return 0, 0
        top = 2**self.dac_bits - 1
        return tuple(min(max(dac_code(v, self.v_read, self.dac_bits), 1), top)  # type: ignore[return-value]
                     for v in (self.v_thh_rail, self.v_thl_rail))

    @property
    def dac_levels(self) -> tuple[float, float]:
        """The threshold inputs the comparators see (V, upper and lower rail): the DACs' levels,
        or the rails themselves without DACs."""
        if not self.dac_bits:
            return self.v_thh_rail, self.v_thl_rail
        hi, lo = self.dac_codes
        return dac_level(hi, self.v_read, self.dac_bits), dac_level(lo, self.v_read, self.dac_bits)

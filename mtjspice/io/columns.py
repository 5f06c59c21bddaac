"""The columns of every CSV file the commands write, each with its unit and what it holds.

A command writes a CSV file with ``write_csv(path, pick(TABLE, header), rows)``: the columns are
taken by name from one of the tables below, so a column without a description fails at once
(:func:`pick`) instead of reaching a reader undescribed. ``docs/reference/outputs.md`` lists the same
columns (a test holds the page to what the commands write).

Units: SI (``"s"``, ``"A"``, ``"V"``, ``"J"``, ``"Hz"``, ``"m"``, ``"Ohm"``, ``"S"``), ``"1"`` for a pure
number, ``"%"`` for a percentage, ``""`` for words. An empty cell means "not applicable"; each
description says when that happens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any

from ..errors import ParameterError
from ..results import ARRAY_PARTS, NEURON_PARTS
from .outputs import Column

__all__ = ["pick", "waveform_columns", "SPIKES", "ENERGY", "TRIALS", "FI", "RASTER", "ARRAY_ENERGY",
           "ENERGY_NEURONS", "ARRAY_NEURONS", "ARRAY_ROWS", "POWER_BY_SIZE", "POWER_FIT", "POWER_FIT_ERROR",
           "TRAJECTORY", "COMPARE", "WINDOW", "PART_DESCRIPTIONS"]

#: What each energy part holds (neuron and array runs, the power sweep).
PART_DESCRIPTIONS: dict[str, str] = {
    "crossbar": "dissipated in the crossbar's synapse resistors (G+ and G- of every cell; wires too when "
                "--r-wire > 0)",
    "drivers": "dissipated in the row drivers: their output resistance and their static bias current from the "
               "driver supply",
    "junction": "dissipated in the MTJ junction(s)",
    "readout_divider": "dissipated in the readout divider (reference resistor and read bias)",
    "comparators": "drawn by the two threshold comparators (and their threshold rails)",
    "reset_circuit": "drawn by the reset circuit (the active-reset current source; 0 with --reset leak)",
    "input_gating": "dissipated in the input gate and t2's grounding switch",
    "input_clamp": "taken by the input compliance clamp (only with --settings giving v_clamp; the current it "
                   "diverts times the driver node's voltage)",
    "threshold_dac": "drawn by the two per-neuron threshold DACs' resistor strings (only with dac_bits: their "
                     "static current from the read bias)",
}


def _table(*cols: Column) -> dict[str, Column]:
    return {c.name: c for c in cols}


def pick(table: Mapping[str, Column], names: Iterable[str]) -> list[Column]:
    """The columns ``names`` of ``table``, in that order; a name the table lacks is refused."""
    out = []
    for name in names:
        if name not in table:
            raise ParameterError("column", name, "a column described in mtjspice.io.columns (" + ", ".join(table)
                                 + ")")
        out.append(table[name])
    return out


_POLARITY = ("+1 = positive spike (the readout crossed v_hi: the membrane u went positive), -1 = negative spike "
             "(the readout fell below v_lo)")

SPIKES = _table(Column("t", "s", "time of the spike (the read window in which the comparator fired)"),
                Column("polarity", "1", f"sign of the spike: {_POLARITY}"))

ENERGY = _table(Column("part", "", "the dissipating part (" + "; ".join(f"{p}: {d}" for p, d in PART_DESCRIPTIONS.items()
                                                                     if p in (*NEURON_PARTS, "threshold_dac", "input_clamp"))
                       + "); 'total' = all energy the sources delivered"),
                Column("joules", "J", "energy over the whole run"))

TRIALS = _table(
    Column("seed", "1", "seed of the trial's thermal noise (trial k uses --seed + k)"),
    Column("spikes", "1", "spikes in the run, both signs"),
    Column("positive", "1", "positive spikes in the run"),
    Column("negative", "1", "negative spikes in the run"),
    Column("wrong_sign", "1", "spikes whose sign differs from the sign of the input current at their time"),
    Column("first_latency", "s", "time from the input's onset to the first spike; empty when the trial has no spike"),
    Column("energy", "J", "energy the sources delivered over the run"),
    Column("energy_per_spike", "J", "energy / spikes; empty when the trial has no spike"),
    Column("active_energy_per_spike", "J", "(energy - idle power x run time) / spikes; empty when the trial has "
           "no spike"),
    Column("v_junction_max", "V", "largest junction voltage of the run"))

FI = _table(
    Column("current", "A", "DC input current (both signs)"),
    Column("rate", "Hz", "rate of spikes of the input's sign over the run"),
    Column("wrong_sign_spikes", "1", "spikes of the other sign in the run"),
    Column("rate_mean", "Hz", "rate of spikes of the input's sign, mean over the trials"),
    Column("rate_std", "Hz", "sample standard deviation (1 sigma, ddof 1) of the rate over the trials; 0 for one "
           "trial"),
    Column("wrong_sign_spikes_mean", "1", "spikes of the other sign per run, mean over the trials"),
    Column("trials", "1", "trials that finished at this current: --trials, fewer when the sweep stopped early "
           "(fi_trials.csv holds each)"),
    Column("seed", "1", "seed of the trial's thermal noise (trial k at every current uses --seed + k)"),
    Column("v_junction_max", "V", "largest junction voltage of the trial's run"))

RASTER = _table(Column("neuron", "1", "neuron (column of the array), 0-based"),
                Column("t", "s", "time of the spike"),
                Column("polarity", "1", f"sign of the spike: {_POLARITY}"))

ARRAY_ENERGY = _table(
    Column("part", "", "the dissipating part, summed over the array (" + "; ".join(f"{p}: {d}" for p, d in
                                                                                 PART_DESCRIPTIONS.items())
           + "); 'total' = all energy the sources delivered"),
    Column("joules", "J", "energy over the whole run"),
    Column("share", "1", "fraction of the sum of the parts (1 for 'total')"))

ENERGY_NEURONS = _table(Column("neuron", "1", "neuron (column of the array), 0-based"),
                        *(Column(p, "J", f"{PART_DESCRIPTIONS[p]}, this neuron's, over the run") for p in NEURON_PARTS))

ARRAY_NEURONS = _table(
    Column("neuron", "1", "neuron (column of the array), 0-based"),
    Column("i_in_mean", "A", "the neuron's input current (the column mirrors' output into the neuron), "
           "time average over the run; positive drives the membrane toward positive spikes"),
    Column("i_in_peak", "A", "the neuron's input current of largest magnitude during the run (signed)"),
    Column("i_in_peak_t", "s", "time of i_in_peak"),
    Column("spikes", "1", "output spikes of the neuron, both signs"),
    Column("v_col_worst", "V", "largest |voltage| at the far end of the neuron's two columns (0: an ideal "
           "virtual ground without wire resistance, --r-wire 0)"))

ARRAY_ROWS = _table(
    Column("input", "1", "input (row of the array), 0-based"),
    Column("v_source_peak", "V", "largest |voltage| of the row's ideal source (the asked pulse amplitude when "
           "the row pulses; 0 for a row that never pulses)"),
    Column("v_row_worst", "V", "|voltage| of the row at its far end (the driver's output without --r-wire) "
           "when it falls furthest below its source; empty for a row that never pulses"),
    Column("sag", "1", "largest (|source| - |row|) / |source| while the source is at least half its peak: "
           "the fraction of the pulse lost in the driver's output resistance (and the row wire); empty for a row "
           "that never pulses"))

POWER_BY_SIZE = _table(
    Column("n", "1", "array size: n inputs x n neurons"),
    Column("source", "", "simulated = an ngspice run of the array; model = the fitted per-part model (fit.csv) "
           "at this size"),
    *(Column(p, "J", f"{PART_DESCRIPTIONS[p]}, over the run, summed over the array") for p in ARRAY_PARTS),
    Column("total", "J", "sum of the parts"),
    *(Column(f"share_{p}", "1", f"fraction of the total in {p}") for p in ARRAY_PARTS))

POWER_FIT = _table(
    Column("part", "", "the energy part (as in energy_by_size.csv)"),
    Column("term", "", "basis term of the model: M = neurons, N = inputs, NM = cells (the part's energy is the "
           "sum over its terms of coefficient x term)"),
    Column("joules_per_count", "J", "fitted coefficient: energy per neuron, input or cell over the run"))

POWER_FIT_ERROR = _table(
    Column("n", "1", "simulated array size"),
    *(Column(p, "1", f"relative error of the model's {p} energy: model / simulated - 1; empty where the "
             "simulated energy is 0") for p in ARRAY_PARTS),
    Column("total", "1", "relative error of the model's total energy: model / simulated - 1"))

TRAJECTORY = _table(Column("t", "s", "time"),
                    Column("mx", "1", "x component of the free layer's unit magnetization"),
                    Column("my", "1", "y component of the free layer's unit magnetization"),
                    Column("mz", "1", "z component of the free layer's unit magnetization"),
                    Column("R", "Ohm", "junction resistance (V / I while current flows, else R(m.p) of the "
                                       "device's TMR law)"))

COMPARE = _table(Column("t", "s", "time"),
                 Column("I", "A", "input current of the first random train (the one drawn in compare.png)"),
                 Column("u_lif", "1", "the ideal signed LIF's membrane (the first design's fit) on the same input"))

WINDOW = _table(
    Column("W", "m", "free-layer width"),
    Column("L", "m", "free-layer length"),
    Column("T", "m", "free-layer thickness"),
    Column("regime", "", "under = u never reaches --u-th during the pulse; lif = it does and relaxes below "
           "--u-relax after --t-relax; over = it does not relax"),
    Column("breakdown", "1", "1 = the junction voltage passes its breakdown voltage during the test pulse, 0 = it "
           "does not"))


def compare_columns(names: Iterable[str]) -> list[Column]:
    """compare.csv's columns: time, input, one ``u_<design>`` per design, the ideal LIF."""
    return [COMPARE[n] if n in COMPARE else Column(n, "1", f"membrane u = m.p of the design "
                                                   f"'{n.removeprefix('u_')}' (macrospin)")
            for n in names]


#: The neuron's probes (mtjspice.netlist.neuron.NeuronProbes): unit and what each vector holds.
_PROBES: dict[str, tuple[str, str]] = {
    "u": ("1", "membrane u = m_y of the MTJ (a state node: its voltage holds the dimensionless value)"),
    "t1": ("V", "junction terminal t1 (the input side)"),
    "t2": ("V", "junction terminal t2: the readout the comparators compare with v_hi and v_lo in the read "
                "windows"),
    "spk_p": ("V", "positive-spike output (high while a positive spike lasts)"),
    "spk_n": ("V", "negative-spike output (high while a negative spike lasts)"),
    "drv": ("V", "input driver node"),
    "i_input": ("A", "input driver current into the neuron"),
    "i_gate": ("A", "current into the junction through the input gate"),
    "i_ground": ("A", "current through t2's grounding switch"),
    "i_junction": ("A", "current through the junction"),
    "i_read_bias": ("A", "current of the read-bias source (the read current into the junction is minus this)"),
    "i_supply": ("A", "current of the comparators' supply rail into the neuron"),
    "i_thh": ("A", "current of the upper threshold rail"),
    "i_thl": ("A", "current of the lower threshold rail"),
    "i_reset": ("A", "active-reset current"),
}
_SIGN = " (ngspice's sign: positive from the source's + node through it)"


def waveform_columns(names: Iterable[str], probes: Any) -> list[Column]:
    """waveforms.csv's columns: ``t`` and the ngspice vectors ``names`` of a neuron run, described
    through ``probes`` (:class:`~mtjspice.netlist.neuron.NeuronProbes`)."""
    by_vector = {p.vector: f.name for f in fields(probes) if (p := getattr(probes, f.name)) is not None}
    out = [Column("t", "s", "time (the simulator's time points)")]
    for name in names:
        unit, what = _PROBES.get(by_vector.get(name, ""), ("A" if name.startswith("i(") else "V",
                                                          f"ngspice vector {name}"))
        out.append(Column(name, unit, what + (_SIGN if unit == "A" else "")))
    return out

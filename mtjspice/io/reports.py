"""The text reports written into output folders (``report.txt``) for neuron and array runs."""

from __future__ import annotations

import math

import numpy as np

from ..analysis.spikes import spike_summary, spike_widths
from ..circuits.models import MTJ_MODELS, mtj_model
from ..params import Device
from ..physics.llgs import junction_resistance
from ..physics.oersted import oersted_check
from ..results import ARRAY_PARTS, NEURON_PARTS, ArrayRun, NeuronRun

__all__ = ["input_current", "neuron_report", "array_report", "energy_per_spike", "MTJ_VALIDITY", "validity"]

#: What each shipped junction model (``--mtj``) can be trusted for: every report states its run's own
#: (:attr:`mtjspice.circuits.models.MtjModel.validity`; :func:`validity` reads any registered model's).
MTJ_VALIDITY: dict[str, str] = {name: mtj_model(name).validity for name in MTJ_MODELS}


def validity(mtj: str) -> str:
    """The validity statement of the registered junction model ``mtj``."""
    return mtj_model(mtj).validity


def input_current(res: NeuronRun) -> np.ndarray:
    """The neuron's input current (A) at its time points."""
    t = res.t
    if isinstance(res.input, (int, float)):
        return np.full(t.size, float(res.input))
    return np.array([float(np.asarray(res.input(float(x))).reshape(-1)[0]) for x in t])


def energy_per_spike(total: float, idle_power: float | None, t_stop: float, spikes: int) -> tuple[float, float]:
    """Energy per spike two ways (J): the whole run's energy / spikes, and the active energy
    (the run's energy minus ``idle_power`` x ``t_stop``) / spikes; NaN without spikes (or, for the
    second, without an idle power)."""
    if spikes <= 0:
        return math.nan, math.nan
    active = math.nan if idle_power is None else (total - idle_power * t_stop) / spikes
    return total / spikes, active


def _or(value: float, fmt: str, unit: str, absent: str) -> str:
    """A number with its unit, or in words why there is none (never ``nan``)."""
    return f"{value:{fmt}} {unit}" if math.isfinite(value) else f"none ({absent})"


def _per_spike_lines(total: float, idle_power: float | None, t_stop: float, spikes: int, idle_how: str) -> list[str]:
    whole, active = energy_per_spike(total, idle_power, t_stop, spikes)
    if spikes <= 0:
        return ["energy per spike: no spikes"]
    lines = [f"energy per spike, whole run: {whole:.5g} J = all energy delivered during the run / spikes "
             "(silences included)"]
    if idle_power is not None:
        lines += [f"energy per spike, active:    {active:.5g} J = (energy delivered - idle power x run time) / spikes",
                  f"  idle power {idle_power:.5g} W ({idle_how}); idle energy over the run "
                  f"{idle_power * t_stop:.5g} J"]
    return lines


def neuron_report(res: NeuronRun, device: Device, fi: np.ndarray | None = None,
                  idle_power: float | None = None, trials: list[str] | None = None, mtj: str = "macrospin") -> str:
    """The human summary of a neuron run (and its F-I rows, if given); ``idle_power`` (W, from
    :func:`mtjspice.circuits.neuron.idle_power`) adds the active energy per spike; ``trials``: the
    lines of :meth:`mtjspice.analysis.trials.TrialStats.lines` for runs at temperature; ``mtj`` the
    junction model (its validity statement ends the report)."""
    c, e = res.circuit, res.energy
    s = spike_summary(res.spikes, res.t, input_current(res), spike_widths(res.wave, res.probes, c.vdd))
    n = len(res.spikes)
    r0 = junction_resistance(device, 0.0)
    lines = [
        f"mtjspice neuron: device '{device.name}', {c.comparator} comparators, {c.reset} reset",
        f"simulated {res.t[-1]:.4g} s; ngspice {res.wall_ngspice:.2f} s, Python {res.wall_python:.2f} s",
        (f"MTJ at {res.temperature:g} K: Brown's thermal field from seeded samples (seed {res.seed}; the file "
         f"beside netlist.cir)" if res.temperature > 0 else "MTJ without thermal noise (a 0 K junction)"),
        "",
        "circuit (defaults derived from the device; see mtjspice.circuits.settings):",
        f"  reference resistor {c.r_ref:.5g} Ohm, read bias {c.v_read:.4g} V, "
        f"read current {c.v_read / (c.r_ref + r0) * 1e6:.4g} uA at u = 0",
        f"  thresholds v_hi {c.v_hi:.6g} V, v_lo {c.v_lo:.6g} V (u = 0 reads {c.v_read * c.r_ref / (c.r_ref + r0):.6g} V)",
        f"  read clock period {c.clock_period:.3g} s; read window {c.read_width:.3g} s at full level, "
        f"{c.read_width + c.edge:.3g} s at half height (edges {c.edge:.3g} s); strobe {c.settle:.3g} s into it",
        f"  refractory {c.t_refractory:.3g} s (the reset one-shot's width at half height); "
        f"active-reset current {c.i_reset:.4g} A; read trim {c.i_trim:.4g} A",
        "",
        f"spikes: {res.spikes.n_positive} positive, {res.spikes.n_negative} negative",
        f"  latency from input onset to first spike: {_or(s['latency'], '.4g', 's', 'no spike, or no input')}",
        f"  mean spike width: {_or(s['spike_width'], '.4g', 's', 'no spike')}; highest firing rate: "
        f"{_or(s['max_rate'], '.4g', '1/s', 'fewer than two spikes of one sign')}",
        "",
        "energy (J): dissipated per part",
    ]
    lines += [f"  {p:16s} {e[p]:.5g}" for p in (*NEURON_PARTS, *(q for q in e.parts if q not in NEURON_PARTS))]
    lines += [f"  {'sum of parts':16s} {e.parts_sum:.5g}",
              f"  {'total delivered':16s} {e.total:.5g}  (parts / total - 1 = {e.parts_sum / e.total - 1:.2e})",
              "delivered per source:"]
    lines += [f"  {k:16s} {v:.5g}" for k, v in e.sources.items()]
    lines += ["", *_per_spike_lines(e.total, idle_power, float(res.t[-1]), n,
                                    "the same circuit with no input, measured in ngspice")]
    if n:
        share = e["junction"] / e.parts_sum * 100
        lines += [f"magnetic device (junction) share of the energy {share:.1f} %, peripherals {100 - share:.1f} %"]
    if trials:
        lines += ["", f"statistics over seeded trials (seeds {res.seed} and up; this report's run is the first):"]
        lines += [f"  {line}" for line in trials]
    if fi is not None and fi.shape[1] == 4:
        lines += ["", "firing rate against DC input at temperature (A; mean and std over trials in 1/s; mean "
                  "wrong-sign spikes per run):"]
        lines += [f"  {i:+.4g}  {r:.4g}  {sd:.3g}  {w:.3g}" for i, r, sd, w in fi]
    elif fi is not None:
        lines += ["", "firing rate against DC input (A, 1/s, wrong-sign spikes):"]
        lines += [f"  {i:+.4g}  {r:.4g}  {int(w)}" for i, r, w in fi]
    lines += ["", f"validity: {validity(mtj)}"]
    peak = float(np.max(np.abs(input_current(res)))) if res.t.size else 0.0
    if peak > 0:
        lines += [f"validity: {oersted_check(device, peak).describe()}"]
    return "\n".join(lines) + "\n"


#: Neurons listed one by one in an array report (the rest are in neurons.csv).
LISTED_NEURONS = 32


def drive_lines(res: ArrayRun, i_th: float | None = None) -> list[str]:
    """The array report's drive section: each row's sag at its worst, each neuron's input current
    (mean and peak, against the onset ``i_th`` in A when given) and the columns' worst voltage."""
    lines = ["drive (rows.csv, neurons.csv): what reached the rows and the neurons"]
    pulsing = [(i, r) for i, r in enumerate(res.row_sag) if r.v_source_peak > 0]
    if pulsing:
        worst_i, worst = max(pulsing, key=lambda x: x[1].sag)
        sags = np.array([r.sag for _, r in pulsing])
        lines += [f"  rows: sources up to {max(r.v_source_peak for _, r in pulsing):.4g} V; worst row {worst_i} reached "
                  f"{worst.v_row_worst:.4g} V of {worst.v_source_peak:.4g} V at its far end (sag {100 * worst.sag:.1f} %: "
                  "the driver's output resistance and the row wire); median sag over the "
                  f"{len(pulsing)} pulsing row(s) {100 * float(np.median(sags)):.1f} %"]
    else:
        lines += ["  rows: no row pulsed during the run"]
    drive = dict(res.drive)
    v_col = max((d.v_col_worst for d in drive.values()), default=0.0)
    lines += [f"  columns: worst far-end voltage {v_col:.4g} V" + (" (ideal virtual grounds, no wire resistance)"
                                                                      if v_col == 0 else "")]
    head = "  neuron input current (A; the column mirrors' output), mean over the run and peak (signed)"
    lines += [head + (f"; the neuron's onset current is {i_th:.4g} A: a neuron whose |peak| stays below it "
                      "cannot fire" if i_th else "") + ":"]
    counts = np.bincount(res.spikes.neuron, minlength=max(drive, default=-1) + 1) if len(res.spikes) else None
    for j in sorted(drive)[:LISTED_NEURONS]:
        d = drive[j]
        n = int(counts[j]) if counts is not None and j < counts.size else 0
        low = "  below onset" if i_th and abs(d.peak) < i_th else ""
        lines.append(f"    neuron {j:4d}: mean {d.mean:+.4g}, peak {d.peak:+.4g} at {d.peak_t:.4g} s; {n} spike(s){low}")
    if len(drive) > LISTED_NEURONS:
        lines.append(f"    ... {len(drive) - LISTED_NEURONS} more in neurons.csv")
    if i_th and drive:
        below = sum(abs(d.peak) < i_th for d in drive.values())
        lines.append(f"  {below} of {len(drive)} neuron(s) never received their onset current")
    return lines


def array_report(res: ArrayRun, n_inputs: int, n_neurons: int, idle_power: float | None = None,
                 events_outside: int = 0, mtj: str = "macrospin", i_th: float | None = None) -> str:
    """The human summary of an array run; ``idle_power`` (W) adds the active energy per spike,
    ``events_outside`` states input events dropped for lying outside the run, ``mtj`` names the
    junction model (its validity statement ends the report), ``i_th`` (A) the neurons' onset
    current the drive section compares their input currents with."""
    e = res.energy
    n_pos = int(np.sum(res.spikes.polarity > 0))
    n = len(res.spikes)
    how = "one netlist" if len(res.parts) == 1 else "independent neuron groups in parallel ngspice processes"
    lines = [f"mtjspice array: {n_inputs} inputs x {n_neurons} neurons, {res.t_stop:g} s simulated",
             f"ran as {len(res.parts)} part(s) in {res.wall:.2f} s wall ({how})",
             (f"MTJs at {res.temperature:g} K: Brown's thermal field, neuron j from the seed sequence ({res.seed}, j)"
              if res.temperature > 0 else "MTJs without thermal noise (0 K junctions)"),
             f"input events {res.input_events}; output spikes {n} ({n_pos} positive, {n - n_pos} negative)"]
    if events_outside:
        lines += [f"  ({events_outside} event(s) of the spikes file at or after the end of the run were ignored)"]
    lines += ["", *drive_lines(res, i_th), "",
             "energy dissipated per part, summed over the array (J):"]
    lines += [f"  {p:16s} {e[p]:.5g}  {100 * e[p] / e.parts_sum:5.1f} %" for p in ARRAY_PARTS]
    lines += [f"  {'sum of parts':16s} {e.parts_sum:.5g}",
              f"  {'total delivered':16s} {e.total:.5g}  (parts / total - 1 = {e.parts_sum / e.total - 1:.2e})",
              *_per_spike_lines(e.total, idle_power, res.t_stop, n, "the neurons' idle power measured on one "
                                "neuron with no input, times the neurons, plus the drivers' static bias"),
              f"energy per input event: {res.energy_per_input_event:.5g} J (whole run / input events in the run)",
              "", f"validity: every junction a {validity(mtj)}; ideal column virtual grounds and current mirrors "
              "(their supply cost is not modelled)"]
    return "\n".join(lines) + "\n"

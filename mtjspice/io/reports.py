"""The text reports written into output folders (``report.txt``) for neuron and array runs."""

from __future__ import annotations

import math

import numpy as np

from ..analysis.spikes import spike_summary, spike_widths
from ..params import Device
from ..physics.llgs import junction_resistance
from ..results import ARRAY_PARTS, NEURON_PARTS, ArrayRun, NeuronRun

__all__ = ["input_current", "neuron_report", "array_report", "energy_per_spike"]


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
                  idle_power: float | None = None, trials: list[str] | None = None) -> str:
    """The human summary of a neuron run (and its F-I rows, if given); ``idle_power`` (W, from
    :func:`mtjspice.circuits.neuron.idle_power`) adds the active energy per spike; ``trials``: the
    lines of :meth:`mtjspice.analysis.trials.TrialStats.lines` for runs at temperature."""
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
        f"  latency from input onset to first spike: {s['latency']:.4g} s",
        f"  mean spike width: {s['spike_width']:.4g} s; highest firing rate: {s['max_rate']:.4g} 1/s",
        "",
        "energy (J): dissipated per part",
    ]
    lines += [f"  {p:16s} {e[p]:.5g}" for p in NEURON_PARTS]
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
    lines += ["", "validity: macrospin model of the free layer (see README: micromagnetics gives a smaller m_y "
              "above about 2 mA in the representative device)"]
    return "\n".join(lines) + "\n"


def array_report(res: ArrayRun, n_inputs: int, n_neurons: int, idle_power: float | None = None,
                 events_outside: int = 0) -> str:
    """The human summary of an array run; ``idle_power`` (W) adds the active energy per spike,
    ``events_outside`` states input events dropped for lying outside the run."""
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
    lines += ["",
             "energy dissipated per part, summed over the array (J):"]
    lines += [f"  {p:16s} {e[p]:.5g}  {100 * e[p] / e.parts_sum:5.1f} %" for p in ARRAY_PARTS]
    lines += [f"  {'sum of parts':16s} {e.parts_sum:.5g}",
              f"  {'total delivered':16s} {e.total:.5g}  (parts / total - 1 = {e.parts_sum / e.total - 1:.2e})",
              *_per_spike_lines(e.total, idle_power, res.t_stop, n, "the neurons' idle power measured on one "
                                "neuron with no input, times the neurons, plus the drivers' static bias"),
              f"energy per input event: {res.energy_per_input_event:.5g} J (whole run / input events in the run)",
              "", "validity: macrospin model of each free layer; ideal column virtual grounds and current mirrors "
              "(their supply cost is not modelled)"]
    return "\n".join(lines) + "\n"

"""Energy by part and per source from a neuron's waveforms (pure numpy on the probes it wrote)."""

from __future__ import annotations

import numpy as np

from ..netlist.circuit import Probe
from ..netlist.neuron import NeuronCircuit, NeuronProbes
from ..results import EnergyBreakdown, Waveforms

__all__ = ["integral", "neuron_energy"]


def integral(t: np.ndarray, p: np.ndarray) -> float:
    """Trapezoidal time integral of ``p`` over ``t`` (s)."""
    return float(np.sum(0.5 * (p[1:] + p[:-1]) * np.diff(t)))


def neuron_energy(wave: Waveforms, c: NeuronCircuit, probes: NeuronProbes) -> EnergyBreakdown:
    """Energy delivered by each source and dissipated in each part (J).

    Sign conventions: SPICE reports a V source's current entering its + terminal, so the power
    it delivers is -V i. Sense sources (0 V) carry the current from their + to their - node.
    Dissipation is computed element by element from node voltages and sensed currents: the
    junction as V_junction x I_junction (the magnetization-state network is not electrical and is
    excluded); the readout divider as R_ref's v^2/R plus its two switches; input gating as the
    two steering switches; the comparators as everything their supply and threshold rails deliver
    into this neuron (all of it is dissipated in the comparator, the behavioral one's supply model
    included); the reset circuit (an ideal current source) dissipates nothing itself; the threshold
    DACs (``threshold_dac``, only with ``NeuronCircuit.dac_bits``) dissipate what their full-scale
    sources deliver.
    """
    t = wave.t

    def w(probe: Probe) -> np.ndarray:
        return wave[probe.vector]

    p = probes
    v1, v2, vdrv = w(p.t1), w(p.t2), w(p.drv)
    i_src, i_gate, i_gnd = w(p.i_input), w(p.i_gate), w(p.i_ground)
    i_rd = -w(p.i_read_bias)  # the read rail's current, into the junction
    i_trim = -c.i_trim  # the trim source draws c.i_trim out of the input node (a SPICE source's sign)
    src = {
        "input": integral(t, vdrv * (i_src - i_trim)),
        "read_trim": integral(t, vdrv * i_trim),
        "read_bias": integral(t, -c.v_read * w(p.i_read_bias)),
        "comparator_supply": integral(t, -c.vdd * w(p.i_supply)),
        "thresholds": sum((integral(t, -v * w(i)) for v, i in ((c.v_thh_rail, p.i_thh), (c.v_thl_rail, p.i_thl))
                           if i is not None), 0.0),
    }
    if p.i_reset is not None:
        src["reset"] = integral(t, v1 * w(p.i_reset))
    parts = {
        "junction": integral(t, (v1 - v2) * w(p.i_junction)),
        "readout_divider": integral(t, (c.v_read - v1) * i_rd + v2 * v2 / c.r_ref + v2 * i_gnd),
        "comparators": src["comparator_supply"] + src["thresholds"],
        "reset_circuit": 0.0,
        "input_gating": integral(t, (vdrv - v1) * i_gate + vdrv * (i_src - i_gate)),
    }
    dacs = [i for i in (p.i_dac_hi, p.i_dac_lo) if i is not None]
    if dacs:  # the threshold DACs' strings: all they draw from their full-scale sources is dissipated there
        src["threshold_dac"] = parts["threshold_dac"] = sum((integral(t, -c.v_read * w(i)) for i in dacs), 0.0)
    if p.i_clamp is not None:  # the input clamp's diverted current leaves drv there, not through the dump switch
        parts["input_clamp"] = integral(t, vdrv * w(p.i_clamp))
        parts["input_gating"] -= parts["input_clamp"]
    return EnergyBreakdown(parts=parts, sources=src)

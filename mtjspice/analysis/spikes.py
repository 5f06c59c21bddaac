"""Spikes from a neuron's waveforms: detection, widths, rates and a timing summary (pure numpy)."""

from __future__ import annotations

import math

import numpy as np

from ..netlist.neuron import NeuronProbes
from ..results import SpikeTrain, Waveforms

__all__ = ["crossings", "detect_spikes", "spike_widths", "firing_rate", "spike_summary"]


def crossings(t: np.ndarray, x: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Times (s, linearly interpolated) of the rising and of the falling crossings of ``level``."""
    above = x > level
    idx = np.nonzero(above[1:] != above[:-1])[0]
    tc = t[idx] + (level - x[idx]) * (t[idx + 1] - t[idx]) / (x[idx + 1] - x[idx])
    rising = above[idx + 1]
    return tc[rising], tc[~rising]


def detect_spikes(wave: Waveforms, probes: NeuronProbes, vdd: float) -> SpikeTrain:
    """Spikes from the spike outputs: rising crossings of vdd / 2 (V) on ``spk_p`` (+1) and ``spk_n`` (-1)."""
    rows = []
    for probe, pol in ((probes.spk_p, 1), (probes.spk_n, -1)):
        up, _ = crossings(wave.t, wave[probe.vector], vdd / 2)
        rows += [(float(tt), pol) for tt in up]
    rows.sort()
    arr = np.array(rows, dtype=float).reshape(-1, 2)
    return SpikeTrain(arr[:, 0], arr[:, 1].astype(int))


def spike_widths(wave: Waveforms, probes: NeuronProbes, vdd: float) -> np.ndarray:
    """Widths (s) of the complete spike pulses on both outputs, at half the logic level vdd (V)."""
    out = []
    for probe in (probes.spk_p, probes.spk_n):
        up, down = crossings(wave.t, wave[probe.vector], vdd / 2)
        for tu in up:
            later = down[down > tu]
            if later.size:
                out.append(float(later[0] - tu))
    return np.array(out)


def firing_rate(spikes: SpikeTrain, t_start: float, t_stop: float, polarity: int) -> float:
    """Spikes of ``polarity`` per second in [t_start, t_stop] (s)."""
    sel = (spikes.polarity == polarity) & (spikes.t >= t_start) & (spikes.t <= t_stop)
    return int(np.sum(sel)) / (t_stop - t_start)


def spike_summary(spikes: SpikeTrain, t: np.ndarray, input_current: np.ndarray, widths: np.ndarray) -> dict[str, float]:
    """Counts, latency from input onset (first |I| > 1 nA) to the first spike (s), mean spike
    width (s) and the highest instantaneous rate (1/s) of either polarity."""
    on = np.nonzero(np.abs(input_current) > 1e-9)[0]
    onset = float(t[on[0]]) if on.size else math.nan
    first = float(spikes.t[0]) if len(spikes) else math.nan
    rate = math.nan
    for pol in (1, -1):
        ts = spikes.t[spikes.polarity == pol]
        if ts.size >= 2:
            r = 1.0 / float(np.min(np.diff(ts)))
            rate = r if not math.isfinite(rate) else max(rate, r)
    return {
        "n_positive": float(spikes.n_positive),
        "n_negative": float(spikes.n_negative),
        "input_onset": onset,
        "latency": first - onset if len(spikes) and on.size else math.nan,
        "spike_width": float(np.mean(widths)) if widths.size else math.nan,
        "max_rate": rate,
    }

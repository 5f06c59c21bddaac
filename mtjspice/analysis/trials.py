"""Spike statistics over seeded trials of one neuron at temperature: counts and their Fano factor,
first-spike latency, wrong-sign spikes and energy per spike, each with its spread.

A trial is one run of the same circuit and input with its own thermal-noise seed. Definitions:

* spike count: spikes of both polarities in the run; the Fano factor is its variance over its mean
  across trials (sample variance, ddof = 1): 0 for a clockwork neuron, 1 for a Poisson one;
* first-spike latency: from the input's onset (the first time the input current is nonzero) to the
  first spike of the trial (NaN when a trial has none);
* wrong-sign spike: a spike whose polarity differs from the sign of the input current at its time
  (spikes while the input is zero are not counted either way); its rate is per second of run;
* energy per spike: the trial's energy / its spikes (whole run), and (energy - idle power x run
  time) / spikes (active), as in the neuron report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..results import SpikeTrain

__all__ = ["TrialStats", "trial_table", "trial_stats", "wrong_sign", "input_onset", "TRIAL_COLUMNS", "FI_TRIAL_COLUMNS",
           "fi_summary"]

#: Columns of :func:`trial_table` (and ``trials.csv``).
TRIAL_COLUMNS = ("seed", "spikes", "positive", "negative", "wrong_sign", "first_latency", "energy",
                 "energy_per_spike", "active_energy_per_spike", "v_junction_max")


#: Columns of one F-I trial (``fi_trials.csv``): A, -, 1/s, count, V.
FI_TRIAL_COLUMNS = ("current", "seed", "rate", "wrong_sign_spikes", "v_junction_max")


def _values(current: Callable[[float], float] | float, t: np.ndarray) -> np.ndarray:
    """The input current (A) at times ``t`` (a waveform, evaluated point by point, or a constant)."""
    if not callable(current):
        return np.full(t.shape, float(current))
    return np.array([float(np.asarray(current(float(x))).reshape(-1)[0]) for x in t], dtype=float)


def input_onset(current: Callable[[float], float] | float, t_stop: float, points: int = 20001) -> float:
    """First time (s) at which the input current is nonzero, on a grid of ``points`` over the run;
    NaN if never."""
    t = np.linspace(0.0, t_stop, points)
    nz = np.flatnonzero(_values(current, t) != 0.0)
    return float(t[nz[0]]) if nz.size else math.nan


def wrong_sign(spikes: SpikeTrain, current: Callable[[float], float] | float) -> int:
    """Spikes whose polarity differs from the sign of the input current at their time."""
    signs = np.sign(_values(current, np.asarray(spikes.t, dtype=float)))
    return int(np.sum((signs != 0) & (signs != np.asarray(spikes.polarity))))


def trial_table(seeds: Sequence[int], trains: Sequence[SpikeTrain], energies: Sequence[float],
                v_max: Sequence[float], current: Callable[[float], float] | float, t_stop: float,
                idle_power: float | None = None) -> np.ndarray:
    """One row per trial (columns :data:`TRIAL_COLUMNS`; s, J, V)."""
    onset = input_onset(current, t_stop)
    rows = []
    for seed, tr, e, v in zip(seeds, trains, energies, v_max, strict=True):
        n = len(tr)
        first = float(tr.t[0]) - onset if n else math.nan
        whole = e / n if n else math.nan
        active = (e - idle_power * t_stop) / n if (n and idle_power is not None) else math.nan
        rows.append((seed, n, tr.n_positive, tr.n_negative, wrong_sign(tr, current), first, e, whole, active, v))
    return np.array(rows, dtype=float).reshape(-1, len(TRIAL_COLUMNS))


@dataclass(frozen=True)
class TrialStats:
    """Summary of a trial table: mean and sample standard deviation per quantity (NaN-aware where a
    trial has no spike), the Fano factor of the spike count, and the number of trials."""

    trials: int
    count_mean: float
    count_std: float
    fano: float
    latency_mean: float
    latency_std: float
    latency_quartiles: tuple[float, float, float]
    wrong_sign_rate: float
    energy_per_spike_mean: float
    energy_per_spike_std: float
    active_energy_per_spike_mean: float
    active_energy_per_spike_std: float

    def lines(self) -> list[str]:
        """The statistics in words (SI units); a value that does not exist (no spike in any trial, one
        trial only) is written as "n/a" with the reason, never as ``nan``."""
        q = self.latency_quartiles
        no_spike = "n/a (no trial spiked)"
        one = "n/a (one trial)" if self.trials < 2 else "n/a (fewer than two trials spiked)"

        def val(x: float, fmt: str, unit: str = "", missing: str = no_spike) -> str:
            return f"{x:{fmt}}{unit}" if math.isfinite(x) else missing

        fano = val(self.fano, ".3g", missing="n/a (no spike, or one trial)")
        return [f"trials: {self.trials}",
                f"spike count: mean {val(self.count_mean, '.4g')}, std {val(self.count_std, '.3g', missing=one)}, "
                f"Fano factor {fano} (variance / mean across trials)",
                f"first-spike latency from input onset: mean {val(self.latency_mean, '.4g', ' s')}, std "
                f"{val(self.latency_std, '.3g', ' s', one)}, quartiles "
                + (" / ".join(f"{v:.4g}" for v in q) + " s" if all(math.isfinite(v) for v in q) else no_spike),
                f"wrong-sign spikes: {self.wrong_sign_rate:.4g} per second of run (polarity against the input's sign)",
                f"energy per spike, whole run: mean {val(self.energy_per_spike_mean, '.4g', ' J')}, std "
                f"{val(self.energy_per_spike_std, '.3g', ' J', one)}",
                f"energy per spike, active: mean {val(self.active_energy_per_spike_mean, '.4g', ' J')}, std "
                f"{val(self.active_energy_per_spike_std, '.3g', ' J', one)}"]


def _mean_std(x: np.ndarray) -> tuple[float, float]:
    x = x[np.isfinite(x)]
    if x.size == 0:
        return math.nan, math.nan
    return float(np.mean(x)), float(np.std(x, ddof=1)) if x.size > 1 else math.nan


def trial_stats(table: np.ndarray, t_stop: float) -> TrialStats:
    """The statistics of a :func:`trial_table` for runs of ``t_stop`` (s)."""
    col = {c: table[:, k] for k, c in enumerate(TRIAL_COLUMNS)}
    count_mean, count_std = _mean_std(col["spikes"])
    fano = count_std**2 / count_mean if count_mean > 0 and math.isfinite(count_std) else math.nan
    lat = col["first_latency"][np.isfinite(col["first_latency"])]
    quart = tuple(float(v) for v in np.percentile(lat, [25, 50, 75])) if lat.size else (math.nan,) * 3
    e_mean, e_std = _mean_std(col["energy_per_spike"])
    a_mean, a_std = _mean_std(col["active_energy_per_spike"])
    return TrialStats(int(table.shape[0]), count_mean, count_std, fano, *_mean_std(col["first_latency"]),
                      quart, float(np.sum(col["wrong_sign"]) / (table.shape[0] * t_stop)), e_mean, e_std,  # type: ignore[arg-type]
                      a_mean, a_std)


def fi_summary(rows: Sequence[Sequence[float]], currents: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """The F-I curve of the trials that finished.

    Parameters
    ----------
    rows : sequence of (current A, seed, rate 1/s, wrong-sign spikes, peak junction voltage V)
        One row per finished trial (:data:`FI_TRIAL_COLUMNS`), in any order.
    currents : sequence of float
        Every current of the sweep (A), in the order of the curve.

    Returns
    -------
    curve : (K, 4) array
        Rows (current A, mean rate 1/s, rate standard deviation 1/s (ddof 1; 0 for one trial),
        mean wrong-sign spikes per run), one per current with at least one finished trial.
    trials : (len(currents),) int array
        Finished trials at each current (0 where none finished).
    """
    table = np.asarray(rows, dtype=float).reshape(-1, len(FI_TRIAL_COLUMNS))
    curve, counts = [], []
    for i in currents:
        sel = table[table[:, 0] == float(i)]
        counts.append(sel.shape[0])
        if sel.shape[0]:
            std = float(np.std(sel[:, 2], ddof=1)) if sel.shape[0] > 1 else 0.0
            curve.append((float(i), float(np.mean(sel[:, 2])), std, float(np.mean(sel[:, 3]))))
    return np.array(curve, dtype=float).reshape(-1, 4), np.array(counts, dtype=int)

"""The firing threshold: the smallest DC input (A) at which a device fires, from rest, under the neuron
circuit's own clocked read drive, for each sign; the circuit's threshold, beside the onset from rest.

The onset (:func:`mtjspice.characterize.onset.onset_current`) is a property of the junction under a clean DC
current. The circuit does not give it one: the read clock gates the input off during each read window
and passes the read current instead (:func:`mtjspice.characterize.twin.read_clock_current`), and the
comparators fire where u = m.p passes the thresholds at a strobe. The nominal paper's device fires only
at about 1.45 times its onset (FINDINGS.md), and some devices fire below their onset, kicked onto the
precessing branch by the gating edges. So the threshold is measured: a batch of DC inputs, each run as
the device-level Monte Carlo runs a sample (:func:`mtjspice.characterize.twin.respond`: input on for
``mc.t_on``, both signs, the same u thresholds), scanned on a grid and refined by bisection between the
highest grid input that does not fire and the lowest that does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..params import Device
from ..physics.batch import DeviceBatch
from .readtest import DeviceMC, ReadCircuit
from .twin import read_u, respond

__all__ = ["FiringThreshold", "firing_threshold", "mean_threshold"]


@dataclass(frozen=True)
class FiringThreshold:
    """The firing threshold of one device in one circuit.

    Attributes
    ----------
    positive, negative : float
        Smallest |DC input| (A) at which the device fires a spike of that sign within ``t_on`` from rest;
        inf when it does not fire up to ``i_max``.
    resolution : float
        Width of the last bracket (A): each threshold lies within it above the last input that did not fire.
    i_max : float
        Largest input tried (A).
    """

    positive: float
    negative: float
    resolution: float
    i_max: float

    @property
    def asymmetry(self) -> float:
        """(positive - negative) / mean of the two (dimensionless); nan when either does not fire."""
        if not (math.isfinite(self.positive) and math.isfinite(self.negative)):
            return math.nan
        return 2.0 * (self.positive - self.negative) / (self.positive + self.negative)


def _fires(device: Device, circuit: ReadCircuit, mc: DeviceMC, currents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each DC input (A, >= 0) fires a positive and a negative spike."""
    batch = DeviceBatch.from_device(device, n=currents.size, theta0=0.0)
    G_P = batch.G_P
    G_AP = batch.G_P / (1.0 + batch.TMR)
    h = circuit.hysteresis / 2.0
    hi = read_u(G_P, G_AP, circuit.r_ref, circuit.v_read, circuit.v_hi + h)
    lo = read_u(G_P, G_AP, circuit.r_ref, circuit.v_read, circuit.v_lo - h)
    by = respond(batch, mc, circuit, currents, [(hi, lo)])["by"][0]
    return np.asarray(by["fires_pos"], bool), np.asarray(by["fires_neg"], bool)


def _lowest(currents: np.ndarray, fires: np.ndarray) -> tuple[float, float]:
    """(highest input below the first firing one, first firing input); (inf, inf) if none fires."""
    if not fires.any():
        return math.inf, math.inf
    k = int(np.argmax(fires))
    return (float(currents[k - 1]) if k > 0 else 0.0), float(currents[k])


def firing_threshold(device: Device, circuit: ReadCircuit, mc: DeviceMC | None = None, *, i_max: float,
                     points: int = 12, rounds: int = 2) -> FiringThreshold:
    """The firing threshold of ``device`` under ``circuit``'s clocked read drive (module docstring).

    Parameters
    ----------
    device : Device
    circuit : ReadCircuit
        The circuit (read clock, thresholds, read current and trim), e.g. ``ReadCircuit.from_circuit``.
    mc : DeviceMC, optional
        The run's protocol (input duration ``t_on``, steps); default ``DeviceMC()``.
    i_max : float
        Largest DC input tried (A), > 0.
    points : int
        Inputs per round (>= 2): ``points`` on (0, i_max], then ``points`` inside each bracket.
    rounds : int
        Refinement rounds after the scan (>= 0): the resolution is i_max / points^(rounds + 1).

    Returns
    -------
    FiringThreshold
    """
    if not (isinstance(i_max, (int, float)) and math.isfinite(i_max) and i_max > 0):
        raise ParameterError("i_max", i_max, "a current > 0 (A)")
    if isinstance(points, bool) or not isinstance(points, int) or points < 2:
        raise ParameterError("points", points, "an integer >= 2")
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 0:
        raise ParameterError("rounds", rounds, "an integer >= 0")
    mc = DeviceMC(read="clocked") if mc is None else mc
    grid = i_max * np.arange(1, points + 1) / points
    fp, fn = _fires(device, circuit, mc, grid)
    brackets = [_lowest(grid, fp), _lowest(grid, fn)]
    width = i_max / points
    for _ in range(rounds):
        width /= points
        live = [i for i, (lo, hi) in enumerate(brackets) if math.isfinite(hi)]
        if not live:
            break
        grids = [brackets[i][0] + (brackets[i][1] - brackets[i][0]) * np.arange(1, points + 1) / points for i in live]
        fp, fn = _fires(device, circuit, mc, np.concatenate(grids))
        for j, i in enumerate(live):
            sl = slice(j * points, (j + 1) * points)
            lo, hi = _lowest(grids[j], (fp if i == 0 else fn)[sl])
            brackets[i] = (max(lo, brackets[i][0]), hi)
    return FiringThreshold(brackets[0][1], brackets[1][1], width, float(i_max))


def mean_threshold(f: FiringThreshold) -> float:
    """The mean of both signs' firing thresholds (A), the one number a single input gain can match;
    inf when either sign does not fire."""
    if not (math.isfinite(f.positive) and math.isfinite(f.negative)):
        return math.inf
    return 0.5 * (f.positive + f.negative)

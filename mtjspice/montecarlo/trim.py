"""Per-neuron trims that pull a sampled neuron back to the nominal one, and what they cost.

Two trims, each a calibration done once per neuron (SI units throughout):

* **Gain trim** (a per-neuron current-mirror ratio on the input): the neuron's input current is
  multiplied by ``k = i_th(sample) / i_th(nominal)``. The device then sees ``k I`` and starts
  responding at ``k I = i_th(sample)``, i.e. at the input ``I = i_th(nominal)``: the neuron's onset
  in input terms is the nominal one. (A sample with a *higher* onset needs a *larger* input, k > 1.)
  It cannot help a sample whose onset is so high that ``k I`` puts the junction above breakdown,
  and it leaves the read current (fixed, nominal) alone, so a sample whose onset is below the read
  current is still disturbed by its reads.
* **Reference trim** (a per-neuron threshold DAC on the comparators' references): the thresholds
  ``v_hi`` / ``v_lo`` recomputed as :func:`mtjspice.circuits.settings.resolve` computes them,
  ``v(u) = v_read r_ref / (r_ref + R(u))`` at u = +-u_th, but with the *sample's* zero-bias
  resistance R(u) and the nominal ``r_ref`` and ``v_read`` (:func:`reference_thresholds`). It
  cancels the spread of RA, TMR and the junction area in the read-out. Assumption: the
  calibration measures each comparator's trip point with its own offset (it trims the reference
  until the comparator flips at the target read-out level), so a reference-trimmed neuron has no
  comparator offset left; its residual error is the DAC's step (see :func:`dac_bits`).

:func:`trim_cost` says what the gain trim costs in terms the package computes: the extra input
energy (the junction's I^2 R part grows as k^2, a mirror's supply current as k) and the bits of a
binary DAC covering the spread of k at a stated resolution (its area: 2^bits - 1 unit cells).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..netlist.neuron import NeuronCircuit
from ..params import Device
from ..physics.llgs import junction_resistance

__all__ = ["TRIMS", "GAIN_RESOLUTION", "REFERENCE_RESOLUTION", "TrimCost", "gain_trim", "reference_thresholds",
           "readout_level", "readout_membrane", "dac_bits", "trim_cost"]

#: The trims a circuit Monte Carlo can apply: none, the gain trim, the reference trim, both, or the
#: reference trim through the neuron's own threshold DACs (each threshold the DAC's nearest level,
#: ``CircuitMC.dac_bits``; the device-level twin is ``DeviceMC.ref_step`` = v_read / 2^bits).
TRIMS: tuple[str, ...] = ("none", "gain", "reference", "gain+reference", "dac")
#: Step of the gain DAC (dimensionless, a fraction of the nominal ratio 1): 2 %, about the input
#: current resolution of the onset scan (7.8 uA of 0.38 mA) and of a mirror's own mismatch.
GAIN_RESOLUTION = 0.02
#: Step of the reference DAC (V): 0.5 mV, half the behavioral comparator's 1 mV hysteresis and
#: under a tenth of the read-out swing between u = 0 and u = u_th (about 7 mV on the default device).
REFERENCE_RESOLUTION = 0.5e-3


def gain_trim(onsets: np.ndarray, nominal_onset: float) -> np.ndarray:
    """Gain ratios k = onset / nominal_onset (dimensionless), nan where a sample has no finite onset
    (no gain brings it to the nominal one). ``onsets`` (n,) and ``nominal_onset`` in A."""
    if not (isinstance(nominal_onset, (int, float)) and math.isfinite(nominal_onset) and nominal_onset > 0):
        raise ParameterError("nominal_onset", nominal_onset, "a finite current > 0 (A)")
    i = np.asarray(onsets, float)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(i) & (i > 0), i / nominal_onset, np.nan)


def readout_level(device: Device, circuit: NeuronCircuit, u: float) -> float:
    """The read-out voltage (V) with ``device``'s junction at m.p = ``u`` in ``circuit``'s divider:
    v_read r_ref / (r_ref + R(u)), R the zero-bias resistance (as ``resolve``'s thresholds)."""
    return circuit.v_read * circuit.r_ref / (circuit.r_ref + junction_resistance(device, u))


def readout_membrane(device: Device, circuit: NeuronCircuit, v: float) -> float:
    """The inverse of :func:`readout_level`: the u (m.p, dimensionless) at which ``device``'s junction
    puts ``circuit``'s read-out at ``v`` (V). Outside [-1, 1] when no state of the magnet reaches
    ``v``; nan for a level the divider cannot give (v outside (0, v_read))."""
    if not 0.0 < v < circuit.v_read:
        return math.nan
    r = circuit.r_ref * (circuit.v_read / v - 1.0)
    g_p, g_ap = 1.0 / device.R_P, 1.0 / device.R_AP  # G = G_P (1 + u)/2 + G_AP (1 - u)/2, solved for u
    return float((2.0 / r - g_p - g_ap) / (g_p - g_ap))


def reference_thresholds(device: Device, circuit: NeuronCircuit, u_th: float) -> tuple[float, float]:
    """(v_hi, v_lo) in V: the read-out at u = +u_th and -u_th with ``device``'s own resistance and
    ``circuit``'s r_ref and v_read (the reference trim)."""
    return readout_level(device, circuit, u_th), readout_level(device, circuit, -u_th)


def dac_bits(values: np.ndarray, resolution: float) -> int:
    """Bits of a binary DAC whose steps of ``resolution`` cover the range of ``values`` (nan
    ignored): ceil(log2(range / resolution)), 0 when the range is within one step."""
    if not (isinstance(resolution, (int, float)) and math.isfinite(resolution) and resolution > 0):
        raise ParameterError("resolution", resolution, "a finite step > 0")
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    span = float(v.max() - v.min()) if v.size else 0.0
    return max(0, math.ceil(math.log2(span / resolution))) if span > resolution else 0


@dataclass(frozen=True)
class TrimCost:
    """What a gain trim costs, over the samples it applies to (nan ratios left out).

    Attributes
    ----------
    n : int
        Samples with a finite ratio k.
    k_min, k_max, k_std : float
        Range and standard deviation (ddof 0) of k (dimensionless).
    junction_energy : float
        Mean of k^2 - 1: the extra share of the input's I^2 R energy in the junction (0.1 = 10 %).
    mirror_energy : float
        Mean of k - 1: the extra share of a current mirror's supply current (its energy at a fixed
        supply).
    bits : int
        Bits of the gain DAC (:func:`dac_bits` of k at ``resolution``).
    unit_cells : int
        Its area in unit mirror transistors, a binary-weighted DAC: 2^bits - 1.
    resolution : float
        The DAC step used (dimensionless).
    """

    n: int
    k_min: float
    k_max: float
    k_std: float
    junction_energy: float
    mirror_energy: float
    bits: int
    unit_cells: int
    resolution: float


def trim_cost(k: np.ndarray, resolution: float = GAIN_RESOLUTION) -> TrimCost:
    """The cost (:class:`TrimCost`) of gain ratios ``k`` (n,) at a DAC step ``resolution``."""
    a = np.asarray(k, float)
    a = a[np.isfinite(a)]
    bits = dac_bits(a, resolution)
    if a.size == 0:
        return TrimCost(0, math.nan, math.nan, math.nan, math.nan, math.nan, bits, 2**bits - 1, float(resolution))
    return TrimCost(n=int(a.size), k_min=float(a.min()), k_max=float(a.max()), k_std=float(a.std()),
                    junction_energy=float(np.mean(a**2 - 1.0)), mirror_energy=float(np.mean(a - 1.0)), bits=bits,
                    unit_cells=2**bits - 1, resolution=float(resolution))

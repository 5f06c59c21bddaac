"""The Monte Carlo output files' columns, described for a reader without the source.

Every CSV column written by ``mtjspice montecarlo`` and ``mtjspice window --yield`` is a
:class:`~mtjspice.io.outputs.Column` (name, unit, description) from here, so the output folder's
``columns.csv`` describes it; docs/reference/outputs-montecarlo.md lists the same. Coded columns are
written as words (:func:`sample_words`). An empty cell means "not applicable"; each description says
when a cell is empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..io.outputs import Column
from .device import REGIMES

__all__ = ["PARAMETERS", "AXES", "ONSET_REASONS", "sample_columns", "sample_words", "circuit_columns",
           "ONSET_TABLE_COLUMNS", "DESIGN_AXES", "yield_map_columns", "FAILS_OVERLAP"]

#: Unit and meaning of each parameter that can vary (short names, as in --sigma).
PARAMETERS: dict[str, tuple[str, str]] = {
    "W": ("m", "free layer width (short in-plane axis, along p), as sampled"),
    "L": ("m", "free layer length (long in-plane axis), as sampled"),
    "T": ("m", "free layer thickness, as sampled"),
    "Ms": ("A/m", "saturation magnetisation, as sampled"),
    "alpha": ("1", "Gilbert damping, as sampled"),
    "P": ("1", "spin polarisation, as sampled"),
    "RA": ("Ohm m^2", "resistance-area product of the barrier, as sampled"),
    "TMR": ("1", "tunnel magnetoresistance ratio (R_AP - R_P) / R_P, as sampled"),
    "V_half": ("V", "bias at which the TMR halves, as sampled"),
    "Ku": ("J/m^3", "uniaxial anisotropy along the device's anisotropy axis, as sampled"),
}
#: Words for the rest axis (``easy``), indexed by the solver's axis number 0, 1, 2.
AXES = ("x", "y", "z")
#: Why a sample has no onset current (``i_th_reason``), by the code
#: :func:`~mtjspice.montecarlo.device.onset_reason` gives (0: it has one).
ONSET_REASONS = (
    "",
    "not a device: a sampled value is outside the device limits, or W > L",
    "onset below the onset table: the easy and middle axes are within 0.02 % of the anisotropy span "
    "(q below the table's smallest q), so the onset is below the smallest tabulated current and tends to 0",
    "onset above the onset table: q above the table's largest q",
    "the polariser p is not along the hard axis (the sample's hard axis moved): the onset table does not apply",
    "the sampled alpha is outside the onset table's alpha grid",
)
#: What every failure-reason fraction says, once, where they are reported.
FAILS_OVERLAP = ("the failure reasons overlap: one sample can fail for several at once, so their fractions add up "
                 "to more than the fraction that fails (1 - yield)")

_EMPTY_INVALID = " Empty for a sample that is not a device (valid = 0)."


_SAMPLE: dict[str, tuple[str, str]] = {
    "index": ("1", "sample number i; its parameters depend only on (--seed, i)"),
    "valid": ("1", "1 if the sample is a device the model accepts (every value within the device limits and W <= L), "
                   "0 if not; such a row is never usable and its other results are empty"),
    "q": ("1", "reduced anisotropy (K_mid - K_easy) / (K_hard - K_easy) from the demagnetising factors and Ku; it sets "
               "the onset." + _EMPTY_INVALID),
    "easy": ("", "rest axis of the free layer: x, y or z (the design wants z)." + _EMPTY_INVALID),
    "i_th": ("A", "onset current of the sampled device (from rest, the macrospin onset table). Empty when the onset is "
                  "not known: i_th_reason says why"),
    "i_th_reason": ("", "why i_th is empty, in words (empty when i_th is given): not a device; onset below the onset "
                        "table (easy and middle axes nearly degenerate: the onset tends to 0); above the table; polariser "
                        "not along the hard axis; alpha outside the table"),
    "i_static": ("A", "static onset: the current at which the tilted rest state disappears (above i_th)." + _EMPTY_INVALID),
    "tau_relax": ("s", "linear relaxation time at rest." + _EMPTY_INVALID),
    "delta": ("1", "thermal stability factor E_b / (k_B T) at the device temperature." + _EMPTY_INVALID),
    "u_plateau": ("1", "u = m.p averaged over the last 2 ns of the +drive pulse." + _EMPTY_INVALID),
    "u_after": ("1", "largest |u| from t_on + t_relax on (after the pulse)." + _EMPTY_INVALID),
    "tau_m": ("s", "LIF membrane time: decay time of u after the pulse, fitted between 80 % and 20 % of its value at "
                   "the pulse's end. Empty for a non-device, and where u did not respond (below 0.02 at the pulse's end) "
                   "or did not decay through 80-20 % within the run (regime over)"),
    "a2": ("1/V", "LIF gain at the drive: u_plateau / (R_m I), with a1 = 1." + _EMPTY_INVALID),
    "v_max": ("V", "largest junction voltage at +drive and at its mirror -drive." + _EMPTY_INVALID),
    "regime": ("", "response at the drive: under (u stays below u_th), lif (reaches u_th and relaxes after the "
                   "pulse), over (does not relax)." + _EMPTY_INVALID),
    "u_fire_pos": ("1", "u at which the sample's own resistance crosses the nominal circuit's upper threshold (plus its "
                        "comparator offset and half hysteresis)." + _EMPTY_INVALID),
    "u_fire_neg": ("1", "u at which the sample's resistance crosses the nominal lower threshold." + _EMPTY_INVALID),
    "fires_pos": ("1", "1 if the +drive plateau reaches u_fire_pos (a positive spike), else 0 (0 for a non-device)"),
    "fires_neg": ("1", "1 if the -drive plateau reaches u_fire_neg (a negative spike), else 0 (0 for a non-device)"),
    "wrong_sign": ("1", "1 if a drive of one sign crosses the other sign's threshold, else 0"),
    "read_safe": ("1", "1 if the nominal read current is below the sample's onset, so reads alone do not drive it "
                       "(an unknown onset counts as safe), else 0"),
    "breakdown": ("1", "1 if v_max exceeds the barrier's breakdown voltage, else 0"),
    "usable": ("1", "1 if the sample works in the nominal circuit: fires both signs, no wrong sign, relaxes, read-safe, "
                    "no breakdown; else 0. The yield is the mean of this column"),
    "usable_ref": ("1", "usable after the reference trim (thresholds from the sample's own resistance), 1 or 0"),
    "i_fire": ("A", "firing threshold of the sample, mean of both signs: the smallest DC input that fires it from rest "
                    "under the nominal circuit's clocked read, through its reference-trimmed thresholds (bisected within "
                    "1.1 % between 1/4 and 4 times the nominal device's); inf where it does not fire up to the top. Empty "
                    "for a non-device and when the gain trim matches onsets"),
    "k_trim": ("1", "gain trim: the input scaled by k = i_fire / the nominal device's firing threshold (with the "
                    "gain trim matching onsets: i_th / nominal onset, the range's top where i_th is empty), clipped to "
                    "the trim range." + _EMPTY_INVALID),
    "u_plateau_trim": ("1", "u_plateau with the gain-trimmed input." + _EMPTY_INVALID),
    "v_max_trim": ("V", "v_max with the gain-trimmed input." + _EMPTY_INVALID),
    "breakdown_trim": ("1", "breakdown with the gain-trimmed input, 1 or 0"),
    "usable_trim": ("1", "usable after gain + reference trim, 1 or 0"),
}


def sample_columns(names: Sequence[str]) -> list[Column]:
    """:class:`Column` objects for samples.csv's ``names`` (varied parameters by short name)."""
    out = []
    for name in names:
        if name in PARAMETERS:
            unit, what = PARAMETERS[name]
            out.append(Column(name, unit, what + " (a column for each parameter --sigma varies)"))
        else:
            unit, what = _SAMPLE[name]
            out.append(Column(name, unit, what))
    return out


def sample_words(cols: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The sample columns as written: ``easy`` and ``regime`` as words, ``i_th_reason`` from its code,
    booleans as 0/1 integers; empty text where not applicable."""
    out: dict[str, np.ndarray] = {}
    for name, v in cols.items():
        a = np.asarray(v)
        if name == "easy":
            out[name] = np.array([AXES[int(i)] if 0 <= i < 3 else "" for i in a], dtype=object)
        elif name == "regime":
            out[name] = np.array([REGIMES[int(i)] if 0 <= i < len(REGIMES) else "" for i in a], dtype=object)
        elif name == "i_th_reason":
            out[name] = np.array([ONSET_REASONS[int(i)] for i in a], dtype=object)
        elif a.dtype == bool:
            out[name] = a.astype(np.int64)
        else:
            out[name] = a
    return out


_NOT_RUN = "empty where the sample was not simulated (valid = 0, inverted = 1 or sim_failed = 1)"
_CIRCUIT: dict[str, tuple[str, str]] = {
    "index": ("1", "sample number i (the same sample as samples.csv's row i)"),
    "valid": ("1", "1 if the sample is a device the model accepts, else 0 (not simulated: it fails)"),
    "inverted": ("1", "1 if the comparator offsets put v_lo at or above v_hi (not simulated: it fails), else 0"),
    "sim_failed": ("1", "1 if an ngspice run of the sample failed (it fails), else 0"),
    "fires_pos": ("1", "1 if at least one positive spike under +drive, else 0 (0 where not simulated)"),
    "fires_neg": ("1", "1 if at least one negative spike under -drive, else 0 (0 where not simulated)"),
    "wrong_sign": ("1", "1 if any spike of the other sign in either run, else 0"),
    "breakdown": ("1", "1 if the junction voltage exceeded the breakdown voltage in either run, else 0"),
    "v_junction_max": ("V", f"largest junction voltage of both runs; {_NOT_RUN}"),
    "rate_pos": ("Hz", f"right-sign spikes per second under +drive; {_NOT_RUN}"),
    "rate_neg": ("Hz", f"right-sign spikes per second under -drive; {_NOT_RUN}"),
    "latency_pos": ("s", f"time of the first right-sign spike under +drive; empty when there is none, and {_NOT_RUN}"),
    "latency_neg": ("s", f"time of the first right-sign spike under -drive; empty when there is none, and {_NOT_RUN}"),
    "energy_per_spike": ("J", f"energy of both runs over their right-sign spikes; empty when there are none, and "
                              f"{_NOT_RUN}"),
    "ok": ("1", "1 if the neuron works: fires both signs, no wrong sign, no breakdown; else 0. The circuit yield is "
                "its mean"),
    "k_trim": ("1", "gain ratio applied to the input (1 without gain trim); empty where the sample has no onset (it "
                    "then runs untrimmed) and for a non-device"),
    "v_hi": ("V", "upper threshold the sample's comparators used (nominal plus offset, or from the reference trim); "
                  "empty for a non-device"),
    "v_lo": ("V", "lower threshold the sample's comparators used; empty for a non-device"),
    "device_usable": ("1", "the device level's verdict for the same sample (samples.csv's usable), 1 or 0"),
}


def circuit_columns(names: Sequence[str]) -> list[Column]:
    """:class:`Column` objects for circuit.csv (``_ref`` / ``_trim``: the same after that trim)."""
    out = []
    for name in names:
        base, tag = name, ""
        for suffix, words in (("_ref", " (after the reference trim)"), ("_trim", " (after gain + reference trim)")):
            if name.endswith(suffix) and name[:-len(suffix)] in _CIRCUIT:
                base, tag = name[:-len(suffix)], words
        unit, what = _CIRCUIT[base]
        out.append(Column(name, unit, what + tag))
    return out


ONSET_TABLE_COLUMNS = (
    Column("alpha", "1", "Gilbert damping of the table row"),
    Column("q", "1", "reduced anisotropy (K_mid - K_easy) / (K_hard - K_easy)"),
    Column("g", "1", "reduced onset: i_th = g Ms (K_hard - K_easy) / k_J for a sample with this q and alpha"),
)


#: Design parameters a yield map can sweep, with their device-file keys and units.
DESIGN_AXES: dict[str, tuple[str, str]] = {"W": ("geometry.W", "m"), "L": ("geometry.L", "m"),
                                           "T": ("geometry.T", "m"), "Ku": ("field.Ku", "J/m^3")}


def yield_map_columns(x_name: str, y_name: str, samples: int) -> list[Column]:
    """:class:`Column` objects for yield_map.csv."""
    ci = f"95 % Wilson score interval of the yield over the {samples} samples"
    return [
        Column(x_name, DESIGN_AXES[x_name][1], f"design value of {x_name} (the grid's first axis)"),
        Column(y_name, DESIGN_AXES[y_name][1], f"design value of {y_name} (the grid's second axis)"),
        Column("status", "", "design: 'feasible'; 'infeasible' (it would need a barrier below ra_min; yield counted 0); "
                             "'not a device' (W > L: every other column empty); 'no onset' (below the onset table: yield 0); "
                             "'does not fire' (not below 4 max(onset, drive / 2) in its circuit: yield 0)"),
        Column("yield", "1", f"usable fraction of the {samples} samples (0 to 1) with the design's nominal circuit; empty "
                             "for 'not a device'"),
        Column("yield_lo", "1", f"lower bound of the {ci}; empty for 'not a device'"),
        Column("yield_hi", "1", f"upper bound of the {ci}; empty for 'not a device'"),
        Column("yield_ref", "1", "usable fraction after each neuron's reference trim; empty for 'not a device'"),
        Column("yield_ref_lo", "1", f"lower bound of the reference-trim yield's {ci}"),
        Column("yield_ref_hi", "1", f"upper bound of the reference-trim yield's {ci}"),
        Column("onset", "A", "the design's own onset current; empty for 'not a device' and 'no onset'"),
        Column("drive", "A", "the design's drive (drive_ratio x its firing threshold); empty where there is no onset "
                             "or it does not fire"),
        Column("RA", "Ohm m^2", "the design's co-designed barrier; empty where infeasible (below ra_min), no onset or "
                                "it does not fire"),
        Column("firing", "A", "the design's firing threshold in its own circuit, mean of both signs (the smallest DC "
                              "input that fires it from rest under the clocked read); inf where it does not fire below "
                              "4 max(onset, drive / 2) ('does not fire': yield 0); empty where there is no onset"),
    ]

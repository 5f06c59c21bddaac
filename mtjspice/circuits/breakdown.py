"""The junction voltage against the barrier's breakdown voltage: one refusal before a run, one
warning after it.

Before a run, :func:`check_drive` (a current) or :func:`check_junction_voltage` (a voltage range)
estimates the voltage the drive puts across the junction from the device's resistance alone,
between ``|I| R_P`` (the parallel state, the lowest resistance the junction has, so the estimate
never overstates) and ``|I| R_AP``. A drive whose lower estimate passes :data:`REFUSE_FACTOR`
times the breakdown voltage is refused (:class:`~mtjspice.errors.ParameterError`) unless the
caller allows it: such a drive is almost always a unit forgotten (``dc:0.6``, 0.6 A, puts about
680 V across the default junction). The refusal ends with the caller's ``hint`` and, when the caller
has one, the way to run it anyway (``override``; None for a caller that has none, so the message never
names an option the command lacks). A drive below that runs; after the run,
:func:`warn_breakdown` warns (:class:`~mtjspice.errors.BreakdownWarning`) when the simulated peak
passes the breakdown voltage itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..errors import ParameterError
from ..limits import warn_over_breakdown
from ..netlist.neuroncircuit import NeuronCircuit
from ..params import Device

__all__ = ["REFUSE_FACTOR", "OVERRIDE", "junction_voltage_range", "check_drive", "check_test_drive", "read_peak_current",
           "check_junction_voltage", "refuse_current", "warn_breakdown", "waveform_peak", "array_peak_current"]

#: A drive is refused before the run when it puts more than this many times the breakdown voltage
#: across the junction even in its lowest-resistance (parallel) state.
REFUSE_FACTOR = 10.0


def junction_voltage_range(device: Device, current: float) -> tuple[float, float]:
    """(|I| R_P, |I| R_AP) in V: the junction voltage of a current ``current`` (A) in the parallel
    and the antiparallel state, the bounds of every state between."""
    i = abs(float(current))
    return i * device.R_P, i * device.R_AP


def refuse_current(device: Device) -> float:
    """The peak junction current (A) above which :func:`check_drive` refuses a drive:
    ``REFUSE_FACTOR * breakdown_voltage / R_P``."""
    return REFUSE_FACTOR * device.junction.breakdown_voltage / device.R_P


#: What a refusal of a current drive advises.
CURRENT_HINT = "check the unit (0.6m is 0.6 mA, 0.6 is 0.6 A)"


#: The way to run a refused drive anyway, as the library spells it (the CLI shows ``--allow-breakdown``).
OVERRIDE = "allow_breakdown"


def check_junction_voltage(device: Device, v_low: float, v_high: float, name: str, value: object,
                           allow_breakdown: bool = False, how: str = "", hint: str = CURRENT_HINT,
                           override: str | None = OVERRIDE) -> None:
    """Refuse a drive that puts ``v_low`` to ``v_high`` (V) across the junction when ``v_low`` is
    above :data:`REFUSE_FACTOR` x the breakdown voltage, unless ``allow_breakdown``.

    Raises
    ------
    ParameterError
        Naming ``name`` and ``value`` (the drive as the caller gave it), the estimate and the limit;
        ``how`` says how the estimate was made (e.g. ``"|I| = 0.6 A through R_P = 1.13 kOhm"``),
        ``hint`` what to check, and ``override`` how to run it anyway (None: not said, for a caller
        that cannot).
    """
    v_bd = device.junction.breakdown_voltage
    limit = REFUSE_FACTOR * v_bd
    if allow_breakdown or not math.isfinite(v_low) or v_low <= limit:
        return
    raise ParameterError(name, value, f"a drive that keeps the junction below {REFUSE_FACTOR:g} x its breakdown "
                         f"voltage ({limit:.3g} V; breakdown {v_bd:.3g} V): this one puts {v_low:.3g} to "
                         f"{v_high:.3g} V across it ({how}); {hint}"
                         + (f", or run it anyway with {override}" if override else ""))


def check_drive(device: Device, current: float, name: str, value: object, allow_breakdown: bool = False,
                hint: str = CURRENT_HINT, override: str | None = OVERRIDE) -> None:
    """:func:`check_junction_voltage` for a junction current of peak ``current`` (A): the voltage
    from :func:`junction_voltage_range`; the limit is ``REFUSE_FACTOR * breakdown / R_P`` (A)."""
    lo, hi = junction_voltage_range(device, current)
    check_junction_voltage(device, lo, hi, name, value, allow_breakdown,
                           f"peak |I| = {abs(current):.3g} A through R_P = {device.R_P:.4g} Ohm to R_AP = "
                           f"{device.R_AP:.4g} Ohm; at most {refuse_current(device):.3g} A "
                           "is allowed", hint, override)


def read_peak_current(device: Device, circuit: NeuronCircuit) -> float:
    """The largest current (A) a read puts through the junction: v_read / (r_ref + R_P), the divider
    with the junction at its lowest resistance (the read switch's r_on left out: an upper bound)."""
    return float(circuit.v_read / (circuit.r_ref + device.R_P))


def check_test_drive(device: Device, current: float, name: str, value: object, v_clamp: float | None = None,
                     hint: str = CURRENT_HINT) -> None:
    """Refuse a test input of peak ``current`` (A) that no design drives its junction with, for a
    command that has no way to run it anyway (Monte Carlo, yield map, verification).

    The limit is the same current with or without an input clamp: :func:`refuse_current`,
    ``REFUSE_FACTOR * breakdown / R_P``. Without a clamp (``v_clamp`` None or 0) this is
    :func:`check_drive`. Behind a clamp at ``v_clamp`` (V) the junction never sees more than
    about ``v_clamp``, so such a drive would not break it down; it is refused all the same, as a
    unit slip (0.6 for 0.6m): the clamp passes at most ``v_clamp / R_P`` (A) into the junction, so
    at least ``1 - v_clamp / (REFUSE_FACTOR * breakdown)`` of the drive (90 % for ``v_clamp`` at the
    breakdown) would flow into the clamp's rails, and the test would measure the clamp. A drive the
    clamp is meant to handle (a few times the onset; the issue's clamp test uses 10 x) lies far below.
    """
    if not v_clamp:
        check_drive(device, current, name, value, hint=hint, override=None)
        return
    limit = refuse_current(device)
    i = abs(float(current))
    if not math.isfinite(i) or i <= limit:
        return
    passed = v_clamp / device.R_P
    raise ParameterError(name, value, f"a test input up to {limit:.3g} A ({REFUSE_FACTOR:g} x the breakdown "
                         f"{device.junction.breakdown_voltage:.3g} V / R_P = {device.R_P:.4g} Ohm), clamp or not: "
                         f"the clamp (v_clamp = {v_clamp:.3g} V) would hold the junction, but it passes at most "
                         f"{passed:.3g} A into it, so {100 * (1 - passed / i):.4g} % of this {i:.3g} A would flow into "
                         f"its rails; {hint}")


def warn_breakdown(device: Device, v_max: float, where: str = "") -> None:
    """Warn :class:`BreakdownWarning` when a simulated junction voltage ``v_max`` (V) exceeds the
    device's breakdown voltage; ``where`` says where (``" in trial seed 3"``)."""
    warn_over_breakdown(v_max, device.junction.breakdown_voltage, lambda _: (
        f"junction voltage reached {v_max:.3g} V{where}, above the breakdown {device.junction.breakdown_voltage:g} V"),
        stacklevel=3)


def waveform_peak(wave: Callable[[float], object] | float, t_stop: float) -> float:
    """The largest |value| of a piecewise-linear waveform (DC, pulse, PWL) over [0, ``t_stop``]:
    its value at every breakpoint and at both ends (where such a waveform has its extremes)."""
    if not callable(wave):
        return abs(float(wave))
    points = getattr(wave, "breakpoints", None)
    times = np.concatenate(([0.0, t_stop], np.asarray(points(t_stop), dtype=float) if points else []))
    times = times[(times >= 0.0) & (times <= t_stop)]
    return float(max(np.max(np.abs(np.asarray(wave(float(t)), dtype=float))) for t in times))


def array_peak_current(weights: np.ndarray, events: np.ndarray, v_spike: float, width: float,
                       limit: float = 0.0) -> np.ndarray:
    """(M,) the largest |input current| (A) of each neuron of a crossbar with signed conductances
    ``weights`` (N, M; S) under ``events`` (rows t s, input, sign) of pulses ``v_spike`` (V) lasting
    ``width`` (s), with the rows at the drivers' full voltage (driver sag only lowers it).

    First the bound ``v_spike * sum_i |w_ij|``: when no neuron's bound passes ``limit`` (A), that
    bound is the answer. Otherwise the events are swept: at each event's start, the current of
    every pulse then on (pulses on one row add, as :func:`mtjspice.stimulus.spike_waveforms`
    makes them; a pulse counts as on for ``width`` plus its two 20 ps edges).
    """
    w = np.asarray(weights, dtype=float)
    bound = abs(v_spike) * np.sum(np.abs(w), axis=0)
    ev = np.asarray(events, dtype=float).reshape(-1, 3)
    if ev.shape[0] == 0:
        return np.zeros(w.shape[1])
    if float(np.max(bound)) <= limit:
        return bound
    order = np.argsort(ev[:, 0], kind="stable")
    t, rows, signs = ev[order, 0], ev[order, 1].astype(int), ev[order, 2]
    first = np.searchsorted(t, t - (width + 40e-12), side="right")  # events still on at each start
    peak = np.zeros(w.shape[1])
    for k in range(t.size):
        if k + 1 < t.size and t[k + 1] == t[k]:
            continue  # the last of equal start times sees them all
        on = slice(first[k], k + 1)
        peak = np.maximum(peak, np.abs(signs[on] @ w[rows[on]]) * abs(v_spike))
    return np.minimum(peak, bound)

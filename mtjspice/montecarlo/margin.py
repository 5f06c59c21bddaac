"""The margin budget: each physical effect's size against the easy-axis margin, and what turning it on
does to the device's onset and its firing threshold in the neuron circuit.

The paper's device works because its shape anisotropy nearly cancels: its easy-axis margin
Ms (Nx - Nz) is a few kA/m. :func:`margin_budget` takes a device whose effects (interface anisotropy,
field-like torque, bias-dependent TMR, Joule heating with Ms(T), sidewall taper) are set, and evaluates
the device with every effect off ("none"), with each effect alone on, and with all of them ("all"); the
Oersted field, which a macrospin cannot feel (its volume average is zero), is a row of scale only.

Each effect's scale is a field (A/m) at the working current, compared with the margin of the device
with every effect off:
* interface anisotropy: its anisotropy field 2 K_i / (mu0 Ms T);
* field-like torque: b_J = xi a_J + xi_v2 V^2 (V at the working current and zero-bias resistance);
* bias-dependent TMR: no field; its loss of TMR at the working bias, 1 - 1 / (1 + (V / V_half)^2);
* Joule heating: the steady temperature rise R_th I^2 R(u = 0) (K) and the margin it removes,
  margin (1 - Ms(T_j) / Ms(T_amb));
* taper: Ms |change of (Nx - Nz)|;
* Oersted: the peak field at the pillar's rim, I / (pi (a + b)).
Measured per row: the onset from rest of each sign (:func:`mtjspice.characterize.onset.onset_current`) and
the firing threshold of each sign under the row device's own nominal circuit
(:func:`mtjspice.montecarlo.firing.firing_threshold`); the LIF's tau_m and a2 and the yield of a seeded
device-level Monte Carlo with its Wilson interval (:mod:`mtjspice.montecarlo.budgetyield`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from ..characterize.onset import onset_current
from ..circuits.settings import NeuronSettings
from ..constants import MU0
from ..errors import BreakdownWarning, ParameterError
from ..params import Device
from ..physics.devicedemag import device_demag
from ..physics.heating import bloch_ratio
from ..physics.llgs import junction_resistance
from ..physics.oersted import easy_axis_margin, oersted_check
from ..variation import VariationSpec
from .budgetyield import BUDGET_SPREAD, budget_yield
from .firing import firing_threshold
from .testspec import NominalCircuit

__all__ = ["EFFECTS", "MarginRow", "effects_off", "with_effect", "margin_budget"]

#: The effects, each with the device keys that turn it on.
EFFECTS: dict[str, tuple[str, ...]] = {
    "interface_anisotropy": ("material.Ki_bottom", "material.Ki_top"),
    "field_like_torque": ("junction.field_like_ratio", "junction.field_like_quadratic"),
    "bias_tmr": ("junction.V_half",),
    "joule_heating": ("junction.thermal_resistance", "junction.thermal_time_constant", "material.curie_temperature"),
    "taper": ("geometry.taper",),
}
_I_MAX_START = 2e-3
_I_MAX_LIMIT = 64e-3


def _get(device: Device, key: str) -> float:
    section, leaf = key.split(".")
    return float(getattr(getattr(device, section), leaf))


def effects_off(device: Device) -> Device:
    """``device`` with every effect of :data:`EFFECTS` off."""
    keys = [k for ks in EFFECTS.values() for k in ks]
    return device.replace(**{k: 0.0 for k in keys})


def with_effect(device: Device, effect: str) -> Device:
    """``device`` with every effect off except ``effect`` (at ``device``'s value)."""
    base = effects_off(device)
    return base.replace(**{k: _get(device, k) for k in EFFECTS[effect]})


@dataclass(frozen=True)
class MarginRow:
    """One row of the budget (SI units; nan where not applicable)."""

    effect: str
    field: float  # A/m, the effect's field scale at the working current
    ratio: float  # field / margin of the device with every effect off
    temperature_rise: float  # K, steady rise at the working current (Joule heating)
    tmr_loss: float  # 1, loss of TMR at the working bias (bias-dependent TMR)
    margin: float  # A/m, easy-axis margin of the row's device
    onset_pos: float  # A
    onset_neg: float  # A
    firing_pos: float  # A
    firing_neg: float  # A
    tau_m: float = math.nan  # s, the LIF's time constant read from one clocked pulse (budgetyield)
    a2: float = math.nan  # 1/V, the LIF's gain read from the same pulse
    yield_: float = math.nan  # 1, usable fraction of the row's seeded device-level Monte Carlo
    yield_lo: float = math.nan  # 1, its 95 % Wilson interval
    yield_hi: float = math.nan


def _onset(device: Device, sign: int) -> float:
    i_max = _I_MAX_START
    while True:
        i = onset_current(device, i_max, sign=sign)
        if math.isfinite(i) or i_max >= _I_MAX_LIMIT:
            return i
        i_max *= 2


def _measure(device: Device, spec: VariationSpec, samples: int, seed: int,
             current: float) -> tuple[float, ...]:
    """(onset +, onset -, firing +, firing -, tau_m, a2, yield, yield_lo, yield_hi) of one row's device."""
    nan = math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BreakdownWarning)  # the budget reports where the onset lies, volts included
        pos, neg = _onset(device, 1), _onset(device, -1)
        i_th = min(pos, neg)
        if not math.isfinite(i_th):
            return pos, neg, math.inf, math.inf, nan, nan, nan, nan, nan
        circuit = NominalCircuit.resolved(device, NeuronSettings(i_th=i_th), i_th)
        f = firing_threshold(device, circuit, i_max=3.0 * i_th, points=12, rounds=1)
        if samples == 0:
            return pos, neg, f.positive, f.negative, nan, nan, nan, nan, nan
        y = budget_yield(device, circuit, spec, samples=samples, seed=seed, drive=current)
    return pos, neg, f.positive, f.negative, y.tau_m, y.a2, y.fraction, *y.ci95


def _scale(device: Device, effect: str, current: float, margin0: float) -> tuple[float, float, float]:
    """(field A/m, temperature rise K, TMR loss 1) of ``effect`` in ``device`` at ``current`` (A)."""
    mat, j, g = device.material, device.junction, device.geometry
    nan = math.nan
    if effect == "interface_anisotropy":
        return 2.0 * mat.Ki / (MU0 * mat.Ms * g.T), nan, nan
    if effect == "field_like_torque":
        v = current * junction_resistance(device, 0.0)  # at rest (m.p = 0 here), zero-bias resistance
        return abs(j.field_like_ratio * device.aj_per_amp * current + j.field_like_quadratic * v * v), nan, nan
    r0 = junction_resistance(device, 0.0)
    if effect == "bias_tmr":
        v = current * r0
        return nan, nan, (1.0 - 1.0 / (1.0 + (v / j.V_half) ** 2)) if j.V_half > 0 else 0.0
    if effect == "joule_heating":
        rise = j.thermal_resistance * current**2 * r0
        s = float(bloch_ratio(mat.temperature + rise, mat.temperature, mat.curie_temperature, mat.bloch_exponent))
        return margin0 * (1.0 - s), rise, nan
    if effect == "taper":
        straight = device.replace(**{"geometry.taper": 0.0})
        n1, n0 = device_demag(device), device_demag(straight)
        return mat.Ms * abs((n1[0] - n1[2]) - (n0[0] - n0[2])), nan, nan
    if effect == "oersted":
        return oersted_check(device, current).peak, nan, nan
    raise KeyError(effect)


def margin_budget(device: Device, current: float = 0.6e-3,
                  progress: Callable[[str], None] | None = None, *, samples: int = 500, seed: int = 0,
                  spread: str = BUDGET_SPREAD) -> list[MarginRow]:
    """The budget rows of ``device`` at the working current ``current`` (A): "none", each effect that
    ``device`` has on, "oersted" (scale only), "all". Runs several onset scans and clocked firing scans
    per row, and the LIF numbers and a seeded yield of ``samples`` samples of ``spread`` around the row's
    device at ``current`` (0: none; :mod:`mtjspice.montecarlo.budgetyield`): about 30 s a row on one core."""
    if isinstance(samples, bool) or not isinstance(samples, int) or not 0 <= samples <= 100_000:
        raise ParameterError("samples", samples, "an integer from 0 to 100000")
    spec = VariationSpec.parse(spread)
    none = effects_off(device)
    margin0 = easy_axis_margin(none)
    present = [e for e, keys in EFFECTS.items() if any(_get(device, k) != 0.0 for k in keys)]
    rows: list[MarginRow] = []
    nan = math.nan
    cases: list[tuple[str, Device | None]] = [("none", none)]
    cases += [(e, with_effect(device, e)) for e in present]
    cases += [("oersted", None), ("all", device)]
    for name, dev in cases:
        if progress is not None:
            progress(name)
        if dev is None:
            field = _scale(none, "oersted", current, margin0)[0]
            rows.append(MarginRow(name, field, field / margin0, nan, nan, margin0, nan, nan, nan, nan))  # LIF, yield: nan
            continue
        field, rise, loss = (nan, nan, nan) if name in ("none", "all") else _scale(dev, name, current, margin0)
        rows.append(MarginRow(name, field, field / margin0, rise, loss, easy_axis_margin(dev),
                              *_measure(dev, spec, samples, seed, current)))
    return rows

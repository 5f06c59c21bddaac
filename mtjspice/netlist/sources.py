"""Independent sources as elements, their values rendered from :mod:`mtjspice.stimulus` waveforms."""

from __future__ import annotations

import math

import numpy as np

from ..errors import NetlistError
from ..stimulus import DC, PWL, Pulse, Waveform
from . import safe
from .circuit import Element, Wave

__all__ = ["source_spec", "isource", "vsource"]


def _scalar(value: object, what: str) -> float:
    arr = np.asarray(value, dtype=float)
    if arr.ndim != 0:
        raise NetlistError(f"{what}: got an array of shape {arr.shape}; allowed: one value per source")
    return float(arr)


def source_spec(wave: Waveform | float) -> str:
    """The value part of a SPICE source line for a waveform (A or V).

    ``DC 1e-3``, ``PULSE(v1 v2 td tr tf pw per)`` or ``PWL(t1 v1 t2 v2 ...)``. A pulse needs
    rise and fall > 0 in SPICE.
    """
    if isinstance(wave, (int, float, np.floating)) and not isinstance(wave, bool):
        return f"DC {safe.num(wave, 'source value')}"
    if isinstance(wave, DC):
        return f"DC {safe.num(_scalar(wave.value, 'DC value'), 'DC value')}"
    if isinstance(wave, Pulse):
        if wave.rise <= 0 or wave.fall <= 0:
            raise NetlistError(f"pulse rise/fall: got {wave.rise!r}/{wave.fall!r}; allowed: > 0 s in a netlist")
        per = wave.period if math.isfinite(wave.period) else 1.0  # SPICE has no 'never': 1 s is beyond any run
        parts = (_scalar(wave.v1, "pulse v1"), _scalar(wave.v2, "pulse v2"), wave.delay, wave.rise, wave.fall,
                 wave.width, per)
        return "PULSE(" + " ".join(safe.num(v, "pulse parameter") for v in parts) + ")"
    if isinstance(wave, PWL):
        if wave.values.ndim != 1:
            raise NetlistError(f"PWL values: got shape {wave.values.shape}; allowed: one value per time")
        pairs = " ".join(f"{safe.num(t, 'PWL time')} {safe.num(v, 'PWL value')}"
                         for t, v in zip(wave.times, wave.values, strict=True))
        return f"PWL({pairs})"
    raise NetlistError(f"source waveform: got {type(wave).__name__}; allowed: DC, Pulse, PWL or a number")


def isource(name: str, n_plus: str, n_minus: str, wave: Waveform | float) -> Element:
    """Current source ``I<name>``: SPICE convention, current flows from n_plus through the source to n_minus (A)."""
    source_spec(wave)  # checked now, so a bad waveform fails where it is built
    return Element("I" + safe.name(name, "source name"), (n_plus, n_minus), (Wave(wave),))


def vsource(name: str, n_plus: str, n_minus: str, wave: Waveform | float) -> Element:
    """Voltage source ``V<name>`` between n_plus and n_minus (V)."""
    source_spec(wave)
    return Element("V" + safe.name(name, "source name"), (n_plus, n_minus), (Wave(wave),))

"""Parsing and checking of plain SI numbers, with SPICE-style suffixes.

Inside mtjspice every quantity is a plain float in SI units. This module turns user text
(``"2m"``, ``"5n"``, ``"1.5e-9"``, ``"-2.2mA"``) into such floats, and checks values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from .errors import ParameterError

__all__ = ["parse_si", "check_finite", "check_positive", "check_nonnegative", "SPICE_SUFFIXES"]

#: SPICE scale suffixes (case-insensitive, as in SPICE; ``meg`` before ``m``).
SPICE_SUFFIXES: dict[str, float] = {
    "t": 1e12,
    "g": 1e9,
    "meg": 1e6,
    "k": 1e3,
    "mil": 25.4e-6,
    "m": 1e-3,
    "u": 1e-6,
    "n": 1e-9,
    "p": 1e-12,
    "f": 1e-15,
}

_NUMBER = re.compile(
    r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(meg|mil|[tgkmunpf])?([a-zA-Z]*)\s*$",
    re.IGNORECASE,
)
# A trailing unit after the scale factor is allowed, as in SPICE, but only these:
_UNITS = {"", "a", "v", "s", "ohm", "ohms", "w", "j", "hz", "f", "h", "m"}


def parse_si(text: str | float | int, name: str = "value") -> float:
    """Parse a number in SI units, with an optional SPICE scale suffix.

    Parameters
    ----------
    text : str or float
        ``"2m"`` (2e-3), ``"5n"`` (5e-9), ``"1meg"`` (1e6), ``"-2.2mA"``, ``"3e-9"``, or a number.
    name : str
        The parameter's name, used in the error message.

    Returns
    -------
    float
        The value in SI units.

    Raises
    ------
    ParameterError
        If the text is not a finite number with an allowed suffix.
    """
    allowed = "a finite number in SI units, optionally with a SPICE suffix (f p n u m k meg g t)"
    if isinstance(text, bool):
        raise ParameterError(name, text, allowed)
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        match = _NUMBER.match(str(text))
        if match is None or match.group(3).lower() not in _UNITS:
            raise ParameterError(name, text, allowed)
        value = float(match.group(1))
        if match.group(2):
            value *= SPICE_SUFFIXES[match.group(2).lower()]
    if not math.isfinite(value):
        raise ParameterError(name, text, allowed)
    return value


def _check_real(name: str, value: object, unit: str, bound: str, ok: Callable[[float], bool]) -> float:
    """``value`` as a float if it is a finite real number satisfying ``ok``, else ParameterError
    naming ``name``, the value and ``a finite number{bound} ({unit})``."""
    allowed = f"a finite number{bound}{f' ({unit})' if unit else ''}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(name, value, allowed)
    v = float(value)
    if not (math.isfinite(v) and ok(v)):
        raise ParameterError(name, value, allowed)
    return v


def check_finite(name: str, value: object, unit: str = "") -> float:
    """Return ``value`` as a float if it is a finite real number, else raise."""
    return _check_real(name, value, unit, "", lambda v: True)


def check_positive(name: str, value: object, unit: str = "") -> float:
    """Return ``value`` as a float if it is finite and > 0, else raise."""
    return _check_real(name, value, unit, " > 0", lambda v: v > 0)


def check_nonnegative(name: str, value: object, unit: str = "") -> float:
    """Return ``value`` as a float if it is finite and >= 0, else raise."""
    return _check_real(name, value, unit, " >= 0", lambda v: v >= 0)

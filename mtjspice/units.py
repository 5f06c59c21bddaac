"""Parsing and checking of plain SI numbers, with SPICE-style suffixes.

Inside mtjspice every quantity is a plain float in SI units. This module turns user text
(``"2m"``, ``"5n"``, ``"1.5e-9"``, ``"-2.2mA"``) into such floats, and checks values.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Callable

from .errors import ParameterError, printable

__all__ = ["parse_si", "parse_count", "check_finite", "check_positive", "check_nonnegative", "SPICE_SUFFIXES",
           "UNIT_NAMES"]

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

#: The units a caller may name (``parse_si(..., unit=...)``), in words. Where a unit's symbol is
#: also a SPICE scale letter (K kilo, F femto, T tera, M milli: SPICE letters are case-insensitive),
#: a number ending in that letter alone is refused as ambiguous instead of read as SPICE reads it:
#: ``300K`` is 300e3 to SPICE, and almost never what a user typing a temperature means. For the same
#: reason a capital ``M`` alone (``1M``: milli to SPICE, mega to most readers) is refused everywhere.
UNIT_NAMES: dict[str, str] = {"a": "amperes", "v": "volts", "s": "seconds", "ohm": "ohms", "w": "watts",
                              "j": "joules", "hz": "hertz", "h": "henries", "k": "kelvin", "f": "farads",
                              "t": "tesla", "m": "metres", "siemens": "siemens"}
_SCALE_WORDS = {"t": "tera", "g": "giga", "meg": "mega", "k": "kilo", "mil": "mil", "m": "milli", "u": "micro",
                "n": "nano", "p": "pico", "f": "femto"}


def parse_si(text: str | float | int, name: str = "value", unit: str | None = None) -> float:
    """Parse a number in SI units, with an optional SPICE scale suffix.

    Parameters
    ----------
    text : str or float
        ``"2m"`` (2e-3), ``"5n"`` (5e-9), ``"1meg"`` (1e6), ``"-2.2mA"``, ``"3e-9"``, or a number.
    name : str
        The parameter's name, used in the error message.
    unit : str, optional
        The quantity's unit symbol (a key of :data:`UNIT_NAMES`, case-insensitive). When given, a
        unit written after the number must be this one, and a lone suffix letter that is also this
        unit's symbol (``300K`` for kelvin, ``1F`` for farads, ``2m`` for metres) is refused as
        ambiguous: SPICE reads it as a scale factor (kilo, femto, milli), the user likely meant
        the unit.

    Returns
    -------
    float
        The value in SI units.

    Raises
    ------
    ParameterError
        If the text is not a finite number with an allowed suffix.
    """
    u = unit.lower() if unit is not None else None
    if u is not None and u not in UNIT_NAMES:
        raise ValueError(f"unknown unit {unit!r}")  # a programming error, not user input
    allowed = "a finite number in SI units, optionally with a SPICE suffix (f p n u m k meg g t)"
    if u is not None:
        allowed = f"a finite number of {UNIT_NAMES[u]}, optionally with a SPICE suffix (f p n u m k meg g t)"
    if isinstance(text, bool):
        raise ParameterError(name, text, allowed)
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        match = _NUMBER.match(str(text))
        trailing = match.group(3).lower() if match is not None else ""
        if match is None or trailing not in (_UNITS if u is None else {"", u, "ohms" if u == "ohm" else u}):
            raise ParameterError(name, text, allowed)
        suffix = (match.group(2) or "").lower()
        if u is not None and suffix == u and not trailing:
            raise ParameterError(name, text, f"{UNIT_NAMES[u]} without a suffix ({match.group(1)}): SPICE reads "
                                 f"{match.group(2)!r} as {_SCALE_WORDS[suffix]} (x{SPICE_SUFFIXES[suffix]:g}), not as "
                                 f"{UNIT_NAMES[u]}")
        if match.group(2) == "M":  # SPICE: milli, whatever the case; written in capitals it is nearly always meant as mega
            raise ParameterError(name, text, f"a SPICE suffix that reads one way: SPICE reads 'M' as milli (x0.001), "
                                 f"not mega; write {match.group(1)}m for milli or {match.group(1)}meg for mega")
        value = float(match.group(1))
        if suffix:
            value *= SPICE_SUFFIXES[suffix]
    if not math.isfinite(value):
        raise ParameterError(name, text, allowed)
    return value


def parse_count(text: str | int, name: str = "value", minimum: int = 0, maximum: int | None = None) -> int:
    """Parse a count: an integer, written plainly (``2000``, ``2_000``) or as a number with a SPICE
    suffix or exponent that comes out whole (``20k``, ``1e3``, ``1.5k``); ``2.5`` or ``1.5m`` are refused.

    Raises
    ------
    ParameterError
        Naming ``name`` and the text, if it is not a whole number in [``minimum``, ``maximum``].
    """
    allowed = f"a whole number >= {minimum}" + (f" and <= {maximum}" if maximum is not None else "") + \
        " (SPICE suffixes and exponents allowed: 20k, 1e3)"
    if isinstance(text, bool):
        raise ParameterError(name, text, allowed)
    if isinstance(text, int):
        value = text
    else:
        s = str(text).strip().replace("_", "")
        match = _NUMBER.match(s)
        if match is None or match.group(3) or (match.group(2) or "").lower() == "mil":
            raise ParameterError(name, text, allowed)
        try:  # exact decimal arithmetic: 20k is 20000 exactly, 2**63 - 1 keeps every digit
            exact = decimal.Decimal(match.group(1))
            if match.group(2):
                exact *= decimal.Decimal(repr(SPICE_SUFFIXES[match.group(2).lower()]))
            if abs(exact.adjusted()) > 100:  # no 1e999999 turned into a million-digit integer
                raise ParameterError(name, text, allowed)
            if exact != exact.to_integral_value():
                shown = f"; {printable(s)} is {exact.normalize():f}" if match.group(2) or "e" in s.lower() else ""
                raise ParameterError(name, text, f"{allowed}{shown}, not whole" if shown else allowed)
            value = int(exact)
        except decimal.InvalidOperation:
            raise ParameterError(name, text, allowed) from None
    if value < minimum or (maximum is not None and value > maximum):
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

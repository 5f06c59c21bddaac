"""Reader of neuron settings files (``mtjspice neuron --settings FILE``), as ``mtjspice design`` writes
them in best/settings.toml: a ``[neuron]`` table of :class:`~mtjspice.circuits.settings.NeuronSettings`
values in SI units (numbers, or SPICE-suffixed text such as ``"0.6m"``)."""

from __future__ import annotations

import tomllib
import typing
from dataclasses import fields
from pathlib import Path
from typing import Any

from ..circuits.settings import NeuronSettings
from ..errors import InputFileError, ParameterError
from ..textio import read_text
from ..units import parse_si

__all__ = ["read_settings", "SETTINGS_KEYS"]

#: The keys a settings file may set: NeuronSettings' numeric fields.
SETTINGS_KEYS: tuple[str, ...] = tuple(
    f.name for f in fields(NeuronSettings)
    if typing.get_type_hints(NeuronSettings)[f.name] in (float, float | None, int | None))
#: Of those, the whole numbers (bits).
_INT_KEYS: tuple[str, ...] = tuple(
    f.name for f in fields(NeuronSettings) if typing.get_type_hints(NeuronSettings)[f.name] == int | None)


def read_settings(path: str | Path) -> dict[str, Any]:
    """The ``[neuron]`` table of a settings file as NeuronSettings keywords (SI floats)."""
    p = Path(path)
    text = read_text(p, "settings file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(p, f"not valid TOML: {exc}") from None
    table = data.get("neuron")
    if not isinstance(table, dict) or set(data) - {"neuron"}:
        raise InputFileError(p, "a settings file holds one [neuron] table (and nothing else)")
    out: dict[str, Any] = {}
    for key, v in table.items():
        if key not in SETTINGS_KEYS:
            raise ParameterError(f"{p}: neuron.{key}", v, "one of " + ", ".join(SETTINGS_KEYS))
        if isinstance(v, str):
            v = parse_si(v, f"{p}: neuron.{key}")
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ParameterError(f"{p}: neuron.{key}", v, "a number in SI units")
        if key in _INT_KEYS:
            if v != int(v):
                raise ParameterError(f"{p}: neuron.{key}", v, "a whole number")
            out[key] = int(v)
        else:
            out[key] = float(v)
    return out
